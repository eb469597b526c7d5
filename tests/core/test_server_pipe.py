"""The trainer writes to the app's pipe from a thread of its own: a task hands its event over and
trains on, however slowly the app reads. A moons Compare sends 22 MB of the λ = 0 twin's weights;
written by the task itself, each epoch waited for the app's busy process to read the last one."""

from __future__ import annotations

import socket
import threading
import time
from multiprocessing.connection import Connection

from wdtui.trainer.server import Server


def test_a_task_hands_its_events_over_while_nobody_reads_and_every_one_arrives_in_order():
    mine, theirs = socket.socketpair()
    server = Server(Connection(theirs.detach()), record=False)
    app = Connection(mine.detach())
    big = bytes(1_000_000)  # 20 of them: a hundred times what the socket holds

    sender = threading.Thread(target=lambda: [server._send(("event", 1, (i, big))) for i in range(20)])
    sender.start()
    sender.join(30)
    assert not sender.is_alive(), "the task waited for the app to read"

    received = [app.recv() for _ in range(20)]
    assert [m[2][0] for m in received] == list(range(20))
    assert all(m[2][1] == big for m in received)
    server._outgoing.put(None)  # the writer's stop, as the server's shutdown gives it
    app.close()


def test_once_the_app_is_gone_a_send_says_so_and_the_task_can_stop():
    mine, theirs = socket.socketpair()
    server = Server(Connection(theirs.detach()), record=False)
    mine.close()
    deadline = time.monotonic() + 30
    while server._send(("event", 1, bytes(100_000))):
        assert time.monotonic() < deadline, "sends still said yes long after the app was gone"
        time.sleep(0.01)

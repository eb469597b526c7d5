"""`python -m wdtui.trainer FD OPTIONS`: the trainer process, as the app starts it.

FD is this process's end of the app's socket pair. OPTIONS is a JSON object of `Server`'s
keyword arguments (record, tensorboard). The app's terminal is not the trainer's to write on.
So its standard output and error go to the null device. A task's errors reach the app in its
"ended" message, and a crash is seen there as the pipe closing.
"""

from __future__ import annotations

import json
import os
import sys
from multiprocessing.connection import Connection


def main(argv: list[str]) -> None:
    fd, options = int(argv[1]), json.loads(argv[2])
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, 1)
    os.dup2(null, 2)
    from .server import Server  # torch, through the core; its engines compute on one thread (core/threads.py)

    Server(Connection(fd), **options).serve()
    os._exit(0)  # daemon threads of torch or the store's writer must not hold the exit


if __name__ == "__main__":
    main(sys.argv)

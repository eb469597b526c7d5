"""`wdtui serve` without a browser: bad ports, the non-local warning, the served command, and
the app process each websocket (one per browser tab) starts and ends."""

from __future__ import annotations

import argparse
import asyncio
import os
import shlex
import signal
import socket
import sqlite3
import subprocess
import sys
import time

import aiohttp
import pytest

from serve_process import ServeProcess, free_port, session_pids, wait_for
from wdtui.commands import serve
from wdtui.commands.cli import Parser, app_options, build_parser, main, run_options
from wdtui.store.paths import database_path


@pytest.mark.parametrize("port", ["abc", "80.5", "", "0", "-1", "65536"])
def test_a_bad_port_is_one_line_and_status_2(port, capsys):
    with pytest.raises(SystemExit) as exited:
        main(["serve", "--port", port])
    assert exited.value.code == 2
    assert capsys.readouterr().err == ("wdtui serve: error: argument --port: port must be a whole "
                                       f"number from 1 to 65535, not {port!r}\n")


def test_a_port_in_use_is_one_line_and_status_2(capsys):
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        held.listen()
        port = held.getsockname()[1]
        assert main(["serve", "--port", str(port)]) == 2
    assert capsys.readouterr().err == f"wdtui: error: port {port} is in use on 127.0.0.1; pick another with --port\n"


@pytest.fixture
def no_server(monkeypatch):
    """run_server replaced by a recorder of its arguments: everything up to serving runs."""
    calls = []
    monkeypatch.setattr(serve, "run_server", lambda *args: calls.append(args))
    return calls


@pytest.mark.parametrize("host, warned", [("127.0.0.1", False), ("localhost", False), ("0.0.0.0", True)])
def test_a_non_local_host_is_warned_about(host, warned, no_server, capsys):
    port = free_port()
    assert main(["serve", "--host", host, "--port", str(port)]) == 0
    out, err = capsys.readouterr()
    assert ("anyone who can reach port" in err) is warned
    assert err.count("\n") == warned
    address = "127.0.0.1" if host == "0.0.0.0" else host
    assert f"open http://{address}:{port} in a browser" in out
    assert no_server == [(shlex.join([sys.executable, "-m", "wdtui"]), host, port)]


@pytest.mark.parametrize("bad", [["--data", "missing.csv", "--target", "y"], ["--row", "5000"]])
def test_bad_data_is_refused_once_before_serving(bad, tmp_path, monkeypatch, no_server, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["serve", *bad]) == 2
    assert capsys.readouterr().err.count("\n") == 1
    assert no_server == []


def test_the_web_server_is_imported_only_to_serve():
    """`wdtui serve --help` (and so `wdtui --help` and the app, which share the CLI module)
    never pays for aiohttp and textual-serve."""
    code = ("import sys\nfrom wdtui.commands.cli import main\ntry:\n    main(['serve', '--help'])\nexcept SystemExit:\n"
            "    print(sorted(m for m in sys.modules if m.split('.')[0] in ('aiohttp', 'textual_serve')))")
    shown = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert shown.endswith("[]\n")


def _served_args(namespace: argparse.Namespace) -> list[str]:
    """The arguments after `python -m wdtui` in the command a tab runs."""
    words = shlex.split(serve.served_command(namespace, run_options()))
    assert words[:3] == [sys.executable, "-m", "wdtui"]
    return words[3:]


def test_only_typed_options_pass_through():
    assert _served_args(build_parser().parse_args(["serve", "--port", "8123"])) == []
    # Options typed before the command count too, in their long spelling.
    args = build_parser().parse_args(["--wd", "0.01", "serve", "--host", "localhost", "--epochs", "3"])
    assert _served_args(args) == ["--epochs=3", "--weight-decay=0.01"]


def test_awkward_values_reach_the_app_unchanged(tmp_path):
    """Spaces, both quotes, `$(…)`, `;` and a leading dash survive the shell, and run nothing."""
    odd = "it's a \"lab\" $(touch pwned); `touch pwned2` & x.csv"
    typed = ["serve", "--data", odd, "--target", "-class label", "--hidden", "64,32", "--no-decay-bias"]
    args = build_parser().parse_args(typed)
    words = _served_args(args)
    assert build_parser().parse_args(["serve", *words]) == args
    # /bin/sh (what textual-serve runs the command with) sees exactly these words.
    command = serve.served_command(args, run_options())
    shown = subprocess.run(["sh", "-c", "printf '%s\\0' " + command], cwd=tmp_path,
                           capture_output=True, text=True, check=True).stdout
    assert shown.split("\0")[:-1] == [sys.executable, "-m", "wdtui", *words]
    assert list(tmp_path.iterdir()) == []


def _sample(action: argparse.Action) -> list[str]:
    """A value the option accepts, found by trying a few (so new options need no edit here)."""
    option = action.option_strings[0]
    if isinstance(action, argparse.BooleanOptionalAction):
        return [action.option_strings[1]]
    if action.choices:
        return [option, str(list(action.choices)[-1])]
    for text in ("3", "0.5", "64,32", "some file.csv"):
        try:
            action.type(text) if action.type else text
        except (argparse.ArgumentTypeError, TypeError, ValueError):
            continue
        return [option, text]
    raise AssertionError(f"no sample value for {option}")


def test_every_run_option_passes_through_exactly():
    typed = [word for action in run_options()._actions if action.option_strings for word in _sample(action)]
    args = build_parser().parse_args(["serve", *typed])
    assert build_parser().parse_args(["serve", *_served_args(args)]) == args


def test_the_apps_pace_passes_through_to_every_tab():
    options = Parser(add_help=False, parents=[run_options(), app_options()])
    for pace in ("10", "0.5", "instant"):
        args = build_parser().parse_args(["serve", "--pace", pace, "--preset", "moons"])
        words = shlex.split(serve.served_command(args, options))[3:]
        assert f"--pace={pace}" in words
        assert build_parser().parse_args(["serve", *words]) == args


async def _first_frame(ws: aiohttp.ClientWebSocketResponse, server: ServeProcess) -> None:
    """Wait for the app's first screen bytes on a tab's websocket. (One deadline for the lot:
    receive(timeout=…) restarts its clock on every heartbeat ping the server sends.)"""

    async def frame() -> None:
        while True:
            message = await ws.receive()
            assert message.type in (aiohttp.WSMsgType.BINARY, aiohttp.WSMsgType.TEXT), message
            if message.type == aiohttp.WSMsgType.BINARY and len(message.data) > 100:
                return

    try:
        await asyncio.wait_for(frame(), 20)
    except asyncio.TimeoutError:
        raise AssertionError(f"no screen from the app within 20 s:\n{server.output()}") from None


async def _until_closed(ws: aiohttp.ClientWebSocketResponse) -> aiohttp.WSMessage:
    """Read a tab's websocket as a browser does (which answers the server's closing
    handshake) until it closes; the closing message."""
    while True:
        message = await ws.receive()
        if message.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED):
            return message


async def test_each_tab_runs_its_own_app_and_closing_it_ends_it(tmp_path):
    server = ServeProcess(tmp_path, "--epochs", "2")
    try:
        async with aiohttp.ClientSession() as http:
            # The page points its websocket at the address the browser used, not at --host.
            async with http.get(server.url, headers={"Host": "lab.example:8123"}) as page:
                assert 'data-session-websocket-url="ws://lab.example:8123/ws"' in await page.text()
            first = await http.ws_connect(f"{server.url}/ws?width=100&height=30")
            await _first_frame(first, server)
            first_apps = server.apps()
            assert first_apps, "no app process for the first tab"
            second = await http.ws_connect(f"{server.url}/ws?width=100&height=30")
            await _first_frame(second, server)
            second_apps = server.apps() - first_apps
            assert second_apps, "the second tab did not get an app process of its own"

            await first.close()
            wait_for(lambda: server.apps() == second_apps, 15, "the closed tab's app to exit")

            # Ctrl+C (here to the server alone) ends the app of the tab still open.
            reading = asyncio.create_task(_until_closed(second))
            assert await asyncio.to_thread(server.interrupt, group=False) == 0
            assert server.apps() == set(), server.output()
            assert (await asyncio.wait_for(reading, 5)).type == aiohttp.WSMsgType.CLOSE
    finally:
        server.close()
    assert "Traceback" not in server.output(), server.output()


async def test_an_app_that_does_not_quit_is_killed_at_shutdown(tmp_path):
    server = ServeProcess(tmp_path, command="sleep 600")  # never reads its "quit"
    try:
        async with aiohttp.ClientSession() as http:
            async with http.ws_connect(f"{server.url}/ws") as tab:
                wait_for(server.apps, 10, "the app process")
                reading = asyncio.create_task(_until_closed(tab))
                started = time.monotonic()
                assert await asyncio.to_thread(server.interrupt, group=False) == 0
                assert time.monotonic() - started < 5  # the 1 s grace, not aiohttp's minute
                assert server.apps() == set()
                await asyncio.wait_for(reading, 5)
    finally:
        server.close()


async def test_ctrl_c_while_an_app_starts_is_quiet(tmp_path):
    """Ctrl+C reaches the server's whole process group; an app caught still starting up
    must end without a KeyboardInterrupt traceback."""
    server = ServeProcess(tmp_path)
    try:
        async with aiohttp.ClientSession() as http:
            async with http.ws_connect(f"{server.url}/ws") as tab:
                wait_for(server.apps, 10, "the app process")
                await asyncio.sleep(0.2)  # into its imports, well before its first frame
                reading = asyncio.create_task(_until_closed(tab))
                assert await asyncio.to_thread(server.interrupt, group=True) == 0
                await asyncio.wait_for(reading, 5)
        assert server.apps() == set()
    finally:
        server.close()
    assert "Traceback" not in server.output(), server.output()


class Tab:
    """A browser tab's websocket, read all the time (as a browser does, answering the server's
    heartbeat), its screen bytes kept to look for text in."""

    def __init__(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        self.ws, self.seen = ws, b""
        self.reading = asyncio.create_task(self._read())

    async def _read(self) -> None:
        async for message in self.ws:
            if message.type == aiohttp.WSMsgType.BINARY:
                self.seen += message.data

    async def press(self, key: str) -> None:
        await self.ws.send_json(["stdin", key])

    async def shows(self, text: str, server: ServeProcess, timeout: float = 60) -> None:
        """Wait until the tab has drawn `text` (escape sequences between its characters count)."""
        deadline = time.monotonic() + timeout
        while text.encode() not in self.seen:
            assert time.monotonic() < deadline, f"{text!r} not drawn within {timeout} s:\n{server.output()}"
            assert not self.reading.done(), f"the tab closed before {text!r}:\n{server.output()}"
            await asyncio.sleep(0.05)


async def test_apps_end_when_their_server_is_killed(tmp_path):
    """kill -9 of the server cannot end its apps; each notices its server gone (its input ends)
    and exits, its run kept "stopped". Before, they trained and ran on for ever, re-parented."""
    server = ServeProcess(tmp_path, "--preset", "overfit", "--epochs", "100000")
    try:
        async with aiohttp.ClientSession() as http:
            tabs = [Tab(await http.ws_connect(f"{server.url}/ws?width=100&height=30")) for _ in range(2)]
            for tab in tabs:
                await tab.press("1")  # the Pipeline, then train
                await tab.shows("Data in", server)
                await tab.press(" ")
                await tab.shows("after epoch", server)
            assert len(server.apps()) == 2, server.apps()
            os.kill(server.proc.pid, signal.SIGKILL)
            server.proc.wait()
            wait_for(lambda: not session_pids(server.proc.pid), 20, "the apps to notice their server is gone")
    finally:
        server.close()
    with sqlite3.connect(database_path()) as db:
        assert [s for (s,) in db.execute("SELECT status FROM runs")] == ["stopped", "stopped"]

"""`wdtui serve`: the same app in a browser, one app process per tab.

textual-serve runs a small web server. Each browser tab that connects starts its own
`python -m wdtui <options>`, whose screen is streamed to an xterm.js terminal in the page.
This module imports only the standard library at the top, and textual-serve inside
`run_server()`. So `wdtui --help` and the app's first frame never pay for aiohttp.
"""

from __future__ import annotations

import argparse
import errno
import ipaddress
import shlex
import socket
import sys
from typing import Any

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
# How long Ctrl+C waits for the open tabs' apps to quit before it kills them.
QUIT_GRACE_SECONDS = 10.0


def port_number(text: str) -> int:
    """argparse type for --port: a TCP port a browser can be pointed at (so not 0)."""
    try:
        port = int(text)
    except ValueError:
        port = -1
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"port must be a whole number from 1 to 65535, not {text!r}")
    return port


def add_parser(sub: Any, shared: argparse.ArgumentParser) -> None:
    """Register `wdtui serve` on the CLI's sub-command action (`shared`: the run options)."""
    serve = sub.add_parser(
        "serve", parents=[shared], help="serve the app to web browsers (one app per tab)",
        description="Serve the app to web browsers: each tab that opens the address runs its own "
                    "app with the run options given here. Ctrl+C stops the server and its apps.")
    serve.add_argument("--host", default=DEFAULT_HOST,
                       help=f"address to listen on (default {DEFAULT_HOST}: this machine only; "
                            "0.0.0.0 lets other machines connect)")
    serve.add_argument("--port", type=port_number, default=DEFAULT_PORT,
                       help=f"TCP port to listen on (default {DEFAULT_PORT})")


def passthrough(args: argparse.Namespace, options: argparse.ArgumentParser) -> list[str]:
    """The run options the user typed, as arguments that parse back to the same values.

    The options' defaults are suppressed, so only typed options are in `args`. Each becomes one
    `--name=value` token: the `=` keeps a value such as `-x` from reading as an option.
    """
    tokens = []
    for action in options._actions:
        if action.dest not in args or not action.option_strings:
            continue
        value = getattr(args, action.dest)
        if isinstance(action, argparse.BooleanOptionalAction):  # --flag / --no-flag
            tokens.append(action.option_strings[0 if value else 1])
            continue
        text = ",".join(map(str, value)) if isinstance(value, (tuple, list)) else str(value)
        tokens.append(f"{action.option_strings[0]}={text}")
    return tokens


def served_command(args: argparse.Namespace, options: argparse.ArgumentParser) -> str:
    """The shell command each tab runs; shlex.join quotes every value, whatever it holds."""
    return shlex.join([sys.executable, "-m", "wdtui", *passthrough(args, options)])


def url_of(host: str, port: int) -> str:
    """The address to open here: a wildcard host (every interface) is reached through
    loopback, and an IPv6 literal needs brackets."""
    if host in ("0.0.0.0", ""):
        host = "127.0.0.1"
    elif host == "::":
        host = "::1"
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def check_listen(host: str, port: int) -> tuple[bool, str | None]:
    """Bind every address `host` resolves to, as the server will, then let go.

    Returns (all addresses are loopback, None) or (False, a one-line reason). Binding, rather
    than connecting, also catches a port held by a process that is not accepting, and a
    privileged port. SO_REUSEADDR matches the server, so a port in TIME_WAIT is not refused.
    """
    where = f"{host}:{port}"
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as exc:
        return False, f"cannot listen on {where}: {exc.strerror}"
    loopback, bound = True, False
    for family, kind, proto, _, address in infos:
        loopback = loopback and ipaddress.ip_address(address[0].split("%")[0]).is_loopback
        with socket.socket(family, kind, proto) as sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            if family == socket.AF_INET6:
                sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
            try:
                sock.bind(address)
            except OSError as exc:
                if exc.errno == errno.EADDRNOTAVAIL:  # e.g. ::1 with IPv6 off; asyncio skips it too
                    continue
                if exc.errno == errno.EADDRINUSE:
                    return False, f"port {port} is in use on {host}; pick another with --port"
                return False, f"cannot listen on {where}: {exc.strerror or exc}"
            bound = True
    if not bound:  # every address the host names is another machine's
        return False, f"cannot listen on {where}: {host} is not an address of this machine"
    return loopback, None


def serve(args: argparse.Namespace, options: argparse.ArgumentParser) -> int:
    """Run the server until Ctrl+C (or SIGTERM); 2 when it cannot listen.

    The CLI has checked the options and the data first. So a bad CSV or --row is refused once,
    here, rather than in every tab that opens the page.
    """
    loopback, problem = check_listen(args.host, args.port)
    if problem:
        return _fail(problem)
    url = url_of(args.host, args.port)
    if not loopback:
        print(f"wdtui serve: warning: listening on {args.host}, not only on this machine: anyone "
              f"who can reach port {args.port} here can run the app", file=sys.stderr, flush=True)
    command = served_command(args, options)
    print(f"wdtui serve: open {url} in a browser (each tab runs its own app)\n"
          f"  command: {command}\n  Ctrl+C stops the server and its apps", flush=True)
    try:
        run_server(command, args.host, args.port)
    except OSError as exc:  # the port was taken between the check and the server's bind
        return _fail(f"cannot listen on {args.host}:{args.port}: {exc.strerror or exc}")
    return 0


def _fail(message: str) -> int:
    """The CLI's one-line error (cli.fail, which this module cannot import: cli imports it)."""
    print(f"wdtui: error: {message}", file=sys.stderr)
    return 2


def run_server(command: str, host: str, port: int, grace: float = QUIT_GRACE_SECONDS) -> None:
    """Serve `command`, one process per websocket (browser tab), until SIGINT or SIGTERM.

    It is textual-serve's Server, adjusted in three ways. It leaves the banner to serve(). It
    points each page at the address the browser used. On shutdown it ends the open tabs' apps
    itself: it asks each to quit, then kills any that has not within `grace` seconds. The plain
    Server would wait up to a minute per browser and leave a stuck app running.

    textual-serve runs the command with /bin/sh. `exec` makes the app the server's own child, so
    killing it kills the app. The apps start with SIGINT ignored. Ctrl+C in the server's terminal
    reaches its whole process group. An app still starting up, before Textual takes SIGINT over,
    would die of it with a KeyboardInterrupt traceback. The server's "quit" ends it cleanly instead.
    """
    import asyncio
    import weakref

    from aiohttp import web
    from textual_serve.server import Server

    class AppsLoop(asyncio.SelectorEventLoop):
        """An event loop that remembers the processes it starts (through the public
        subprocess_shell, which textual-serve's create_subprocess_shell goes through)."""

        def __init__(self) -> None:
            super().__init__()
            self.apps: weakref.WeakSet[asyncio.SubprocessTransport] = weakref.WeakSet()

        async def subprocess_shell(self, *args: Any, **kwargs: Any) -> Any:
            transport, protocol = await super().subprocess_shell(*args, **kwargs)
            self.apps.add(transport)
            return transport, protocol

    class WdtuiServer(Server):
        def __init__(self) -> None:
            super().__init__(f"trap '' INT; exec {command}", host=host, port=port, title="wdtui")
            self.sessions: set[asyncio.Task[Any]] = set()

        async def on_startup(self, app: web.Application) -> None:
            """Silent: textual-serve's logo and address would repeat what serve() printed."""

        async def handle_index(self, request: web.Request) -> web.StreamResponse:
            # textual-serve writes its public URL into the page as the websocket's address;
            # with --host 0.0.0.0 that would be ws://0.0.0.0:…, useless to other machines.
            # The page is rendered without yielding, so setting it per request is race-free.
            self.public_url = f"{request.scheme}://{request.host}"
            return await super().handle_index(request)

        async def handle_websocket(self, request: web.Request) -> web.StreamResponse:
            # One websocket = one tab = one app process; remember it so shutdown can end it.
            task = asyncio.current_task()
            assert task is not None
            self.sessions.add(task)
            try:
                return await super().handle_websocket(request)
            finally:
                self.sessions.discard(task)

        async def on_shutdown(self, app: web.Application) -> None:
            # A cancelled session sends its app "quit", waits for it to exit, then closes
            # the tab's websocket (the page then says the session ended).
            for task in self.sessions:
                task.cancel()
            if self.sessions:
                await asyncio.wait(self.sessions, timeout=grace)
            for transport in loop.apps:
                if transport.get_returncode() is None:
                    transport.kill()
            if self.sessions:  # each ends once its killed app's output closes
                await asyncio.wait(self.sessions, timeout=grace)
            # Closed now, while the loop runs. One left to the garbage collector closes its pipes
            # on a closed loop, and Python prints "Exception ignored … Event loop is closed".
            for transport in list(loop.apps):
                transport.close()
            await asyncio.sleep(0)

    loop = AppsLoop()
    asyncio.set_event_loop(loop)
    WdtuiServer().serve()

"""How the app ends, whatever ends it: SIGTERM as q ends it, and a served app whose server died.

SIGTERM (`kill`, a supervisor, a closing session) would otherwise end the process where it
stands. The terminal would be left raw (no echo, the alternate screen and mouse tracking on),
and its run never marked as ended. So from the app's Load, before the driver takes the terminal
over, SIGTERM asks the app to exit as q does. The terminal is restored, and runs still training
are kept "stopped". The app exits with the status a shell expects of it, 143.

Under `wdtui serve` a tab's app talks to the server through its stdin and stdout. A server
killed outright (kill -9) cannot end its apps. And when its input ends, Textual's web driver
only stops reading, so the app would run for ever. ServedDriver exits it then. It drops what it
writes to a server that is gone, instead of failing on the broken pipe.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import threading
from typing import TYPE_CHECKING, Callable

from textual import messages

if TYPE_CHECKING:
    from textual.app import App
    from textual.driver import Driver

TERMINATED = 128 + signal.SIGTERM  # the app's exit status after SIGTERM, as a shell reports it


def end_on_sigterm(app: App) -> Callable[[], None]:
    """From now on SIGTERM exits `app` as q does; returns what undoes that (for its unmount)."""
    if threading.current_thread() is not threading.main_thread():
        return lambda: None  # signals reach the main thread only; an app run elsewhere ends with its runner
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGTERM, app.exit, None, TERMINATED)
    return lambda: loop.remove_signal_handler(signal.SIGTERM)


def served(driver: type[Driver]) -> type[Driver]:
    """`driver`, or when it is Textual's web driver (the app is served), one that ends the app
    when the server is gone."""
    web = sys.modules.get("textual.drivers.web_driver")  # imported by Textual when it serves, only then
    if web is None or not issubclass(driver, web.WebDriver):
        return driver

    class ServedDriver(driver):  # type: ignore[valid-type, misc]
        def __init__(self, *args, **kwargs) -> None:
            super().__init__(*args, **kwargs)
            self._write = self._write_while_served

        def _write_while_served(self, data: bytes) -> None:
            try:
                os.write(self.fileno, data)
            except BrokenPipeError:  # the server is gone: its input has ended too, and the app exits
                pass

        def run_input_thread(self) -> None:
            super().run_input_thread()
            if not self.exit_event.is_set():  # the input ended, not the app: the server is gone
                self._app.post_message(messages.ExitApp())

    return ServedDriver

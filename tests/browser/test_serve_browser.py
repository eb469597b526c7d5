"""`wdtui serve` end to end in headless Chromium: the page shows the app, the keyboard drives
it, training runs, and Ctrl+C leaves no app process behind.

Chromium is Debian's (`apt-get install -y chromium`; .ci/run installs it): playwright cannot
download its own browser on these machines, so it is launched through `executable_path`.
Set WDTUI_SAVE_SCREENSHOT=path/to.png to keep the screenshot of the Train mode
(assets/serve.png, shown in docs/cli.md).
"""

from __future__ import annotations

import os
import shutil
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Callable

import pytest

from serve_process import ServeProcess, wait_for

try:
    from playwright.sync_api import Page, sync_playwright
except ImportError:
    pytest.skip("playwright is not installed (pip install -e '.[test]')", allow_module_level=True)

CHROMIUM = shutil.which("chromium")
if CHROMIUM is None:
    pytest.skip("chromium is not installed (apt-get install -y chromium)", allow_module_level=True)

# Headless, and no calls home: without the networking flags chromium keeps trying (and
# failing) to reach Google's services.
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]

# textual-serve's page keeps its xterm.js Terminal in a closure. Its wrapper object is the
# only one that sets `fitAddon`, so a setter on Object.prototype catches the wrapper (and
# with it `.terminal`) as it is built, before the page's own scripts run.
CATCH_TERMINAL = """
Object.defineProperty(Object.prototype, "fitAddon", {
  configurable: true,
  set(value) {
    window.wdtuiTerminal = this;
    Object.defineProperty(this, "fitAddon", {value, writable: true, configurable: true, enumerable: true});
  },
});
"""

# The terminal's screen as text, one line per row (from the buffer, not the canvas).
SCREEN_TEXT = """() => {
  const term = window.wdtuiTerminal && window.wdtuiTerminal.terminal;
  if (!term) return null;
  const buffer = term.buffer.active, rows = [];
  for (let y = 0; y < term.rows; y++) rows.push(buffer.getLine(buffer.viewportY + y).translateToString(true));
  return rows.join("\\n");
}"""


def screen_text(page: Page) -> str:
    text = page.evaluate(SCREEN_TEXT)
    assert text is not None, "the xterm.js Terminal was not caught: has textual-serve's page changed?"
    return text


def wait_for_screen(page: Page, shown: Callable[[str], bool], what: str, timeout: float = 20) -> str:
    """The screen text once `shown(text)` holds."""
    last = ""

    def check() -> str | None:
        nonlocal last
        last = screen_text(page)
        return last if shown(last) else None

    try:
        return wait_for(check, timeout, what)
    except AssertionError as exc:
        raise AssertionError(f"{exc}; the screen shows:\n{last}") from None


def wait_for_text(page: Page, *needles: str, timeout: float = 20) -> str:
    """The screen text once it shows every one of `needles`."""
    return wait_for_screen(page, lambda text: all(n in text for n in needles), f"{needles} on the page", timeout)


def settled_screenshot(page: Page, tries: int = 40) -> bytes:
    """A screenshot taken once two in a row agree, so differences between two of them come
    from the keys pressed, not from a frame caught half drawn."""
    previous = page.screenshot()
    for _ in range(tries):
        time.sleep(0.1)
        shot = page.screenshot()
        if shot == previous:
            return shot
        previous = shot
    raise AssertionError("the page never stopped changing")


# The run the page trains: the overfit preset, whose chart is the picture in docs/cli.md.
OPTIONS = ("--preset", "overfit")


def last_epoch_cells() -> list[str]:
    """The final epoch-table row's numbers as the app formats them, from the core itself."""
    from wdtui.commands.cli import build_parser, config_from
    from wdtui.core.records import EpochRecord
    from wdtui.core.engine import train

    config = config_from(build_parser().parse_args(list(OPTIONS)))
    last = [r for r in train(config) if isinstance(r, EpochRecord)][-1]
    return [str(last.epoch), f"{last.train_loss:.4f}", f"{last.train_acc:.1%}", f"{last.val_loss:.4f}",
            f"{last.val_acc:.1%}"]


def test_the_app_in_a_browser(tmp_path):
    # Computed while the browser and the app start, which mostly wait.
    last_row = ThreadPoolExecutor(1).submit(last_epoch_cells)
    server = ServeProcess(tmp_path, *OPTIONS)
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            page.add_init_script(CATCH_TERMINAL)
            page.goto(server.url)
            page.wait_for_selector("body.-first-byte", timeout=30_000)
            assert len(server.apps()) == 1, "the tab has no app process of its own"

            wait_for_text(page, "Modes", "Pipeline", "Train")  # the welcome
            welcome = settled_screenshot(page)
            page.click("#terminal", position={"x": 640, "y": 400})  # focus the terminal

            page.keyboard.press("1")
            wait_for_text(page, "1 Data in", "6 Prediction")
            pipeline = settled_screenshot(page)
            assert pipeline != welcome

            page.keyboard.press("2")
            wait_for_text(page, "Loss per epoch", "Val loss", "epoch 0 of 40")
            untrained = settled_screenshot(page)
            assert untrained not in (welcome, pipeline)

            page.keyboard.press("Space")
            # The epoch table ends with the numbers the core computes for the same options.
            cells = last_row.result()
            wait_for_screen(page, lambda text: "epoch 40 of 40" in text and any(
                line.split()[:5] == cells for line in text.splitlines()), f"the last epoch {cells}", 40)
            trained = settled_screenshot(page)
            assert trained != untrained
            if path := os.environ.get("WDTUI_SAVE_SCREENSHOT"):
                with open(path, "wb") as png:
                    png.write(trained)

            # Ctrl+C in the server's terminal reaches its whole process group: server and apps.
            assert server.interrupt(group=True) == 0
            page.wait_for_selector("body.-closed", timeout=5_000)  # the page says the session ended
            browser.close()
        assert server.apps() == set(), f"app processes left behind:\n{server.output()}"
    finally:
        server.close()
    assert "Traceback" not in server.output(), server.output()

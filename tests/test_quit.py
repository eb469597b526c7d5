"""Quitting mid-training (`q`, `ctrl+c`) exits in under a second and leaves nothing behind.

The app runs as a user runs it: `python -m wdtui` in a pseudo-terminal. Wall time here is
the behaviour under test (the issue's bound), with a wide margin left to the machine.
"""

from __future__ import annotations

import os
import time

import pytest

from terminal import Terminal


@pytest.mark.parametrize("key", ["q", "\x03"], ids=["q", "ctrl+c"])
def test_quitting_mid_training_is_quick_and_leaves_no_process(key):
    term = Terminal("--preset", "overfit", "--epochs", "100000")
    try:
        term.wait_for("Modes")
        term.press("1")  # the Pipeline of this run (enter would start the lesson, which sets up its own)
        term.wait_for("Data in")
        term.press(" ")
        term.wait_for("after epoch")  # the Metrics card: training is running
        start = time.monotonic()
        term.press(key)
        while term.process.poll() is None and time.monotonic() - start < 10:
            term.read(0.01)
        took = time.monotonic() - start
        assert term.process.returncode == 0
        assert took < 1.0, f"quit took {took:.2f} s"
        with pytest.raises(ProcessLookupError):
            os.killpg(term.process.pid, 0)  # nothing is left in the app's process group
    finally:
        term.close()

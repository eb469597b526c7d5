"""Peak memory of `wdtui trace` against `python -c "import torch"` alone (issue: ≤ 1.5×).

Memory, unlike time, does not depend on what else the shared machine is doing, so this
is a test; each command runs in a fresh interpreter that reports its own peak RSS.
"""

from __future__ import annotations

import subprocess
import sys

REPORT = "import resource, sys; print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)"


def peak_kib(code: str) -> int:
    result = subprocess.run([sys.executable, "-c", f"{code}\n{REPORT}"], capture_output=True, text=True, check=True)
    return int(result.stderr.strip().splitlines()[-1])


def test_trace_peak_memory_is_within_1_5x_of_importing_torch():
    torch_alone = peak_kib("import torch")
    trace = peak_kib("from wdtui.commands.cli import main\nassert main(['trace']) == 0")
    assert trace <= 1.5 * torch_alone, f"trace {trace} KiB vs import torch {torch_alone} KiB"

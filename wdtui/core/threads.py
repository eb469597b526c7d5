"""One torch thread for every training path: the same config gives the same floats on any number of cores.

A matrix product or a sum split over several threads adds its terms in another order. So its
last bits depend on how many threads torch uses, by default one per core. One step never shows
it. But where training is chaotic (λ = 0 for hundreds of epochs), those bits grow until two runs
of one config end visibly apart. The moons preset at λ = 0, seed 0, ended at validation loss
0.700 on two threads and 1.121 on one. So the run engine and the sweep call `one_thread()`
before they build anything. Every entry point trains through one of them: the app, `wdtui
trace`, `wdtui sweep`, the Compare twins, a lesson's run. The Code mode's script sets it too.
The networks are tiny, so one thread costs nothing here. In the app, more threads spinning on
the cores the UI needs made training 4× slower (benchmarks/bench_app.py).
"""

from __future__ import annotations

import torch


def one_thread() -> None:
    """Make torch compute on one intra-op thread in this process (a no-op when it already does).

    The setting is the process's: the trainer's runs, twins and sweeps all share it."""
    if torch.get_num_threads() != 1:
        torch.set_num_threads(1)

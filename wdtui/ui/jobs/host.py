"""The app's side of the jobs: starting their workers, and applying what they post.

`JobHost` is mixed into the App (Textual finds message handlers on the App's classes): each
`on_…` handler applies one worker message to its job's state on the UI thread, if the job's
latest worker posted it, and bumps `run_version` so the screens redraw.
"""

from __future__ import annotations

from functools import partial, wraps
from typing import TYPE_CHECKING, Any, Callable

from textual.worker import Worker, WorkerState, get_current_worker

from ...core.config import RunConfig
from ..messages import (BoundaryTaken, ConfigApplied, EpochDone, JobMessage, RecordingTrouble, RunDiverged,
                        RunsChanged, RunsListed, RunsLoaded, RunStopped, SetupReady, StepDone, SweepBoundaries,
                        SweepDone, SweepProgressed, TwinRecord, ViewTaken)
from ..session import RunState
from .run import train_run
from .runs import delete_runs, export_runs, list_runs, load_runs
from .sweep import SweepState, train_sweep
from .twins import TwinsState, train_twins

if TYPE_CHECKING:
    from ..app import WdtuiApp

# How a worker that ended without its last message says so, per job.
ENDED = {WorkerState.CANCELLED: RunState.STOPPED, WorkerState.ERROR: RunState.FAILED}
JOBS = {"run": train_run, "twins": train_twins, "sweep": train_sweep, "runs-list": list_runs,
        "runs-load": load_runs, "runs-delete": delete_runs, "runs-export": export_runs}
FAILED_TITLES = {"run": "Cannot build the run", "twins": "Cannot build the twins", "sweep": "The sweep cannot run",
                 "runs-list": "Cannot list the runs", "runs-load": "Cannot load the runs",
                 "runs-delete": "Cannot delete the runs", "runs-export": "Cannot export the runs"}


def in_worker(job: Callable[..., None], *args: Any) -> None:
    """Run a job's function on its worker thread, with that worker's cancel event as its stop."""
    job(*args, get_current_worker().cancelled_event)


def job_message(number: Callable[["WdtuiApp"], int | None]) -> Callable:
    """Apply a worker message only if the latest worker of its job posted it (`number` reads
    that job's number off the app), then bump run_version so the screens redraw."""

    def decorate(handler: Callable[["WdtuiApp", Any], None]) -> Callable[["WdtuiApp", Any], None]:
        @wraps(handler)
        def apply(self: "WdtuiApp", message: JobMessage) -> None:
            if message.job == number(self):
                handler(self, message)
                self.run_version += 1

        return apply

    return decorate


def _run(app: "WdtuiApp") -> int:
    return app.run_id


def _twins(app: "WdtuiApp") -> int | None:
    return app.twins.number if app.twins is not None else None


def _sweep(app: "WdtuiApp") -> int | None:
    return app.sweep.number if app.sweep is not None else None


def _listing(app: "WdtuiApp") -> int:
    return app.runs.asked


class JobHost:
    """Starts the jobs and keeps their states: `session` (the run), `twins`, `sweep`."""

    def _start(self, job: str, *args: Any) -> None:
        """Start a job's worker; one of the same job still running is cancelled first."""
        self.workers_of[job] = self.run_worker(partial(in_worker, JOBS[job], self.post_message, *args),
                                               thread=True, exclusive=True, group=job, exit_on_error=False)
        self.run_version += 1

    def start_twins(self, config: RunConfig) -> None:
        """Train λ = 0 and `config`'s λ side by side; twins still training are dropped."""
        if self.predict_first():
            return
        number = self.twins.number + 1 if self.twins is not None else 1
        self.twins = TwinsState(number, config, self.run_id)
        self._start("twins", number, config, self.plane, self.recording)

    def start_sweep(self, config: RunConfig, grid: tuple[float, ...]) -> None:
        if self.predict_first():
            return
        number = self.sweep.number + 1 if self.sweep is not None else 1
        self.sweep = SweepState(number, config, grid)
        self._start("sweep", number, config, grid, self.plane, self.recording)

    def list_runs(self) -> None:
        """Read the stored runs again, off the UI thread; an older listing still on its way
        (slow on a loaded machine, and perhaps from before this app's latest run was kept) is
        dropped when it comes."""
        self.runs.asked += 1
        self.start_runs_job("runs-list", self.runs.asked)

    def start_runs_job(self, job: str, *args: Any) -> None:
        """A runs job (list, load, delete, export) on the app's one store, off the UI thread."""
        self._start(job, self.recording, *args)

    def stop_sweep(self) -> None:
        worker = self.workers_of.get("sweep")
        if worker is not None:
            worker.cancel()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A job's worker ended: the twins finished or stopped, a sweep was stopped, or a job
        could not be built (say, too few rows for the split) or a runs job failed, which it says."""
        job = next((name for name, w in self.workers_of.items() if w is event.worker), None)
        state = RunState.FINISHED if event.state == WorkerState.SUCCESS else ENDED.get(event.state)
        if job is None or state is None:
            return
        error = str(event.worker.error) if state == RunState.FAILED else None
        if job == "run" and error is not None:
            self.session.state, self.session.error = state, error
        elif job == "twins" and self.twins is not None and self.twins.state == RunState.TRAINING:
            self.twins.end(state, error)
        elif job == "sweep" and self.sweep is not None:
            self.sweep.end(state, error)
        elif job.startswith("runs-") and error is not None:
            self.runs.loading.clear()  # a failed load brings nothing: the chart stops waiting
        else:
            return
        if error is not None:
            self.notify(error, title=FAILED_TITLES[job], severity="error", markup=False)
        self.run_version += 1

    @job_message(_run)
    def on_setup_ready(self, message: SetupReady) -> None:
        s = self.session
        s.setup, s.view = message.setup, message.view
        s.state = RunState.TRAINING if self.control.go.is_set() else RunState.READY
        if not self.runs.asked:  # the app is built and idle: read the stored runs now, so that
            self.list_runs()  # the Runs view (h) shows them at once when it opens

    @job_message(_run)
    def on_step_done(self, message: StepDone) -> None:
        self.session.last_step = message.record

    @job_message(_run)
    def on_epoch_done(self, message: EpochDone) -> None:
        s = self.session
        for record in message.records:
            if record.epoch == 0:
                s.initial = record
            else:
                s.epochs.append(record)
        s.last_step = None
        if message.view is not None:
            s.view, s.last_update = message.view, message.last_update

    @job_message(_run)
    def on_view_taken(self, message: ViewTaken) -> None:
        self.session.view, self.session.last_update = message.view, message.last_update

    @job_message(_run)
    def on_boundary_taken(self, message: BoundaryTaken) -> None:
        s = self.session
        s.look = message.record
        if message.record.global_step == 0 and s.untrained is None:
            s.untrained = message.record.value

    @job_message(_run)
    def on_config_applied(self, message: ConfigApplied) -> None:
        s, config = self.session, message.record.config
        if config.weight_decay != s.config.weight_decay:
            s.lambda_changes.add(message.record.epoch)
        s.config = config
        s.requested = None if s.requested == config else s.requested

    @job_message(_run)
    def on_run_diverged(self, message: RunDiverged) -> None:
        self.session.diverged, self.session.state = message.record, RunState.DIVERGED
        self.notify(message.record.message, title="Diverged", severity="error")

    @job_message(_run)
    def on_run_stopped(self, message: RunStopped) -> None:
        """Finished, or paused; a pause the user has already lifted (space twice) is not one."""
        s = self.session
        if message.record.reason == "finished":
            s.state, s.last_step = RunState.FINISHED, None
        elif not self.control.go.is_set():
            s.state = RunState.PAUSED

    @job_message(_twins)
    def on_twin_record(self, message: TwinRecord) -> None:
        self.twins.add(message)

    @job_message(_sweep)
    def on_sweep_progressed(self, message: SweepProgressed) -> None:
        self.sweep.progress(message.record)

    @job_message(_sweep)
    def on_sweep_boundaries(self, message: SweepBoundaries) -> None:
        self.sweep.boundaries, self.sweep.boundaries_epoch = message.boundaries, message.epoch

    @job_message(_sweep)
    def on_sweep_done(self, message: SweepDone) -> None:
        self.sweep.done(message.record)

    def on_recording_trouble(self, message: RecordingTrouble) -> None:
        """Runs are not being recorded (or written to TensorBoard): said once, and training goes on."""
        self.notify(message.line[0].upper() + message.line[1:] + ". Training goes on.", title="Not recorded",
                    severity="warning", timeout=12, markup=False)

    @job_message(_listing)
    def on_runs_listed(self, message: RunsListed) -> None:
        self.runs.listing(message)

    def on_runs_loaded(self, message: RunsLoaded) -> None:
        self.runs.loaded(message)
        self.run_version += 1

    def on_runs_changed(self, message: RunsChanged) -> None:
        """A delete or an export is done (or could not be); after a delete, the runs listed anew."""
        self.runs.forget(message.deleted)
        if message.deleted:
            self.list_runs()
        if message.error is not None:
            self.notify(message.error, title="Runs", severity="error", markup=False)
        elif message.what:
            self.notify(message.what, title="Runs", markup=False)
        self.run_version += 1

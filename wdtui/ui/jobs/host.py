"""The app's side of the jobs: starting their workers, and applying what they post.

`JobHost` is mixed into the App, since Textual finds message handlers on the App's classes. A
training job's worker posts each event of its task in the trainer as a TaskEvent. The method
EVENTS names for the event's type applies it. The Runs view's jobs post their own messages,
each with an `on_…` handler. Either is applied on the UI thread only if the job's latest worker
posted it. It then bumps `run_version`, so the screens redraw.
"""

from __future__ import annotations

from dataclasses import replace
from functools import partial, wraps
from typing import TYPE_CHECKING, Any, Callable

from textual.worker import Worker, WorkerState, get_current_worker

from ...core.config import RunConfig
from ...core.records import with_weight_decay
from ...trainer.client import Trainer, TrainerGone
from ...trainer.steering import Steering
from ...trainer.events import (ConfigApplied, EpochDone, LookTaken, RunDiverged, RunStopped, SetupReady, StepDone,
                               SweepBoundaries, SweepDone, SweepProgressed, TwinRecord, TwinRecords, ViewTaken)
from ..messages import JobMessage, RecordingTrouble, RunsChanged, RunsListed, RunsLoaded, TaskEvent
from ..session import Job, RunState, Session
from .follow import follow
from .runs_view import RunsState, delete_runs, export_runs, list_runs, load_runs
from .sweep_state import SweepState
from .twins_state import TwinsState

if TYPE_CHECKING:
    from ...store.recording import Recorder
    from ...trainer.plane import PlaneChoice
    from ..app import WdtuiApp

RUNS_JOBS = (Job.RUNS_LIST, Job.RUNS_LOAD, Job.RUNS_DELETE, Job.RUNS_EXPORT)  # the Runs view's, on the store
# How a worker that ended without its last message says so, per job.
ENDED = {WorkerState.CANCELLED: RunState.STOPPED, WorkerState.ERROR: RunState.FAILED}
JOBS = {Job.RUN: follow, Job.TWINS: follow, Job.SWEEP: follow, Job.RUNS_LIST: list_runs,
        Job.RUNS_LOAD: load_runs, Job.RUNS_DELETE: delete_runs, Job.RUNS_EXPORT: export_runs}
FAILED_TITLES = {Job.RUN: "Cannot build the run", Job.TWINS: "Cannot build the twins",
                 Job.SWEEP: "The sweep cannot run", Job.RUNS_LIST: "Cannot list the runs",
                 Job.RUNS_LOAD: "Cannot load the runs", Job.RUNS_DELETE: "Cannot delete the runs",
                 Job.RUNS_EXPORT: "Cannot export the runs"}
GONE_TITLE = "Training stopped"


def in_worker(job: Callable[..., None], *args: Any) -> None:
    """Run a job's function on its worker thread, with that worker's cancel event as its stop."""
    job(*args, get_current_worker().cancelled_event)


def job_message(number: Callable[["WdtuiApp"], int | None]) -> Callable:
    """Apply a worker message only if the latest worker of its job posted it.

    `number` reads that job's number off the app. Then bump run_version, so the screens redraw."""

    def decorate(handler: Callable[["WdtuiApp", Any], None]) -> Callable[["WdtuiApp", Any], None]:
        @wraps(handler)
        def apply(self: "WdtuiApp", message: JobMessage) -> None:
            if message.job == number(self):
                handler(self, message)
                self.run_version += 1

        return apply

    return decorate


def run_number(app: "WdtuiApp") -> int:
    return app.run_id


def _twins(app: "WdtuiApp") -> int | None:
    return app.twins.number if app.twins is not None else None


def _sweep(app: "WdtuiApp") -> int | None:
    return app.sweep.number if app.sweep is not None else None


def _listing(app: "WdtuiApp") -> int:
    return app.runs.asked


# Each event a task sends, the job it belongs to (the number its messages must carry) and the
# JobHost method that applies it.
EVENTS: dict[type, tuple[Callable[["WdtuiApp"], int | None], str]] = {
    SetupReady: (run_number, "_setup_ready"), StepDone: (run_number, "_step_done"), EpochDone: (run_number, "_epoch_done"),
    ViewTaken: (run_number, "_view_taken"), LookTaken: (run_number, "_look_taken"),
    ConfigApplied: (run_number, "_config_applied"), RunDiverged: (run_number, "_run_diverged"), RunStopped: (run_number, "_run_stopped"),
    TwinRecord: (_twins, "_twin_record"), TwinRecords: (_twins, "_twin_records"), SweepProgressed: (_sweep, "_sweep_progressed"),
    SweepBoundaries: (_sweep, "_sweep_boundaries"), SweepDone: (_sweep, "_sweep_done"),
}


class JobHost:
    """Starts the jobs and keeps their states: `session` (the run), `twins`, `sweep`, `runs`."""

    session: Session
    control: Steering  # the run's
    trainer: Trainer
    recorder: Recorder  # the app's reader of the run store (the trainer records)
    plane: PlaneChoice
    run_id: int
    twins: TwinsState | None
    sweep: SweepState | None
    runs: RunsState
    workers_of: dict[Job, Worker[None]]  # the latest worker of each job
    run_version: int
    troubles: set[str]  # recording trouble said so far

    if TYPE_CHECKING:
        def predict_first(self) -> bool: ...  # LessonHost's: True (and said) while the lesson waits for one

    def _start(self, job: Job, *args: Any) -> None:
        """Start a job's worker; one of the same job still running is cancelled first."""
        self.workers_of[job] = self.run_worker(partial(in_worker, JOBS[job], self.post_message, *args),
                                               thread=True, exclusive=True, group=job.value, exit_on_error=False)
        self.run_version += 1

    def start_training(self, job: Job, number: int, control: Steering, *args: Any) -> None:
        """Start task `job` (RUN, TWINS or SWEEP) in the trainer, steered by `control`."""
        self._start(job, self.trainer, number, control, args)

    def start_twins(self, config: RunConfig) -> None:
        """Train λ = 0 and `config`'s λ side by side; twins still training are dropped."""
        if self.predict_first():
            return
        number = self.twins.number + 1 if self.twins is not None else 1
        self.twins = TwinsState(number, config, self.run_id)
        self.start_training(Job.TWINS, number, Steering(self.trainer, Job.TWINS.value), config)

    def start_sweep(self, config: RunConfig, grid: tuple[float, ...]) -> None:
        if self.predict_first():
            return
        number = self.sweep.number + 1 if self.sweep is not None else 1
        self.sweep = SweepState(number, config, grid)
        self.start_training(Job.SWEEP, number, Steering(self.trainer, Job.SWEEP.value), config, grid)

    def list_runs(self) -> None:
        """Read the stored runs again, off the UI thread.

        An older listing may still be on its way: slow on a loaded machine, and perhaps from before
        this app's latest run was kept. It is dropped when it comes."""
        self.runs.asked += 1
        self.start_runs_job(Job.RUNS_LIST, self.runs.asked)

    def start_runs_job(self, job: Job, *args: Any) -> None:
        """A runs job (list, load, delete, export) on the app's one store, off the UI thread."""
        self._start(job, self.recorder, *args)

    def stop_sweep(self) -> None:
        worker = self.workers_of.get(Job.SWEEP)
        if worker is not None:
            worker.cancel()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A job's worker ended; each way it can end is said in one line.

        The twins finished or stopped, or a sweep was stopped. Or a job could not be built (say,
        too few rows for the split), the trainer died, or a runs job failed."""
        job = next((j for j, w in self.workers_of.items() if w is event.worker), None)
        state = RunState.FINISHED if event.state == WorkerState.SUCCESS else ENDED.get(event.state)
        if job is None or state is None:
            return
        error = str(event.worker.error) if state == RunState.FAILED else None
        gone = isinstance(event.worker.error, TrainerGone)
        if gone:
            error = (f"{error[0].upper()}{error[1:]}: what had trained is kept in the store as incomplete. "
                     + ("Press r for a new run." if job == Job.RUN else "Start it again for a new trainer."))
        if job == Job.RUN and error is not None:
            self.session.state, self.session.error = state, error
        elif job == Job.TWINS and self.twins is not None and self.twins.state == RunState.TRAINING:
            self.twins.end(state, error)
        elif job == Job.SWEEP and self.sweep is not None:
            self.sweep.end(state, error)
        elif job in RUNS_JOBS and error is not None:
            self.runs.loading.clear()  # a failed load brings nothing: the chart stops waiting
        else:
            return
        if error is not None:
            self.notify(error, title=GONE_TITLE if gone else FAILED_TITLES[job], severity="error", markup=False)
        self.run_version += 1

    def on_task_event(self, message: TaskEvent) -> None:
        """Apply an event of a task to its job's state, if that job's latest task sent it."""
        number, method = EVENTS[type(message.event)]
        if message.job == number(self):
            getattr(self, method)(message.event)
            self.run_version += 1

    # The run's events ------------------------------------------------------------------------

    def _setup_ready(self, event: SetupReady) -> None:
        s = self.session
        s.setup, s.view = event.setup, event.view
        s.state = RunState.TRAINING if self.control.go.is_set() else RunState.READY
        if not self.runs.asked:  # the app is built and idle: read the stored runs now, so that
            self.list_runs()  # the Runs view (h) shows them at once when it opens

    def _step_done(self, event: StepDone) -> None:
        self.session.last_step = event.record

    def _epoch_done(self, event: EpochDone) -> None:
        s = self.session
        for record in event.records:
            if record.epoch == 0:
                s.initial = record
            else:
                s.epochs.append(record)
        s.last_step = None
        if event.view is not None:
            s.view, s.last_update = event.view, event.last_update

    def _view_taken(self, event: ViewTaken) -> None:
        self.session.view, self.session.last_update = event.view, event.last_update

    def _look_taken(self, event: LookTaken) -> None:
        s = self.session
        s.look = event.record
        if event.record.global_step == 0 and s.untrained is None:
            s.untrained = event.record.value

    def _config_applied(self, event: ConfigApplied) -> None:
        s, config = self.session, event.record.config
        if config.weight_decay != s.config.weight_decay:
            s.lambda_changes.add(event.record.epoch)
        s.config = config
        if s.setup is not None:  # the parameter-group table says the λ in force, as the settings do
            s.setup = replace(s.setup, param_groups=with_weight_decay(s.setup.param_groups, config.weight_decay))
        s.requested = None if s.requested == config else s.requested

    def _run_diverged(self, event: RunDiverged) -> None:
        self.session.diverged, self.session.state = event.record, RunState.DIVERGED
        self.notify(event.record.message, title="Diverged", severity="error")

    def _run_stopped(self, event: RunStopped) -> None:
        """Finished, or paused; a pause the user has already lifted (space twice) is not one."""
        s = self.session
        self.control.stopped_itself(event.steered)
        if event.record.reason == "finished":
            s.state, s.last_step = RunState.FINISHED, None
        elif not self.control.go.is_set():
            s.state = RunState.PAUSED

    # The twins' and the sweep's events -------------------------------------------------------

    def _twin_record(self, event: TwinRecord) -> None:
        self.twins.add(event)

    def _twin_records(self, event: TwinRecords) -> None:
        for record in event.records:
            self.twins.add(record)

    def _sweep_progressed(self, event: SweepProgressed) -> None:
        self.sweep.progress(event.record)

    def _sweep_boundaries(self, event: SweepBoundaries) -> None:
        self.sweep.boundaries, self.sweep.boundaries_epoch = event.boundaries, event.epoch

    def _sweep_done(self, event: SweepDone) -> None:
        self.sweep.done(event.record)

    # The app's own messages ------------------------------------------------------------------

    def on_recording_trouble(self, message: RecordingTrouble) -> None:
        """Runs are not being recorded (or written to TensorBoard): said once, and training goes on."""
        if message.line in self.troubles:
            return
        self.troubles.add(message.line)
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

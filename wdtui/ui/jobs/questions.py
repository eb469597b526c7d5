"""Questions about the model behind a view, asked of the trainer: a row traced, a boundary.

A ModelView holds what every screen needs at once. But Inspect may follow any other row, and an
export needs the boundary of the very model it reports. The trainer keeps the copy behind each
recent view, and answers by the view's key (trainer/shelf.py). `ModelQuestions` is mixed into
the App beside JobHost.
"""

from __future__ import annotations

from concurrent.futures import Future
from functools import partial
from typing import TYPE_CHECKING

from ..messages import RowTraced
from .host import job_message, run_number

if TYPE_CHECKING:
    from ...core.measures import Boundary
    from ...core.records import Prediction
    from ...core.view import ModelView
    from ...trainer.client import Trainer
    from ..session import Session

ASK_WAIT = 10.0  # seconds an export waits for the trainer's boundary at most


class ModelQuestions:
    session: Session
    trainer: Trainer
    run_id: int

    def traced(self, view: ModelView, row: int) -> Prediction | None:
        """Row `row` followed through the model behind `view`.

        The run's own row comes at once, any other as the trainer answers. It is None until then,
        and a RowTraced redraws the screens."""
        if row == view.prediction.row:
            return view.prediction
        key = (view.key, row)
        if key not in self.session.traces:
            self.session.traces[key] = None
            self.trainer.ask(view.key, "row", row).add_done_callback(partial(self._answered, view.key, row))
        return self.session.traces[key]

    def _answered(self, key: int, row: int, answer: Future) -> None:
        """On the trainer's reader thread: the answer goes to the UI thread as a message."""
        error = answer.exception()
        self.post_message(RowTraced(key, row, None if error else answer.result(),
                                    str(error) if error else None, job=self.run_id))

    @job_message(run_number)
    def on_row_traced(self, message: RowTraced) -> None:
        if message.prediction is not None:
            self.session.traces[message.key, message.row] = message.prediction
        else:
            self.session.traces.pop((message.key, message.row), None)
            self.notify(f"Row {message.row} could not be traced: {message.error}.", title="Inspect",
                        severity="warning", markup=False)

    def view_boundary(self, view: ModelView) -> Boundary | None:
        """The decision boundary of the model behind `view`, over the default plane; None if it cannot say.

        It is asked of the trainer and waited for: an export's, once, which takes milliseconds."""
        try:
            return self.trainer.ask(view.key, "boundary", None).result(ASK_WAIT)
        except Exception:
            return None

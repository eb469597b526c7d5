"""Mode 0 in the real app: the whole lesson walked as a learner would, from the welcome to the
summary, predicting (some right, some wrong) and doing what each step asks; each outcome must
quote the run's own numbers and grade the prediction by them. Then resuming after a restart,
[ and ], and the summary's snapshot (test_lesson_fit.py has the steps' at two sizes)."""

from __future__ import annotations

import json

from textual.widgets import Static

from wdtui.core.anatomy import anatomy
from wdtui.core.config import RunConfig
from wdtui.lesson.progress import progress_path
from wdtui.ui.app import create_app
from wdtui.ui.session import RunState
from wdtui.ui.widgets.lesson_panel import LessonPanel

from app_helpers import SIZE, settled, text_of, wait_for


def panel_text(app) -> str:
    return " ".join(text_of(app.screen.query_one("#lesson-body", Static)).split())


async def until(pilot, condition, timeout: float = 90.0) -> None:
    waited = 0.0
    while not condition():
        assert waited < timeout, "the lesson's step never got there"
        await pilot.pause(0.05)
        waited += 0.05
    await pilot.pause()


def outcome(app) -> dict:
    return app.progress.outcomes[app.step.id]


async def concluded(pilot) -> dict:
    app = pilot.app
    await until(pilot, lambda: app.step.id in app.progress.outcomes)
    return outcome(app)


async def test_the_whole_lesson_from_the_welcome_to_the_summary():
    app = create_app(RunConfig())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")  # the welcome's enter starts the lesson
        await wait_for(pilot, RunState.READY)
        assert app.lesson_open and app.current_mode == "pipeline"
        assert app.screen.query_one(LessonPanel).border_title == "Lesson · Step 1 of 11"

        # 1. The pipeline, untrained: nothing to predict yet; its outcome is epoch 0's numbers.
        result = await concluded(pilot)
        first = app.session.initial
        assert f"gets {first.val_acc:.1%} of the validation rows right" in result["text"] and result["held"] is None

        # 2. Five epochs: "60 to 75 %" (wrong: the seed reaches 82 %).
        await pilot.press("right_square_bracket")
        assert app.current_mode == "train" and app.step.id == "train"
        assert "Press a–d to predict" in panel_text(app) and app.screen.query_one(LessonPanel).has_focus
        await pilot.press("space")  # nothing trains before the prediction: the panel has the keys
        assert app.session.state == RunState.READY
        await pilot.press("b", "space")
        result = await concluded(pilot)
        last = app.session.epochs[-1]
        assert f"validation accuracy reached {last.val_acc:.1%}" in result["text"]
        assert result["held"] is False and "the run says c) 75 to 90 %" in result["verdict"]

        # 3. λ = 0.001 twins: within 1 % (right), and why: the half-life against the run's steps.
        await pilot.press("right_square_bracket")
        assert app.current_mode == "compare" and app.twins is None or app.twins.state != RunState.TRAINING
        await pilot.press("a", "c")
        result = await concluded(pilot)
        zero, decayed = app.twins.zero[-1], app.twins.decayed[-1]
        change = decayed.val_loss / zero.val_loss - 1
        assert abs(change) < 0.01 and result["held"] is True
        assert f"({change:+.2%})" in result["text"] and "3,469 steps" in result["text"] and "takes 65" in result["text"]
        assert "leaves 98.9% of a weight" in result["text"]  # as torch's SGD leaves it (tests/core/test_decay.py)

        # 4. The overfit preset at λ = 0: validation loss climbs back, far above its lowest (right).
        await pilot.press("right_square_bracket")
        assert app.session.config.preset == "overfit" and app.session.config.weight_decay == 0
        await pilot.press("c", "space")
        result = await concluded(pilot)
        trained = app.session.epochs
        best = min(trained, key=lambda e: e.val_loss)
        assert f"lowest at epoch {best.epoch} ({best.val_loss:.4f})" in result["text"] and result["held"] is True
        best_epoch = best.epoch

        # 5. λ = 0.1 twins: "higher" (wrong: about half).
        await pilot.press("right_square_bracket")
        await pilot.press("d", "c")
        result = await concluded(pilot)
        zero, decayed = app.twins.zero[-1], app.twins.decayed[-1]
        assert f"{decayed.val_loss:.4f} with λ = 0.1 against {zero.val_loss:.4f}" in result["text"]
        assert result["held"] is False and "More than 30 % lower" in result["verdict"]

        # 6. The moons twins: the decayed twin's boundary is shorter (right), and smoother.
        await pilot.press("right_square_bracket")
        assert app.current_mode == "compare" and app.session.config.preset == "moons"
        await pilot.press("c", "c")
        result = await concluded(pilot)
        zero, decayed = (app.twins.boundary(w)[0] for w in (0, 1))
        assert decayed.length < 0.9 * zero.length and result["held"] is True
        assert f"λ = 0's boundary runs {zero.length} cells" in result["text"]
        assert f"λ = 0.01's runs {decayed.length} ({decayed.length / zero.length - 1:+.0%})" in result["text"]
        assert f"‖∂p/∂x‖ {app.twins.smoothness(1):.3f} against {app.twins.smoothness(0):.3f}" in result["text"]

        # 7. The sweep: the best λ in the middle (right), applied to Train.
        await pilot.press("right_square_bracket")
        assert app.current_mode == "sweep"
        await pilot.press("c", "s")
        await until(pilot, lambda: app.sweep is not None and app.sweep.result is not None)
        await pilot.press("a")
        result = await concluded(pilot)
        best = app.sweep.result.best
        assert f"bottoms at λ = {best.weight_decay:g}" in result["text"] and result["held"] is True
        assert app.session.target.weight_decay == best.weight_decay

        # 8. One update taken apart: the decay part is −γλθ (right).
        await pilot.press("right_square_bracket")
        assert app.current_mode == "weights"
        await pilot.press("a", "n")
        result = await concluded(pilot)
        u = app.session.last_update
        theta = float(next(iter(u.weights.values()))[0, 0])
        assert f"θ = {theta:+.5f}" in result["text"] and f"{-0.02 * 0.1 * theta:+.3e}" in result["text"]
        assert "own decay part is a factor 1 − γλ = 0.998000" in result["text"]
        assert "by 0.973515 a step (the Insight's long-run factor" in result["text"]  # torch's SGD: tests/core/test_decay.py
        assert result["held"] is True

        # 9. AdamW, not Adam, shrinks every weight by exactly 1 − γλ (right).
        await pilot.press("right_square_bracket")
        assert app.session.config.optimizer == "adamw"
        await pilot.press("b", "n")
        result = await concluded(pilot)
        assert "× 0.998000 = 1 − γλ" in result["text"] and result["held"] is True
        a = anatomy(app.session.last_update, "hidden1", (0, 0))  # the weight the outcome speaks of
        assert f"{a.scale / a.lr:.3g}× as large" in result["text"] and f"about {1 / a.denominator:.3g}× γλ" in result["text"]

        # 10. Three questions, two made from this lesson's runs (steps 4 and 7); two right, one wrong.
        await pilot.press("right_square_bracket")
        assert app.current_mode == "quiz"
        round_ = app.lesson_round
        assert [q.id for q in round_.questions] == ["run:lesson-overfit-epoch", "run:lesson-best-lambda",
                                                    "adamw-decoupled"]
        assert f"Epoch {best_epoch}" == round_.questions[0].options[round_.questions[0].answer]
        for question, right in zip(round_.questions, (True, True, False)):
            choice = question.answer if right else (question.answer + 1) % 4
            await pilot.press("abcd"[choice], "enter")
        result = await concluded(pilot)
        assert result["text"] == "You answered 2 of the 3 questions right."

        # 11. The summary: the predictions against the runs.
        await pilot.press("right_square_bracket")
        summary = panel_text(app)
        assert "Step 11 of 11" in app.screen.query_one(LessonPanel).border_title
        assert "6 of 8 predictions held" in summary  # all but steps 2 and 5
        assert "✘ 2. Five epochs, watched: you said b)" in summary and "✔ 4. A network that overfits" in summary
        saved = json.loads(progress_path().read_text(encoding="utf-8"))
        assert saved["step"] == 10 and len(saved["outcomes"]) == 10


async def test_it_resumes_after_a_restart_and_moves_both_ways():
    app = create_app(RunConfig())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("0")
        await wait_for(pilot, RunState.READY)
        await concluded(pilot)
        await pilot.press("right_square_bracket", "right_square_bracket")
        assert app.step.id == "small-lambda" and app.current_mode == "compare"
        await pilot.press("left_square_bracket")
        assert app.step.id == "train" and app.current_mode == "train"
    again = create_app(RunConfig())
    async with again.run_test(size=SIZE) as pilot:
        await pilot.press("enter")  # enter resumes where it was left
        await wait_for(pilot, RunState.READY)
        assert again.step.id == "train" and again.current_mode == "train"
        assert "validation rows right" in again.progress.outcomes["pipeline"]["text"]
        await pilot.press("0")  # folds the panel away
        assert not again.screen.query_one(LessonPanel).display
        await pilot.press("0")
        assert again.screen.query_one(LessonPanel).display


async def test_esc_folds_the_panel_over_any_mode_it_covers():
    """At 80 × 24 step 1's panel opens over the mode, in its own mode and in the one the learner
    goes to. Shown there, or back in its own, the panel has the keys: esc folds it. It went to
    the widget under the panel, and the panel said "esc folds" while nothing did."""
    app = create_app(RunConfig())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter")
        await wait_for(pilot, RunState.READY)
        for mode in ("6", "1"):
            if not app.lesson_reading:
                await pilot.press("p")  # open it again to read
            await pilot.press(mode)
            await settled(pilot)
            panel = app.screen.query_one(LessonPanel)
            assert panel.has_class("-open") and "esc folds" in panel.border_subtitle
            await pilot.press("escape")
            await settled(pilot)
            assert not app.lesson_reading and not app.screen.query_one(LessonPanel).has_class("-open")


async def test_a_damaged_progress_file_starts_over(data_dir):
    (data_dir / "lesson.json").write_text("{ not json", encoding="utf-8")
    app = create_app(RunConfig())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("0")
        assert app.step.id == "pipeline"


def steady(run):
    """`run`, then the screen as it stays: the toasts (which last a few seconds, so a loaded
    machine may or may not still show them) cleared, and the last repaints landed."""
    async def then(pilot):
        await run(pilot)
        pilot.app.clear_notifications()
        await settled(pilot)

    return then


def test_snapshot_the_summary(snap_compare):
    async def run(pilot):
        await pilot.press("0")
        await wait_for(pilot, RunState.READY)
        await pilot.press("right_square_bracket", "b", "space")  # step 2, predicted and trained
        await until(pilot, lambda: "train" in pilot.app.progress.outcomes)
        await pilot.press(*["right_square_bracket"] * 9)
        await wait_for(pilot, RunState.READY)  # the last step's run, built
        await pilot.pause(0.3)

    assert snap_compare(create_app(RunConfig(seed=0)), terminal_size=SIZE, run_before=steady(run))

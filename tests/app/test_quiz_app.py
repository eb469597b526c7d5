"""Mode 4 in the real app: answer right and wrong, read the verdict and the scores."""

from __future__ import annotations

from textual.widgets import Static

from wdtui.core.config import RunConfig
from wdtui.ui.app import create_app
from wdtui.ui.screens.quiz import QuizScreen
from wdtui.ui.session import RunState

from app_helpers import ready_in, SIZE, text_of, trained, wait_for


def shown(app, selector: str) -> str:
    return text_of(app.screen.query_one(selector, Static))


def question(app):
    screen = app.screen
    assert isinstance(screen, QuizScreen)
    return screen.quiz.current.questions[screen.shown]


async def test_answers_right_and_wrong_score_the_round_and_the_total():
    app = create_app(RunConfig(seed=0))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("4")
        q = question(app)
        assert q.prompt in shown(app, "#quiz-question") and not q.from_run
        assert "press space to train" in shown(app, "#quiz-hint")

        await pilot.press("abcd"[q.answer])
        assert "✔ Right." in shown(app, "#quiz-feedback")
        assert "This round 1/1   Total 1/1" in shown(app, "#quiz-status")
        await pilot.press("abcd"[(q.answer + 1) % 4])  # a second answer to the same question is refused
        assert "Total 1/1" in shown(app, "#quiz-status")

        await pilot.press("enter")
        q = question(app)
        assert not app.screen.query_one("#quiz-feedback").display
        wrong = (q.answer + 1) % 4
        await pilot.press("abcd"[wrong])
        feedback = shown(app, "#quiz-feedback")
        assert f"you chose {'abcd'[wrong]}, the answer is {q.answer_letter}" in feedback
        assert q.explanation.split()[0] in feedback
        assert app.screen.query_one(f"#option-{q.answer}").has_class("-right")
        assert app.screen.query_one(f"#option-{wrong}").has_class("-wrong")
        assert "This round 1/2   Total 1/2" in shown(app, "#quiz-status")

        await pilot.press("enter")
        await pilot.press("abcd"[question(app).answer])
        assert "Round 1 over: 2 of 3 right. Press enter for round 2." in shown(app, "#quiz-hint")

        await pilot.press("enter")
        status = shown(app, "#quiz-status")
        assert "Round 2 · question 1 of 3" in status and "Total 2/3" in status and "R1 2/3" in status
        await pilot.press("abcd"[(question(app).answer + 2) % 4])
        assert "This round 0/1   Total 2/4" in shown(app, "#quiz-status")


async def test_enter_before_answering_stays_on_the_question():
    app = create_app(RunConfig(seed=0))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("4")
        first = question(app)
        await pilot.press("enter")
        assert question(app) is first and app.screen.quiz.answered == 0


async def test_a_click_on_an_option_answers_with_it():
    app = create_app(RunConfig(seed=0))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("4")
        q = question(app)
        await pilot.click(f"#option-{q.answer}")
        assert "✔ Right." in shown(app, "#quiz-feedback")


async def test_after_a_run_each_round_asks_about_it():
    app = create_app(RunConfig(seed=0, epochs=4))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("4")  # the first round is dealt before the run has epochs
        assert not any(q.from_run for q in app.screen.quiz.current.questions)
        await trained(pilot)
        for _ in range(3):
            await pilot.press("a", "enter")  # the third enter deals round 2
        round_ = app.screen.quiz.current
        assert round_.number == 2 and sum(q.from_run for q in round_.questions) == 1
        assert "one question made from your run" in shown(app, "#quiz-hint")


def test_snapshot_first_question(snap_compare):
    assert snap_compare(create_app(RunConfig(seed=0)), terminal_size=SIZE, run_before=ready_in("4"))


def test_snapshot_wrong_answer_feedback(snap_compare):
    async def answer_wrong(pilot):
        await wait_for(pilot, RunState.READY)
        await pilot.press("4")
        await pilot.press("abcd"[(question(pilot.app).answer + 1) % 4])

    assert snap_compare(create_app(RunConfig(seed=0)), terminal_size=SIZE, run_before=answer_wrong)


def test_snapshot_question_from_the_run(snap_compare):
    async def run_then_quiz(pilot):
        await trained(pilot)
        await pilot.press("4")
        while not question(pilot.app).from_run:  # answer right up to the run's question
            await pilot.press("abcd"[question(pilot.app).answer], "enter")
        await pilot.press("abcd"[question(pilot.app).answer])

    assert snap_compare(create_app(RunConfig(seed=0, epochs=4)), terminal_size=SIZE, run_before=run_then_quiz)

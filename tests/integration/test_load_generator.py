"""The load generator (`bench.load`) still speaks to the platform as a browser does: two
simulated learners log in, open the demo lesson and get feedback for every question."""

from bench.load import LESSON, simulate
from bench.load_learner import answer_naikkelas
from tests.support import run_async


def test_two_simulated_learners_get_feedback_for_every_question(hub, new_learner):
    learners = [new_learner(), new_learner()]
    pin = learners[0][1]
    run = simulate(
        hub.url, [name for name, _pin in learners], pin, LESSON, answer_naikkelas,
        think=(0.05, 0.2), seed=7,
    )  # fmt: skip
    outcomes, logins_per_s = run_async(run)
    assert logins_per_s > 0
    for outcome in outcomes:
        assert outcome.error == ""
        # The demo lesson's 7 graded questions and its self-check.
        assert outcome.questions == 8
        assert outcome.feedback == 8 and len(outcome.answers) == 8
        assert all(0 < seconds < 30 for seconds in outcome.answers)
        assert 0 < outcome.login < outcome.interactive
        assert outcome.finished  # Selesai showed the score screen

"""The simulator shell: practice banner, stale taps, graded outcomes and resume."""

from naikkelas.widgets import Lesson
from naikkelas.widgets.client import LocalClient
from naikkelas.widgets.simulators import PRACTICE_BANNER, Simulator


class Door(Simulator):
    """Two screens: knock, then open or walk away."""

    title = "Pintu"

    def begin(self):
        self.show("Ada yang mengetuk.", self.button("Lihat", self.look))

    def look(self):
        self.show(
            "Orang asing minta kode OTP.",
            self.button("Berikan", lambda: self.done("gave")),
            self.button("Tolak", lambda: self.done("refused")),
        )

    def outcome_screen(self, outcome):
        return [f"Anda memilih: {outcome}"]


KEY = {"door": {"type": "scenario", "answer": ["refused"], "feedback": {"gave": "Jangan!"}}}


def buttons(sim):
    return [c for c in sim.stage.children if hasattr(c, "click")]


def texts(sim):
    return " ".join(getattr(c, "value", "") for c in sim.stage.children)


def lesson_with(sim, client=None):
    lesson = Lesson("Uji", client=client or LocalClient(KEY))
    lesson.screen("Latihan", sim)
    lesson.show()
    return lesson


def test_practice_banner_is_always_shown():
    sim = Door("door")
    assert PRACTICE_BANNER in sim.banner.value


def test_wrong_outcome_gets_its_feedback_and_replay_starts_over():
    sim = Door("door")
    lesson = lesson_with(sim)
    buttons(sim)[0].click()
    buttons(sim)[0].click()  # Berikan
    assert "Anda memilih: gave" in texts(sim)
    assert "Jangan!" in sim.feedback.value and not sim.correct
    sim.again.click()
    assert "Ada yang mengetuk" in texts(sim)
    buttons(sim)[0].click()
    buttons(sim)[1].click()  # Tolak
    assert sim.correct and lesson.client.answers["door"]["answer"] == "refused"


def test_a_tap_on_a_screen_no_longer_shown_is_ignored():
    sim = Door("door")
    lesson_with(sim)
    look = buttons(sim)[0]
    look.click()
    give = buttons(sim)[0]
    look.click()  # a double tap: the first screen's button again
    assert give in sim.stage.children  # still on the second screen
    give.click()
    give.click()
    assert sim.outcome == "gave"


def test_a_saved_outcome_is_shown_again_on_resume():
    client = LocalClient(KEY)
    first = Door("door")
    lesson_with(first, client)
    buttons(first)[0].click()
    buttons(first)[1].click()
    again = Door("door")
    lesson_with(again, client)
    assert "Anda memilih: refused" in texts(again) and again.correct


def test_an_ungraded_simulator_is_not_a_question_of_the_lesson():
    sim = Door(None)
    lesson = lesson_with(sim)
    assert lesson.questions == {}
    buttons(sim)[0].click()
    buttons(sim)[1].click()
    assert sim.outcome == "refused" and sim.feedback.value == ""

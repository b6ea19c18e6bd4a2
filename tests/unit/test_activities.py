"""Ungraded activities (Reveal cards, SelfCheck) in a lesson, driven in-process."""

import ipywidgets as widgets
import pytest

from naikkelas.widgets import Lesson, Reveal, SelfCheck, SingleChoice
from naikkelas.widgets.client import LocalClient

KEY = {"q1": {"type": "single", "answer": 0, "right": "Betul.", "wrong": "Coba lagi."}}


def build():
    lesson = Lesson("Uji kegiatan", client=LocalClient(KEY))
    check = SelfCheck(
        "Pernahkah Anda membayar dengan **QRIS**?",
        ["Pernah", "Belum pernah"],
        ["Bagus, Anda sudah <b>kenal</b>.", "Tidak apa-apa, kita mulai dari awal."],
    )
    cards = Reveal({"Apa itu OTP?": "Kode **rahasia** sekali pakai.", "<i>PIN</i>": "Rahasia."})
    lesson.screen("## Tujuan belajar", check)
    lesson.screen("Pilih.", SingleChoice("q1", "Mana?", ["A", "B"]))
    lesson.screen("## Ringkasan", cards, "**Sumber:** Bank Indonesia.")
    lesson.show()
    return lesson, check, cards


def test_reveal_cards_turn_and_turn_back_with_an_announced_back():
    _, _, cards = build()
    assert [b.description for b in cards.fronts] == ["Apa itu OTP?", "<i>PIN</i>"]
    assert all(back.value == "" for back in cards.backs), "backs are hidden until tapped"
    cards.fronts[0].click()
    back = cards.backs[0].value
    assert "<strong>rahasia</strong>" in back and 'aria-live="polite"' in back
    assert cards.fronts[0].button_style == "info" and cards.backs[1].value == ""
    cards.fronts[1].click()
    assert "Rahasia." in cards.backs[1].value
    cards.fronts[0].click()  # a second tap turns the card back
    assert cards.backs[0].value == "" and cards.fronts[0].button_style == ""
    assert cards.opened == {1}


def test_selfcheck_shows_the_response_of_the_chosen_option_and_may_change():
    _, check, _ = build()
    assert check.response.value == ""
    check.buttons[0].click()
    assert "Bagus, Anda sudah &lt;b&gt;kenal&lt;/b&gt;." in check.response.value, "escaped"
    assert 'aria-live="polite"' in check.response.value and "nk-info" in check.response.value
    assert [b.button_style for b in check.buttons] == ["info", ""]
    check.buttons[1].click()
    assert "kita mulai dari awal" in check.response.value and check.chosen == 1
    assert not any(b.disabled for b in check.buttons), "an ungraded choice stays open"


def test_activities_are_not_questions_and_send_nothing():
    lesson, check, cards = build()
    assert list(lesson.questions) == ["q1"]
    check.buttons[0].click()
    cards.fronts[0].click()
    assert lesson.client.answers == {} and lesson.client.current_step == 0
    for widget in (check, cards):
        assert "nk-question" not in widget._dom_classes, "the browser driver counts questions"
    # Finishing needs only the graded question.
    lesson.go(1)
    lesson.screens[1].questions[0].buttons[0].click()
    lesson.go(2)
    lesson.next.click()
    assert "Skor Anda: 1 dari 1" in lesson.body.children[0].value


def test_text_is_escaped_and_touch_targets_are_full_width():
    _, check, cards = build()
    assert "<i>" not in "".join(t for t in cards.texts() if "&lt;i&gt;" not in t)
    assert "<strong>QRIS</strong>" in check.prompt.value
    for button in cards.fronts + check.buttons:
        assert button.layout.width == "100%" and button.layout.min_height == "48px"
        assert button.tooltip == button.description, "the label is the accessible name"


def test_every_screen_with_an_activity_is_interactive():
    lesson, _, _ = build()
    assert [s.interactive for s in lesson.screens] == [True, True, True]
    lesson.screen("Hanya teks.")
    hidden = widgets.Button(description="tersembunyi", layout=widgets.Layout(display="none"))
    lesson.screen("Tombol tersembunyi.", hidden)
    assert [s.interactive for s in lesson.screens[3:]] == [False, False]


@pytest.mark.parametrize(
    "make",
    [
        lambda: Reveal({}),
        lambda: Reveal([("depan", "")]),
        lambda: SelfCheck("?", ["satu"], ["a"]),
        lambda: SelfCheck("?", ["satu", "dua"], ["a"]),
        lambda: SelfCheck("?", ["satu", ""], "a"),
    ],
)
def test_mistakes_in_an_activity_are_refused_when_written(make):
    with pytest.raises(ValueError):
        make()


def test_reading_text_counts_every_card_and_the_one_response_a_learner_reads():
    _, check, cards = build()
    assert len(cards.texts()) == 2 and "Kode <strong>rahasia</strong>" in cards.texts()[0]
    read = " ".join(check.texts())
    assert "kita mulai dari awal" in read and "Anda sudah" not in read, "the longest response only"

"""The lesson shell and question widgets, driven in-process with the local checker."""

import pytest

from naikkelas.widgets import (
    FillIn,
    Lesson,
    Matching,
    MultipleSelect,
    NumberAnswer,
    Ordering,
    SingleChoice,
    TrueFalse,
)
from naikkelas.widgets.client import LocalClient

KEY = {
    "q1": {"type": "single", "answer": 1, "right": "Betul sekali.", "wrong": "Coba lagi ya."},
    "q2": {"type": "truefalse", "answer": False},
    "q3": {"type": "multi", "answer": [0, 2], "attempts": 2},
    "q4": {"type": "number", "answer": 15000},
    "q5": {"type": "text", "answer": ["NaikKelas"]},
    "q6": {"type": "order", "answer": ["a", "b", "c"]},
    "q7": {"type": "match", "answer": {"x": "1", "y": "2"}},
}


def build(client=None):
    lesson = Lesson("Uji <b>judul</b>", client=client or LocalClient(KEY))
    q = {
        "q1": SingleChoice("q1", "Pilih **satu**", ["A", "B", "C"]),
        "q2": TrueFalse("q2", "Bumi datar."),
        "q3": MultipleSelect("q3", "Pilih dua", ["A", "B", "C"]),
        "q4": NumberAnswer("q4", "Harga?"),
        "q5": FillIn("q5", "Nama?"),
        "q6": Ordering("q6", "Urutkan", {"c": "Tiga", "a": "Satu", "b": "Dua"}),
        "q7": Matching("q7", "Pasangkan", {"x": "X", "y": "Y"}, {"1": "Satu", "2": "Dua"}),
    }
    lesson.screen("Halo")
    lesson.screen(q["q1"], q["q2"])
    lesson.screen(q["q3"], q["q4"], q["q5"])
    lesson.screen(q["q6"], q["q7"])
    lesson.show()
    return lesson, q


def test_steps_progress_bar_and_navigation():
    lesson, _ = build()
    assert "Langkah 1 dari 4" in lesson.counter.value
    assert lesson.back.disabled and lesson.bar.value == 1 and lesson.bar.max == 4
    lesson.next.click()
    assert "Langkah 2 dari 4" in lesson.counter.value and lesson.client.current_step == 1
    lesson.back.click()
    assert lesson.index == 0
    lesson.back.click()  # past the start: nothing happens
    assert lesson.index == 0
    for _ in range(3):
        lesson.next.click()
    assert lesson.next.description == "Selesai"


def test_double_tap_on_lanjut_moves_one_screen():
    lesson, _ = build()
    first_lanjut = lesson.next
    first_lanjut.click()
    first_lanjut.click()  # the second tap of a double tap, sent before the new screen arrived
    assert lesson.index == 1
    lesson.next.click()  # a deliberate tap on the new screen's button still works
    assert lesson.index == 2


def test_single_choice_feedback_right_and_wrong():
    _, q = build()
    q["q1"].buttons[0].click()
    assert "Coba lagi ya." in q["q1"].feedback.value and "nk-wrong" in q["q1"].feedback.value
    assert not q["q1"].buttons[1].disabled
    first = q["q1"].feedback.value
    q["q1"].buttons[2].click()
    assert q["q1"].feedback.value != first and "jawaban ke-2" in q["q1"].feedback.value, (
        "a second wrong answer visibly changes the feedback"
    )
    q["q1"].buttons[1].click()
    assert "Betul sekali." in q["q1"].feedback.value and "nk-right" in q["q1"].feedback.value
    assert all(b.disabled for b in q["q1"].buttons), "a right answer is settled"


def test_true_false_and_multi_select_with_limited_attempts():
    _, q = build()
    q["q2"].buttons[1].click()
    assert q["q2"].correct
    q["q3"].buttons[0].click()
    q["q3"].check_button.click()
    assert "Sisa kesempatan: 1" in q["q3"].feedback.value
    q["q3"].buttons[1].click()
    q["q3"].check_button.click()
    assert "Kesempatan menjawab sudah habis" in q["q3"].feedback.value
    assert q["q3"].check_button.disabled


def test_typed_answers_rupiah_and_text():
    _, q = build()
    q["q4"].input.value = "Rp15.000"
    q["q4"].check_button.click()
    assert q["q4"].correct
    q["q5"].input.value = ""
    q["q5"].check_button.click()
    assert "Tulis jawaban Anda dulu" in q["q5"].feedback.value and not q["q5"].answered
    q["q5"].input.value = "x" * 10_000
    q["q5"].check_button.click()
    assert "terlalu panjang" in q["q5"].feedback.value and not q["q5"].answered
    q["q5"].input.value = "  naikkelas "
    q["q5"].check_button.click()
    assert q["q5"].correct


def test_ordering_with_buttons_and_matching():
    _, q = build()
    order = q["q6"]
    assert order.order == ["c", "a", "b"]
    # move "Tiga" (c) down twice: a, b, c
    order.rows.children[0].children[2].click()
    order.rows.children[1].children[2].click()
    assert order.order == ["a", "b", "c"]
    order.check_button.click()
    assert order.correct
    match = q["q7"]
    match.pickers["x"].value = "1"
    match.check_button.click()
    assert "Pasangkan semua dulu" in match.feedback.value
    match.pickers["y"].value = "2"
    match.check_button.click()
    assert match.correct


def test_finish_needs_every_answer_then_shows_score():
    lesson, q = build()
    for _ in range(3):
        lesson.next.click()
    lesson.next.click()  # Selesai with nothing answered
    assert "belum dijawab" in lesson.message.value
    assert lesson.index == 1, "takes the learner to the first unanswered question"
    q["q1"].buttons[1].click()
    q["q2"].buttons[0].click()  # wrong
    q["q2"].buttons[1].click()
    q["q3"].buttons[0].click()
    q["q3"].buttons[2].click()
    q["q3"].check_button.click()
    q["q4"].input.value = "15rb"
    q["q4"].check_button.click()
    q["q5"].input.value = "NaikKelas"
    q["q5"].check_button.click()
    q["q6"].show_answer(["a", "b", "c"])
    q["q6"].check_button.click()
    q["q7"].pickers["x"].value = "2"
    q["q7"].pickers["y"].value = "1"
    q["q7"].check_button.click()  # wrong, unlimited attempts: answered but not right
    lesson.go(3)
    lesson.next.click()
    html = lesson.body.children[0].value
    assert "Pelajaran selesai" in html and "Skor Anda: 6 dari 7" in html
    assert lesson.client.finished


def test_resume_restores_step_and_answers():
    client = LocalClient(KEY)
    first, q = build(client)
    first.next.click()
    q["q1"].buttons[1].click()
    first.next.click()
    q["q4"].input.value = "15.000"
    q["q4"].check_button.click()
    # Reopen: a new page, a new kernel, the same saved progress.
    again, q2 = build(client)
    assert again.index == 2
    assert q2["q1"].correct and all(b.disabled for b in q2["q1"].buttons)
    assert q2["q1"].buttons[1].button_style == "info"
    assert q2["q4"].input.value == "15.000" or q2["q4"].correct


def test_a_typo_fixed_after_release_keeps_every_answer():
    """Answers hang on question ids, not on wording: a trainer may fix a typo mid-cohort."""
    client = LocalClient(KEY)

    def lesson_with(prompt, options):
        lesson = Lesson("Uji", client=client)
        question = SingleChoice("q1", prompt, options)
        lesson.screen("Halo")
        lesson.screen(question)
        lesson.show()
        return lesson, question

    before, q1 = lesson_with("Piih satu", ["A", "Bb", "C"])
    before.next.click()
    q1.buttons[1].click()
    assert q1.correct
    after, fixed = lesson_with("Pilih satu", ["A", "B", "C"])
    assert after.index == 1
    assert fixed.correct and all(b.disabled for b in fixed.buttons)
    assert [b.description for b in fixed.buttons] == ["A", "B", "C"]


def test_text_is_escaped_everywhere():
    lesson, q = build()
    assert "<b>judul</b>" not in lesson.heading.value and "&lt;b&gt;" in lesson.heading.value
    evil = '<img src=x onerror="alert(1)">'
    item = Ordering("o", "x", {"a": evil, "b": "ok"})
    assert "<img" not in item.rows.children[0].children[0].value
    q["q5"].input.value = evil
    q["q5"].check_button.click()
    assert "<img" not in q["q5"].feedback.value
    md = SingleChoice("s", "Teks <script>alert(1)</script>", ["a", "b"])
    assert "<script>" not in md.prompt.value


def test_answer_state_is_not_synced_to_the_browser():
    _, q = build()
    q["q1"].buttons[1].click()
    synced = [q["q1"].get_state()] + [b.get_state() for b in q["q1"].buttons]
    text = repr(synced)
    for secret in ("correct", "points", "attempts", "answer"):
        assert secret not in text


def test_duplicate_question_ids_are_refused():
    lesson = Lesson("x", client=LocalClient(KEY))
    lesson.screen(SingleChoice("q1", "a", ["1", "2"]))
    with pytest.raises(ValueError, match="used twice"):
        lesson.screen(SingleChoice("q1", "b", ["1", "2"]))


def test_free_text_is_saved_for_the_trainer_and_can_be_edited():
    from naikkelas.widgets import FreeText

    key = {"cerita": {"type": "manual", "points": 2, "answer": "Menyebut cara memeriksa."}}
    lesson = Lesson("Uji", client=LocalClient(key))
    question = FreeText("cerita", "Ceritakan usaha Anda.")
    lesson.screen(question)
    lesson.show()
    question.input.value = "   "
    question.save_button.click()
    assert "Tulis jawaban Anda dulu" in question.feedback.value and not question.answered
    question.input.value = "x" * 501
    question.save_button.click()
    assert "terlalu panjang" in question.feedback.value and not question.answered
    question.input.value = "Saya jual <b>kue</b> dan pakai QRIS."
    question.save_button.click()
    assert question.answered and "Pelatih akan membacanya" in question.feedback.value
    assert "nk-info" in question.feedback.value  # neither right nor wrong
    question.input.value = "Saya jual kue."
    question.save_button.click()  # edited: the new text is what the trainer reads
    assert lesson.client.answers["cerita"]["answer"] == "Saya jual kue."
    lesson.next.click()  # Selesai
    assert "Skor Anda: 0 dari 2" in lesson.body.children[0].value
    assert "Jawaban uraian Anda (2 poin) akan dinilai pelatih" in lesson.body.children[0].value

"""A trainer's hand grading is never lost to the learner's next attempt (nbgrader keeps one
record per learner and lesson, and autograding a new attempt replaces it)."""

from nbgrader.api import Gradebook

from naikkelas.grading.gradebook import assignment_id, learner_grades
from naikkelas.grading.grader import Grader
from naikkelas.hub.db import engine_for
from tests.integration.test_grader import release, send

LESSON = (
    "{prelude}\n"
    "from naikkelas.widgets import FreeText, Lesson, SingleChoice, preview\n"
    'lesson = Lesson("Uji")\n'
    'lesson.screen(SingleChoice("q1", "Pilih", ["A", "B"]), FreeText("cerita", "Ceritakan."))\n'
)
KEY = (
    "### BEGIN HIDDEN TESTS\n"
    'KEY = {"q1": {"type": "single", "answer": 1},\n'
    '       "cerita": {"type": "manual", "points": 2, "answer": "Menyebut QRIS."}}\n'
    "preview(KEY)\n"
    "### END HIDDEN TESTS"
)
COMMENT = "Bagus, Ibu sudah menyebut cara memeriksa pembayaran."


def grade_by_hand(db_url, student, points, comment):
    """What a trainer does in the formgrader: points and a comment on the free-text cell."""
    with Gradebook(db_url, "kursus") as gb:
        submission = gb.find_submission(assignment_id("kursus", "01-uji"), student)
        (notebook,) = submission.notebooks
        (grade,) = [g for g in notebook.grades if g.needs_manual_grade]
        grade.manual_score = points
        grade.needs_manual_grade = False  # as the formgrader's grade handler does
        (note,) = [c for c in notebook.comments if c.name == grade.name]
        note.manual_comment = comment
        gb.db.commit()


def shown(db_url, student):
    """What the learner's course home shows for the lesson (nbgrader's record)."""
    return learner_grades(db_url, student)[("kursus", "01-uji")]


def test_hand_grading_survives_new_attempts_and_a_better_one_goes_to_the_trainer(tmp_path):
    db_url = f"sqlite:///{tmp_path / 'naikkelas.sqlite'}"
    grading, released = release(tmp_path, db_url, lesson=LESSON, key=KEY)
    engine = engine_for(db_url)
    grader = Grader(engine, grading, worker="uji")

    send(engine, released, "siti", {"q1": 0, "cerita": "Saya cek notifikasi di aplikasi."})
    assert grader.grade_next().score == 0.0
    assert shown(db_url, "siti")["needs_manual_grade"]
    grade_by_hand(db_url, "siti", 2, COMMENT)
    now = shown(db_url, "siti")
    assert (now["score"], now["needs_manual_grade"]) == (2.0, False)

    # A second try that cannot do better: the trainer's points and comment stay.
    send(engine, released, "siti", {"q1": 0, "cerita": "Lupa."})
    assert grader.grade_next().status == "graded"
    now = shown(db_url, "siti")
    assert (now["score"], now["comments"], now["needs_manual_grade"]) == (2.0, [COMMENT], False)

    # A try that can do better (right choice, new story): it goes to the trainer to grade.
    send(engine, released, "siti", {"q1": 1, "cerita": "Saya cocokkan nama toko dan jumlah."})
    assert grader.grade_next().score == 1.0
    now = shown(db_url, "siti")
    assert (now["score"], now["needs_manual_grade"]) == (1.0, True)

    # It fails (the learner sends the first story again, wrong choice): the hand-graded first
    # attempt comes back whole, although the third was never graded by hand.
    send(engine, released, "siti", {"q1": 0, "cerita": "Lupa lagi."})
    grader.grade_next()
    now = shown(db_url, "siti")
    assert (now["score"], now["comments"]) == (2.0, [COMMENT])

"""The grader and nbgrader's gradebook on SQLite and on a real PostgreSQL, and the sandbox.

The grader runs in-process here (the hub-managed one is exercised in test_grading.py); kernels
are real, started through the sandbox.
"""

import threading
from datetime import timedelta

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook
from nbgrader.api import Gradebook
from sqlalchemy.exc import OperationalError

from naikkelas.grading import submissions as subs
from naikkelas.grading.courses import read_course
from naikkelas.grading.gradebook import Grading, assignment_id
from naikkelas.grading.grader import KERNEL_MANAGER, NETWORK, REASONS, Grader
from naikkelas.hub.db import engine_for
from tests.support import Postgres, wait_for

LESSON = (
    "{prelude}\n"
    "from naikkelas.widgets import Lesson, SingleChoice, TrueFalse, preview\n"
    'lesson = Lesson("Uji")\n'
    'lesson.screen(SingleChoice("q1", "Pilih", ["A", "B"]), TrueFalse("q2", "Benar?"))\n'
)
KEY = (
    "### BEGIN HIDDEN TESTS\n"
    'KEY = {"q1": {"type": "single", "answer": 1}, "q2": {"type": "truefalse", "answer": True}}\n'
    "preview(KEY)\n"
    "### END HIDDEN TESTS"
)


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'naikkelas.sqlite'}"
    pg = request.getfixturevalue("postgres")
    schema = f"t{abs(hash(tmp_path)) % 10**8}"
    engine = engine_for(pg.url)
    with engine.begin() as conn:
        conn.exec_driver_sql(f"CREATE SCHEMA {schema}")
    # Each test gets its own schema, so gradebooks never mix.
    return f"{pg.url}&options=-csearch_path%3D{schema}"


def release(tmp_path, db_url, prelude="", cell_timeout=20, lesson=LESSON, key=KEY):
    folder = tmp_path / "courses" / "kursus"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "course.yml").write_text("title: Kursus\norder: 1\n")
    nb = new_notebook(metadata={"naikkelas": {"title": "Uji", "minutes": 2}})
    nb.cells = [
        new_code_cell(lesson.format(prelude=prelude)),
        new_code_cell(key),
        new_code_cell("lesson.show()"),
    ]
    nbformat.write(nb, folder / "01-uji.ipynb")
    grading = Grading(
        tmp_path / "nbgrader", db_url, cell_timeout=cell_timeout, kernel_manager=KERNEL_MANAGER
    )
    released = grading.generate(read_course(folder))["01-uji"]
    return grading, nbformat.read(released, as_version=4)


def send(engine, released, username, answers):
    notebook = subs.submission_notebook(released, answers)
    return subs.record_submission(engine, username, "kursus", "01-uji", notebook, answers)


def gradebook_score(db_url, username):
    with Gradebook(db_url, "kursus") as gb:
        s = gb.find_submission(assignment_id("kursus", "01-uji"), username)
        return s.score, s.max_score


def test_submissions_are_graded_in_order_and_the_gradebook_keeps_the_best(tmp_path, db_url):
    grading, released = release(tmp_path, db_url)
    engine = engine_for(db_url)
    grader = Grader(engine, grading, worker="uji")
    send(engine, released, "siti", {"q1": 1, "q2": True})
    send(engine, released, "siti", {"q1": 0})  # a worse attempt (e.g. a key fixed later)
    send(engine, released, "made", {"q1": 1})
    first = grader.grade_next()
    assert (first.username, first.attempt, first.status, first.score) == ("siti", 1, "graded", 2)
    # The next waiting submission is Made's first, not before Siti's second was queued...
    second = grader.grade_next()
    third = grader.grade_next()
    assert {(s.username, s.attempt) for s in (second, third)} == {("siti", 2), ("made", 1)}
    assert grader.grade_next() is None
    assert subs.get(engine, second.id).score in (0.0, 1.0)
    assert gradebook_score(db_url, "siti") == (2.0, 2.0)  # the best attempt, not the last
    assert gradebook_score(db_url, "made") == (1.0, 2.0)
    assert [s.attempt for s in subs.history(engine, "siti", "kursus", "01-uji")] == [2, 1]


def test_two_learners_submitting_at_the_same_instant_are_both_kept(tmp_path, db_url):
    _grading, released = release(tmp_path, db_url)
    engine = engine_for(db_url)
    barrier = threading.Barrier(4)
    sent = []

    def kirim(name):
        barrier.wait()
        sent.append(send(engine, released, name, {"q1": 1}))

    threads = [threading.Thread(target=kirim, args=(n,)) for n in ("a", "b", "a", "b")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted((s.username, s.attempt) for s in sent) == [("a", 1), ("a", 2), ("b", 1), ("b", 2)]


def test_only_the_lease_holder_records_a_result(tmp_path, db_url):
    _grading, released = release(tmp_path, db_url)
    engine = engine_for(db_url)
    send(engine, released, "siti", {"q1": 1})
    slow = subs.claim(engine, "slow", lease=timedelta(seconds=-1))  # its lease has run out
    fast = subs.claim(engine, "fast")
    assert fast is not None and fast.id == slow.id and fast.tries == 2
    assert subs.complete(engine, fast, "fast", subs.GRADED, 1.0, 2.0)
    assert not subs.complete(engine, slow, "slow", subs.GRADED, 0.0, 2.0)  # too late
    assert subs.get(engine, slow.id).score == 1.0


@pytest.fixture
def own_postgres():
    """A cluster of this test's own: it stops it, which the session's hubs must not see."""
    pg = Postgres()
    pg.start()
    yield pg
    pg.remove()


def test_grading_survives_the_database_going_away_mid_grade(tmp_path, own_postgres):
    postgres = own_postgres
    db_url = f"{postgres.url}&options=-csearch_path%3Dpublic"
    grading, released = release(tmp_path, db_url)
    engine = engine_for(db_url)
    submission = send(engine, released, "rina", {"q1": 1, "q2": True})
    grader = Grader(engine, grading, worker="uji", lease=timedelta(seconds=1))
    real = grading.autograde

    def autograde_then_lose_the_database(*args, **kwargs):
        result = real(*args, **kwargs)
        postgres.stop()
        return result

    grading.autograde = autograde_then_lose_the_database
    with pytest.raises(OperationalError):
        grader.grade_next()
    grading.autograde = real
    postgres.start()
    assert subs.get(engine, submission.id).status == "grading"  # nothing recorded yet
    regraded = wait_for(grader.grade_next, 30, "the submission taken over")
    assert regraded.id == submission.id and regraded.status == "graded"
    assert regraded.score == 2.0 and regraded.tries == 2
    assert gradebook_score(db_url, "rina") == (2.0, 2.0)


@pytest.mark.parametrize(
    "prelude, reason",
    [
        ("import socket\nsocket.create_connection(('127.0.0.1', 22), timeout=5)", NETWORK),
        ("import urllib.request\nurllib.request.urlopen('http://example.com', timeout=5)", NETWORK),
        ("while True:\n    pass", REASONS["CellTimeoutError"]),
        # 4 GiB fits this machine, so only the sandbox's limit can stop it.
        ("block = bytearray(4 * 1024**3)", REASONS["MemoryError"]),
    ],
    ids=["socket", "http", "endless-loop", "huge-allocation"],
)
def test_the_sandbox_stops_a_lesson_and_the_submission_fails_with_the_reason(
    tmp_path, prelude, reason
):
    db_url = f"sqlite:///{tmp_path / 'naikkelas.sqlite'}"
    grading, released = release(tmp_path, db_url, prelude=prelude, cell_timeout=3)
    engine = engine_for(db_url)
    submission = send(engine, released, "siti", {"q1": 1, "q2": True})
    result = Grader(engine, grading, worker="uji").grade_next()
    assert result.id == submission.id
    assert (result.status, result.reason, result.score) == ("failed", reason, 0.0)
    assert subs.get(engine, submission.id).public()["reason"] == reason


def test_a_graded_lesson_cannot_read_the_graders_secrets(tmp_path, monkeypatch):
    """A trainer writes lessons; the grader holds the database URL. A lesson that reads its
    environment must find no credentials to show the trainer in the formgrader."""
    db_url = f"sqlite:///{tmp_path / 'naikkelas.sqlite'}"
    monkeypatch.setenv("NAIKKELAS_DB_URL", "postgresql://naikkelas:rahasia@db/naikkelas")
    monkeypatch.setenv("JUPYTERHUB_API_TOKEN", "token-rahasia")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "kunci-rahasia")
    prelude = (
        "import os\n"
        "leaked = [k for k, v in os.environ.items() if 'rahasia' in v]\n"
        "assert not leaked, leaked\n"
    )
    grading, released = release(tmp_path, db_url, prelude=prelude)
    engine = engine_for(db_url)
    send(engine, released, "siti", {"q1": 1, "q2": True})
    result = Grader(engine, grading, worker="uji").grade_next()
    assert (result.status, result.score) == ("graded", 2.0), result.reason

"""The service side of lessons on a real SQLite database: answers, steps, resume, re-release."""

import threading
import uuid

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from naikkelas.grading import lessons
from naikkelas.grading.lessons import KeyStore, LessonError
from naikkelas.grading.progress import events, get_state
from naikkelas.grading.release import release_course
from naikkelas.hub.db import engine_for

KEY_CELL = """### BEGIN HIDDEN TESTS
KEY = {"q1": {"type": "single", "answer": 1, "attempts": 2},
       "q2": {"type": "number", "answer": 15000}}
### END HIDDEN TESTS"""


def course(root, prompt="Mana yang benar?"):
    folder = root / "kursus"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "course.yml").write_text("title: Kursus\n")
    nb = new_notebook(metadata={"naikkelas": {"title": "Satu", "minutes": 3}})
    nb.cells = [new_code_cell(f"# {prompt}"), new_code_cell(KEY_CELL)]
    nbformat.write(nb, folder / "01-satu.ipynb")
    return folder


@pytest.fixture
def env(tmp_path):
    engine = engine_for(f"sqlite:///{tmp_path / 'nk.sqlite'}")
    release_course(course(tmp_path / "src"), tmp_path / "released", "a", tmp_path / "source")
    return engine, KeyStore(tmp_path / "source"), tmp_path


def answer(env, question, value, event_id=None):
    engine, keys, _ = env
    return lessons.answer_question(
        engine, keys, "budi", "kursus", "01-satu", question, value, event_id or uuid.uuid4().hex
    )


def test_limited_attempts_then_locked(env):
    assert answer(env, "q1", 0)["attempts_left"] == 1
    second = answer(env, "q1", 2)
    assert second["correct"] is False and second["attempts_left"] == 0
    third = answer(env, "q1", 1)  # right, but too late
    assert third["locked"] is True and third["correct"] is False
    assert len([e for e in events(env[0], "budi") if e["kind"] == "answer"]) == 2


def test_resume_has_step_answers_and_score(env):
    engine, keys, _ = env
    answer(env, "q2", "Rp15.000")
    lessons.set_step(engine, keys, "budi", "kursus", "01-satu", 1, uuid.uuid4().hex)
    state = lessons.resume(engine, keys, "budi", "kursus", "01-satu")
    assert state["step"] == 1 and state["answers"]["q2"]["correct"] is True
    assert (state["earned"], state["total"]) == (1, 2)
    done = lessons.finish(engine, keys, "budi", "kursus", "01-satu", uuid.uuid4().hex)
    assert done["finished"] is True


def test_a_typo_fixed_and_re_released_keeps_everyones_answers(env):
    engine, keys, tmp = env
    answer(env, "q1", 1)
    release_course(
        course(tmp / "src", prompt="Mana yang benar? (diperbaiki)"),
        tmp / "released",
        "a",
        tmp / "source",
    )
    assert "diperbaiki" in (tmp / "released" / "a" / "kursus" / "01-satu.ipynb").read_text()
    state = lessons.resume(engine, keys, "budi", "kursus", "01-satu")
    assert state["answers"]["q1"]["correct"] is True


def test_concurrent_duplicates_of_one_event_are_recorded_once(env):
    event = uuid.uuid4().hex
    errors = []

    def send():
        try:
            answer(env, "q2", "15rb", event)
        except Exception as e:  # noqa: BLE001 - collected and asserted below
            errors.append(e)

    threads = [threading.Thread(target=send) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len([e for e in events(env[0], "budi") if e["event_id"] == event]) == 1
    assert get_state(env[0], "budi", "kursus", "01-satu").answers["q2"]["attempts"] == 1


@pytest.mark.parametrize(
    "course_name,lesson_name", [("../x", "01-satu"), ("kursus", "../../etc/passwd"), ("", "a")]
)
def test_path_tricks_are_refused(env, course_name, lesson_name):
    engine, keys, _ = env
    with pytest.raises(LessonError):
        lessons.resume(engine, keys, "budi", course_name, lesson_name)


def test_bad_steps_are_refused_and_change_nothing(env):
    engine, keys, _ = env
    for step in (-1, 10_000, "2", None, True, 1.5):
        with pytest.raises(LessonError):
            lessons.set_step(engine, keys, "budi", "kursus", "01-satu", step, uuid.uuid4().hex)
    assert get_state(engine, "budi", "kursus", "01-satu").step == 0

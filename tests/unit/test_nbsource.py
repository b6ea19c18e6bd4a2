"""Lessons in nbgrader's source form, answers cells, release through nbgrader's generate step."""

import json

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook
from sqlalchemy import create_engine, inspect, text

from naikkelas.grading.courses import CourseError
from naikkelas.grading.gradebook import Grading, assignment_id
from naikkelas.grading.nbsource import (
    ANSWERS_SOURCE,
    LessonFormError,
    answers_cell_index,
    answers_source,
    read_answers,
    to_source_form,
)
from naikkelas.grading.release import release_course
from naikkelas.hub.db import engine_for

LESSON = (
    "from naikkelas.widgets import Lesson, SingleChoice, TrueFalse, preview\n"
    'lesson = Lesson("Uji")\n'
    'lesson.screen(SingleChoice("q1", "Pilih", ["A", "B"]), TrueFalse("q2", "Benar?"))\n'
)
KEY = (
    "### BEGIN HIDDEN TESTS\n"
    'KEY = {"q1": {"type": "single", "answer": 1}, "q2": {"type": "truefalse", "answer": True,'
    ' "points": 2}}\n'
    "preview(KEY)\n"
    "### END HIDDEN TESTS"
)


def short_lesson():
    nb = new_notebook(metadata={"naikkelas": {"title": "Uji", "minutes": 3}})
    nb.cells = [new_code_cell(LESSON), new_code_cell(KEY), new_code_cell("lesson.show()")]
    return nb


def course_with(tmp_path, nb, slug="kursus-uji"):
    folder = tmp_path / "courses" / slug
    folder.mkdir(parents=True)
    (folder / "course.yml").write_text("title: Kursus Uji\norder: 1\n")
    nbformat.write(nb, folder / "01-satu.ipynb")
    return folder


def test_source_form_adds_the_answers_cell_and_nbgrader_metadata():
    nb = to_source_form(short_lesson())
    roles = [c.metadata.nbgrader["grade_id"] for c in nb.cells]
    assert roles == ["lesson", "answers", "key", "show"]
    assert nb.cells[1].source == ANSWERS_SOURCE and nb.cells[1].metadata.nbgrader["solution"]
    key = nb.cells[2].metadata.nbgrader
    assert key["grade"] and key["locked"] and key["points"] == 3.0
    assert all(c.get("id") for c in nb.cells)
    assert to_source_form(nb) == nb  # idempotent


@pytest.mark.parametrize(
    "cells, reason",
    [
        (["lesson.show()"], "exactly one code cell with the answer key"),
        ([KEY, "lesson.show()"], "must come first"),
        ([LESSON, KEY], r"lesson\.show\(\) is missing"),
        ([LESSON, KEY, KEY, "lesson.show()"], "this notebook has 2"),
    ],
)
def test_notebooks_that_are_not_lessons_are_refused(cells, reason):
    nb = new_notebook(cells=[new_code_cell(c) for c in cells])
    with pytest.raises(LessonFormError, match=reason):
        to_source_form(nb)


def test_answers_round_trip_and_only_a_literal_dict_is_read():
    answers = {"q1": 1, "q2": True, "urut": ["b", "a"], "pasang": {"x": "1"}, "teks": "Ibu's"}
    assert read_answers(answers_source(answers)) == answers
    assert read_answers(ANSWERS_SOURCE) == {}
    for bad in [
        "import os\nANSWERS = {}",
        "ANSWERS = dict(a=1)",
        "ANSWERS = {'q': __import__('os').system('id')}",
        "ANSWERS = [1]",
        "JAWABAN = {}",
        "ANSWERS = {1: 2}",
        "ANSWERS = {",
    ]:
        with pytest.raises(LessonFormError):
            read_answers(bad)


def test_release_runs_nbgrader_generate_and_records_the_lesson(tmp_path):
    folder = course_with(tmp_path, short_lesson())
    db_url = f"sqlite:///{tmp_path / 'naikkelas.sqlite'}"
    engine_for(db_url)  # NaikKelas's tables first, as on a running platform
    grading = Grading(tmp_path / "nbgrader", db_url)
    dest = release_course(folder, tmp_path / "released", "a", grading=grading)
    released = nbformat.read(dest / "01-satu.ipynb", as_version=4)
    text_ = json.dumps(released)
    assert "KEY" not in text_ and '"answer": 1' not in text_
    assert released.cells[answers_cell_index(released)].source == ANSWERS_SOURCE
    assert released.cells[2].metadata.nbgrader["checksum"]  # nbgrader's generate step ran
    engine = create_engine(db_url)
    with engine.connect() as conn:
        names = [r[0] for r in conn.execute(text("SELECT name FROM assignment"))]
        stamped = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    assert names == [assignment_id("kursus-uji", "01-satu")]
    assert stamped  # nbgrader's schema version is recorded even though nk_ tables came first
    assert {"nk_accounts", "assignment", "grade"} <= set(inspect(engine).get_table_names())


def _syntax_error(raw):
    raw["cells"][0]["source"] = LESSON + "lesson.screen(("


def _no_id(raw):
    del raw["cells"][2]["id"]


def _markdown_without_id(raw):
    cell = json.loads(nbformat.writes(new_notebook(cells=[new_markdown_cell("x")])))["cells"][0]
    del cell["id"]
    raw["cells"].insert(0, cell)


@pytest.mark.parametrize(
    "break_it, reason",
    [
        (_syntax_error, "cell 0: line 4"),
        (_no_id, "cell 2: has no cell id"),
        (_markdown_without_id, "cell 0: has no cell id"),
    ],
)
def test_a_broken_lesson_is_refused_naming_the_cell_and_nothing_is_released(
    tmp_path, break_it, reason
):
    good = course_with(tmp_path, short_lesson())
    grading = Grading(tmp_path / "nbgrader", f"sqlite:///{tmp_path / 'nk.sqlite'}")
    dest = release_course(good, tmp_path / "released", "a", grading=grading)
    before = (dest / "01-satu.ipynb").read_bytes()
    raw = json.loads(nbformat.writes(short_lesson()))
    break_it(raw)
    (good / "01-satu.ipynb").write_text(json.dumps(raw))
    with pytest.raises(CourseError, match=reason):
        release_course(good, tmp_path / "released", "a", grading=grading)
    assert (dest / "01-satu.ipynb").read_bytes() == before


def test_free_text_makes_the_answers_cell_a_manually_graded_cell():
    nb = short_lesson()
    nb.cells[1].source = nb.cells[1].source.replace(
        '"points": 2}}', '"points": 2}, "q3": {"type": "manual", "answer": "Rubrik.", "points": 4}}'
    )
    form = to_source_form(nb)
    answers, key = form.cells[1].metadata.nbgrader, form.cells[2].metadata.nbgrader
    assert answers["grade"] and answers["solution"] and answers["points"] == 4.0
    assert key["points"] == 3.0  # only what autograde can decide

"""The course validator, on broken lessons made here and on every bundled course."""

import os
import subprocess

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook, new_output

from naikkelas.grading.validate import validate_courses, validate_lesson
from tests.conftest import ROOT
from tests.support import NAIKKELAS

GOOD = """from naikkelas.widgets import Lesson, SingleChoice, preview
lesson = Lesson("Pelajaran uji")
lesson.screen("Ini adalah pelajaran untuk Anda. Tekan tombol yang benar.",
              SingleChoice("q1", "Mana yang benar?", ["Satu", "Dua"]))"""
KEY = """### BEGIN HIDDEN TESTS
KEY = {"q1": {"type": "single", "answer": 1, "right": "Benar sekali, itu dua.",
              "wrong": "Belum tepat, coba yang lain."}}
preview(KEY)
### END HIDDEN TESTS"""


def lesson(tmp_path, cells, minutes=5, name="01-uji.ipynb"):
    folder = tmp_path / "kursus"
    folder.mkdir(exist_ok=True)
    (folder / "course.yml").write_text("title: Kursus Uji\n")
    nb = new_notebook(metadata={"naikkelas": {"title": "Uji", "minutes": minutes}})
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.cells = [new_code_cell(c) for c in cells]
    nbformat.write(nb, folder / name)
    return folder / name


def test_a_sound_lesson_passes(tmp_path):
    report = validate_lesson(lesson(tmp_path, [GOOD, KEY, "lesson.show()"]))
    assert report.problems == [] and report.questions == 1 and report.screens == 1


def test_every_problem_is_reported_with_file_and_cell(tmp_path):
    path = lesson(
        tmp_path,
        [GOOD + '\nlesson.screen(SingleChoice("q2", "Lagi?", ["a", "b"]))', KEY, "lesson.show()"],
        minutes=30,
    )
    nb = nbformat.read(path, as_version=4)
    nb.cells[2].outputs = [new_output("stream", text="x")]
    nbformat.write(nb, path)
    problems = "\n".join(validate_lesson(path).problems)
    assert "minutes must be 1-10" in problems
    assert "01-uji.ipynb: cell 2: has outputs" in problems
    assert "question 'q2' has no answer key" in problems


def test_a_lesson_that_fails_to_run_names_the_cell(tmp_path):
    path = lesson(tmp_path, [GOOD, KEY, "lesson.show(\n"])
    problems = validate_lesson(path).problems
    assert any("cell 2: fails when run" in p for p in problems), problems


def test_key_problems_and_questions_not_asked(tmp_path):
    broken = KEY.replace('"answer": 1', '"answer": 1}, "q9": {"type": "single", "answer": 0')
    report = validate_lesson(lesson(tmp_path, [GOOD, broken, "lesson.show()"]))
    problems = "\n".join(report.problems)
    assert "answer key for 'q9', which the lesson does not ask" in problems


def test_english_text_and_pictures_without_alt_are_problems(tmp_path):
    english = GOOD.replace(
        "Ini adalah pelajaran untuk Anda. Tekan tombol yang benar.",
        "This is the lesson for you and it is in English. ![](gambar.png)",
    )
    report = validate_lesson(lesson(tmp_path, [english, KEY, "lesson.show()"]))
    problems = "\n".join(report.problems)
    assert "does not read as Indonesian" in problems
    assert "a picture has no alt text" in problems


def test_a_screen_with_nothing_to_do_is_reported_and_activities_count(tmp_path):
    text_only = GOOD + '\nlesson.screen("## Ringkasan\\nIni hanya teks untuk dibaca.")'
    report = validate_lesson(lesson(tmp_path, [text_only, KEY, "lesson.show()"]))
    assert any("screen 2 has nothing to do" in p for p in report.problems), report.problems
    assert not any("screen 1 " in p for p in report.problems), "screen 1 has a question"
    before = report.minutes
    with_cards = GOOD.replace("import Lesson,", "import Lesson, Reveal, SelfCheck,") + (
        '\nlesson.screen("## Ringkasan", Reveal([("Apa itu OTP?", "Kode rahasia sekali pakai '
        'yang tidak boleh diberikan kepada siapa pun.")]))'
        '\nlesson.screen("Tujuan", SelfCheck("Pernah?", ["Ya", "Belum"], "Mari belajar."))'
    )
    report = validate_lesson(lesson(tmp_path, [with_cards, KEY, "lesson.show()"]))
    assert report.problems == [] and report.questions == 1 and report.screens == 3
    assert report.minutes > before, "the cards' hidden backs and responses are reading time"


def test_cli_exits_1_listing_problems_and_0_when_sound(tmp_path):
    path = lesson(tmp_path, [GOOD, KEY.replace('"answer": 1', '"answer": "x"'), "lesson.show()"])
    result = subprocess.run(
        [NAIKKELAS, "courses", "validate", str(path.parent)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 1
    assert "PROBLEM" in result.stdout and "01-uji.ipynb" in result.stdout
    nbformat.write(nbformat.read(lesson(tmp_path, [GOOD, KEY, "lesson.show()"]), 4), path)
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    result = subprocess.run(
        [NAIKKELAS, "courses", "validate", str(path.parent)],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "TMPDIR": str(scratch)},
    )
    assert result.returncode == 0, result.stdout
    # The lesson's kernel spoke over Unix sockets in a folder of its own, removed afterwards,
    # and did not warn the author about unencrypted TCP.
    assert "TCP" not in result.stderr, result.stderr
    assert list(scratch.iterdir()) == []


def test_one_broken_file_does_not_hide_the_other_lessons(tmp_path):
    """A truncated notebook and a broken course.yml are each reported (the JSON with where it
    breaks), and the course's other lesson is still run and checked."""
    sound = lesson(tmp_path, [GOOD, KEY, "lesson.show()"])
    folder = sound.parent
    broken = folder / "00-rusak.ipynb"
    broken.write_text(sound.read_text()[:300])
    other = lesson(tmp_path, [GOOD, KEY, "lesson.show(\n"], name="02-gagal.ipynb")
    (folder / "course.yml").write_text("title: [belum ditutup\n")
    reports = {r.path.name: r for r in validate_courses([folder])}
    assert set(reports) == {"kursus", broken.name, sound.name, other.name}
    assert "course.yml: not valid YAML" in reports["kursus"].problems[0]
    assert "not a valid notebook (broken JSON at line" in reports[broken.name].problems[0]
    assert reports[sound.name].problems == [] and reports[sound.name].questions == 1
    assert any("cell 2: fails when run" in p for p in reports[other.name].problems)


@pytest.mark.timeout(900)
def test_every_bundled_course_validates():
    courses = sorted(p.parent for p in (ROOT / "courses").glob("*/course.yml"))
    reports = validate_courses(courses)
    problems = [p for r in reports for p in r.problems]
    assert problems == []
    assert all(r.questions > 0 for r in reports)


def test_a_lesson_that_is_not_in_a_form_nbgrader_can_grade_is_reported(tmp_path):
    nb = new_notebook(metadata={"naikkelas": {"title": "Uji", "minutes": 2}})
    nb.cells = [
        new_code_cell("### BEGIN HIDDEN TESTS\nKEY = {}\n### END HIDDEN TESTS"),
        new_code_cell("x = (1,"),
    ]
    path = tmp_path / "01-uji.ipynb"
    nbformat.write(nb, path)
    problems = " | ".join(validate_lesson(path).problems)
    assert "nbgrader form:" in problems and "release: cell 1: line 1" in problems


def test_long_sentences_and_hard_words_are_warnings_for_the_author(tmp_path):
    """Plain language: advice to simplify, which does not stop a release."""
    long = " ".join(["Tekan tombol ini"] * 8) + "."
    text = f"{long} Lakukan verifikasi data lalu Download aplikasinya. Verifikasi sekali lagi."
    source = GOOD.replace("Ini adalah pelajaran untuk Anda. Tekan tombol yang benar.", text)
    report = validate_lesson(lesson(tmp_path, [source, KEY, "lesson.show()"]))
    assert report.problems == []
    warnings = "\n".join(report.warnings)
    assert "long sentence (24 words)" in warnings
    assert "hard word 'verifikasi' (2x): plainer is 'pemeriksaan, cek'" in warnings
    assert "hard word 'download' (1x): plainer is 'unduh'" in warnings
    plain = validate_lesson(lesson(tmp_path, [GOOD, KEY, "lesson.show()"], name="02-uji.ipynb"))
    assert plain.warnings == []

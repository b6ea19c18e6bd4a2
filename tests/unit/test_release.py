"""Courses on disk and their release to a cohort."""

import json
import os

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from naikkelas.grading.courses import CourseError, list_courses, read_course
from naikkelas.grading.release import release_course


def make_course(root, slug="kursus", title="Kursus Uji"):
    folder = root / slug
    folder.mkdir(parents=True)
    (folder / "course.yml").write_text(f"title: {title}\norder: 2\n")
    nb = new_notebook(metadata={"naikkelas": {"title": "Pelajaran Satu", "minutes": 4}})
    code = new_code_cell(
        "x = 1\n### BEGIN SOLUTION\nanswer = 42\n### END SOLUTION\n"
        "### BEGIN HIDDEN TESTS\nKEY = {'q1': {'type': 'single', 'answer': 0}}\n"
        "assert answer == 42\n### END HIDDEN TESTS\nprint(x)"
    )
    code.outputs = [new_output("stream", text="secret output")]
    code.execution_count = 3
    nb.cells = [new_markdown_cell("# Judul"), code]
    nbformat.write(nb, folder / "01-satu.ipynb")
    (folder / "gambar.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    (folder / "catatan-pelatih.txt").write_text("jawaban: 42")
    return folder


def test_read_course(tmp_path):
    course = read_course(make_course(tmp_path))
    assert course.title == "Kursus Uji"
    assert [(lesson.slug, lesson.title, lesson.minutes) for lesson in course.lessons] == [
        ("01-satu", "Pelajaran Satu", 4)
    ]


def test_release_strips_outputs_solutions_and_hidden_tests(tmp_path):
    src = make_course(tmp_path / "src")
    dest = release_course(src, tmp_path / "released", "kelas-a")
    assert dest == tmp_path / "released" / "kelas-a" / "kursus"
    released = (dest / "01-satu.ipynb").read_text()
    nb = json.loads(released)
    code = nb["cells"][1]
    assert code["outputs"] == [] and code["execution_count"] is None
    assert "answer = 42" not in released and "assert answer" not in released
    assert "KEY" not in released
    assert "x = 1" in released and "print(x)" in released
    assert (dest / "gambar.png").exists()
    assert not (dest / "catatan-pelatih.txt").exists(), "only lessons, metadata and images"
    assert oct(os.stat(dest / "01-satu.ipynb").st_mode & 0o777) == "0o644"


def test_rerelease_replaces_and_leaves_no_staging(tmp_path):
    src = make_course(tmp_path / "src")
    release_course(src, tmp_path / "released", "a")
    (src / "course.yml").write_text("title: Judul Baru\n")
    release_course(src, tmp_path / "released", "a")
    cohort = tmp_path / "released" / "a"
    assert sorted(p.name for p in cohort.iterdir()) == ["kursus"]
    assert read_course(cohort / "kursus").title == "Judul Baru"


def test_broken_course_changes_nothing(tmp_path):
    src = make_course(tmp_path / "src")
    release_course(src, tmp_path / "released", "a")
    (src / "course.yml").write_text("title: [unclosed\n")
    with pytest.raises(CourseError, match="course.yml"):
        release_course(src, tmp_path / "released", "a")
    assert read_course(tmp_path / "released" / "a" / "kursus").title == "Kursus Uji"


def test_bundled_courses_read():
    from tests.conftest import ROOT

    courses = list_courses(ROOT / "courses")
    assert courses and all(course.lessons for course in courses)


def test_a_course_with_a_broken_key_is_not_released(tmp_path):
    src = make_course(tmp_path / "src")
    nb = nbformat.read(src / "01-satu.ipynb", as_version=4)
    nb.cells.append(
        nbformat.v4.new_code_cell(
            "### BEGIN HIDDEN TESTS\nKEY = {'q2': {'type': 'single', 'anwser': 1}}\n"
            "### END HIDDEN TESTS"
        )
    )
    nbformat.write(nb, src / "01-satu.ipynb")
    with pytest.raises(CourseError, match="01-satu.ipynb.*q2"):
        release_course(src, tmp_path / "released", "a", tmp_path / "source")
    assert not (tmp_path / "released" / "a" / "kursus").exists()
    assert not (tmp_path / "source").exists()

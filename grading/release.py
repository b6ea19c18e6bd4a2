"""Release a course to a cohort: the learner-facing copy of each lesson, written atomically.

What a learner's server may hold: the lesson notebooks without outputs and without anything the
source marks as hidden (nbgrader's hidden tests and solutions), the course metadata and images.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from pathlib import Path

import nbformat

from naikkelas.widgets.checking import AnswerKeyError, extract_key, validate_key

from .courses import COURSE_FILE, CourseError, read_course

HIDDEN_TESTS = re.compile(
    r"^[ \t]*#+[ \t]*BEGIN HIDDEN TESTS.*?^[ \t]*#+[ \t]*END HIDDEN TESTS[^\n]*\n?",
    re.MULTILINE | re.DOTALL,
)
SOLUTION = re.compile(
    r"^[ \t]*#+[ \t]*BEGIN SOLUTION.*?^[ \t]*#+[ \t]*END SOLUTION[^\n]*\n?",
    re.MULTILINE | re.DOTALL,
)
ASSET_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp"}


def check_keys(course) -> None:
    """Refuse to release a course whose answer keys are broken (nothing is released then)."""
    problems = []
    for lesson in course.lessons:
        try:
            key = extract_key(nbformat.read(lesson.path, as_version=4))
        except (AnswerKeyError, ValueError) as e:
            problems.append(f"{lesson.path.name}: {e}")
            continue
        problems += [f"{lesson.path.name}: {problem}" for problem in validate_key(key)]
    if problems:
        raise CourseError(f"{course.slug}: broken answer keys: " + "; ".join(problems))


def learner_copy(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """A lesson as a learner's server may hold it: no outputs, no hidden tests, no solutions."""
    nb = nbformat.from_dict(nb)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
            source = HIDDEN_TESTS.sub("", cell.source)
            cell.source = SOLUTION.sub("", source)
    return nb


def release_course(
    course_dir: Path, released_root: Path, cohort: str, source_root: Path | None = None
) -> Path:
    """Release one course to `released_root/cohort/<course>`; returns that folder.

    With `source_root`, the trainer's source notebooks (with their answer keys) are kept at
    `source_root/<course>` for the NaikKelas service, where learners' servers cannot read them.

    The folder is built next to its destination and swapped in with renames, so a learner never
    sees a half-released course.
    """
    course = read_course(course_dir)
    check_keys(course)
    cohort_dir = Path(released_root) / cohort
    cohort_dir.mkdir(parents=True, exist_ok=True)
    os.chmod(cohort_dir, 0o755)  # noqa: S103 - learners read released lessons
    staging = Path(tempfile.mkdtemp(prefix=f".{course.slug}-", dir=cohort_dir))
    try:
        shutil.copy2(course.path / COURSE_FILE, staging / COURSE_FILE)
        for lesson in course.lessons:
            nb = nbformat.read(lesson.path, as_version=4)
            nbformat.write(learner_copy(nb), staging / lesson.path.name)
        for asset in course.path.rglob("*"):
            if asset.is_file() and asset.suffix.lower() in ASSET_SUFFIXES:
                target = staging / asset.relative_to(course.path)
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(asset, target)
        for path in [staging, *staging.rglob("*")]:
            os.chmod(path, 0o755 if path.is_dir() else 0o644)
        destination = cohort_dir / course.slug
        old = None
        if destination.exists():
            old = cohort_dir / f".{course.slug}-old"
            shutil.rmtree(old, ignore_errors=True)
            destination.rename(old)
        staging.rename(destination)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
        if source_root is not None:
            _keep_source(course, Path(source_root))
        return destination
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _keep_source(course, source_root: Path) -> None:
    target = source_root / course.slug
    target.mkdir(parents=True, exist_ok=True)
    for lesson in course.lessons:
        tmp = target / f".{lesson.path.name}.tmp"
        shutil.copyfile(lesson.path, tmp)
        tmp.replace(target / lesson.path.name)

"""Release a course to a cohort: the learner-facing copy of each lesson, written atomically.

What a learner's server may hold: the lesson notebooks without outputs and without anything the
source marks as hidden (nbgrader's hidden tests and solutions), the course metadata and images.
With a `Grading`, the copies are the output of nbgrader's generate step (which also records the
lessons and their checksums in the gradebook); without one, `learner_copy` strips the same parts.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from pathlib import Path

import nbformat

from naikkelas.widgets.checking import AnswerKeyError, extract_key, validate_key

from .courses import COURSE_FILE, CourseError, read_course
from .gradebook import Grading, GradingError

HIDDEN_TESTS = re.compile(
    r"^[ \t]*#+[ \t]*BEGIN HIDDEN TESTS.*?^[ \t]*#+[ \t]*END HIDDEN TESTS[^\n]*\n?",
    re.MULTILINE | re.DOTALL,
)
SOLUTION = re.compile(
    r"^[ \t]*#+[ \t]*BEGIN SOLUTION.*?^[ \t]*#+[ \t]*END SOLUTION[^\n]*\n?",
    re.MULTILINE | re.DOTALL,
)
PICTURES = {".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp"}
RECORDINGS = {".mp3", ".ogg", ".oga", ".opus", ".m4a", ".wav"}  # played by "Dengarkan"
ASSET_SUFFIXES = PICTURES | RECORDINGS


def lesson_problems(nb: dict) -> list[str]:
    """What stops a lesson notebook from being released: cells without ids, code that does not
    compile, a broken answer key. Each problem names the cell."""
    problems = []
    for index, cell in enumerate(nb.get("cells", [])):
        if not cell.get("id"):
            problems.append(f"cell {index}: has no cell id (save it with a recent JupyterLab)")
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else source
        if cell.get("cell_type") == "code" and isinstance(source, str):
            try:
                compile(source, f"cell {index}", "exec")
            except SyntaxError as e:
                problems.append(f"cell {index}: line {e.lineno}: {e.msg}")
    try:
        key = extract_key(nb)
    except (AnswerKeyError, ValueError) as e:
        problems.append(str(e))
    else:
        problems += validate_key(key)
    return problems


def check_keys(course) -> None:
    """Refuse to release a course with a broken lesson (nothing is released then)."""
    problems = []
    for lesson in course.lessons:
        try:
            nb = json.loads(lesson.path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as e:
            problems.append(f"{lesson.path.name}: not a readable notebook ({e})")
            continue
        problems += [f"{lesson.path.name}: {problem}" for problem in lesson_problems(nb)]
    if problems:
        raise CourseError(f"{course.slug}: not released: " + "; ".join(problems))


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
    course_dir: Path,
    released_root: Path,
    cohort: str,
    source_root: Path | None = None,
    grading: Grading | None = None,
) -> Path:
    """Release one course to `released_root/cohort/<course>`; returns that folder.

    With `source_root`, the trainer's source notebooks (with their answer keys) are kept at
    `source_root/<course>` for the NaikKelas service, where learners' servers cannot read them.

    The folder is built next to its destination and swapped in with renames, so a learner never
    sees a half-released course.
    """
    course = read_course(course_dir)
    check_keys(course)
    generated = {}
    if grading is not None:
        try:
            generated = grading.generate(course)
        except GradingError as e:
            raise CourseError(f"{course.slug}: not released: {e}") from None
    cohort_dir = Path(released_root) / cohort
    cohort_dir.mkdir(parents=True, exist_ok=True)
    os.chmod(cohort_dir, 0o755)  # noqa: S103 - learners read released lessons
    staging = Path(tempfile.mkdtemp(prefix=f".{course.slug}-", dir=cohort_dir))
    try:
        shutil.copy2(course.path / COURSE_FILE, staging / COURSE_FILE)
        for lesson in course.lessons:
            if lesson.slug in generated:
                shutil.copyfile(generated[lesson.slug], staging / lesson.path.name)
            else:
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

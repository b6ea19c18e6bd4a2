"""nbgrader for NaikKelas: one nbgrader course directory per course, one gradebook for all.

nbgrader assumes one course per gradebook: an assignment's name is unique across the whole
database. NaikKelas keeps every course in the platform's one database and names each lesson's
assignment ``<course>--<lesson>`` (`assignment_id`), so lessons with the same file name in two
courses never collide; each course also has its own nbgrader ``course_id``.

nbgrader's gradebook tables and NaikKelas's own (``nk_``-prefixed) share the database.
nbgrader decides whether to stamp its schema version (``alembic_version``) by whether the database
has *any* table, so a database where NaikKelas created its tables first would be left unstamped and
``nbgrader db upgrade`` would later fail. `ensure_gradebook` stamps it; NaikKelas keeps its own
schema version in ``nk_alembic_version`` (`naikkelas.hub.migrate`), so the two never migrate
each other's tables.

Directory layout (private to the platform, never readable by learners)::

    <data>/nbgrader/<course>/source/<course>--<lesson>/<lesson>.ipynb   (+ pictures)
                             release/...      what learners receive
                             submitted/<learner>/<course>--<lesson>/<lesson>.ipynb
                             autograded/...   nbgrader's graded copies
"""

from __future__ import annotations

import logging
import os
import shutil
import threading
from datetime import datetime
from functools import cache
from pathlib import Path

import nbformat
from sqlalchemy import create_engine, inspect, text

from .nbsource import ANSWERS_SOURCE, LessonFormError, to_source_form

log = logging.getLogger(__name__)

PICTURES = {".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp"}
RECORDINGS = {".mp3", ".ogg", ".oga", ".opus", ".m4a", ".wav"}  # played by "Dengarkan"
ASSET_SUFFIXES = PICTURES | RECORDINGS
SEPARATOR = "--"


class GradingError(RuntimeError):
    """nbgrader could not generate or grade; the message says which lesson and why."""


def assignment_id(course: str, lesson: str) -> str:
    return f"{course}{SEPARATOR}{lesson}"


_stamp_lock = threading.Lock()


@cache
def ensure_gradebook(db_url: str) -> None:
    """Create nbgrader's tables and stamp its schema version when the database lacks them."""
    from nbgrader.api import Base

    with _stamp_lock:
        engine = create_engine(db_url, future=True)
        try:
            Base.metadata.create_all(bind=engine)
            if "alembic_version" not in inspect(engine).get_table_names():
                with engine.begin() as conn:
                    conn.execute(
                        text("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)")
                    )
                    conn.execute(
                        text("INSERT INTO alembic_version (version_num) VALUES (:v)"),
                        {"v": _nbgrader_schema_head()},
                    )
        finally:
            engine.dispose()


def _nbgrader_schema_head() -> str:
    """nbgrader's newest schema revision, read from its migrations (nbgrader's own helper runs
    the `alembic` command, which need not be on PATH)."""
    import nbgrader
    from alembic.config import Config as AlembicConfig
    from alembic.script import ScriptDirectory

    config = AlembicConfig()
    config.set_main_option("script_location", str(Path(nbgrader.__file__).parent / "alembic"))
    return ScriptDirectory.from_config(config).get_current_head()


class Grading:
    """nbgrader's generate and autograde steps for the courses of one platform."""

    def __init__(self, root: Path, db_url: str, cell_timeout: int = 20, kernel_manager=None):
        self.root = Path(root)
        self.db_url = db_url
        self.cell_timeout = cell_timeout
        self.kernel_manager = kernel_manager  # dotted class name for nbgrader's Execute step
        ensure_gradebook(db_url)

    def course_root(self, course: str) -> Path:
        return self.root / course

    def config(self, course: str):
        from traitlets.config import Config

        c = Config()
        c.CourseDirectory.root = str(self.course_root(course))
        c.CourseDirectory.course_id = course
        c.CourseDirectory.db_url = self.db_url
        c.Exchange.root = str(self.root / ".exchange")  # unused: submissions come over HTTP
        c.ClearSolutions.code_stub = {"python": ANSWERS_SOURCE}
        c.Execute.timeout = self.cell_timeout
        c.Execute.interrupt_on_timeout = True
        if self.kernel_manager:
            c.Execute.kernel_manager_class = self.kernel_manager
        c.Autograde.create_student = True
        return c

    def api(self, course: str):
        from nbgrader.apps import NbGraderAPI
        from nbgrader.coursedir import CourseDirectory

        config = self.config(course)
        return NbGraderAPI(CourseDirectory(config=config), config=config)

    # -- generate -----------------------------------------------------------------------------
    def generate(self, course) -> dict[str, Path]:
        """Run nbgrader's generate step on every lesson of `course` (a `courses.Course`).

        Returns lesson slug -> released notebook. Raises `GradingError` naming the lesson and
        nbgrader's reason when one fails; the released copies of earlier lessons stay in nbgrader's
        own release folder, but nothing reaches learners (see `release.release_course`).
        """
        root = self.course_root(course.slug)
        root.mkdir(parents=True, exist_ok=True)
        os.chmod(self.root, 0o700)
        api = self.api(course.slug)
        released = {}
        for lesson in course.lessons:
            aid = assignment_id(course.slug, lesson.slug)
            source_dir = root / "source" / aid
            shutil.rmtree(source_dir, ignore_errors=True)
            source_dir.mkdir(parents=True)
            try:
                nb = to_source_form(nbformat.read(lesson.path, as_version=4))
            except LessonFormError as e:
                raise GradingError(f"{lesson.path.name}: {e}") from None
            nbformat.write(nb, source_dir / lesson.path.name)
            _copy_assets(course.path, source_dir)
            result = api.generate_assignment(aid, force=True, create=True)
            if not result["success"]:
                raise GradingError(
                    f"{lesson.path.name}: nbgrader generate failed: {_reason(result)}"
                )
            released[lesson.slug] = root / "release" / aid / lesson.path.name
        return released

    # -- autograde ----------------------------------------------------------------------------
    def autograde(
        self, course: str, lesson: str, student: str, nb: nbformat.NotebookNode, when: datetime
    ) -> tuple[float, float, nbformat.NotebookNode]:
        """Autograde one submission with nbgrader; (score, max score, the graded notebook).

        The notebook replaces whatever nbgrader holds for this learner and lesson (nbgrader keeps
        one submission per learner and assignment). Raises `GradingError` when nbgrader fails.
        """
        from nbgrader.api import Gradebook

        aid = assignment_id(course, lesson)
        folder = self.course_root(course) / "submitted" / student / aid
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        nbformat.write(nb, folder / f"{lesson}.ipynb")
        (folder / "timestamp.txt").write_text(when.strftime("%Y-%m-%d %H:%M:%S.%f %Z").strip())
        result = self.api(course).autograde(aid, student, force=True, create=True)
        if not result["success"]:
            raise GradingError(f"nbgrader autograde failed: {_reason(result)}")
        graded = self.course_root(course) / "autograded" / student / aid / f"{lesson}.ipynb"
        with Gradebook(self.db_url, course) as gb:
            submission = gb.find_submission(aid, student)
            score, max_score = float(submission.score), float(submission.max_score)
        return score, max_score, nbformat.read(graded, as_version=4)


def learner_grades(db_url: str, username: str) -> dict[tuple[str, str], dict]:
    """(course, lesson) -> the learner's grade as nbgrader's gradebook holds it now, including
    what the trainer graded by hand and the trainer's comments (for the course home)."""
    from nbgrader.api import SubmittedAssignment
    from sqlalchemy.orm import Session

    from naikkelas.hub.db import engine_for

    ensure_gradebook(db_url)
    grades = {}
    with Session(engine_for(db_url)) as session:
        rows = session.query(SubmittedAssignment).filter(SubmittedAssignment.student_id == username)
        for submission in rows:
            course, _, lesson = submission.assignment.name.partition(SEPARATOR)
            if not lesson:
                continue
            comments = [
                comment.comment
                for notebook in submission.notebooks
                for comment in notebook.comments
                if comment.manual_comment
            ]
            grades[(course, lesson)] = {
                "score": float(submission.score),
                "max_score": float(submission.max_score),
                "needs_manual_grade": bool(submission.needs_manual_grade),
                "comments": comments,
            }
    return grades


def assignment_layout(conn, course: str) -> dict[str, list[tuple[str, list, list]]]:
    """For `add_graded_many`: assignment name -> [(notebook id, [(grade cell id, max score)],
    [solution and task cell ids])] of every lesson of `course` in the gradebook."""
    from nbgrader.api import Assignment, BaseCell, GradeCell, Notebook, SolutionCell, TaskCell
    from sqlalchemy import select

    layout: dict[str, dict[str, tuple[list, list]]] = {}
    rows = conn.execute(
        select(Assignment.name, Notebook.id, BaseCell.id, BaseCell.type)
        .join(Notebook, Notebook.assignment_id == Assignment.id)
        .join(BaseCell, BaseCell.notebook_id == Notebook.id)
        .where(Assignment.name.like(f"{course}{SEPARATOR}%"))
        .order_by(Assignment.name, Notebook.name, BaseCell.name)
    ).all()
    grade_max = dict(conn.execute(select(GradeCell.id, GradeCell.max_score)).all())
    task_max = dict(conn.execute(select(TaskCell.id, TaskCell.max_score)).all())
    solutions = set(conn.execute(select(SolutionCell.id)).scalars())
    for name, notebook_id, cell_id, _type in rows:
        grades, comments = layout.setdefault(name, {}).setdefault(notebook_id, ([], []))
        if cell_id in grade_max:
            grades.append((cell_id, grade_max[cell_id]))
        if cell_id in task_max:
            grades.append((cell_id, task_max[cell_id]))
        if cell_id in solutions or cell_id in task_max:
            comments.append(cell_id)
    return {
        name: [(nb, grades, comments) for nb, (grades, comments) in notebooks.items()]
        for name, notebooks in layout.items()
    }


def add_graded_many(conn, layout: dict, students: list[str], graded: list[tuple]) -> None:
    """Write many autograded submissions into nbgrader's gradebook, in the caller's transaction,
    with the rows nbgrader's `Gradebook.add_submission` and autograde leave: a submitted
    assignment, its notebooks, a grade per grade cell (auto score = `fraction` of the cell's
    points) and an empty comment per solution cell. `graded` holds (student, assignment name,
    timestamp, fraction); `students` are new to the gradebook. Ids derive from the student and
    assignment, so a submission is written once. For `naikkelas demo seed`."""
    import hashlib

    from nbgrader.api import (
        Assignment,
        Comment,
        Grade,
        Student,
        SubmittedAssignment,
        SubmittedNotebook,
    )
    from sqlalchemy import select

    from naikkelas.hub.db import insert_many

    def uid(*parts: str) -> str:
        return hashlib.md5("/".join(parts).encode(), usedforsecurity=False).hexdigest()

    ids = dict(conn.execute(select(Assignment.name, Assignment.id)).all())
    submitted, notebooks, grades, comments = [], [], [], []
    for student, name, timestamp, fraction in graded:
        sa = uid(student, name)
        submitted.append(
            {
                "id": sa,
                "assignment_id": ids[name],
                "student_id": student,
                "timestamp": timestamp,
                "extension": None,
            }
        )
        for notebook_id, grade_cells, comment_cells in layout[name]:
            sn = uid(sa, notebook_id)
            notebooks.append(
                {
                    "id": sn,
                    "assignment_id": sa,
                    "notebook_id": notebook_id,
                    "flagged": False,
                    "late_submission_penalty": None,
                }
            )
            for cell_id, max_score in grade_cells:
                grades.append(
                    {
                        "id": uid(sn, cell_id, "g"),
                        "notebook_id": sn,
                        "cell_id": cell_id,
                        "auto_score": round(float(fraction) * max_score, 4),
                        "manual_score": None,
                        "extra_credit": None,
                        "needs_manual_grade": False,
                    }
                )
            comments += [
                {
                    "id": uid(sn, cell_id, "c"),
                    "notebook_id": sn,
                    "cell_id": cell_id,
                    "auto_comment": None,
                    "manual_comment": None,
                }
                for cell_id in comment_cells
            ]
    for table, rows in (
        (
            Student,
            [
                {"id": s, "first_name": None, "last_name": None, "email": None, "lms_user_id": None}
                for s in students
            ],
        ),
        (SubmittedAssignment, submitted),
        (SubmittedNotebook, notebooks),
        (Grade, grades),
        (Comment, comments),
    ):
        insert_many(conn, table.__table__, rows)


def _copy_assets(course_dir: Path, target: Path) -> None:
    for asset in course_dir.rglob("*"):
        if asset.is_file() and asset.suffix.lower() in ASSET_SUFFIXES:
            dest = target / asset.relative_to(course_dir)
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(asset, dest)


def _reason(result: dict) -> str:
    """The last meaningful line of nbgrader's log or error."""
    text_ = (result.get("error") or "") + "\n" + (result.get("log") or "")
    lines = [line.strip() for line in text_.splitlines() if line.strip()]
    errors = [line for line in lines if "error" in line.lower()]
    return ((errors or lines or ["unknown"])[-1])[:500]

"""Submissions: every "Kirim" a learner makes, kept, queued for autograde and graded exactly once.

`nk_submissions` keeps each attempt (the notebook as sent, its answers, when) and its grading
state. Graders take work with a lease (`claim`): a grader that dies mid-grade leaves its lease to
expire and another grader (or itself, restarted) takes the submission again. Only the holder of
the current lease can record a result (`complete`), so a grade is recorded once even if two graders
ended up grading the same submission. A learner's attempts at one lesson are graded in the order
they were sent.

A submitted notebook is checked before anything is stored (`check_submission`): it must be the
released lesson with only the answers cell filled in, and its answers must be the answers the
NaikKelas service recorded as the learner gave them — so a forged notebook can neither change the
lesson that is graded nor claim answers the learner never gave.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import nbformat
from sqlalchemy import (
    Column,
    DateTime,
    Float,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    and_,
    func,
    or_,
    select,
    update,
)
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from naikkelas.hub.db import as_utc, metadata

from .nbsource import LessonFormError, answers_cell_index, read_answers

MAX_SUBMISSION = 2 * 1024 * 1024  # bytes; a lesson with its answers is a few tens of kB
LEASE = timedelta(seconds=30)
MAX_TRIES = 3

QUEUED, GRADING, GRADED, FAILED = "queued", "grading", "graded", "failed"

submissions_table = Table(
    "nk_submissions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("username", String(64), nullable=False, index=True),
    Column("course", String(100), nullable=False),
    Column("lesson", String(100), nullable=False),
    Column("attempt", Integer, nullable=False),
    Column("event_id", String(64), nullable=True, unique=True),  # the sender's, for retries
    Column("submitted_at", DateTime(timezone=True), nullable=False),
    Column("notebook", Text, nullable=False),
    Column("answers", Text, nullable=False),
    Column("status", String(16), nullable=False, index=True),
    Column("lease_until", DateTime(timezone=True), nullable=True),
    Column("worker", String(64), nullable=True),
    Column("tries", Integer, nullable=False, default=0),
    Column("score", Float, nullable=True),
    Column("max_score", Float, nullable=True),
    Column("reason", Text, nullable=True),
    Column("graded_at", DateTime(timezone=True), nullable=True),
    UniqueConstraint("username", "course", "lesson", "attempt"),
)


class SubmissionError(ValueError):
    """A submission refused; `message` is for the learner (Bahasa Indonesia)."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.message = message
        self.status = status


@dataclass(frozen=True)
class Submission:
    id: int
    username: str
    course: str
    lesson: str
    attempt: int
    submitted_at: datetime
    status: str
    notebook: str
    answers: dict
    tries: int
    score: float | None
    max_score: float | None
    reason: str | None
    worker: str | None

    def public(self) -> dict:
        """What the learner is told about this attempt."""
        return {
            "attempt": self.attempt,
            "submitted_at": self.submitted_at.isoformat(),
            "status": self.status,
            "score": self.score,
            "max_score": self.max_score,
            "reason": self.reason if self.status == FAILED else None,
        }


def _now() -> datetime:
    return datetime.now(UTC)


def _row(row) -> Submission:
    return Submission(
        id=row.id,
        username=row.username,
        course=row.course,
        lesson=row.lesson,
        attempt=row.attempt,
        submitted_at=as_utc(row.submitted_at),
        status=row.status,
        notebook=row.notebook,
        answers=json.loads(row.answers),
        tries=row.tries,
        score=row.score,
        max_score=row.max_score,
        reason=row.reason,
        worker=row.worker,
    )


# -- checking what a learner's server sends ---------------------------------------------------
def check_submission(released: dict, sent: bytes | str, recorded: dict[str, Any]) -> dict:
    """The answers of a submitted notebook, after checking it is the released lesson with only
    the answers cell filled in, and that the answers are the `recorded` ones. Raises
    `SubmissionError` saying, for the learner, what is wrong."""
    if len(sent) > MAX_SUBMISSION:
        raise SubmissionError("Kiriman terlalu besar. Buka pelajaran lagi, lalu Kirim.", 413)
    try:
        nb = nbformat.reads(sent, as_version=4)
    except Exception:  # noqa: BLE001 - nbformat raises many kinds for junk
        raise SubmissionError("Kiriman tidak bisa dibaca sebagai pelajaran.") from None
    cells, expected = nb.get("cells", []), released.get("cells", [])
    if len(cells) != len(expected):
        raise SubmissionError("Kiriman tidak lengkap: ada bagian pelajaran yang hilang.")
    try:
        answers_at = answers_cell_index(released)
    except LessonFormError:
        raise SubmissionError("Pelajaran ini tidak bisa dikirim untuk dinilai.", 409) from None
    for index, (cell, original) in enumerate(zip(cells, expected, strict=True)):
        if cell.get("id") != original.get("id") or cell.get("cell_type") != original.get(
            "cell_type"
        ):
            raise SubmissionError("Kiriman tidak sama dengan pelajaran: susunan bagiannya berubah.")
        if index != answers_at and _source(cell) != _source(original):
            raise SubmissionError("Kiriman mengubah isi pelajaran. Hanya jawaban yang dikirim.")
    try:
        answers = read_answers(_source(cells[answers_at]))
    except LessonFormError:
        raise SubmissionError("Bagian jawaban di kiriman tidak bisa dibaca.") from None
    if answers != recorded:
        raise SubmissionError(
            "Jawaban di kiriman tidak sama dengan jawaban yang tercatat. Buka pelajaran lagi, "
            "lalu Kirim.",
            409,
        )
    return answers


def _source(cell) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


def submission_notebook(released: dict, answers: dict) -> str:
    """The released lesson with `answers` in its answers cell, as a learner's server sends it."""
    from .nbsource import answers_source

    nb = nbformat.from_dict(json.loads(json.dumps(released)))
    nb.cells[answers_cell_index(nb)].source = answers_source(answers)
    return nbformat.writes(nb)


# -- the queue --------------------------------------------------------------------------------
def record_submission(
    engine: Engine,
    username: str,
    course: str,
    lesson: str,
    notebook: str,
    answers: dict,
    event_id: str | None = None,
) -> Submission:
    """Store one attempt (queued for autograde); returns it with its attempt number.

    A retry of the same send (same `event_id`) returns the attempt already stored."""
    for _ in range(5):
        if event_id is not None:
            with engine.connect() as conn:
                row = conn.execute(
                    select(submissions_table).where(submissions_table.c.event_id == event_id)
                ).first()
            if row is not None:
                if row.username != username:
                    raise SubmissionError("Nomor kiriman sudah dipakai.", 409)
                return _row(row)
        with engine.begin() as conn:
            last = conn.execute(
                select(func.max(submissions_table.c.attempt)).where(
                    submissions_table.c.username == username,
                    submissions_table.c.course == course,
                    submissions_table.c.lesson == lesson,
                )
            ).scalar()
            try:
                result = conn.execute(
                    submissions_table.insert().values(
                        username=username,
                        course=course,
                        lesson=lesson,
                        attempt=(last or 0) + 1,
                        event_id=event_id,
                        submitted_at=_now(),
                        notebook=notebook,
                        answers=json.dumps(answers, sort_keys=True),
                        status=QUEUED,
                        tries=0,
                    )
                )
            except IntegrityError:
                continue  # the same learner sent twice at once: take the next number
            new_id = result.inserted_primary_key[0]
        return get(engine, new_id)
    raise SubmissionError("Kiriman bersamaan terlalu banyak. Coba lagi.", 503)


def get(engine: Engine, submission_id: int) -> Submission:
    with engine.connect() as conn:
        row = conn.execute(
            select(submissions_table).where(submissions_table.c.id == submission_id)
        ).one()
    return _row(row)


def history(engine: Engine, username: str, course: str, lesson: str) -> list[Submission]:
    """A learner's attempts at one lesson, newest first."""
    with engine.connect() as conn:
        rows = conn.execute(
            select(submissions_table)
            .where(
                submissions_table.c.username == username,
                submissions_table.c.course == course,
                submissions_table.c.lesson == lesson,
            )
            .order_by(submissions_table.c.attempt.desc())
        ).all()
    return [_row(r) for r in rows]


def pending_before(engine: Engine, submission: Submission) -> int:
    """How many submissions will be graded before this one (for "antrean ke-N")."""
    with engine.connect() as conn:
        return conn.execute(
            select(func.count()).where(
                submissions_table.c.status.in_([QUEUED, GRADING]),
                submissions_table.c.id < submission.id,
            )
        ).scalar()


def claim(engine: Engine, worker: str, lease: timedelta = LEASE) -> Submission | None:
    """Take the oldest submission waiting for a grader (or whose grader's lease ran out).

    An attempt waits while an earlier attempt of the same learner and lesson is unfinished, so
    attempts are graded in order. Safe with several graders: a row is taken by a conditional
    update, and a grader that loses the race simply looks again.
    """
    t = submissions_table
    earlier = t.alias("earlier")
    for _ in range(10):
        now = _now()
        claimable = or_(t.c.status == QUEUED, and_(t.c.status == GRADING, t.c.lease_until < now))
        blocked = (
            select(earlier.c.id)
            .where(
                earlier.c.username == t.c.username,
                earlier.c.course == t.c.course,
                earlier.c.lesson == t.c.lesson,
                earlier.c.attempt < t.c.attempt,
                earlier.c.status.in_([QUEUED, GRADING]),
            )
            .exists()
        )
        with engine.begin() as conn:
            row = conn.execute(
                select(t.c.id, t.c.status, t.c.lease_until, t.c.tries)
                .where(claimable, ~blocked)
                .order_by(t.c.id)
                .limit(1)
            ).first()
            if row is None:
                return None
            taken = conn.execute(
                update(t)
                .where(
                    t.c.id == row.id,
                    t.c.status == row.status,
                    t.c.tries == row.tries,  # nobody took it since we looked
                )
                .values(status=GRADING, worker=worker, lease_until=now + lease, tries=row.tries + 1)
            ).rowcount
        if taken == 1:
            return get(engine, row.id)
    return None


def _held_by(submission: Submission, worker: str) -> tuple:
    """Rows where `worker` still holds the lease it took on `submission` (same try)."""
    t = submissions_table
    return (
        t.c.id == submission.id,
        t.c.worker == worker,
        t.c.status == GRADING,
        t.c.tries == submission.tries,
    )


def renew(engine: Engine, submission: Submission, worker: str, lease: timedelta = LEASE) -> bool:
    """Extend a lease while grading; False when another grader has taken the submission."""
    with engine.begin() as conn:
        return (
            conn.execute(
                update(submissions_table)
                .where(*_held_by(submission, worker))
                .values(lease_until=_now() + lease)
            ).rowcount
            == 1
        )


def complete(
    engine: Engine,
    submission: Submission,
    worker: str,
    status: str,
    score: float | None = None,
    max_score: float | None = None,
    reason: str | None = None,
) -> bool:
    """Record the outcome, only if this grader still holds the submission (exactly once)."""
    if status not in (GRADED, FAILED, QUEUED):
        raise ValueError(status)
    with engine.begin() as conn:
        return (
            conn.execute(
                update(submissions_table)
                .where(*_held_by(submission, worker))
                .values(
                    status=status,
                    score=score,
                    max_score=max_score,
                    reason=reason,
                    graded_at=_now() if status != QUEUED else None,
                    lease_until=None,
                )
            ).rowcount
            == 1
        )


def best_graded(engine: Engine, username: str, course: str, lesson: str) -> Submission | None:
    """The learner's best graded attempt (the latest among equals)."""
    graded = [s for s in history(engine, username, course, lesson) if s.status == GRADED]
    return max(graded, key=lambda s: (s.score or 0, s.attempt), default=None)


def learner_overview(
    engine: Engine, username: str, grades: dict | None = None
) -> dict[tuple[str, str], dict]:
    """(course, lesson) -> what the learner's course home shows: started, finished, the best
    official grade and the state of the latest submission. With `grades` (nbgrader's gradebook,
    see `gradebook.learner_grades`), the grade shown is the gradebook's, including what the
    trainer graded by hand and their comments."""
    from .progress import state_table

    overview: dict[tuple[str, str], dict] = {}
    with engine.connect() as conn:
        for row in conn.execute(
            select(state_table.c.course, state_table.c.lesson, state_table.c.finished).where(
                state_table.c.username == username
            )
        ):
            overview[(row.course, row.lesson)] = {"started": True, "finished": bool(row.finished)}
        rows = conn.execute(
            select(submissions_table)
            .where(submissions_table.c.username == username)
            .order_by(submissions_table.c.attempt)
        ).all()
    for row in rows:
        item = overview.setdefault((row.course, row.lesson), {"started": True, "finished": True})
        item["latest"] = row.status
        if row.status == GRADED and (row.score or 0) >= (item.get("score") or 0):
            item["score"], item["max_score"] = row.score, row.max_score
    for key, grade in (grades or {}).items():
        item = overview.get(key)
        if item is not None and "score" in item:
            item["score"], item["max_score"] = grade["score"], grade["max_score"]
            item["needs_manual_grade"] = grade["needs_manual_grade"]
            item["comments"] = grade["comments"]
    return overview


def graded_row(
    username: str,
    course: str,
    lesson: str,
    answers: dict,
    score: float,
    max_score: float,
    submitted_at: datetime,
    graded_at: datetime,
    attempt: int = 1,
    notebook: str = "",
) -> dict:
    """A graded attempt as `record_submission` and `complete` leave it, for `insert_graded_many`."""
    return {
        "username": username,
        "course": course,
        "lesson": lesson,
        "attempt": attempt,
        "event_id": None,
        "submitted_at": submitted_at,
        "notebook": notebook,
        "answers": json.dumps(answers, sort_keys=True),
        "status": GRADED,
        "lease_until": None,
        "worker": None,
        "tries": 1,
        "score": score,
        "max_score": max_score,
        "reason": None,
        "graded_at": graded_at,
    }


def insert_graded_many(conn, rows: list[dict]) -> None:
    """Write many graded attempts (from `graded_row`) in the caller's transaction: for bulk loads
    of learners with no submissions yet (`naikkelas demo seed`), without a kernel per attempt."""
    from naikkelas.hub.db import insert_many

    insert_many(conn, submissions_table, rows)


def worker_name() -> str:
    return f"{os.uname().nodename}:{os.getpid()}"

"""What a trainer graded by hand survives the learner's next attempt.

nbgrader keeps one submission per learner and lesson, and autograding a new attempt replaces it
with fresh grade rows. Before the grader autogrades an attempt it saves the trainer's hand
grading of the record nbgrader holds (points, extra credit and comments per cell) in
`nk_hand_grades`, beside the attempt it belongs to. When the gradebook must go back to an older
attempt (it was better, counting the trainer's points), the saved hand grading is put back.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Column, DateTime, Float, ForeignKey, Integer, Table, Text, select
from sqlalchemy.engine import Engine

from naikkelas.hub.db import as_utc, metadata

from . import submissions as subs
from .gradebook import assignment_id

hand_grades_table = Table(
    "nk_hand_grades",
    metadata,
    Column(
        "submission_id",
        Integer,
        ForeignKey("nk_submissions.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("score", Float, nullable=False),  # the gradebook's total with the trainer's points
    Column("grades", Text, nullable=False),  # {notebook: {cell: [manual_score, extra_credit]}}
    Column("comments", Text, nullable=False),  # {notebook: {cell: comment}}
    Column("saved_at", DateTime(timezone=True), nullable=False),
)


@dataclass
class HandGrading:
    timestamp: datetime | None  # of the attempt nbgrader holds (UTC)
    score: float
    grades: dict[str, dict[str, list]]
    comments: dict[str, dict[str, str]]


def read(db_url: str, course: str, lesson: str, student: str) -> HandGrading | None:
    """The trainer's hand grading of what nbgrader holds now; None if nothing was graded by hand."""
    from nbgrader.api import Gradebook, MissingEntry

    with Gradebook(db_url, course) as gb:
        try:
            submission = gb.find_submission(assignment_id(course, lesson), student)
        except MissingEntry:
            return None
        grades: dict[str, dict[str, list]] = {}
        comments: dict[str, dict[str, str]] = {}
        for notebook in submission.notebooks:
            for grade in notebook.grades:
                if grade.manual_score is not None or grade.extra_credit:
                    cells = grades.setdefault(notebook.name, {})
                    cells[grade.name] = [grade.manual_score, grade.extra_credit]
            for comment in notebook.comments:
                if comment.manual_comment:
                    comments.setdefault(notebook.name, {})[comment.name] = comment.manual_comment
        if not grades and not comments:
            return None
        when = submission.timestamp
        return HandGrading(
            timestamp=when.replace(tzinfo=UTC) if when and when.tzinfo is None else when,
            score=float(submission.score),
            grades=grades,
            comments=comments,
        )


def apply(db_url: str, course: str, lesson: str, student: str, hand: HandGrading) -> None:
    """Put saved hand grading back on the record nbgrader holds (the same attempt, regraded)."""
    from nbgrader.api import Gradebook, MissingEntry

    aid = assignment_id(course, lesson)
    with Gradebook(db_url, course) as gb:
        for notebook, cells in hand.grades.items():
            for cell, (manual_score, extra_credit) in cells.items():
                try:
                    grade = gb.find_grade(cell, notebook, aid, student)
                except MissingEntry:
                    continue  # the lesson changed since: that cell is graded afresh
                grade.manual_score = manual_score
                grade.extra_credit = extra_credit
                # As nbgrader's formgrader decides it when a trainer saves a grade.
                grade.needs_manual_grade = manual_score is None and grade.auto_score is None
        for notebook, cells in hand.comments.items():
            for cell, text in cells.items():
                try:
                    comment = gb.find_comment(cell, notebook, aid, student)
                except MissingEntry:
                    continue
                comment.manual_comment = text
        gb.db.commit()


def keep(engine: Engine, attempts: list[subs.Submission], hand: HandGrading) -> int | None:
    """Save `hand` beside the attempt it grades (matched by its timestamp); its id, or None."""
    if hand.timestamp is None:
        return None
    matches = [
        s for s in attempts if abs((as_utc(s.submitted_at) - hand.timestamp).total_seconds()) < 1
    ]
    if not matches:
        return None
    attempt = matches[-1]
    row = {
        "score": hand.score,
        "grades": json.dumps(hand.grades),
        "comments": json.dumps(hand.comments),
        "saved_at": datetime.now(UTC),
    }
    with engine.begin() as conn:
        table = hand_grades_table
        found = conn.execute(
            select(table.c.submission_id).where(table.c.submission_id == attempt.id)
        ).first()
        if found:
            conn.execute(table.update().where(table.c.submission_id == attempt.id).values(row))
        else:
            conn.execute(table.insert().values(submission_id=attempt.id, **row))
    return attempt.id


def saved(engine: Engine, attempt_ids: list[int]) -> dict[int, HandGrading]:
    """Saved hand grading of these attempts, by attempt id."""
    if not attempt_ids:
        return {}
    table = hand_grades_table
    with engine.connect() as conn:
        rows = conn.execute(select(table).where(table.c.submission_id.in_(attempt_ids)))
        return {
            row.submission_id: HandGrading(
                timestamp=None,
                score=row.score,
                grades=json.loads(row.grades),
                comments=json.loads(row.comments),
            )
            for row in rows
        }


def pending_points(db_url: str, course: str, lesson: str, student: str) -> float:
    """Points of the record nbgrader holds that wait for the trainer (free-text answers)."""
    from nbgrader.api import Gradebook, MissingEntry

    with Gradebook(db_url, course) as gb:
        try:
            submission = gb.find_submission(assignment_id(course, lesson), student)
        except MissingEntry:
            return 0.0
        return float(
            sum(
                grade.max_score
                for notebook in submission.notebooks
                for grade in notebook.grades
                if grade.needs_manual_grade
            )
        )


def clear(db_url: str, course: str, lesson: str, student: str) -> float:
    """Take the trainer's points and comments off the record nbgrader holds, after a new attempt
    was autograded into it: nbgrader keeps them there, but they graded another attempt's
    answers. Returns the record's score without them."""
    from nbgrader.api import Gradebook

    with Gradebook(db_url, course) as gb:
        submission = gb.find_submission(assignment_id(course, lesson), student)
        for notebook in submission.notebooks:
            for grade in notebook.grades:
                grade.manual_score = None
                grade.extra_credit = None
                grade.needs_manual_grade = grade.auto_score is None
            for comment in notebook.comments:
                comment.manual_comment = None
        gb.db.commit()
        return float(gb.find_submission(assignment_id(course, lesson), student).score)

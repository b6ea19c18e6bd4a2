"""The cohort view's data: for every learner of a cohort and every lesson of a course, whether they
started, where they are, whether they finished, their official grade, and whether they are stuck.

"Stuck" means the learner has not finished the lesson and has a question they answered wrong at
least `STUCK_AFTER` times without getting it right yet — the moment a trainer should walk over.
Everything comes from three queries, whatever the size of the cohort.
"""

from __future__ import annotations

import json

from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from naikkelas.hub.accounts import Role, accounts_table
from naikkelas.hub.db import as_utc

from .progress import events_table, state_table
from .submissions import GRADED, submissions_table

STUCK_AFTER = 2


def stuck_question(answers: dict) -> tuple[str, int] | None:
    """(question id, wrong tries) of the question the learner keeps getting wrong, if any."""
    stuck = [
        (record.get("attempts", 0), question)
        for question, record in answers.items()
        if record.get("correct") is False and record.get("attempts", 0) >= STUCK_AFTER
    ]
    if not stuck:
        return None
    tries, question = max(stuck)
    return question, tries


def cohort_overview(engine: Engine, cohort: str, course: str, lessons: list[str]) -> dict:
    """{"learners": [{"username", "name", "last_active", "lessons": {lesson: {...}}}], "summary"}"""
    with engine.connect() as conn:
        learners = conn.execute(
            select(accounts_table.c.username, accounts_table.c.display_name)
            .where(accounts_table.c.cohort == cohort, accounts_table.c.role == Role.LEARNER.value)
            .order_by(accounts_table.c.display_name, accounts_table.c.username)
        ).all()
        names = [row.username for row in learners]
        states = conn.execute(
            select(state_table).where(
                state_table.c.course == course, state_table.c.username.in_(names)
            )
        ).all()
        best = conn.execute(
            select(
                submissions_table.c.username,
                submissions_table.c.lesson,
                func.max(submissions_table.c.score),
                func.max(submissions_table.c.max_score),
            )
            .where(
                submissions_table.c.course == course,
                submissions_table.c.status == GRADED,
                submissions_table.c.username.in_(names),
            )
            .group_by(submissions_table.c.username, submissions_table.c.lesson)
        ).all()
        active = conn.execute(
            select(events_table.c.username, func.max(events_table.c.created_at))
            .where(events_table.c.course == course, events_table.c.username.in_(names))
            .group_by(events_table.c.username)
        ).all()
    cells: dict[tuple[str, str], dict] = {}
    for row in states:
        answers = json.loads(row.answers)
        stuck = stuck_question(answers) if not row.finished else None
        cells[(row.username, row.lesson)] = {
            "status": "selesai" if row.finished else "mulai",
            "step": row.step + 1,
            "answered": sum(1 for r in answers.values() if r.get("correct") is not None),
            "stuck": {"question": stuck[0], "wrong": stuck[1]} if stuck else None,
        }
    for username, lesson, score, max_score in best:
        cell = cells.setdefault((username, lesson), {"status": "selesai", "step": None})
        cell["score"], cell["max_score"] = score, max_score
    last = {username: as_utc(when) for username, when in active}
    rows = []
    for learner in learners:
        rows.append(
            {
                "username": learner.username,
                "name": learner.display_name or learner.username,
                "last_active": last[learner.username].isoformat()
                if learner.username in last
                else None,
                "lessons": {
                    lesson: cells.get((learner.username, lesson), {"status": "belum"})
                    for lesson in lessons
                },
            }
        )
    summary = {
        lesson: {
            status: sum(1 for r in rows if r["lessons"][lesson]["status"] == status)
            for status in ("belum", "mulai", "selesai")
        }
        | {"macet": sum(1 for r in rows if r["lessons"][lesson].get("stuck"))}
        for lesson in lessons
    }
    return {"learners": rows, "summary": summary}

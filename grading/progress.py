"""The progress store: every answer and step a learner makes, recorded durably and counted once.

Two tables in NaikKelas's database: `nk_progress_events`, an append-only log (what trainer views,
reports and grading are built from), and `nk_lesson_state`, each learner's current step and
answers per lesson (what a lesson resumes from). Both are written in one transaction; an event
carries a client-made id, so a retried request is recorded once.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Float,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    select,
)
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError

from naikkelas.hub.db import metadata

events_table = Table(
    "nk_progress_events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("event_id", String(64), nullable=False, unique=True),
    Column("username", String(64), nullable=False, index=True),
    Column("course", String(100), nullable=False),
    Column("lesson", String(100), nullable=False),
    Column("kind", String(16), nullable=False),  # open | step | answer | finish
    Column("question", String(100), nullable=True),
    Column("payload", Text, nullable=False, default="{}"),
    Column("correct", Boolean, nullable=True),
    Column("points", Float, nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False, index=True),
)

state_table = Table(
    "nk_lesson_state",
    metadata,
    Column("username", String(64), primary_key=True),
    Column("course", String(100), primary_key=True),
    Column("lesson", String(100), primary_key=True),
    Column("step", Integer, nullable=False, default=0),
    Column("answers", Text, nullable=False, default="{}"),
    Column("finished", Boolean, nullable=False, default=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("username", "course", "lesson"),
)

# Bounds on what a browser may make us store.
MAX_ANSWER_JSON = 4000
MAX_STEP = 500


class NoChange(Exception):  # noqa: N818 - a signal, not an error
    """Raised by an update that finds nothing to record (e.g. an already settled question)."""


@dataclass
class LessonState:
    step: int = 0
    # question id -> {"answer": ..., "correct": bool, "attempts": int, "feedback": str,
    #                 "points": float, "max_points": float}
    answers: dict[str, dict[str, Any]] = field(default_factory=dict)
    finished: bool = False

    def to_json(self) -> dict:
        return {"step": self.step, "answers": self.answers, "finished": self.finished}


def _now() -> datetime:
    return datetime.now(UTC)


def _load(conn: Connection, username: str, course: str, lesson: str) -> LessonState | None:
    row = conn.execute(
        select(state_table).where(
            state_table.c.username == username,
            state_table.c.course == course,
            state_table.c.lesson == lesson,
        )
    ).first()
    if row is None:
        return None
    return LessonState(row.step, json.loads(row.answers), bool(row.finished))


def _state_values(state: LessonState, updated_at: datetime | None = None) -> dict:
    return {
        "step": state.step,
        "answers": json.dumps(state.answers, ensure_ascii=False),
        "finished": state.finished,
        "updated_at": updated_at or _now(),
    }


def _save(conn: Connection, username: str, course: str, lesson: str, state: LessonState, new: bool):
    values = _state_values(state)
    if new:
        conn.execute(
            state_table.insert(),
            {"username": username, "course": course, "lesson": lesson, **values},
        )
    else:
        conn.execute(
            state_table.update().where(
                state_table.c.username == username,
                state_table.c.course == course,
                state_table.c.lesson == lesson,
            ),
            values,
        )


def get_state(engine: Engine, username: str, course: str, lesson: str) -> LessonState:
    with engine.connect() as conn:
        return _load(conn, username, course, lesson) or LessonState()


def _already_recorded(engine: Engine, event_id: str) -> bool:
    with engine.connect() as conn:
        return (
            conn.execute(
                select(events_table.c.id).where(events_table.c.event_id == event_id)
            ).first()
            is not None
        )


def record(
    engine: Engine,
    username: str,
    course: str,
    lesson: str,
    event_id: str,
    update,
    *,
    kind: str,
    question: str | None = None,
    payload: dict | None = None,
) -> tuple[LessonState, bool]:
    """Apply `update(state) -> (correct, points)` and log the event, atomically and once.

    Returns the state after the event and whether this call recorded it (False when the same
    `event_id` had been recorded before, or `update` raised `NoChange`: nothing is written).
    """
    if _already_recorded(engine, event_id):
        return get_state(engine, username, course, lesson), False
    try:
        with engine.begin() as conn:
            existing = _load(conn, username, course, lesson)
            state = existing or LessonState()
            correct, points = update(state)
            _save(conn, username, course, lesson, state, new=existing is None)
            conn.execute(
                events_table.insert(),
                event_row(
                    username, course, lesson, event_id, kind, question, payload, correct, points
                ),
            )
    except IntegrityError:
        # The same event raced in from a retry: it is recorded once, by the other request.
        return get_state(engine, username, course, lesson), False
    except NoChange:
        return get_state(engine, username, course, lesson), False
    return state, True


def event_row(
    username: str,
    course: str,
    lesson: str,
    event_id: str,
    kind: str,
    question: str | None = None,
    payload: dict | None = None,
    correct: bool | None = None,
    points: float | None = None,
    created_at: datetime | None = None,
) -> dict:
    """One row of the event log, as `record` writes it."""
    return {
        "event_id": event_id,
        "username": username,
        "course": course,
        "lesson": lesson,
        "kind": kind,
        "question": question,
        "payload": json.dumps(payload, ensure_ascii=False) if payload else "{}",
        "correct": correct,
        "points": points,
        "created_at": created_at or _now(),
    }


def state_row(
    username: str, course: str, lesson: str, state: LessonState, updated_at: datetime
) -> dict:
    """One row of `nk_lesson_state`, as `record` writes it."""
    return {"username": username, "course": course, "lesson": lesson} | _state_values(
        state, updated_at
    )


def insert_many(conn: Connection, events: list[dict], states: list[dict]) -> None:
    """Write many new events and lesson states (from `event_row`, `state_row`) in the caller's
    transaction: for bulk loads of learners who have no progress yet (`naikkelas demo seed`)."""
    from naikkelas.hub.db import insert_many as insert

    insert(conn, events_table, events)
    insert(conn, state_table, states)


def events(engine: Engine, username: str | None = None) -> list[dict]:
    """All events (of one learner), oldest first; for trainer views, reports and tests."""
    query = select(events_table).order_by(events_table.c.id)
    if username is not None:
        query = query.where(events_table.c.username == username)
    with engine.connect() as conn:
        return [dict(row._mapping) for row in conn.execute(query)]

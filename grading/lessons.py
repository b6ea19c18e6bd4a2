"""What happens when a learner answers, moves a step or finishes: the service side of a lesson.

Answer keys are read from the trainer's source notebooks (never from the released copy a learner's
server holds); `naikkelas.widgets.checking.check` decides right or wrong, here and in autograde.
"""

from __future__ import annotations

import json
import re
import threading
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine

from naikkelas.widgets.answering import apply_answer, lesson_score, public_record
from naikkelas.widgets.checking import QUESTION_ID, extract_key

from . import progress

SLUG = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$")


class LessonError(ValueError):
    """A request about a lesson that cannot be served; `message` is for the learner."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


class KeyStore:
    """Answer keys of the source lessons below `source_root`, re-read when a file changes."""

    def __init__(self, source_root: Path):
        self.source_root = Path(source_root)
        self._cache: dict[Path, tuple[float, dict]] = {}
        self._lock = threading.Lock()

    def path(self, course: str, lesson: str) -> Path:
        if not (SLUG.match(course) and SLUG.match(lesson)) or ".." in course + lesson:
            raise LessonError(404, "Pelajaran tidak ditemukan.")
        return self.source_root / course / f"{lesson}.ipynb"

    def key(self, course: str, lesson: str) -> dict[str, dict]:
        path = self.path(course, lesson)
        try:
            mtime = path.stat().st_mtime
        except FileNotFoundError:
            raise LessonError(404, "Pelajaran tidak ditemukan.") from None
        with self._lock:
            cached = self._cache.get(path)
            if cached and cached[0] == mtime:
                return cached[1]
        key = extract_key(json.loads(path.read_text(encoding="utf-8")))
        with self._lock:
            self._cache[path] = (mtime, key)
        return key


def _bounded_answer(answer: Any) -> Any:
    if len(json.dumps(answer, ensure_ascii=False, default=str)) > progress.MAX_ANSWER_JSON:
        raise LessonError(413, "Jawaban terlalu panjang.")
    return answer


def answer_question(
    engine: Engine,
    keys: KeyStore,
    username: str,
    course: str,
    lesson: str,
    question: str,
    answer: Any,
    event_id: str,
) -> dict:
    """Check one answer, record it once, and return what the learner should see."""
    if not QUESTION_ID.fullmatch(question or ""):
        raise LessonError(400, "Soal tidak dikenal.")
    entry = keys.key(course, lesson).get(question)
    if entry is None:
        raise LessonError(404, "Soal tidak dikenal.")
    answer = _bounded_answer(answer)
    outcome: dict[str, Any] = {}

    def update(state: progress.LessonState):
        record, locked = apply_answer(entry, state.answers.get(question, {}), answer)
        outcome.update(public_record(entry, record, locked))
        if locked:
            raise progress.NoChange  # a settled question: nothing to record
        state.answers[question] = record
        return record["correct"], record["points"]

    state, recorded = progress.record(
        engine,
        username,
        course,
        lesson,
        event_id,
        update,
        kind="answer",
        question=question,
        payload={"answer": answer},
    )
    if not recorded and not outcome.get("locked"):
        # A retry of an event already recorded: report the question as it is.
        outcome = public_record(entry, state.answers.get(question, {}))
    return outcome


def set_step(engine: Engine, keys: KeyStore, username, course, lesson, step, event_id) -> dict:
    """Record that the learner is on `step` (a screen index)."""
    keys.path(course, lesson)
    if not isinstance(step, int) or isinstance(step, bool) or not 0 <= step <= progress.MAX_STEP:
        raise LessonError(400, "Langkah tidak dikenal.")

    def update(state):
        state.step = step
        return None, None

    state, _ = progress.record(
        engine, username, course, lesson, event_id, update, kind="step", payload={"step": step}
    )
    return {"step": state.step}


def finish(engine: Engine, keys: KeyStore, username, course, lesson, event_id) -> dict:
    """Mark the lesson finished and return the score over the whole key."""
    key = keys.key(course, lesson)

    def update(state):
        state.finished = True
        return None, None

    state, _ = progress.record(engine, username, course, lesson, event_id, update, kind="finish")
    return lesson_score(key, state.answers, state.finished)


def resume(engine: Engine, keys: KeyStore, username, course, lesson) -> dict:
    """The learner's saved step and answers, to restore the lesson where they left it."""
    key = keys.key(course, lesson)
    state = progress.get_state(engine, username, course, lesson)
    answers = {q: public_record(key.get(q), record) for q, record in state.answers.items()}
    return {
        "step": state.step,
        "answers": answers,
        **lesson_score(key, state.answers, state.finished),
    }

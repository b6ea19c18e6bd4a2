"""The rules of answering a question, shared by the NaikKelas service and the local checker.

A right answer stays right; a question whose attempts are used up stays as it was; otherwise the
answer is checked (by `checking.check`) and becomes the question's record.
"""

from __future__ import annotations

from typing import Any

from .checking import attempts_allowed, check


def apply_answer(entry: dict, previous: dict, answer: Any) -> tuple[dict, bool]:
    """(the question's record after this answer, whether it was already settled)."""
    allowed = attempts_allowed(entry)
    used = previous.get("attempts", 0)
    if previous.get("correct") or (allowed is not None and used >= allowed):
        return previous, True
    verdict = check(entry, answer)
    record = {
        "answer": verdict.answer,
        "correct": verdict.correct,
        "attempts": used + 1,
        "feedback": verdict.feedback,
        "points": verdict.points,
        "max_points": verdict.max_points,
    }
    return record, False


def attempts_left(entry: dict, record: dict) -> int | None:
    allowed = attempts_allowed(entry)
    return None if allowed is None else max(allowed - record.get("attempts", 0), 0)


def lesson_score(key: dict, answers: dict, finished: bool) -> dict:
    """Points earned over the whole key (unanswered questions earn nothing). `manual` is the part
    of `total` that free-text questions are worth: the trainer awards it later."""
    earned = sum(answers.get(q, {}).get("points") or 0 for q in key)
    total = sum(float(entry.get("points", 1)) for entry in key.values())
    manual = sum(float(e.get("points", 1)) for e in key.values() if e.get("type") == "manual")
    return {"earned": earned, "total": total, "manual": manual, "finished": finished}


def public_record(entry: dict | None, record: dict, locked: bool = False) -> dict:
    """What the learner's kernel is told about a question (points stay server-side)."""
    return {
        "answer": record.get("answer"),
        "correct": record.get("correct"),
        "feedback": record.get("feedback", ""),
        "attempts": record.get("attempts", 0),
        "attempts_left": attempts_left(entry, record) if entry else None,
        "locked": locked,
    }

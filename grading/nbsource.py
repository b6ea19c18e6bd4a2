"""A lesson in nbgrader's source form, and the learner's answers as an nbgrader response.

A lesson notebook holds, in this order:

1. the lesson (screens and questions) — read-only for nbgrader (``locked``);
2. the answers cell ``ANSWERS = {}`` — nbgrader's *solution* cell: the learner's response. A
   submission carries the learner's final answer to each question here, as a literal dict;
3. the answer key — nbgrader's *autograder tests* cell, worth the lesson's points, whose hidden
   tests (``KEY = {...}`` and ``preview(KEY)``) are stripped on release and restored by nbgrader
   at autograde time, when ``preview`` outputs the points the answers earn (partial credit);
4. ``lesson.show()`` — locked.

Trainers may write the short form (cells 1, 3 and 4 without nbgrader metadata): `to_source_form`
adds the answers cell and the metadata, keeping everything else, and is idempotent.
"""

from __future__ import annotations

import ast
import copy
import hashlib
import json
from typing import Any

import nbformat

from naikkelas.widgets.checking import (
    MAX_ITEMS,
    AnswerKeyError,
    extract_key,
    parse_python,
    score,
)

ANSWERS_SOURCE = "ANSWERS = {}"
SCHEMA_VERSION = 3
CELL_ROLES = ("lesson", "answers", "key", "show")
MAX_ANSWER_JSON = 200_000  # bytes of answers in one submission


class LessonFormError(ValueError):
    """A lesson notebook that is not in a form NaikKelas can grade; names the cell."""


def _nbgrader(grade_id: str, *, grade=False, solution=False, locked=False, points=None) -> dict:
    meta = {
        "grade": grade,
        "grade_id": grade_id,
        "locked": locked,
        "schema_version": SCHEMA_VERSION,
        "solution": solution,
        "task": False,
    }
    if points is not None:
        meta["points"] = points
    return meta


def _has_hidden_tests(cell) -> bool:
    return cell.cell_type == "code" and "BEGIN HIDDEN TESTS" in cell.source


def _is_answers(cell) -> bool:
    return cell.cell_type == "code" and cell.source.strip().startswith("ANSWERS")


def _new_id(nb, role: str) -> str:
    """A cell id derived from the notebook's other ids, so re-running gives the same id."""
    seed = "|".join(c.get("id", "") for c in nb.cells) + role
    return hashlib.sha1(seed.encode()).hexdigest()[:8]  # noqa: S324 - an id, not a secret


def to_source_form(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The lesson in nbgrader's source form (a new notebook; `nb` is left as it is).

    Raises `LessonFormError` when the notebook is not a lesson: it needs exactly one code cell with
    the answer key, some code before it (the lesson) and after it (showing the lesson).
    """
    nb = nbformat.from_dict(copy.deepcopy(nb))
    code = [c for c in nb.cells if c.cell_type == "code"]
    keys = [i for i, c in enumerate(nb.cells) if _has_hidden_tests(c)]
    if len(keys) != 1:
        raise LessonFormError(
            "a lesson needs exactly one code cell with the answer key (### BEGIN HIDDEN TESTS), "
            f"this notebook has {len(keys)}"
        )
    key_index = keys[0]
    if not code or code[0] is nb.cells[key_index]:
        raise LessonFormError("the lesson's code (Lesson(...) and its screens) must come first")
    if code[-1] is nb.cells[key_index]:
        raise LessonFormError("cell with lesson.show() is missing after the answer key")
    before = nb.cells[key_index - 1] if key_index else None
    if before is None or not _is_answers(before):
        answers = nbformat.v4.new_code_cell(ANSWERS_SOURCE)
        answers.id = _new_id(nb, "answers")
        nb.cells.insert(key_index, answers)
        key_index += 1
    try:
        key = extract_key(nb)
    except AnswerKeyError as e:
        raise LessonFormError(str(e)) from None
    # Autograded questions are worth the key cell's points; free-text ("manual") questions make
    # the answers cell a manually graded cell, graded by the trainer in the formgrader.
    manual = sum(float(e.get("points", 1)) for e in key.values() if e.get("type") == "manual")
    points = sum(float(e.get("points", 1)) for e in key.values() if e.get("type") != "manual")
    answers_index = key_index - 1
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        if index == answers_index:
            meta = _nbgrader(
                "answers", solution=True, grade=bool(manual), points=manual if manual else None
            )
            cell.source = ANSWERS_SOURCE
        elif index == key_index:
            meta = _nbgrader("key", grade=True, locked=True, points=points or 1.0)
        elif index < answers_index and cell is code[0]:
            meta = _nbgrader("lesson", locked=True)
        else:
            meta = _nbgrader(f"cell-{cell.get('id') or index}", locked=True)
        if index > key_index and "lesson.show()" in cell.source:
            meta["grade_id"] = "show"
        cell.metadata["nbgrader"] = meta
        cell.outputs, cell.execution_count = [], None
    for cell in nb.cells:
        if cell.cell_type != "code":
            cell.metadata["nbgrader"] = _nbgrader(
                f"text-{cell.get('id') or nb.cells.index(cell)}", locked=True
            )
    nb.metadata.setdefault("kernelspec", {"name": "python3", "display_name": "Python 3"})
    return nb


# -- the learner's response -----------------------------------------------------------------
def answers_cell_index(nb) -> int:
    for index, cell in enumerate(nb.get("cells", [])):
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if meta.get("grade_id") == "answers" and meta.get("solution"):
            return index
    raise LessonFormError("the lesson has no answers cell (nbgrader grade_id 'answers')")


def answers_source(answers: dict[str, Any]) -> str:
    """The answers cell of a submission: a literal dict, one question per line, keys sorted."""
    lines = [f"    {json.dumps(q)}: {_literal(a)}," for q, a in sorted(answers.items())]
    return "ANSWERS = {\n" + "\n".join(lines) + "\n}" if lines else ANSWERS_SOURCE


def _literal(value: Any) -> str:
    text = repr(_plain(value))
    ast.literal_eval(parse_python(text, mode="eval"))  # what we write must read back
    return text


def _plain(value: Any) -> Any:
    """JSON-shaped data as Python literals (lists for tuples, str keys kept)."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    raise TypeError(f"an answer cannot hold {type(value).__name__}")


def read_answers(source: str) -> dict[str, Any]:
    """The answers of a submitted answers cell, read without executing anything.

    The cell must be exactly ``ANSWERS = {literal dict}``; anything else raises `LessonFormError`.
    """
    try:
        tree = parse_python(source)
    except SyntaxError:
        raise LessonFormError("the answers cell is not valid Python") from None
    if (
        len(tree.body) != 1
        or not isinstance(tree.body[0], ast.Assign)
        or len(tree.body[0].targets) != 1
        or not isinstance(tree.body[0].targets[0], ast.Name)
        or tree.body[0].targets[0].id != "ANSWERS"
    ):
        raise LessonFormError("the answers cell must be exactly ANSWERS = {...}")
    try:
        answers = ast.literal_eval(tree.body[0].value)
    except (ValueError, SyntaxError, RecursionError, MemoryError):
        raise LessonFormError("the answers are not a literal dict") from None
    if not isinstance(answers, dict) or not all(isinstance(k, str) for k in answers):
        raise LessonFormError("the answers must be a dict of question ids")
    if len(answers) > MAX_ITEMS:
        raise LessonFormError("too many answers")
    return answers


def autograde_points(key: dict, answers: Any) -> float:
    """What the key cell outputs under nbgrader autograde: the points the answers earn."""
    earned, _possible = score(key, answers if isinstance(answers, dict) else {})
    return earned

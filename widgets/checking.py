"""The one answer checker: it decides the instant feedback and nbgrader's autograde score alike.

Answer keys live only in a trainer's source notebook, as a literal dict `KEY = {...}` inside an
nbgrader hidden-test block (`### BEGIN HIDDEN TESTS` ... `### END HIDDEN TESTS`), which nbgrader
strips on release. `extract_key` reads them without executing anything. Each entry:

    {"type": "single"|"multi"|"truefalse"|"text"|"number"|"order"|"match"|"region"|"scenario",
     "answer": ..., "right": "...", "wrong": "...", "feedback": {choice: "..."},
     "attempts": 2, "points": 1, ...type options}

Learner answers are untrusted (they come from a browser): `check` never raises on them; it grades
anything unreadable as wrong with a message saying so.
"""

from __future__ import annotations

import ast
import math
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

TYPES = ("single", "multi", "truefalse", "text", "number", "order", "match", "region", "scenario")

MESSAGES = {
    "right": "Benar!",
    "wrong": "Belum tepat. Coba lagi.",
    "unreadable": "Jawaban tidak bisa dibaca. Coba lagi.",
    "not_number": "Jawaban harus berupa angka, misalnya Rp15.000 atau 15rb.",
}

MAX_ITEMS = 100
MAX_TEXT = 500

HIDDEN_BLOCK = re.compile(
    r"^[ \t]*#+[ \t]*BEGIN HIDDEN TESTS[^\n]*\n(.*?)^[ \t]*#+[ \t]*END HIDDEN TESTS",
    re.MULTILINE | re.DOTALL | re.IGNORECASE,
)


class AnswerKeyError(ValueError):
    """A broken answer key (for trainers and the course validator)."""

    def __init__(self, message: str, cell_index: int | None = None):
        where = f"cell {cell_index}: " if cell_index is not None else ""
        super().__init__(where + message)
        self.cell_index = cell_index


@dataclass(frozen=True)
class Verdict:
    correct: bool
    feedback: str
    points: float
    max_points: float
    answer: Any  # the learner's answer, normalised and JSON-serialisable


# -- reading keys ------------------------------------------------------------------------------
def extract_key(notebook: dict) -> dict[str, dict]:
    """The merged `KEY` dicts of every hidden-test block of a notebook, read without executing."""
    key: dict[str, dict] = {}
    for index, cell in enumerate(notebook.get("cells", [])):
        if cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else source
        for block in HIDDEN_BLOCK.findall(source + "\n"):
            for question, entry in _key_in_block(block, index).items():
                if question in key:
                    raise AnswerKeyError(f"question {question!r} has two keys", index)
                key[question] = entry
    return key


def _key_in_block(block: str, index: int) -> dict:
    try:
        tree = ast.parse(block)
    except SyntaxError as e:
        raise AnswerKeyError(f"hidden tests do not parse: {e.msg} (line {e.lineno})", index) from e
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "KEY" for t in node.targets
        ):
            try:
                value = ast.literal_eval(node.value)
            except ValueError as e:
                raise AnswerKeyError("KEY must be a literal dict (no code)", index) from e
            if not isinstance(value, dict) or not all(isinstance(k, str) for k in value):
                raise AnswerKeyError("KEY must map question ids to entries", index)
            return value
    raise AnswerKeyError("a hidden-test block without KEY = {...}", index)


def validate_key(key: dict) -> list[str]:
    """Every problem in a key, as readable lines (empty when the key is sound)."""
    problems = []
    for question, entry in key.items():
        try:
            _validate_entry(entry)
        except AnswerKeyError as e:
            problems.append(f"{question}: {e}")
    return problems


def _validate_entry(entry: Any) -> None:
    if not isinstance(entry, dict):
        raise AnswerKeyError("an entry must be a dict")
    kind = entry.get("type")
    if kind not in TYPES:
        raise AnswerKeyError(f"unknown type {kind!r}")
    if "answer" not in entry:
        raise AnswerKeyError("missing 'answer'")
    answer = entry["answer"]
    rules = {
        "single": lambda: _is_int(answer),
        "multi": lambda: isinstance(answer, list | tuple) and all(map(_is_int, answer)),
        "truefalse": lambda: isinstance(answer, bool),
        "text": lambda: isinstance(answer, str | list | tuple) and _accepted(entry) != [],
        "number": lambda: _is_number(answer),
        "order": lambda: isinstance(answer, list | tuple) and len(answer) > 1,
        "match": lambda: isinstance(answer, dict) and bool(answer),
        "region": lambda: (
            isinstance(answer, list | tuple) and bool(answer) and all(map(_is_rect, answer))
        ),
        "scenario": lambda: isinstance(answer, list | tuple | str) and bool(answer),
    }
    ok = rules[kind]()
    if not ok:
        raise AnswerKeyError(f"'answer' {answer!r} does not suit type {kind!r}")
    attempts = entry.get("attempts")
    if attempts is not None and not (_is_int(attempts) and attempts >= 1):
        raise AnswerKeyError("'attempts' must be a whole number of at least 1")
    if not (_is_number(entry.get("points", 1)) and entry.get("points", 1) > 0):
        raise AnswerKeyError("'points' must be a positive number")
    if kind == "number" and not (
        _is_number(entry.get("tolerance", 0)) and entry.get("tolerance", 0) >= 0
    ):
        raise AnswerKeyError("'tolerance' must be zero or more")


def attempts_allowed(entry: dict) -> int | None:
    """How many answers a learner may give (None: as many as they like)."""
    attempts = entry.get("attempts")
    return attempts if _is_int(attempts) and attempts >= 1 else None


# -- checking ----------------------------------------------------------------------------------
def check(entry: dict, answer: Any) -> Verdict:
    """Grade one untrusted answer against one key entry."""
    _validate_entry(entry)
    max_points = float(entry.get("points", 1))
    kind = entry["type"]
    try:
        normalised, correct, choice = _CHECKS[kind](entry, answer)
    except _Unreadable as e:
        return Verdict(False, e.message, 0.0, max_points, None)
    feedback = (
        entry.get("right" if correct else "wrong") or MESSAGES["right" if correct else "wrong"]
    )
    # Feedback written for the exact choice (an option, an ending) says more than the generic one.
    per_choice = entry.get("feedback") or {}
    if choice is not None and isinstance(per_choice, dict):
        specific = per_choice.get(choice, per_choice.get(str(choice)))
        if isinstance(specific, str) and specific:
            feedback = specific
    return Verdict(correct, str(feedback), max_points if correct else 0.0, max_points, normalised)


def score(key: dict, answers: dict[str, Any]) -> tuple[float, float]:
    """(points earned, points possible) of a set of answers; missing answers earn nothing."""
    earned = total = 0.0
    for question, entry in key.items():
        total += float(entry.get("points", 1))
        if question in answers:
            earned += check(entry, answers[question]).points
    return earned, total


class _Unreadable(Exception):
    def __init__(self, message: str = MESSAGES["unreadable"]):
        self.message = message


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return (
        isinstance(value, int | float | Decimal)
        and not isinstance(value, bool)
        and math.isfinite(value)
    )


def _is_rect(value: Any) -> bool:
    return (
        isinstance(value, list | tuple)
        and len(value) == 4
        and all(_is_number(v) and 0 <= v <= 1 for v in value)
        and value[0] <= value[2]
        and value[1] <= value[3]
    )


def _index(value: Any) -> int:
    if not _is_int(value) or not 0 <= value < MAX_ITEMS:
        raise _Unreadable()
    return value


def _ids(value: Any) -> list[str]:
    if not isinstance(value, list | tuple) or len(value) > MAX_ITEMS:
        raise _Unreadable()
    if not all(isinstance(v, str | int) and not isinstance(v, bool) for v in value):
        raise _Unreadable()
    return [str(v)[:MAX_TEXT] for v in value]


def _check_single(entry, answer):
    index = _index(answer)
    return index, index == entry["answer"], index


def _check_multi(entry, answer):
    if not isinstance(answer, list | tuple) or len(answer) > MAX_ITEMS:
        raise _Unreadable()
    chosen = sorted({_index(a) for a in answer})
    return chosen, chosen == sorted(set(entry["answer"])), None


def _check_truefalse(entry, answer):
    if not isinstance(answer, bool):
        raise _Unreadable()
    return answer, answer == entry["answer"], answer


def normalize_text(text: str, case_sensitive: bool = False) -> str:
    """Text as compared: NFKC, plain quotes and dashes, single spaces, trimmed, lower-case."""
    text = unicodedata.normalize("NFKC", text)
    text = text.translate(str.maketrans("‘’‚‛“”„‟–—−", "''''\"\"\"\"---"))
    text = " ".join(text.split())
    return text if case_sensitive else text.casefold()


def _accepted(entry) -> list[str]:
    accepted = entry.get("answer")
    accepted = [accepted] if isinstance(accepted, str) else list(accepted or [])
    accepted += list(entry.get("variants") or [])
    return [a for a in accepted if isinstance(a, str) and a.strip()]


def _check_text(entry, answer):
    if not isinstance(answer, str) or len(answer) > MAX_TEXT:
        raise _Unreadable()
    case = bool(entry.get("case_sensitive"))
    given = normalize_text(answer, case)
    correct = any(given == normalize_text(a, case) for a in _accepted(entry))
    return answer.strip(), correct, None


def _check_number(entry, answer):
    value = (
        answer if _is_number(answer) else parse_rupiah(answer) if isinstance(answer, str) else None
    )
    if value is None:
        raise _Unreadable(MESSAGES["not_number"])
    value = Decimal(str(value))
    tolerance = Decimal(str(entry.get("tolerance", 0)))
    correct = abs(value - Decimal(str(entry["answer"]))) <= tolerance
    normalised = int(value) if value == value.to_integral_value() else float(value)
    return normalised, correct, None


def _check_order(entry, answer):
    given = _ids(answer)
    return given, given == [str(a) for a in entry["answer"]], None


def _check_match(entry, answer):
    if not isinstance(answer, dict) or len(answer) > MAX_ITEMS:
        raise _Unreadable()
    if not all(isinstance(k, str) and isinstance(v, str) for k, v in answer.items()):
        raise _Unreadable()
    given = {k[:MAX_TEXT]: v[:MAX_TEXT] for k, v in answer.items()}
    wanted = {str(k): str(v) for k, v in entry["answer"].items()}
    return given, given == wanted, None


def _check_region(entry, answer):
    if not (isinstance(answer, list | tuple) and len(answer) == 2 and all(map(_is_number, answer))):
        raise _Unreadable()
    x, y = (float(v) for v in answer)
    inside = any(x0 <= x <= x1 and y0 <= y <= y1 for x0, y0, x1, y1 in entry["answer"])
    return [x, y], inside, None


def _check_scenario(entry, answer):
    if not isinstance(answer, str) or len(answer) > MAX_TEXT:
        raise _Unreadable()
    endings = entry["answer"]
    endings = [endings] if isinstance(endings, str) else [str(e) for e in endings]
    return answer, answer in endings, answer


_CHECKS = {
    "single": _check_single,
    "multi": _check_multi,
    "truefalse": _check_truefalse,
    "text": _check_text,
    "number": _check_number,
    "order": _check_order,
    "match": _check_match,
    "region": _check_region,
    "scenario": _check_scenario,
}


# -- Rupiah as people write it -----------------------------------------------------------------
_SUFFIX = {
    "rb": 3, "ribu": 3, "k": 3,
    "jt": 6, "juta": 6,
    "m": 9, "miliar": 9, "milyar": 9,
}  # fmt: skip
_NUMBER = re.compile(
    r"^(?P<sign>-)?(?P<num>\d[\d.,\s]*?)\s*(?P<suffix>rb|ribu|k|jt|juta|miliar|milyar|m)?$"
)


def parse_rupiah(text: str) -> Decimal | None:
    """A Rupiah amount or number as Indonesians write it, or None when it is not one.

    "Rp15.000", "Rp 15.000,-", "15.000", "15rb", "15 ribu", "1,5 juta", "1.5jt", "15k",
    "Rp1.250.000,50", "IDR 15000". In Indonesian writing the dot separates thousands and the
    comma is the decimal mark: "1.500" is 1500 and "1,5" is 1.5. A dot not followed by exactly
    three digits is read as a decimal point ("15.5" is 15.5), since nobody groups thousands that
    way. "m" means miliar (as in "1,5 M"), never million. Words ("lima belas ribu") are not read.
    """
    if not isinstance(text, str) or len(text) > 40:
        return None
    t = unicodedata.normalize("NFKC", text).strip().lower()
    t = re.sub(r"^(rp\.?|idr)\s*", "", t)
    t = re.sub(r"\s*(rupiah|,-|,--)$", "", t).strip()
    if not t.isascii():
        return None
    match = _NUMBER.match(t)
    if not match:
        return None
    digits = re.sub(r"\s+", "", match["num"])
    if not digits or not digits[0].isdigit():
        return None
    value = _read_grouped(digits)
    if value is None:
        return None
    if match["suffix"]:
        value *= Decimal(10) ** _SUFFIX[match["suffix"]]
    return -value if match["sign"] else value


def _read_grouped(digits: str) -> Decimal | None:
    """'1.250.000,50' -> 1250000.50; '1,5' -> 1.5; '15.5' -> 15.5; '15.00.0' -> None."""
    if digits.count(",") > 1 or digits.endswith((".", ",")):
        return None
    whole, _, fraction = digits.partition(",")
    if "." in whole:
        groups = whole.split(".")
        if all(len(g) == 3 for g in groups[1:]) and 1 <= len(groups[0]) <= 3:
            whole = "".join(groups)
        elif len(groups) == 2 and not fraction:
            whole, fraction = groups  # a decimal point: "15.5"
        else:
            return None
    if not whole.isdigit() or (fraction and not fraction.isdigit()):
        return None
    try:
        return Decimal(f"{whole}.{fraction}" if fraction else whole)
    except InvalidOperation:
        return None

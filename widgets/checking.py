"""The one answer checker: it decides the instant feedback a learner sees and nbgrader's score.

Answer keys live only in a trainer's source notebook, as a literal ``KEY = {...}`` inside nbgrader
hidden-test blocks, which nbgrader and `naikkelas.grading.release` strip before learners get the
lesson. `extract_key` reads them without executing anything, `validate_key` lists what is wrong
with a key, `check` grades one answer and `score` adds a lesson up for autograde. An entry::

    {"type": "single", "answer": 1, "right": "Benar! ...", "wrong": "Belum tepat. ...",
     "feedback": {0: "Kode program tidak perlu."}, "attempts": 2, "points": 1}

Feedback is the text the author wrote for the learner's exact choice, when there is one: the option
(single), every chosen option in option order (multi), the ending reached (scenario). It replaces
the author's ``right``/``wrong`` text, which is used otherwise, and the defaults in `MESSAGES` come
last. Replacing rather than appending leaves the author in control: per-choice texts in the courses
are whole messages ("Belum tepat. Kode OTP tidak untuk dibacakan ...") and appending would repeat
the verdict. Feedback is plain text; the widget layer escapes it.

Learner answers are untrusted (they come from a browser): `check` never raises because of them and
grades anything of the wrong shape as wrong, saying it could not be read. Only a broken key entry
raises `AnswerKeyError`; `check` accepts exactly the entries `validate_key` finds sound.
"""

from __future__ import annotations

import ast
import math
import re
import reprlib
import textwrap
import threading
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, localcontext
from typing import Any

MESSAGES = {
    "right": "Benar!",
    "wrong": "Belum tepat. Coba lagi.",
    "unreadable": "Jawaban tidak bisa dibaca. Coba lagi.",
    "not_number": "Angka tidak bisa dibaca. Tulis seperti Rp15.000 atau 15rb.",
    "manual": "Jawaban Anda tersimpan. Pelatih akan membacanya dan memberi nilai.",
}

# Fields an entry may have besides the common ones, per question type.
TYPES = {
    "single": {"feedback"},
    "multi": {"feedback"},
    "truefalse": set(),
    "text": {"variants", "case_sensitive"},
    "number": {"tolerance"},
    "order": set(),
    "match": set(),
    "region": set(),
    "scenario": {"feedback"},
    "manual": set(),  # free text the trainer grades in nbgrader's formgrader
}
COMMON_FIELDS = {"type", "answer", "right", "wrong", "attempts", "points"}
QUESTION_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,99}")  # what the service accepts

MAX_ITEMS = 100  # options, list items, pairs
MAX_TEXT = 500  # characters in a typed answer or an id
MAX_NUMBER_TEXT = 40


class AnswerKeyError(ValueError):
    """A broken answer key, explained for the trainer (and the cell, when read from a notebook)."""

    def __init__(self, message: str, cell_index: int | None = None):
        super().__init__(message if cell_index is None else f"cell {cell_index}: {message}")
        self.cell_index = cell_index


@dataclass(frozen=True)
class Verdict:
    """The outcome of one answer: what the learner is told and what it scores."""

    correct: bool | None  # None: a free-text answer that waits for the trainer
    feedback: str
    points: float
    max_points: float
    answer: Any  # the learner's answer, normalised and JSON-serialisable (None if unreadable)


# -- reading keys from a notebook ----------------------------------------------------------------
_MARKER_WORDS = re.compile(r"(begin|end)\s+hidden\s+tests", re.IGNORECASE)
# Case-sensitive and at the start of a line: the only form nbgrader and the release step strip.
_MARKER = re.compile(r"[ \t]*#+[ \t]*(BEGIN|END) HIDDEN TESTS")
_KEY_OUTSIDE = re.compile(r"\s*KEY\s*(?::|=(?!=))")


def extract_key(notebook: dict) -> dict[str, dict]:
    """The answer key of a trainer's notebook: the ``KEY`` dicts of all hidden-test blocks, merged.

    Only code cells are read, and only with `ast.literal_eval`: nothing is executed. Raises
    `AnswerKeyError` naming the cell when a block does not parse, its ``KEY`` is not a literal dict,
    a block has no ``KEY``, a question id is defined twice, a marker is malformed (e.g. lower-case,
    which nbgrader would not strip) or unbalanced, or ``KEY`` is assigned outside hidden tests,
    where learners would receive it. Entries themselves are checked by `validate_key`.
    """
    cells = notebook.get("cells") if isinstance(notebook, dict) else None
    if not isinstance(cells, list):
        raise AnswerKeyError("not a notebook: it has no list of cells")
    key: dict[str, dict] = {}
    for index, cell in enumerate(cells):
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        if isinstance(source, list) and all(isinstance(s, str) for s in source):
            source = "".join(source)
        if not isinstance(source, str):
            raise AnswerKeyError("the cell source is neither text nor a list of lines", index)
        for block, first_line in _hidden_blocks(source, index):
            for question, entry in _key_entries(block, first_line, index):
                if question in key:
                    raise AnswerKeyError(f"question {question!r} is defined twice", index)
                key[question] = entry
    return key


def _hidden_blocks(source: str, index: int) -> list[tuple[str, int]]:
    """(text, line number of its first line) of each hidden-test block, found as nbgrader does."""
    blocks, block, start = [], None, 0
    for number, line in enumerate(source.splitlines(), 1):
        words = _MARKER_WORDS.search(line)
        if not words:
            if block is not None:
                block.append(line)
            elif _KEY_OUTSIDE.match(line):
                raise AnswerKeyError(
                    f"line {number}: KEY is outside hidden tests, so learners would receive it",
                    index,
                )
            continue
        marker = _MARKER.match(line)
        if not marker:
            raise AnswerKeyError(
                f"line {number}: write the marker as '### {words[1].upper()} HIDDEN TESTS' at the "
                "start of a line, in capitals; nbgrader hides only blocks marked exactly so",
                index,
            )
        if marker[1] == "BEGIN":
            if block is not None:
                raise AnswerKeyError(f"line {number}: BEGIN HIDDEN TESTS inside another", index)
            block, start = [], number + 1
        elif block is None:
            raise AnswerKeyError(f"line {number}: END HIDDEN TESTS without a BEGIN", index)
        else:
            blocks.append(("\n".join(block), start))
            block = None
    if block is not None:
        raise AnswerKeyError(f"line {start - 1}: BEGIN HIDDEN TESTS is never ended", index)
    return blocks


# CPython 3.11 (Debian 12's) keeps the AST constructor's recursion depth in interpreter-wide
# state: two threads building trees at once (the service reads answer keys and submissions in
# worker threads; the course validator checks two lessons at a time) can fail with "SystemError:
# AST constructor recursion depth mismatch" (python/cpython#106905; seen in the validator).
_AST_LOCK = threading.Lock()


def parse_python(source: str, mode: str = "exec") -> ast.AST:
    """`ast.parse`, one thread at a time (see `_AST_LOCK`). Walking a tree needs no lock."""
    with _AST_LOCK:
        return ast.parse(source, mode=mode)


def _key_entries(block: str, first_line: int, index: int) -> list[tuple[str, Any]]:
    try:
        tree = parse_python(textwrap.dedent(block))
    except (SyntaxError, ValueError, RecursionError) as e:
        lineno = getattr(e, "lineno", None)
        where = f"line {first_line + lineno - 1}: " if lineno else ""
        reason = getattr(e, "msg", None) or str(e)
        raise AnswerKeyError(f"{where}the hidden tests do not parse ({reason})", index) from None
    assignments = [node for node in tree.body if _assigns_key(node)]
    if not assignments:
        raise AnswerKeyError(
            f"line {first_line - 1}: hidden tests without an answer key KEY = {{...}}", index
        )
    entries = []
    for node in assignments:
        line = f"line {first_line + node.lineno - 1}"
        if not isinstance(node.value, ast.Dict) or None in node.value.keys:
            raise AnswerKeyError(f"{line}: KEY must be written as a literal dict, not code", index)
        for key_node, value_node in zip(node.value.keys, node.value.values, strict=True):
            try:
                question, entry = ast.literal_eval(key_node), ast.literal_eval(value_node)
            except (ValueError, TypeError, SyntaxError, RecursionError):
                raise AnswerKeyError(
                    f"{line}: KEY must hold only literal values (text, numbers, lists, dicts), "
                    "not code",
                    index,
                ) from None
            if not isinstance(question, str):
                raise AnswerKeyError(f"{line}: question id {question!r} is not text", index)
            entries.append((question, entry))
    return entries


def _assigns_key(node: ast.stmt) -> bool:
    if isinstance(node, ast.Assign):
        return any(isinstance(t, ast.Name) and t.id == "KEY" for t in node.targets)
    return (
        isinstance(node, ast.AnnAssign)
        and isinstance(node.target, ast.Name)
        and node.target.id == "KEY"
        and node.value is not None
    )


# -- validating keys -----------------------------------------------------------------------------
def validate_key(key: dict) -> list[str]:
    """Every problem in an answer key, one readable line each (``"<question>: <problem>"``).

    An empty list means every entry is sound, so `check` and `score` will accept the key.
    """
    if not isinstance(key, dict):
        return ["KEY must be a dict of question ids to entries"]
    problems = []
    for question, entry in key.items():
        if not (isinstance(question, str) and QUESTION_ID.fullmatch(question)):
            problems.append(
                f"{question!r}: a question id is 1-100 letters, digits, '-', '_' or '.', "
                "starting with a letter or digit"
            )
        problems += [f"{question}: {problem}" for problem in _entry_problems(entry)]
    return problems


def _entry_problems(entry: Any) -> list[str]:
    if not isinstance(entry, dict):
        return ["an entry must be a dict such as {'type': 'single', 'answer': 0}"]
    kind = entry.get("type")
    if not (isinstance(kind, str) and kind in TYPES):
        return [f"unknown type {reprlib.repr(kind)} (use one of: {', '.join(TYPES)})"]
    problems = []
    unknown = set(entry) - COMMON_FIELDS - TYPES[kind]
    if unknown:
        names = ", ".join(sorted(map(repr, unknown)))
        problems.append(f"unknown field(s) {names} for type {kind!r}")
    shape, fits = _ANSWER_SHAPES[kind]
    if "answer" not in entry:
        problems.append(f"missing 'answer' ({shape})")
    elif not fits(entry["answer"]):
        problems.append(f"'answer' must be {shape}, not {reprlib.repr(entry['answer'])}")
    for field, (shape, fits) in _FIELD_SHAPES.items():
        if field in entry and field not in unknown and not fits(entry[field]):
            problems.append(f"{field!r} must be {shape}")
    if "feedback" in entry and "feedback" not in unknown:
        choice, names = (_is_short_text, "ending ids") if kind == "scenario" else (_is_index, "")
        feedback = entry["feedback"]
        if not (
            isinstance(feedback, dict)
            and all(choice(k) and _is_text(v) for k, v in feedback.items())
        ):
            problems.append(f"'feedback' must map {names or 'option indices'} to texts")
    return problems


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)  # bool is a subclass of int


def _is_number(value: Any) -> bool:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    try:
        return math.isfinite(value)
    except OverflowError:  # an int too large for a float
        return False


def _is_index(value: Any) -> bool:
    return _is_int(value) and 0 <= value < MAX_ITEMS


def _is_text(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _is_short_text(value: Any) -> bool:
    return _is_text(value) and len(value) <= MAX_TEXT


def _is_list(value: Any, item, *, least: int = 1, unique: bool = False) -> bool:
    return (
        isinstance(value, list | tuple)
        and least <= len(value)
        and all(map(item, value))
        and (not unique or len(set(value)) == len(value))
    )


def _is_rect(value: Any) -> bool:
    return (
        _is_list(value, lambda v: _is_number(v) and 0 <= v <= 1, least=4)
        and len(value) == 4
        and value[0] < value[2]
        and value[1] < value[3]
    )


_ANSWER_SHAPES = {
    "single": ("an option index (0, 1, 2, ...)", _is_index),
    "multi": (
        "a non-empty list of different option indices",
        lambda a: _is_list(a, _is_index, unique=True),
    ),
    "truefalse": ("True or False", lambda a: isinstance(a, bool)),
    "text": (
        "an accepted text or a non-empty list of them",
        lambda a: _is_short_text(a) or _is_list(a, _is_short_text),
    ),
    "number": ("a finite number", _is_number),
    "order": (
        "a list of at least two different item ids",
        lambda a: _is_list(a, _is_short_text, least=2, unique=True),
    ),
    "match": (
        "a non-empty dict of left ids to right ids",
        lambda a: (
            isinstance(a, dict)
            and 0 < len(a) <= MAX_ITEMS
            and all(_is_short_text(k) and _is_short_text(v) for k, v in a.items())
        ),
    ),
    "region": (
        "a non-empty list of rectangles [x0, y0, x1, y1], fractions of the image (0 to 1) with "
        "x0 < x1 and y0 < y1",
        lambda a: _is_list(a, _is_rect),
    ),
    "scenario": (
        "a non-empty list of the ending ids that count as right",
        lambda a: _is_short_text(a) or _is_list(a, _is_short_text, unique=True),
    ),
    "manual": ("a text for the trainer: what a good answer says", _is_text),
}


_FIELD_SHAPES = {
    "right": ("a non-empty text", _is_text),
    "wrong": ("a non-empty text", _is_text),
    "attempts": (
        "a whole number of at least 1 (leave it out for unlimited)",
        lambda v: v is None or (_is_int(v) and v >= 1),
    ),
    "points": ("a number above 0", lambda v: _is_number(v) and v > 0),
    "tolerance": ("a number of at least 0", lambda v: _is_number(v) and v >= 0),
    "variants": (
        f"a list of texts up to {MAX_TEXT} characters",
        lambda v: _is_list(v, _is_short_text, least=0),
    ),
    "case_sensitive": ("True or False", lambda v: isinstance(v, bool)),
}


def _require_sound(entry: Any) -> None:
    problems = _entry_problems(entry)
    if problems:
        raise AnswerKeyError("; ".join(problems))


def attempts_allowed(entry: dict) -> int | None:
    """How many answers a learner may give to a question; None when unlimited."""
    attempts = entry.get("attempts") if isinstance(entry, dict) else None
    shape, fits = _FIELD_SHAPES["attempts"]
    if not fits(attempts):
        raise AnswerKeyError(f"'attempts' must be {shape}")
    return attempts


# -- checking ------------------------------------------------------------------------------------
def check(entry: dict, answer: Any) -> Verdict:
    """Grade one untrusted learner answer against one key entry.

    Never raises because of `answer`: an answer of the wrong shape is wrong, with a message that it
    could not be read. Raises `AnswerKeyError` when the entry itself is broken.
    """
    _require_sound(entry)
    max_points = float(entry.get("points", 1))
    try:
        given, correct, choices = _CHECKS[entry["type"]](entry, answer)
    except _Unreadable as e:
        return Verdict(False, e.message, 0.0, max_points, None)
    if correct is None:  # kept for the trainer, who grades it by hand
        return Verdict(None, entry.get("right", MESSAGES["manual"]), 0.0, max_points, given)
    per_choice = entry.get("feedback", {})
    specific = " ".join(per_choice[choice] for choice in choices if choice in per_choice)
    general = "right" if correct else "wrong"
    feedback = specific or entry.get(general, MESSAGES[general])
    return Verdict(correct, feedback, max_points if correct else 0.0, max_points, given)


def score(key: dict, answers: dict[str, Any]) -> tuple[float, float]:
    """(points earned, points possible) over every question of `key`, as autograde records them.

    Each answer is graded by `check`; a missing answer earns 0, answers to questions not in the key
    are ignored, and `answers` that are not a dict count as no answers. Raises `AnswerKeyError`
    naming the question when the key is broken.
    """
    if not isinstance(key, dict):
        raise AnswerKeyError("KEY must be a dict of question ids to entries")
    answers = answers if isinstance(answers, dict) else {}
    earned, possible = [], []
    for question, entry in key.items():
        try:
            verdict = check(entry, answers.get(question))
        except AnswerKeyError as e:
            raise AnswerKeyError(f"{question}: {e}") from None
        earned.append(verdict.points)
        possible.append(verdict.max_points)
    return math.fsum(earned), math.fsum(possible)


class _Unreadable(Exception):
    def __init__(self, message: str = MESSAGES["unreadable"]):
        super().__init__(message)
        self.message = message


def _learner_index(value: Any) -> int:
    if not _is_index(value):
        raise _Unreadable()
    return value


def _learner_list(value: Any) -> list:
    if not isinstance(value, list | tuple) or len(value) > MAX_ITEMS:
        raise _Unreadable()
    return list(value)


def _learner_text(value: Any) -> str:
    if not isinstance(value, str) or len(value) > MAX_TEXT or "\0" in value:
        raise _Unreadable()
    try:
        value.encode("utf-8")  # lone surrogates (valid in JSON) would fail later, when stored
    except UnicodeEncodeError:
        raise _Unreadable() from None
    return value


def _check_single(entry, answer):
    index = _learner_index(answer)
    return index, index == entry["answer"], [index]


def _check_multi(entry, answer):
    chosen = sorted({_learner_index(a) for a in _learner_list(answer)})
    return chosen, chosen == sorted(entry["answer"]), chosen


def _check_truefalse(entry, answer):
    if not isinstance(answer, bool):
        raise _Unreadable()
    return answer, answer == entry["answer"], []


_QUOTES_AND_DASHES = str.maketrans(
    {**dict.fromkeys("‘’‚‛′`´", "'"), **dict.fromkeys("“”„‟″«»", '"')}
    | dict.fromkeys("‐‑‒–—―−", "-")
)


def _normalize_text(text: str, case_sensitive: bool = False) -> str:
    # Quotes first: NFKC turns some of them into other characters ("´" into a space and an accent).
    text = unicodedata.normalize("NFKC", text.translate(_QUOTES_AND_DASHES))
    # Phones slip in invisible format characters (zero-width spaces and joiners).
    text = "".join(c for c in text.translate(_QUOTES_AND_DASHES) if unicodedata.category(c) != "Cf")
    text = " ".join(text.split())
    return text if case_sensitive else text.casefold()


def _check_text(entry, answer):
    given = _learner_text(answer)
    accepted = entry["answer"]
    accepted = [accepted] if isinstance(accepted, str) else list(accepted)
    case = entry.get("case_sensitive", False)
    wanted = {_normalize_text(a, case) for a in [*accepted, *entry.get("variants", [])]}
    return given.strip(), _normalize_text(given, case) in wanted, []


def _decimal(number: int | float) -> Decimal:
    return Decimal(number) if isinstance(number, int) else Decimal(repr(number))


def _check_number(entry, answer):
    value = (
        _decimal(answer)
        if _is_number(answer)
        else parse_rupiah(answer)
        if isinstance(answer, str)
        else None
    )
    if value is None:
        raise _Unreadable(MESSAGES["not_number"])
    with localcontext() as exact:
        exact.prec = 100  # more digits than MAX_NUMBER_TEXT allows, so nothing is rounded
        off = abs(value - _decimal(entry["answer"]))
        correct = off <= _decimal(entry.get("tolerance", 0))
    given = int(value) if value == int(value) else float(value)
    return given, correct, []


def _check_order(entry, answer):
    given = [_learner_text(item) for item in _learner_list(answer)]
    return given, given == list(entry["answer"]), []


def _check_match(entry, answer):
    if not isinstance(answer, dict) or len(answer) > MAX_ITEMS:
        raise _Unreadable()
    given = {_learner_text(left): _learner_text(right) for left, right in answer.items()}
    return given, given == entry["answer"], []


def _check_region(entry, answer):
    point = _learner_list(answer)
    if len(point) != 2 or not all(map(_is_number, point)):
        raise _Unreadable()
    x, y = map(float, point)
    inside = any(x0 <= x <= x1 and y0 <= y <= y1 for x0, y0, x1, y1 in entry["answer"])
    return [x, y], inside, []


def _check_scenario(entry, answer):
    ending = _learner_text(answer)
    right = entry["answer"]
    return ending, ending in ([right] if isinstance(right, str) else right), [ending]


def _check_manual(_entry, answer):
    text = _learner_text(answer).strip()
    if not text:
        raise _Unreadable("Tulis jawaban Anda dulu.")
    return text, None, []


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
    "manual": _check_manual,
}


# -- Rupiah as people write it -------------------------------------------------------------------
_SCALES = {
    "rb": 3, "ribu": 3, "rebu": 3, "k": 3,
    "jt": 6, "juta": 6,
    "m": 9, "miliar": 9, "milyar": 9,
    "triliun": 12,
}  # fmt: skip
_WRITTEN = re.compile(
    r"(?P<minus>-)? ?(?:rp\.?|idr)? ?(?P<minus_after_rp>-)? ?"
    r"(?P<amount>[0-9][0-9., ]*?)(?:,-+)? ?"
    rf"(?:(?P<scale>{'|'.join(_SCALES)})\.?)? ?"
    r"(?:rupiah|idr)?"
)
_AMOUNT = re.compile(
    # Indonesian: dots (or spaces) group thousands, a comma starts the decimals.
    r"(?P<whole>[0-9]+|[0-9]{1,3}(?:\.[0-9]{3})+|[0-9]{1,3}(?: [0-9]{3})+)(?:,(?P<comma>[0-9]+))?"
    # A dot followed by one or two digits can only be a decimal point ("15.5", "1.5jt").
    r"|(?P<units>[0-9]+)\.(?P<point>[0-9]{1,2})"
)
_ENGLISH_THOUSANDS = re.compile(r"[1-9][0-9]{0,2},[0-9]{3}")


def parse_rupiah(text: str) -> Decimal | None:
    """A Rupiah amount or number as people write it in Indonesia, or None when it is not one.

    Reads "Rp15.000", "Rp. 15.000", "Rp 15.000,-", "IDR 15000", "15.000", "15 000", "15000",
    "15rb", "15 ribu", "15k", "1,5 juta", "1.5jt", "1,5 M", "Rp1.250.000,50", "15rb rupiah":
    case, spaces and Unicode width do not matter. The rules, Indonesian first:

    - A dot (or a space) groups thousands and a comma starts the decimals: "1.500" is 1500,
      "1,5" is 1.5, "15.000,00" is 15000.
    - A dot followed by one or two digits is a decimal point ("15.5", "1.5jt"), since nobody groups
      thousands that way; "15.0000" and "15.00.0" are refused.
    - "15,000" (a comma then exactly three digits, no suffix) is refused: it is English for 15000
      but Indonesian for 15, and guessing would grade the learner on our guess.
    - Suffixes: rb/ribu/rebu/k = thousand, jt/juta = million, m/M/miliar/milyar = billion (as in
      "Rp1,5 M"; million is always "jt"), triliun = 10^12.
    - A leading minus ("-5", "-Rp5.000", "Rp -5.000") is allowed: a loss or a difference.
    - Refused: words ("lima belas ribu"), scientific notation ("1e9"), digits of other scripts,
      compound amounts ("1 juta 500 ribu"), and anything longer than 40 characters.
    """
    if not isinstance(text, str) or len(text) > MAX_NUMBER_TEXT:
        return None
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES_AND_DASHES).lower()
    text = " ".join(text.split())
    written = _WRITTEN.fullmatch(text)
    if (
        len(text) > MAX_NUMBER_TEXT
        or not written
        or (written["minus"] and written["minus_after_rp"])
    ):
        return None
    amount = _AMOUNT.fullmatch(written["amount"])
    if not amount:
        return None
    if amount["whole"] is not None:
        if not written["scale"] and _ENGLISH_THOUSANDS.fullmatch(written["amount"]):
            return None
        whole, fraction = re.sub("[. ]", "", amount["whole"]), amount["comma"] or "0"
    else:
        whole, fraction = amount["units"], amount["point"]
    sign = "-" if written["minus"] or written["minus_after_rp"] else ""
    # Built from text, so the value is exact (Decimal arithmetic would round to 28 digits).
    value = Decimal(f"{sign}{whole}.{fraction}E{_SCALES.get(written['scale'], 0)}")
    return Decimal(int(value)) if value == int(value) else value

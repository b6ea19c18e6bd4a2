"""The one checker: reading keys, every question type, Rupiah as written, untrusted answers."""

from __future__ import annotations

import json
import random
from decimal import Decimal
from pathlib import Path

import pytest

from naikkelas.widgets.checking import (
    MESSAGES,
    AnswerKeyError,
    Verdict,
    attempts_allowed,
    check,
    extract_key,
    parse_rupiah,
    score,
    validate_key,
)

ROOT = Path(__file__).resolve().parents[2]

# -- Rupiah ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text,value",
    [
        ("Rp15.000", "15000"), ("Rp 15.000,-", "15000"), ("Rp. 15.000", "15000"),
        ("Rp.15.000", "15000"), ("RP15.000", "15000"), ("IDR 15000", "15000"),
        ("15000 IDR", "15000"), ("15.000", "15000"), ("15000", "15000"), ("  15 000 ", "15000"),
        ("15.000,00", "15000"), ("15.000,-", "15000"), ("15rb", "15000"), ("15 rb", "15000"),
        ("15RB", "15000"), ("15rb.", "15000"), ("15 ribu", "15000"), ("15 rebu", "15000"),
        ("15k", "15000"), ("15 K", "15000"), ("15rb rupiah", "15000"), ("Rp 15rb", "15000"),
        ("15.000 rupiah", "15000"), ("1,5 juta", "1500000"), ("1.5jt", "1500000"),
        ("2 JT", "2000000"), ("1,5 M", "1500000000"), ("2 miliar", "2000000000"),
        ("Rp 1.000.000", "1000000"), ("1 250 000", "1250000"), ("Rp1.250.000,50", "1250000.5"),
        ("1.500", "1500"), ("100.003", "100003"), ("1,5", "1.5"), ("0,500", "0.5"),
        ("15.5", "15.5"), ("12.75", "12.75"), ("1,250 juta", "1250000"), ("0", "0"),
        ("Rp0", "0"), ("-5", "-5"), ("−5", "-5"), ("-Rp5.000", "-5000"), ("Rp -5.000", "-5000"),
        ("１５．０００", "15000"), ("15\u00a0000", "15000"), ("1" * 40, "1" * 40),
    ],
)  # fmt: skip
def test_parse_rupiah_reads_amounts_as_people_write_them(text, value):
    assert parse_rupiah(text) == Decimal(value)


@pytest.mark.parametrize(
    "text",
    [
        "", "   ", "abc", "Rp", "rb", "-", "Rp-", "lima belas ribu", "15.00.0", "15.0000",
        "15,000", "1,500 rupiah", "1,500,000", "15,5,5", "1e9", "١٥", "😀", "15 😀", "1" * 41,
        "15.", ",5", ".5", "15 x", "15 00", "--5", "-Rp-5", "5-", "+5", "15_000", "1/2", "50%",
        "nan", "inf", "1 juta 500 ribu", "<script>1</script>", "15kb", None, 15000, ["15"],
    ],
)  # fmt: skip
def test_parse_rupiah_refuses_what_is_not_plainly_a_number(text):
    assert parse_rupiah(text) is None


# -- each question type ----------------------------------------------------------------------------
SINGLE = {"type": "single", "answer": 1}
MULTI = {"type": "multi", "answer": [0, 2]}
TRUEFALSE = {"type": "truefalse", "answer": True}
TEXT = {"type": "text", "answer": ["QRIS", "Quick Response Code Indonesian Standard"]}
NUMBER = {"type": "number", "answer": 15000}
ORDER = {"type": "order", "answer": ["scan", "cek-nama", "isi-nominal", "pin"]}
MATCH = {"type": "match", "answer": {"qris": "bayar", "otp": "rahasia"}}
REGION = {"type": "region", "answer": [[0.10, 0.20, 0.90, 0.30], [0.5, 0.5, 0.6, 0.6]]}
SCENARIO = {"type": "scenario", "answer": ["tutup-telepon", "tanya-bank"]}
ALL_TYPES = [SINGLE, MULTI, TRUEFALSE, TEXT, NUMBER, ORDER, MATCH, REGION, SCENARIO]


@pytest.mark.parametrize(
    "entry,answer,correct,normalised",
    [
        (SINGLE, 1, True, 1),
        (SINGLE, 0, False, 0),
        (SINGLE, 57, False, 57),
        (MULTI, [2, 0, 2], True, [0, 2]),
        (MULTI, (0, 2), True, [0, 2]),
        (MULTI, [0], False, [0]),
        (MULTI, [0, 1, 2], False, [0, 1, 2]),
        (MULTI, [], False, []),
        (TRUEFALSE, True, True, True),
        (TRUEFALSE, False, False, False),
        (TEXT, "  qris ", True, "qris"),
        (TEXT, "quick response code  indonesian standard", True, None),
        (TEXT, "QR", False, "QR"),
        (TEXT, "", False, ""),
        (NUMBER, "Rp15.000", True, 15000),
        (NUMBER, "15rb", True, 15000),
        (NUMBER, 15000, True, 15000),
        (NUMBER, 15000.0, True, 15000),
        (NUMBER, "Rp15.001", False, 15001),
        (NUMBER, "1,5", False, 1.5),
        (ORDER, ["scan", "cek-nama", "isi-nominal", "pin"], True, None),
        (ORDER, ["cek-nama", "scan", "isi-nominal", "pin"], False, None),
        (ORDER, ["scan", "cek-nama", "isi-nominal"], False, None),
        (MATCH, {"otp": "rahasia", "qris": "bayar"}, True, None),
        (MATCH, {"qris": "rahasia", "otp": "bayar"}, False, None),
        (MATCH, {"qris": "bayar"}, False, None),
        (MATCH, {"qris": "bayar", "otp": "rahasia", "pin": "x"}, False, None),
        (REGION, [0.5, 0.25], True, [0.5, 0.25]),
        (REGION, [0.1, 0.2], True, [0.1, 0.2]),
        (REGION, (0.9, 0.3), True, [0.9, 0.3]),
        (REGION, [0.55, 0.55], True, [0.55, 0.55]),
        (REGION, [0.5, 0.4], False, [0.5, 0.4]),
        (REGION, [1, 0], False, [1.0, 0.0]),
        (REGION, [-3.0, 7.5], False, [-3.0, 7.5]),
        (SCENARIO, "tanya-bank", True, "tanya-bank"),
        (SCENARIO, "kirim-otp", False, "kirim-otp"),
    ],
)
def test_every_type_right_and_wrong(entry, answer, correct, normalised):
    verdict = check(entry, answer)
    assert verdict.correct is correct
    assert verdict.points == (1.0 if correct else 0.0) and verdict.max_points == 1.0
    assert verdict.feedback == MESSAGES["right" if correct else "wrong"]
    if normalised is not None:
        assert verdict.answer == normalised
    json.dumps(verdict.answer)


def test_number_tolerance_and_decimals():
    entry = {"type": "number", "answer": 15000, "tolerance": 500}
    assert check(entry, "Rp14.500").correct and check(entry, "15,5rb").correct
    assert not check(entry, "Rp14.499").correct
    assert check({"type": "number", "answer": 0.1}, "0,1").correct
    assert check({"type": "number", "answer": 2.5, "tolerance": 0.01}, "2.51").correct
    assert check({"type": "number", "answer": -5000}, "-Rp5.000").correct


def test_a_number_that_cannot_be_read_says_how_to_write_one():
    verdict = check(NUMBER, "lima belas ribu")
    assert verdict == Verdict(False, MESSAGES["not_number"], 0.0, 1.0, None)
    assert not check(NUMBER, "15,000").correct, "ambiguous, so not guessed"


@pytest.mark.parametrize(
    "accepted,given",
    [
        ("QRIS", "qris"),
        ("QRIS", "  QRIS\t"),
        ("Quick Response Code", "quick   response\n code"),
        ("QRIS", "ＱＲＩＳ"),  # full-width letters (NFKC)
        ("QRIS", "Q\u200bRIS"),  # a zero-width space from a phone keyboard
        ("Jum'at", "jum’at"),
        ("Jum'at", "Jum`at"),
        ('"Lunas"', "“lunas”"),
        ("e-wallet", "e–wallet"),
        ("e-wallet", "E—WALLET"),
        ("café", "cafe\u0301"),  # composed and decomposed é
        ("Straße", "STRASSE"),  # case folding, not just lower()
    ],
)
def test_text_is_tolerant_of_case_spaces_and_typography(accepted, given):
    assert check({"type": "text", "answer": accepted}, given).correct


def test_text_variants_and_case_sensitivity():
    entry = {"type": "text", "answer": "QRIS", "variants": ["kiris", "kyu ar"]}
    assert check(entry, "Kiris").correct and check(entry, "KYU  AR").correct
    assert not check(entry, "QRIS.").correct
    strict = {"type": "text", "answer": "pH", "case_sensitive": True}
    assert check(strict, " pH ").correct and not check(strict, "PH").correct


@pytest.mark.parametrize("entry", [TEXT, SCENARIO, ORDER, MATCH])
def test_html_from_the_learner_is_kept_as_data(entry):
    script = "<script>alert('x')</script>"
    answer = {
        "text": script,
        "scenario": script,
        "order": [script, "pin"],
        "match": {script: "bayar"},
    }[entry["type"]]
    verdict = check(entry, answer)
    assert verdict.answer == answer and not verdict.correct
    assert script not in verdict.feedback


# -- feedback --------------------------------------------------------------------------------------
def test_feedback_for_the_choice_replaces_the_right_or_wrong_text():
    entry = {
        "type": "single",
        "answer": 1,
        "right": "Benar! Cukup tekan tombol.",
        "wrong": "Belum tepat.",
        "feedback": {0: "Belum tepat. Kode program tidak perlu.", 2: "Itu untuk keadaan darurat."},
        "points": 2,
    }
    assert check(entry, 0).feedback == "Belum tepat. Kode program tidak perlu."
    assert check(entry, 2).feedback == "Itu untuk keadaan darurat."
    assert check(entry, 3).feedback == "Belum tepat."
    verdict = check(entry, 1)
    assert verdict.feedback == "Benar! Cukup tekan tombol."
    assert (verdict.points, verdict.max_points) == (2.0, 2.0)
    bare = {"type": "single", "answer": 1, "feedback": {1: "Semudah itu."}}
    assert check(bare, 1).feedback == "Semudah itu."
    assert check(bare, 0).feedback == "Belum tepat. Coba lagi."


def test_multi_feedback_follows_every_chosen_option_in_order():
    entry = {"type": "multi", "answer": [0, 1], "feedback": {2: "Itu bengkel.", 0: "QRIS ya."}}
    assert check(entry, [2, 0]).feedback == "QRIS ya. Itu bengkel."
    assert check(entry, [1, 0]).feedback == "QRIS ya."
    assert check(entry, [1]).feedback == "Belum tepat. Coba lagi."


def test_scenario_feedback_per_ending():
    entry = {
        "type": "scenario",
        "answer": ["tutup-telepon", "tanya-bank"],
        "wrong": "Hati-hati.",
        "feedback": {"kirim-otp": "Uang Anda hilang.", "tutup-telepon": "Benar! Aman."},
    }
    assert check(entry, "kirim-otp").feedback == "Uang Anda hilang."
    assert check(entry, "klik-tautan").feedback == "Hati-hati."
    assert check(entry, "tutup-telepon").feedback == "Benar! Aman."
    assert check(entry, "tanya-bank").feedback == "Benar!"
    assert check({"type": "scenario", "answer": "aman"}, "aman").correct


# -- untrusted answers -----------------------------------------------------------------------------
class Evil:
    def __eq__(self, other):
        raise RuntimeError("compared")

    __hash__ = object.__hash__


JUNK = [
    None, True, False, 1.5, -1, 10**20, 10**5000, float("nan"), float("inf"), -float("inf"),
    "x" * 10_000, "😀" * 3, "\ud800", "a\0b", "<script>alert(1)</script>", "1",
    [], {}, (), [[1]], [None], [True, False], [1.0, 2.0], [float("nan"), 0.5], list(range(10**5)),
    [[[[[[[]]]]]]], {"a": object}, {1: "x"}, {"qris": ["bayar"]}, {"qris": None}, object(), Evil(),
    b"bytes", {1, 2}, Decimal("NaN"), Decimal("1"), complex(1, 1), ["scan"] * 101,
]  # fmt: skip


@pytest.mark.parametrize("entry", ALL_TYPES, ids=lambda e: e["type"])
@pytest.mark.parametrize("junk", JUNK, ids=lambda j: type(j).__name__)
def test_untrusted_answers_never_raise_and_are_never_right(entry, junk):
    verdict = check(entry, junk)
    right = entry is TRUEFALSE and junk is True  # the one junk value that is a real answer
    assert verdict.correct is right and verdict.points == (1.0 if right else 0.0)
    assert isinstance(verdict.feedback, str) and verdict.feedback
    json.dumps(verdict.answer, allow_nan=False)


@pytest.mark.parametrize(
    "entry,junk",
    [
        (SINGLE, True),  # bool is an int in Python, not an option
        (SINGLE, "1"),
        (SINGLE, 1.0),
        (SINGLE, -1),
        (MULTI, [True]),
        (MULTI, 1),
        (MULTI, list(range(101))),
        (TRUEFALSE, 1),
        (TRUEFALSE, "true"),
        (TEXT, 1),
        (TEXT, "x" * 501),
        (TEXT, "a\0b"),
        (ORDER, "scan"),
        (ORDER, ["scan", 1]),
        (MATCH, [["qris", "bayar"]]),
        (REGION, [True, False]),
        (REGION, [0.5]),
        (REGION, [0.5, float("nan")]),
        (REGION, "0.5,0.5"),
        (SCENARIO, ["tutup-telepon"]),
    ],
)
def test_unreadable_answers_say_so(entry, junk):
    assert check(entry, junk) == Verdict(False, MESSAGES["unreadable"], 0.0, 1.0, None)


@pytest.mark.parametrize("entry", ALL_TYPES, ids=lambda e: e["type"])
def test_random_junk_never_raises(entry):
    rng = random.Random(20240)
    atoms = [None, True, 0, 1, -7, 2**70, 0.5, float("nan"), "", "a", "Rp1.5", "😀", "\ud800"]

    def junk(depth=0):
        kind = rng.randrange(4 if depth < 3 else 1)
        if kind == 0:
            return rng.choice(atoms)
        if kind == 1:
            return [junk(depth + 1) for _ in range(rng.randrange(4))]
        if kind == 2:
            return {rng.choice(["qris", "otp", "x"]): junk(depth + 1) for _ in range(2)}
        return "".join(rng.choice("0123456789.,- rbjtRpk😀<>") for _ in range(rng.randrange(30)))

    for _ in range(300):
        verdict = check(entry, junk())
        assert isinstance(verdict.correct, bool) and isinstance(verdict.feedback, str)


# -- broken keys -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "entry,problem",
    [
        ("single", "must be a dict"),
        ({"answer": 1}, "unknown type None"),
        ({"type": "essay", "answer": "x"}, "unknown type 'essay'"),
        ({"type": ["single"], "answer": 1}, "unknown type"),
        ({"type": "single"}, "missing 'answer'"),
        ({"type": "single", "answer": "1"}, "'answer' must be an option index"),
        ({"type": "single", "answer": True}, "'answer' must be an option index"),
        ({"type": "single", "answer": -1}, "'answer' must be an option index"),
        ({"type": "multi", "answer": []}, "non-empty list"),
        ({"type": "multi", "answer": [0, 0]}, "different option indices"),
        ({"type": "truefalse", "answer": 1}, "True or False"),
        ({"type": "text", "answer": []}, "non-empty list"),
        ({"type": "text", "answer": ["  "]}, "accepted text"),
        ({"type": "text", "answer": "a", "variants": "b"}, "'variants'"),
        ({"type": "text", "answer": "a", "case_sensitive": "yes"}, "'case_sensitive'"),
        ({"type": "number", "answer": "15000"}, "a finite number"),
        ({"type": "number", "answer": float("inf")}, "a finite number"),
        ({"type": "number", "answer": 1, "tolerance": -1}, "'tolerance'"),
        ({"type": "order", "answer": ["a"]}, "at least two"),
        ({"type": "order", "answer": ["a", "a"]}, "different item ids"),
        ({"type": "order", "answer": [1, 2]}, "item ids"),
        ({"type": "match", "answer": {}}, "non-empty dict"),
        ({"type": "match", "answer": {"a": 1}}, "non-empty dict"),
        ({"type": "region", "answer": [[0.5, 0.5, 0.1, 0.1]]}, "x0 < x1"),
        ({"type": "region", "answer": [[0, 0, 2, 1]]}, "rectangles"),
        ({"type": "region", "answer": [[0, 0, 1]]}, "rectangles"),
        ({"type": "region", "answer": [0, 0, 1, 1]}, "rectangles"),
        ({"type": "scenario", "answer": []}, "ending ids"),
        ({"type": "single", "answer": 0, "attempts": 0}, "'attempts'"),
        ({"type": "single", "answer": 0, "attempts": 1.5}, "'attempts'"),
        ({"type": "single", "answer": 0, "points": 0}, "'points'"),
        ({"type": "single", "answer": 0, "points": True}, "'points'"),
        ({"type": "single", "answer": 0, "right": ""}, "'right'"),
        ({"type": "single", "answer": 0, "wrong": 3}, "'wrong'"),
        ({"type": "single", "answer": 0, "feedback": {"0": "x"}}, "option indices"),
        ({"type": "single", "answer": 0, "feedback": {True: "x"}}, "option indices"),
        ({"type": "scenario", "answer": ["a"], "feedback": {1: "x"}}, "ending ids"),
        ({"type": "truefalse", "answer": True, "feedback": {0: "x"}}, "field(s) 'feedback'"),
        ({"type": "single", "answer": 0, "anwser": 1}, "unknown field(s) 'anwser'"),
        ({"type": "single", "answer": 0, "tolerance": 1}, "unknown field(s) 'tolerance'"),
    ],
)  # fmt: skip
def test_validate_key_explains_each_broken_entry(entry, problem):
    problems = validate_key({"q1": entry})
    assert len(problems) == 1 and problems[0].startswith("q1: ") and problem in problems[0]
    with pytest.raises(AnswerKeyError) as refused:
        check(entry, 0)
    assert str(refused.value) == problems[0].removeprefix("q1: ")


def test_validate_key_lists_every_problem_of_every_entry():
    problems = validate_key(
        {
            "ok": {"type": "single", "answer": 0, "attempts": 2, "points": 0.5},
            "bad": {"type": "single", "answer": "x", "attempts": 0, "points": -1},
            "bad id!": {"type": "truefalse", "answer": False},
            "also-bad": {"type": "number"},
        }
    )
    assert [p.split(":")[0] for p in problems] == ["bad", "bad", "bad", "'bad id!'", "also-bad"]
    assert validate_key([]) == ["KEY must be a dict of question ids to entries"]


def test_a_sound_key_of_every_type_has_no_problems():
    key = {f"q{i}": entry for i, entry in enumerate(ALL_TYPES)}
    key["q-full"] = {
        "type": "text",
        "answer": "QRIS",
        "variants": ["kiris"],
        "case_sensitive": False,
        "right": "Benar!",
        "wrong": "Belum.",
        "attempts": 3,
        "points": 2,
    }
    assert validate_key(key) == []


# -- reading keys from notebooks -------------------------------------------------------------------
def notebook(*sources, kind="code"):
    return {"cells": [{"cell_type": kind, "source": source} for source in sources]}


def hidden(body, begin="### BEGIN HIDDEN TESTS", end="### END HIDDEN TESTS"):
    return f"{begin}\n{body}\n{end}\n"


def test_extract_key_merges_every_hidden_block_without_running_code(tmp_path):
    trap = tmp_path / "ran"
    first = (
        "x = 1\n"
        + hidden(
            f"open({str(trap)!r}, 'w').write('ran')\n"
            "KEY = {'q1': {'type': 'single', 'answer': 0, 'feedback': {1: 'x'}}}\n"
            "preview(KEY)"
        )
        + "print(x)\n"
        + hidden("KEY: dict = {'q2': {'type': 'truefalse', 'answer': True}}", "#BEGIN HIDDEN TESTS")
    )
    second = [
        "def f():\n",
        "    #### BEGIN HIDDEN TESTS (answer key)\n",
        "    KEY = {\n",
        "        'q3': {'type': 'region', 'answer': [(0.1, 0.2, 0.9, 0.3)]},\n",
        "    }\n",
        "    ####END HIDDEN TESTS\n",
        "    return 1\n",
    ]
    nb = notebook(first, second)
    nb["cells"].insert(0, {"cell_type": "markdown", "source": hidden("KEY = {'q9': {}}")})
    key = extract_key(nb)
    assert set(key) == {"q1", "q2", "q3"}
    assert key["q1"]["feedback"] == {1: "x"} and key["q3"]["answer"] == [(0.1, 0.2, 0.9, 0.3)]
    assert not trap.exists()
    assert extract_key(notebook("print(1)", [])) == {}


def test_the_demo_course_key_is_sound():
    path = ROOT / "courses" / "mengenal-naikkelas" / "01-cara-menjawab.ipynb"
    key = extract_key(json.loads(path.read_text(encoding="utf-8")))
    assert len(key) == 7 and validate_key(key) == []
    assert score(key, {"harga-teh": "Rp15.000", "aman-salah": False}) == (2.0, 7.0)


@pytest.mark.parametrize(
    "source,problem",
    [
        (hidden("KEY = {"), r"line 2: the hidden tests do not parse"),
        (hidden("x = 1\nKEY = {'q': 1"), r"line 3: the hidden tests do not parse"),
        (hidden("KEY = open('x').read()"), "literal dict, not code"),
        (hidden("KEY = dict(q={'type': 'single', 'answer': 0})"), "literal dict, not code"),
        (hidden("KEY = {**OTHER}"), "literal dict, not code"),
        (hidden("KEY = {'q': {'type': 'single', 'answer': ANSWER}}"), "only literal values"),
        (hidden("KEY = {'q': {'type': 'single', 'answer': __import__('os')}}"), "only literal"),
        (hidden("KEY = {1: {'type': 'single', 'answer': 0}}"), "question id 1 is not text"),
        (hidden("assert answer == 42"), "line 1: hidden tests without an answer key"),
        (hidden("KEY = {}", begin="#### begin hidden tests"), "in capitals"),
        (hidden("KEY = {}", end="### End Hidden Tests"), "'### END HIDDEN TESTS'"),
        (hidden("KEY = {}", begin="x = 1  # BEGIN HIDDEN TESTS"), "at the start of a line"),
        ("### BEGIN HIDDEN TESTS\nKEY = {}\n", "never ended"),
        ("KEY = {}\n### END HIDDEN TESTS\n", "KEY is outside hidden tests"),
        ("x = 1\n### END HIDDEN TESTS\n", "without a BEGIN"),
        (hidden(hidden("KEY = {}")), "inside another"),
        ("KEY = {'q': {'type': 'single', 'answer': 0}}\n", "line 1: KEY is outside hidden tests"),
        (hidden("KEY = {'q': 1, 'q': 2}"), "'q' is defined twice"),
        (hidden("KEY = {'q': 1}\nKEY = {'q': 2}"), "'q' is defined twice"),
        (hidden("KEY = {'q': 1}") + hidden("KEY = {'q': 2}"), "'q' is defined twice"),
        ({"not": "text"}, "neither text nor a list"),
    ],
)
def test_extract_key_refuses_with_the_cell_and_the_reason(source, problem):
    with pytest.raises(AnswerKeyError, match=problem) as refused:
        extract_key(notebook("print(1)", source))
    assert refused.value.cell_index == 1 and str(refused.value).startswith("cell 1: ")


def test_a_question_defined_in_two_cells_is_refused():
    block = hidden("KEY = {'q': {'type': 'single', 'answer': 0}}")
    with pytest.raises(AnswerKeyError, match="cell 2: question 'q' is defined twice"):
        extract_key(notebook(block, "x = 1", [block]))


@pytest.mark.parametrize("nb", [{}, {"cells": "x"}, [], None])
def test_extract_key_refuses_what_is_not_a_notebook(nb):
    with pytest.raises(AnswerKeyError, match="not a notebook"):
        extract_key(nb)


# -- scoring and attempts --------------------------------------------------------------------------
def test_score_sums_points_ignores_unknown_answers_and_gives_nothing_for_missing_ones():
    key = {
        "q1": {"type": "single", "answer": 0, "points": 2},
        "q2": {"type": "truefalse", "answer": True, "points": 0.1},
        "q3": {"type": "number", "answer": 15000, "points": 0.2},
        "q4": {"type": "text", "answer": "QRIS"},
    }
    assert score(key, {"q1": 0, "q2": True, "q3": "15rb", "q4": "qris"}) == (3.3, 3.3)
    assert score(key, {"q1": 0, "q2": False, "zzz": 1, "q4": ["junk"]}) == (2.0, 3.3)
    assert score(key, {}) == (0.0, 3.3)
    assert score(key, ["not", "a", "dict"]) == (0.0, 3.3)
    assert score({}, {"q1": 0}) == (0.0, 0.0)


def test_score_refuses_a_broken_key_naming_the_question():
    with pytest.raises(AnswerKeyError, match="^q2: unknown type 'essay'"):
        score({"q1": SINGLE, "q2": {"type": "essay", "answer": "x"}}, {"q1": 1})


def test_attempts_allowed():
    assert attempts_allowed({"type": "single", "answer": 0, "attempts": 2}) == 2
    assert attempts_allowed(SINGLE) is None
    assert attempts_allowed({**SINGLE, "attempts": None}) is None
    for broken in (0, -1, True, 1.5, "2"):
        with pytest.raises(AnswerKeyError, match="'attempts'"):
            attempts_allowed({**SINGLE, "attempts": broken})


# -- threads ---------------------------------------------------------------------------------------


def test_answer_keys_and_answers_are_parsed_one_thread_at_a_time(monkeypatch):
    """CPython 3.11 corrupts its AST constructor state when two threads parse at once
    ("SystemError: AST constructor recursion depth mismatch", seen in the course validator);
    the service reads keys and submitted answers in worker threads. A slowed parser shows
    whether two parses ever overlap."""
    import ast
    import threading
    import time

    from naikkelas.grading.nbsource import read_answers

    real_parse, inside, most = ast.parse, [0], [0]
    count = threading.Lock()

    def slow_parse(*args, **kwargs):
        with count:
            inside[0] += 1
            most[0] = max(most[0], inside[0])
        time.sleep(0.01)  # a window for another thread to enter, if nothing keeps it out
        try:
            return real_parse(*args, **kwargs)
        finally:
            with count:
                inside[0] -= 1

    monkeypatch.setattr(ast, "parse", slow_parse)
    notebook = json.loads(next(ROOT.glob("courses/*/*.ipynb")).read_text(encoding="utf-8"))
    keys, answers = [], []

    def work():
        keys.append(extract_key(notebook))
        answers.append(read_answers('ANSWERS = {"q1": 1}'))

    threads = [threading.Thread(target=work) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(keys) == 6 and all(key == keys[0] for key in keys) and keys[0]
    assert answers == [{"q1": 1}] * 6
    assert most[0] == 1, "two threads were inside ast.parse at once"

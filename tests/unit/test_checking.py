"""The one checker: key extraction, every question type, Rupiah parsing, untrusted input."""

from decimal import Decimal

import pytest

from naikkelas.widgets.checking import (
    AnswerKeyError,
    attempts_allowed,
    check,
    extract_key,
    parse_rupiah,
    score,
    validate_key,
)


@pytest.mark.parametrize(
    "text,value",
    [
        ("Rp15.000", 15000), ("Rp 15.000,-", 15000), ("15.000", 15000), ("15000", 15000),
        ("15rb", 15000), ("15 rb", 15000), ("15 ribu", 15000), ("15RB", 15000), ("15k", 15000),
        ("1,5 juta", 1500000), ("1.5jt", 1500000), ("2 jt", 2000000), ("1,5 M", 1500000000),
        ("Rp1.250.000,50", Decimal("1250000.50")), ("IDR 15000", 15000), ("Rp. 15.000", 15000),
        ("15.000,00", 15000), ("  15 000 ", 15000), ("0", 0), ("15rb rupiah", 15000),
        ("1,5", Decimal("1.5")), ("15.5", Decimal("15.5")), ("-5", -5), ("rp15.000", 15000),
        ("100.003", 100003), ("1.000.000", 1000000), ("Rp 500", 500), ("Rp0", 0),
    ],
)  # fmt: skip
def test_parse_rupiah_reads_amounts_as_people_write_them(text, value):
    assert parse_rupiah(text) == Decimal(value)


@pytest.mark.parametrize(
    "text",
    ["", "abc", "lima belas ribu", "15.00.0", "1e9", "١٥", "Rp", "15,5,5", "😀", "1" * 50,
     "15.", ",5", "15 x", "Rp-", None, 15000],
)  # fmt: skip
def test_parse_rupiah_refuses_what_is_not_a_number(text):
    assert parse_rupiah(text) is None


def test_single_multi_truefalse():
    assert check({"type": "single", "answer": 1}, 1).correct
    assert not check({"type": "single", "answer": 1}, 0).correct
    assert check({"type": "multi", "answer": [0, 2]}, [2, 0, 2]).correct
    assert not check({"type": "multi", "answer": [0, 2]}, [0]).correct
    assert check({"type": "truefalse", "answer": False}, False).correct
    assert not check({"type": "truefalse", "answer": False}, 0).correct, "0 is not False"


def test_text_is_tolerant_of_case_spaces_and_typography():
    entry = {"type": "text", "answer": ["Quick Response"], "variants": ["kyu ar"]}
    for given in ["quick response", "  QUICK   response ", "ｑｕｉｃｋ response", "Kyu ar"]:
        assert check(entry, given).correct, given
    assert check({"type": "text", "answer": "Jum’at"}, "jum'at").correct
    assert not check({"type": "text", "answer": "A", "case_sensitive": True}, "a").correct


def test_number_with_tolerance():
    entry = {"type": "number", "answer": 15000, "tolerance": 500}
    assert check(entry, "15rb").correct and check(entry, "Rp14.600").correct
    assert not check(entry, "Rp14.000").correct
    verdict = check(entry, "lima belas ribu")
    assert not verdict.correct and "angka" in verdict.feedback


def test_order_match_region_scenario():
    assert check({"type": "order", "answer": ["a", "b"]}, ["a", "b"]).correct
    assert not check({"type": "order", "answer": ["a", "b"]}, ["b", "a"]).correct
    assert check({"type": "match", "answer": {"x": "1"}}, {"x": "1"}).correct
    assert not check({"type": "match", "answer": {"x": "1"}}, {"x": "2"}).correct
    region = {"type": "region", "answer": [[0.1, 0.2, 0.9, 0.3]]}
    assert check(region, [0.5, 0.25]).correct and not check(region, [0.5, 0.5]).correct
    story = {"type": "scenario", "answer": ["aman"], "feedback": {"tertipu": "Uang Anda hilang."}}
    assert check(story, "aman").correct
    assert check(story, "tertipu").feedback == "Uang Anda hilang."


def test_feedback_per_choice_then_author_then_default_and_points():
    entry = {
        "type": "single",
        "answer": 1,
        "wrong": "Salah.",
        "feedback": {0: "Itu kode."},
        "points": 2,
    }
    assert check(entry, 0).feedback == "Itu kode."
    assert check(entry, 2).feedback == "Salah."
    verdict = check(entry, 1)
    assert verdict.feedback == "Benar!" and verdict.points == 2 and verdict.max_points == 2


JUNK = [None, "1", 1.5, True, [], {}, [[1]], "x" * 10_000, float("nan"), float("inf"),
        "<script>alert(1)</script>", "😀", -1, 10**20, {"a": object}]  # fmt: skip


@pytest.mark.parametrize(
    "entry",
    [
        {"type": "single", "answer": 1}, {"type": "multi", "answer": [1]},
        {"type": "truefalse", "answer": True}, {"type": "text", "answer": "a"},
        {"type": "number", "answer": 1}, {"type": "order", "answer": ["a", "b"]},
        {"type": "match", "answer": {"a": "b"}}, {"type": "region", "answer": [[0, 0, 1, 1]]},
        {"type": "scenario", "answer": ["a"]},
    ],
)  # fmt: skip
def test_untrusted_answers_never_raise_and_are_wrong(entry):
    for junk in JUNK:
        verdict = check(entry, junk)
        assert verdict.correct is False or junk in (True, 1.5, "1"), (entry, junk)
        assert isinstance(verdict.feedback, str) and verdict.feedback


def test_script_text_is_kept_as_data():
    verdict = check({"type": "text", "answer": "a"}, "<script>x</script>")
    assert verdict.answer == "<script>x</script>" and not verdict.correct


def nb(*sources):
    return {"cells": [{"cell_type": "code", "source": s} for s in sources]}


def test_extract_key_from_hidden_tests_without_running_code():
    first = (
        "x = 1\n### BEGIN HIDDEN TESTS\nKEY = {'q1': {'type': 'single', 'answer': 0}}\n"
        "preview(KEY)\n### END HIDDEN TESTS\n"
    )
    second = [
        "#### begin hidden tests\n",
        "KEY = {'q2': {'type': 'truefalse', 'answer': True}}\n",
        "#### end hidden tests",
    ]
    key = extract_key(
        {
            "cells": [
                {"cell_type": "markdown", "source": "### BEGIN HIDDEN TESTS"},
                *nb(first, second)["cells"],
            ]
        }
    )
    assert set(key) == {"q1", "q2"}


@pytest.mark.parametrize(
    "source,problem",
    [
        ("### BEGIN HIDDEN TESTS\nKEY = {\n### END HIDDEN TESTS", "do not parse"),
        ("### BEGIN HIDDEN TESTS\nKEY = open('x').read()\n### END HIDDEN TESTS", "literal"),
        ("### BEGIN HIDDEN TESTS\nassert True\n### END HIDDEN TESTS", "without KEY"),
    ],
)
def test_extract_key_errors_name_the_cell(source, problem):
    with pytest.raises(AnswerKeyError, match=problem) as info:
        extract_key(nb("print(1)", source))
    assert info.value.cell_index == 1


def test_duplicate_question_keys_are_refused():
    block = (
        "### BEGIN HIDDEN TESTS\nKEY = {'q': {'type': 'single', 'answer': 0}}\n### END HIDDEN TESTS"
    )
    with pytest.raises(AnswerKeyError, match="two keys"):
        extract_key(nb(block, block))


def test_validate_key_lists_every_problem():
    problems = validate_key({
        "a": {"type": "bogus", "answer": 1},
        "b": {"type": "single"},
        "c": {"type": "single", "answer": "x"},
        "d": {"type": "region", "answer": [[0.5, 0.5, 0.1, 0.1]]},
        "e": {"type": "single", "answer": 0, "attempts": 0},
        "f": {"type": "text", "answer": []},
        "g": {"type": "single", "answer": 0, "points": -1},
        "ok": {"type": "single", "answer": 0},
    })  # fmt: skip
    assert [p.split(":")[0] for p in problems] == ["a", "b", "c", "d", "e", "f", "g"]


def test_score_sums_points_and_ignores_unknown_answers():
    key = {
        "q1": {"type": "single", "answer": 0, "points": 2},
        "q2": {"type": "truefalse", "answer": True},
    }
    assert score(key, {"q1": 0, "q2": False, "zzz": 1}) == (2.0, 3.0)
    assert score(key, {}) == (0.0, 3.0)
    assert attempts_allowed({"attempts": 2}) == 2 and attempts_allowed({}) is None

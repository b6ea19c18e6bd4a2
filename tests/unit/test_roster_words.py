"""Every roster finding a trainer can meet on the upload page reads in Bahasa Indonesia."""

from __future__ import annotations

import re
from datetime import date

import pytest

from naikkelas.hub.accounts import Role, upsert_account
from naikkelas.hub.db import engine_for
from naikkelas.hub.roster import RosterError, apply_import, plan_import
from naikkelas.hub.roster_read import check_row, read_roster
from naikkelas.hub.roster_words import indonesian
from tests.unit.test_roster import HEADER, PEOPLE, write_csv

TODAY = date(2025, 6, 1)
GOOD = {
    "name": "Siti Aminah",
    "kelurahan": "Sidodadi",
    "gender": "P",
    "birth_year": "1980",
    "cohort": "smd-1",
}
# English words that would betray an untranslated sentence.
ENGLISH = re.compile(r"\b(is|the|not|and|has|row|column|empty|give|was|learners?)\b")


def assert_indonesian(message: str) -> None:
    words = indonesian(message)
    assert words is not None, f"no Indonesian wording for: {message}"
    outside_quotes = re.sub(r"'[^']*'|\"[^\"]*\"", "", words)
    assert not ENGLISH.search(outside_quotes), f"{message!r} -> {words!r}"


BAD_CELLS = [
    {"name": ""},
    {"name": "1234"},
    {"name": "Siti <b>"},
    {"name": "Siti\u200bAminah\x07"},
    {"name": "Siti 6471034101800001"},
    {"name": "S" * 300},
    {"kelurahan": ""},
    {"sector": "6471034101800001"},
    {"gender": ""},
    {"gender": "X"},
    {"birth_year": "tahun lalu"},
    {"birth_year": "1850"},
    {"birth_year": None, "birth_date": "kemarin"},
    {"birth_year": None, "age": "tua"},
    {"birth_year": None, "age": "7"},
    {"birth_year": None},
    {"phone": "nomor saya"},
    {"phone": "6471034101800001"},
    {"phone": "12345"},
    {"region_code": "64-71"},
    {"username": "1-Siti!"},
    {"cohort": "Kelas A"},
    {"cohort": ""},
]


@pytest.mark.parametrize("change", BAD_CELLS, ids=[str(c)[:40] for c in BAD_CELLS])
def test_every_bad_cell_is_explained_in_indonesian(change):
    cells = {**GOOD, **change}
    learner, reasons = check_row(2, cells, None, TODAY)
    assert learner is None and reasons
    for reason in reasons:
        assert_indonesian(reason)


def test_a_cohort_other_than_the_chosen_one():
    _learner, (reason,) = check_row(2, {**GOOD, "cohort": "smd-2"}, "smd-1", TODAY)
    assert_indonesian(reason)
    assert "smd-2" in indonesian(reason) and "smd-1" in indonesian(reason)


def file_problem(tmp_path, name, content) -> str:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(RosterError) as e:
        read_roster(path, cohort="smd-1", today=TODAY)
    return str(e.value)


@pytest.mark.parametrize(
    "name, content",
    [
        ("daftar.xls", b"old"),
        ("daftar.pdf", b"%PDF"),
        ("daftar.xlsx", b"not a zip"),
        ("daftar.csv", b"a;b;c\r\n1;2;3\r\n"),
        ("daftar.csv", b"Nama;Kelurahan\r\nSiti;Sidodadi\r\n"),
        ("daftar.csv", b"Nama;Kelurahan;Jenis Kelamin;Umur\r\n"),
        ("daftar.csv", b"Nama;Nama Lengkap;Kelurahan;Jenis Kelamin;Umur\r\nA;B;C;P;40\r\n"),
    ],
    ids=["xls", "pdf", "broken-xlsx", "no-header", "missing-columns", "no-rows", "two-names"],
)
def test_a_file_that_cannot_be_used_is_explained_in_indonesian(tmp_path, name, content):
    assert_indonesian(file_problem(tmp_path, name, content))


def test_notes_and_problems_of_a_whole_import_are_in_indonesian(tmp_path):
    engine = engine_for(f"sqlite:///{tmp_path / 'nk.sqlite'}")
    upsert_account(engine, "pelatih", Role.TRAINER, "pelatih-demo")
    first = write_csv(tmp_path / "a.csv", [HEADER, *PEOPLE[:2]], bom=False, encoding="cp1252")
    apply_import(engine, plan_import(engine, first, cohort="smd-1", today=TODAY))
    same = PEOPLE[0][:]
    other = PEOPLE[0][:]
    other[7] = "0813-0000-1111"
    rows = [HEADER + ["NIK", "Catatan", "Nama Pengguna"]]
    rows += [same + ["6471034101800001", "x", ""], same + ["", "", ""], other + ["", "", ""]]
    rows += [PEOPLE[1] + ["", "", "pelatih"]]
    path = write_csv(tmp_path / "b.csv", rows, encoding="cp1252", bom=False)
    plan = plan_import(engine, path, cohort="smd-1", today=TODAY)
    assert plan.problems and plan.notes
    for message in [p.message for p in plan.problems] + plan.notes:
        assert_indonesian(message)


def test_a_name_finding_names_the_characters_to_remove():
    _learner, (reason,) = check_row(2, {**GOOD, "name": 'Dewi "Ayu" <b>'}, None, TODAY)
    assert indonesian(reason) == 'Nama berisi tanda yang bukan bagian nama: " < >'

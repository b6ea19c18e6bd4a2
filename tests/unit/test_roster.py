"""Roster import: messy real-world spreadsheets in, learners out; bad files change nothing."""

from __future__ import annotations

import time
from datetime import date

import openpyxl
import pytest
from openpyxl.styles import Font
from sqlalchemy import func, select

from naikkelas.hub.accounts import (
    USERNAME_RE,
    Role,
    accounts_table,
    get_account,
    upsert_account,
    verify_secret,
)
from naikkelas.hub.cli import main
from naikkelas.hub.db import engine_for
from naikkelas.hub.profiles import profiles_table
from naikkelas.hub.roster import (
    RosterError,
    apply_import,
    make_username,
    new_pin,
    plan_import,
)

TODAY = date(2025, 6, 1)
NIK = "6471034101800001"
HEADER = ["No", "Nama Lengkap", "Kelurahan", "Kecamatan", "Kab/Kota", "Jenis Kelamin",
          "Tahun Lahir", "No HP", "Sektor Usaha"]  # fmt: skip
PEOPLE = [
    ["1", "Siti Aminah", "Sidodadi", "Samarinda Ulu", "Kota Samarinda", "P", "1980",
     "0812-3456-7890", "Kuliner"],
    ["2", "Ni Luh Putu Ayu", "Sidodadi", "Samarinda Ulu", "Kota Samarinda", "Perempuan", "1975",
     "", "Kerajinan"],
    ["3", "Siti Nur'aini", "Air Hitam", "Samarinda Ulu", "Kota Samarinda", "perempuan", "1992",
     "+62 813 1111 2222", "Fesyen"],
    ["4", "Made Wirawan", "Air Hitam", "Samarinda Ulu", "Kota Samarinda", "Laki-laki", "1962",
     "", "Jasa"],
]  # fmt: skip


@pytest.fixture
def engine(tmp_path):
    return engine_for(f"sqlite:///{tmp_path / 'nk.sqlite'}")


def write_csv(path, rows, sep=";", bom=True, encoding="utf-8"):
    text = "\r\n".join(sep.join(cell for cell in row) for row in rows) + "\r\n"
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode(encoding))
    return path


def do_import(engine, path, cohort="smd-1"):
    plan = plan_import(engine, path, cohort=cohort, today=TODAY)
    assert plan.problems == [], plan.problems
    return plan, apply_import(engine, plan)


def learners(engine) -> dict[str, dict]:
    """Every learner with their profile, as stored."""
    j = accounts_table.join(profiles_table)
    with engine.connect() as conn:
        rows = conn.execute(select(accounts_table, profiles_table).select_from(j)).mappings()
        return {r["username"]: dict(r) for r in rows}


def counts(engine) -> tuple[int, int]:
    with engine.connect() as conn:
        return (
            conn.execute(select(func.count()).select_from(accounts_table)).scalar(),
            conn.execute(select(func.count()).select_from(profiles_table)).scalar(),
        )


def messy_workbook(path):
    """An Excel roster as a kelurahan office keeps it: a merged title, a blank row, a two-row
    header with "Alamat" merged over three columns, a row of column numbers, a NIK column,
    trailing spaces, numbers typed as numbers, a blank row and a duplicated row."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Peserta UMKM"
    ws["A1"] = "DAFTAR PESERTA PELATIHAN DIGITAL UMKM KOTA SAMARINDA TAHUN 2025"
    ws["A1"].font = Font(bold=True)
    ws.merge_cells("A1:J1")
    ws["A2"] = "Dinas Koperasi dan UKM"
    head = ["No", "Nama Lengkap ", "NIK", "Alamat", None, None, "Jenis Kelamin (L/P)",
            "Tahun Lahir", "No. HP", "Sektor Usaha", "Kode Wilayah"]  # fmt: skip
    for col, text in enumerate(head, 1):
        ws.cell(4, col, text)
    for col, text in ((4, "Kelurahan"), (5, "Kecamatan"), (6, "Kab/Kota")):
        ws.cell(5, col, text)
    ws.merge_cells("D4:F4")
    for col in (1, 2, 3, 7, 8, 9, 10, 11):
        ws.merge_cells(start_row=4, start_column=col, end_row=5, end_column=col)
    for col in range(1, 12):
        ws.cell(6, col, f"({col})")
    data = [
        [1, "Siti Aminah  ", NIK, " Sidodadi", "Samarinda Ulu", "Kota Samarinda", "P", 1980,
         81234567890, "Kuliner ", "64.71.03.1001"],
        [2, "Ni Luh Putu Ayu", "6471034101750002", "Sidodadi", "Samarinda Ulu", "Kota Samarinda",
         "P", 1975, None, "Kerajinan", "64.71.03.1001"],
        None,
        [3, "Siti Nur'aini", "6471034101920003", "Air Hitam", "Samarinda Ulu", "Kota Samarinda",
         "p", 1992, "+62 813-1111-2222", "Fesyen", "6471031002"],
        [4, "Made Wirawan", "6471030101620004", "Air Hitam", "Samarinda Ulu", "Kota Samarinda",
         "L", 1962, None, "Jasa", None],
        [4, "Made Wirawan", "6471030101620004", "Air Hitam", "Samarinda Ulu", "Kota Samarinda",
         "L", 1962, None, "Jasa", None],
    ]  # fmt: skip
    for offset, row in enumerate(data):
        for col, value in enumerate(row or [], 1):
            ws.cell(7 + offset, col, value)
    wb.save(path)
    return path


def test_messy_excel_roster_is_read_as_the_office_sees_it(engine, tmp_path):
    path = messy_workbook(tmp_path / "peserta.xlsx")
    plan, result = do_import(engine, path)
    stored = learners(engine)
    assert sorted(stored) == ["madewirawan", "niluhputuayu", "sitiaminah", "sitinuraini"]
    siti = stored["sitiaminah"]
    assert siti["display_name"] == "Siti Aminah" and siti["cohort"] == "smd-1"
    assert siti["role"] == Role.LEARNER.value
    assert (siti["kelurahan"], siti["kecamatan"], siti["kota"]) == (
        "Sidodadi", "Samarinda Ulu", "Kota Samarinda",
    )  # fmt: skip
    assert (siti["gender"], siti["birth_year"], siti["age_group"]) == ("P", 1980, "40-49")
    assert siti["phone"] == "081234567890", "Excel dropped the leading 0; it is back"
    assert siti["sector"] == "Kuliner" and siti["region_code"] == "64.71.03.1001"
    assert stored["sitinuraini"]["phone"] == "081311112222"
    assert stored["sitinuraini"]["region_code"] == "64.71.03.1002"
    assert stored["madewirawan"]["age_group"] == "60+"
    assert stored["madewirawan"]["gender"] == "L"
    assert "Row 12 repeats row 11: imported once." in plan.notes
    assert any("NIK" in note and "ignored" in note for note in plan.notes)
    assert any("header on row 4" in note and "Peserta UMKM" in note for note in plan.notes)
    assert sorted(result.created) == sorted(stored)


def test_a_nik_is_never_stored_anywhere(engine, tmp_path):
    path = messy_workbook(tmp_path / "peserta.xlsx")
    do_import(engine, path)
    engine.dispose()
    database = (tmp_path / "nk.sqlite").read_bytes()
    for wal in tmp_path.glob("nk.sqlite-*"):
        database += wal.read_bytes()
    assert NIK.encode() not in database
    assert b"6471030101620004" not in database


def test_a_nik_in_the_wrong_column_is_refused_without_repeating_it(engine, tmp_path):
    rows = [HEADER, ["1", "Siti Aminah", "Sidodadi", "", "", "P", "1980", NIK, "Kuliner"]]
    plan = plan_import(engine, write_csv(tmp_path / "r.csv", rows), "smd-1", TODAY)
    assert [p.row for p in plan.problems] == [2]
    assert "NIK" in plan.problems[0].message and NIK not in plan.problems[0].message


@pytest.mark.parametrize(
    "sep,bom,encoding", [(";", True, "utf-8"), (",", False, "utf-8"), ("\t", False, "utf-8")]
)
def test_csv_as_indonesian_excel_saves_it(engine, tmp_path, sep, bom, encoding):
    rows = [["DAFTAR PESERTA"], [], HEADER, *PEOPLE]
    plan, _ = do_import(engine, write_csv(tmp_path / "r.csv", rows, sep, bom, encoding))
    stored = learners(engine)
    assert sorted(stored) == ["madewirawan", "niluhputuayu", "sitiaminah", "sitinuraini"]
    assert stored["niluhputuayu"]["display_name"] == "Ni Luh Putu Ayu"
    assert stored["sitinuraini"]["display_name"] == "Siti Nur'aini"
    assert any("header on row 3" in note for note in plan.notes)


def test_windows_1252_csv_is_read_and_said_so(engine, tmp_path):
    rows = [HEADER, ["1", "Siti Nur\u2019aini Andé", "Sidodadi", "", "", "P", "1980", "", ""]]
    path = write_csv(tmp_path / "r.csv", rows, ";", bom=False, encoding="cp1252")
    plan, _ = do_import(engine, path)
    assert learners(engine)["sitinuraini"]["display_name"] == "Siti Nur\u2019aini Andé"
    assert any("Windows-1252" in note for note in plan.notes)


def test_english_headers_and_age_instead_of_birth_year(engine, tmp_path):
    rows = [
        ["Full Name", "Village", "District", "City", "Sex", "Age", "Business Sector", "Cohort"],
        ["Rina Marlina", "Sungai Pinang Dalam", "Sungai Pinang", "Samarinda", "female", "34",
         "Culinary", "smd-2"],
        ["Budi Santoso", "Sempaja", "Samarinda Utara", "Samarinda", "M", "61 tahun", "", "smd-2"],
    ]  # fmt: skip
    plan, _ = do_import(engine, write_csv(tmp_path / "r.csv", rows, ","), cohort=None)
    stored = learners(engine)
    assert stored["rinamarlina"]["age_group"] == "30-39"
    assert stored["rinamarlina"]["birth_year"] is None, "an age is not turned into a birth year"
    assert stored["budisantoso"]["age_group"] == "60+"
    assert {s["cohort"] for s in stored.values()} == {"smd-2"}
    assert plan.counts()["smd-2"]["create"] == 2


def test_birth_dates_keep_only_their_year(engine, tmp_path):
    from datetime import datetime

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Nama", "Kelurahan", "L/P", "Tgl Lahir"])
    ws.append(["Siti Aminah", "Sidodadi", "P", datetime(1980, 5, 12)])
    ws.append(["Made Wirawan", "Air Hitam", "L", "12/05/1962"])
    wb.save(tmp_path / "r.xlsx")
    do_import(engine, tmp_path / "r.xlsx")
    ttl = ["Nama", "Kelurahan", "JK", "TTL"]
    rows = [ttl, ["Rina Marlina", "Sempaja", "P", "Samarinda, 1-2-1990"]]
    do_import(engine, write_csv(tmp_path / "r.csv", rows))
    stored = learners(engine)
    assert [stored[u]["birth_year"] for u in ("sitiaminah", "madewirawan", "rinamarlina")] == [
        1980, 1962, 1990,
    ]  # fmt: skip
    assert stored["rinamarlina"]["age_group"] == "30-39"
    rows = [ttl, ["Agus Salim", "Sempaja", "L", "Samarinda, 1-2-90"]]
    plan = plan_import(engine, write_csv(tmp_path / "r2.csv", rows), "smd-1", TODAY)
    assert [p.message for p in plan.problems] == [
        "birth date 'Samarinda, 1-2-90' has no four-digit year"
    ]


# --- refusals: the whole file is refused and nothing changes ---------------------------------


def _without(column):
    index = HEADER.index(column)
    return [[c for i, c in enumerate(row) if i != index] for row in [HEADER, *PEOPLE]]


def _replace(row, column, value):
    rows = [HEADER, *[list(p) for p in PEOPLE]]
    rows[row][HEADER.index(column)] = value
    return rows


@pytest.mark.parametrize(
    "rows,cohort,expected",
    [
        (_without("Jenis Kelamin"), "smd-1", "missing column(s): gender"),
        (_without("Tahun Lahir"), "smd-1", "missing column(s): age or birth year"),
        ([HEADER, *PEOPLE], None, "no cohort column"),
        ([HEADER, *PEOPLE], "Angkatan 1", "e.g. 'angkatan-1'"),
        ([["Alamat", "Telp"], ["x", "y"]], "smd-1", "no header row found"),
    ],
    ids=["no-gender-column", "no-age-column", "no-cohort", "bad-cohort-name", "no-header"],
)
def test_unusable_file_is_refused_with_one_reason_and_changes_nothing(
    engine, tmp_path, capsys, rows, cohort, expected
):
    upsert_account(engine, "peserta1", Role.LEARNER, "123456", cohort="smd-1")
    before = counts(engine)
    path = write_csv(tmp_path / "r.csv", rows)
    with pytest.raises(RosterError, match=expected.replace("(", r"\(").replace(")", r"\)")):
        plan_import(engine, path, cohort=cohort, today=TODAY)
    args = ["roster", "import", str(path), "--db-url", str(engine.url)]
    assert main(args + (["--cohort", cohort] if cohort else [])) == 1
    err = capsys.readouterr().err
    assert err.startswith("naikkelas: ") and err.count("\n") == 1 and expected in err
    assert counts(engine) == before


@pytest.mark.parametrize(
    "rows,expected",
    [
        (_replace(2, "Jenis Kelamin", "X"), "row 3: gender 'X' is not L/P"),
        (_replace(1, "Tahun Lahir", "1890"), "row 2: birth year 1890 is impossible"),
        (_replace(1, "Tahun Lahir", "2031"), "row 2: birth year 2031 is impossible"),
        (_replace(1, "Tahun Lahir", "19800"), "row 2: birth year '19800' has no four-digit year"),
        (_replace(3, "Nama Lengkap", "  "), "row 4: name is empty"),
        (_replace(3, "Nama Lengkap", "<script>alert(1)</script>"), "row 4: name has characters"),
        (_replace(4, "No HP", "12345"), "row 5: phone '12345' is not an Indonesian phone"),
        (_replace(2, "Kelurahan", ""), "row 3: kelurahan is empty"),
    ],
    ids=["gender", "born-1890", "born-2031", "year-typo", "no-name", "script", "phone", "kel"],
)
def test_bad_row_is_listed_and_nothing_is_imported(engine, tmp_path, capsys, rows, expected):
    do_import(engine, write_csv(tmp_path / "first.csv", [HEADER, PEOPLE[0]]))
    before = counts(engine)
    path = write_csv(tmp_path / "r.csv", rows)
    plan = plan_import(engine, path, "smd-1", TODAY)
    assert plan.problems
    with pytest.raises(RosterError):
        apply_import(engine, plan)
    assert main(["roster", "import", str(path), "--cohort", "smd-1", "--db-url", str(engine.url)])
    out, err = capsys.readouterr()
    assert expected in out
    assert err == "naikkelas: 1 bad row in r.csv; nothing was imported (list above)\n"
    assert counts(engine) == before


def test_every_bad_row_is_listed_at_once_with_the_row_number_the_user_sees(engine, tmp_path):
    rows = [["Daftar peserta"], [], HEADER]
    rows += [[str(i), f"Peserta {chr(65 + i % 26)}{i}", "Sidodadi", "", "", "P", "1980", "", ""]
             for i in range(30)]  # fmt: skip
    rows[10][5] = "?"  # row 11
    rows[20][6] = "2040"  # row 21
    rows[30][1] = ""  # row 31
    rows.append(["31", "Rina", "Sidodadi", "", "", "P", "1980", "", "", ""])
    rows.append(["32", "Rina", "Sidodadi", "", "", "P", "1981", "", "", ""])
    rows.append(["33", "Rina", "Sidodadi", "", "", "P", "", "", "", ""])  # row 36
    plan = plan_import(engine, write_csv(tmp_path / "r.csv", rows), "smd-1", TODAY)
    assert [(p.row, p.message.split(" ")[0]) for p in plan.problems] == [
        (11, "gender"),
        (21, "birth"),
        (31, "name"),
        (36, "age"),
    ]


def test_row_cohort_and_cohort_option_must_agree(engine, tmp_path):
    rows = [[*HEADER, "Angkatan"], [*PEOPLE[0], "smd-1"], [*PEOPLE[1], "smd-9"], [*PEOPLE[2], ""]]
    plan = plan_import(engine, write_csv(tmp_path / "r.csv", rows), "smd-1", TODAY)
    assert [(p.row, p.message) for p in plan.problems] == [
        (3, "cohort 'smd-9' here, but --cohort smd-1 was given")
    ]
    plan = plan_import(engine, tmp_path / "r.csv", None, TODAY)
    assert [(p.row, p.message) for p in plan.problems] == [
        (4, "cohort is empty (fill it in, or give --cohort)")
    ]


# --- re-import ---------------------------------------------------------------------------


def test_reimport_updates_instead_of_duplicating_and_keeps_pins(engine, tmp_path):
    _, first = do_import(engine, write_csv(tmp_path / "r.csv", [HEADER, *PEOPLE]))
    changed = [list(p) for p in PEOPLE]
    changed[0][1] = "SITI AMINAH"  # the same person, typed in capitals
    changed[0][8] = "Katering"
    changed[1][7] = "0856 7777 8888"  # a phone added where there was none
    changed.append(["5", "Rina Marlina", "Sempaja", "", "", "P", "1985", "", "Kuliner"])
    plan, second = do_import(engine, write_csv(tmp_path / "r2.csv", [HEADER, *changed]))
    assert plan.counts() == {"smd-1": {"update": 2, "unchanged": 2, "create": 1}}
    assert list(second.created) == ["rinamarlina"]
    stored = learners(engine)
    assert len(stored) == 5
    assert stored["sitiaminah"]["sector"] == "Katering"
    assert stored["sitiaminah"]["display_name"] == "SITI AMINAH"
    assert stored["niluhputuayu"]["phone"] == "085677778888"
    for username, pin in first.created.items():
        assert verify_secret(engine, username, pin), f"{username}'s card still works"


def test_a_column_missing_from_a_reimport_keeps_what_was_stored(engine, tmp_path):
    do_import(engine, write_csv(tmp_path / "r.csv", [HEADER, *PEOPLE]))
    rows = _without("No HP")
    plan, _ = do_import(engine, write_csv(tmp_path / "r2.csv", rows))
    assert plan.counts()["smd-1"]["unchanged"] == 4
    assert learners(engine)["sitiaminah"]["phone"] == "081234567890"


def test_username_column_matches_exactly_and_can_move_a_learner(engine, tmp_path):
    do_import(engine, write_csv(tmp_path / "r.csv", [HEADER, *PEOPLE]))
    rows = [[*HEADER, "Username", "Kelas"], [*PEOPLE[0], "sitiaminah", "smd-2"]]
    rows[1][1] = "Siti Aminah binti Abdullah"
    plan, _ = do_import(engine, write_csv(tmp_path / "r2.csv", rows), cohort=None)
    assert plan.counts() == {"smd-2": {"update": 1}}
    assert plan.learners[0].moved_from == "smd-1"
    assert get_account(engine, "sitiaminah").cohort == "smd-2"
    assert get_account(engine, "sitiaminah").display_name == "Siti Aminah binti Abdullah"


def test_username_column_cannot_take_over_a_staff_account(engine, tmp_path):
    upsert_account(engine, "pelatih", Role.TRAINER, "pelatih-demo", cohort="smd-1")
    rows = [[*HEADER, "Nama Pengguna"], [*PEOPLE[0], "Pelatih"]]
    plan = plan_import(engine, write_csv(tmp_path / "r.csv", rows), "smd-1", TODAY)
    assert [p.message for p in plan.problems] == [
        "username pelatih belongs to a pelatih account, not a learner"
    ]
    assert get_account(engine, "pelatih").role is Role.TRAINER
    rows = [[*HEADER, "Username"], [*PEOPLE[0], "admin"]]
    plan = plan_import(engine, write_csv(tmp_path / "r2.csv", rows), "smd-1", TODAY)
    assert [p.message for p in plan.problems] == [
        "username admin is kept for staff; choose another"
    ]


def test_two_people_of_the_same_name_are_told_apart_by_birth_year(engine, tmp_path):
    rows = [HEADER, PEOPLE[0], list(PEOPLE[0])]
    rows[2][6], rows[2][7] = "1990", ""
    _, result = do_import(engine, write_csv(tmp_path / "r.csv", rows))
    assert sorted(result.created) == ["sitiaminah", "sitiaminah2"]
    # Re-importing the same file matches each to their own account.
    plan, _ = do_import(engine, tmp_path / "r.csv")
    assert plan.counts()["smd-1"] == {"unchanged": 2}
    # A row that could be either of them (an age, no birth year) is refused, not guessed.
    header = [("Umur" if h == "Tahun Lahir" else h) for h in HEADER]
    rows[2][6] = "45"
    plan = plan_import(engine, write_csv(tmp_path / "r2.csv", [header, rows[2]]), "smd-1", TODAY)
    assert [p.message for p in plan.problems] == [
        "could be any of the learners sitiaminah, sitiaminah2: add a username column"
    ]


def test_same_person_twice_with_other_details_is_refused(engine, tmp_path):
    rows = [HEADER, PEOPLE[0], list(PEOPLE[0])]
    rows[2][8] = "Fesyen"
    plan = plan_import(engine, write_csv(tmp_path / "r.csv", rows), "smd-1", TODAY)
    assert [(p.row, p.message[:32]) for p in plan.problems] == [
        (3, "same name and kelurahan as row 2")
    ]


# --- usernames and PINs ------------------------------------------------------------------


@pytest.mark.parametrize(
    "name,expected",
    [
        ("Siti Aminah", "sitiaminah"),
        ("Siti Nur'aini", "sitinuraini"),
        ("Ni Luh Putu Ayu", "niluhputuayu"),
        ("Made Wirawan", "madewirawan"),
        ("Hj. Siti Aminah, S.Pd.", "sitiaminah"),
        ("Ibu Dra. Sri Rahayu", "srirahayu"),
        ("Muhammad Rizky Pratama", "muhammadrizky"),
        ("Ñoño Çakır", "nonocakir"),
        ("Kristoforus Alexanderson", "kristoforus"),
        ("张伟", "peserta"),
        ("I", "peserta"),
    ],
)
def test_username_is_made_of_the_letters_of_the_name(name, expected):
    assert make_username(name, set()) == expected


def test_usernames_are_unique_and_never_use_0_or_1():
    taken = {"sitiaminah", "admin"}
    made = [make_username("Siti Aminah", taken) for _ in range(20)]
    assert made[:8] == [f"sitiaminah{n}" for n in range(2, 10)]
    assert made[8] == "sitiaminah22", "10-21 contain 0 or 1, which read like o and l"
    assert len(set(made)) == 20 and not set(made) & {"sitiaminah", "admin"}
    assert all(USERNAME_RE.match(u) and not set(u) & set("01") for u in made)
    assert make_username("Admin", set()) == "admin2", "role names are not given to learners"


def test_usernames_avoid_existing_accounts_of_any_role(engine, tmp_path):
    upsert_account(engine, "sitiaminah", Role.TRAINER, "pelatih-demo")
    _, result = do_import(engine, write_csv(tmp_path / "r.csv", [HEADER, PEOPLE[0]]))
    assert list(result.created) == ["sitiaminah2"]
    assert get_account(engine, "sitiaminah").role is Role.TRAINER


def test_pins_are_six_random_digits_and_not_trivial():
    pins = [new_pin() for _ in range(2000)]
    assert all(len(p) == 6 and p.isdigit() for p in pins)
    assert len(set(pins)) > 1900
    assert not {"123456", "000000", "111111", "654321"} & set(pins)


def test_import_never_prints_a_pin(engine, tmp_path, capsys):
    path = write_csv(tmp_path / "r.csv", [HEADER, *PEOPLE])
    pins_csv = tmp_path / "pins.csv"
    argv = ["roster", "import", str(path), "--cohort", "smd-1", "--db-url", str(engine.url)]
    assert main([*argv, "--pins-csv", str(pins_csv)]) == 0
    out, err = capsys.readouterr()
    lines = pins_csv.read_text(encoding="utf-8-sig").splitlines()[1:]
    pins = [line.split(";")[2] for line in lines]
    assert len(pins) == 4 and not any(pin in out + err for pin in pins)
    assert "cohort smd-1: 4 created, 0 updated, 0 unchanged" in out
    assert "Total: 4 created, 0 updated, 0 unchanged." in out
    assert oct(pins_csv.stat().st_mode & 0o777) == "0o600"


def test_without_cards_the_summary_says_how_to_print_them(engine, tmp_path, capsys):
    path = write_csv(tmp_path / "r.csv", [HEADER, *PEOPLE])
    argv = ["roster", "import", str(path), "--cohort", "smd-1", "--db-url", str(engine.url)]
    assert main(argv) == 0
    assert "naikkelas roster cards --cohort smd-1 -o cards.pdf" in capsys.readouterr().out


def test_dry_run_changes_nothing(engine, tmp_path, capsys):
    path = write_csv(tmp_path / "r.csv", [HEADER, *PEOPLE])
    argv = ["roster", "import", str(path), "--cohort", "smd-1", "--db-url", str(engine.url)]
    assert main([*argv, "--dry-run"]) == 0
    assert "4 would be created" in capsys.readouterr().out
    assert counts(engine) == (0, 0)


def test_failure_while_writing_cards_stores_nothing(engine, tmp_path):
    plan = plan_import(engine, write_csv(tmp_path / "r.csv", [HEADER, *PEOPLE]), "smd-1", TODAY)

    def printer_on_fire(created):
        assert len(created) == 4
        raise OSError("disk full")

    with pytest.raises(OSError):
        apply_import(engine, plan, before_commit=printer_on_fire)
    assert counts(engine) == (0, 0)


# --- scale ---------------------------------------------------------------------------------


def big_roster(path, n, bad_rows=()):
    kelurahan = ["Sidodadi", "Air Hitam", "Sempaja", "Gunung Kelua", "Bukit Pinang"]
    first = ["Siti", "Sri", "Dewi", "Ni Luh", "Made", "Budi", "Rina", "Nur", "Agus", "Wayan"]
    last = ["Aminah", "Rahayu", "Wirawan", "Putu Ayu", "Santoso", "Marlina", "Aini", "Hidayat"]
    rows = [HEADER]
    for i in range(n):
        name = f"{first[i % 10]} {last[i // 10 % 8]} {chr(65 + i // 80 % 26)}{i // 2080}"
        year = str(1950 + i % 50)
        rows.append([str(i + 1), name, kelurahan[i % 5], "Samarinda Ulu", "Kota Samarinda",
                     "P" if i % 3 else "L", year, f"08{i:010d}", "Kuliner"])  # fmt: skip
    for row in bad_rows:
        rows[row - 1][5] = "?"
    return write_csv(path, rows)


def test_ten_thousand_rows_are_checked_and_planned_quickly(engine, tmp_path):
    path = big_roster(tmp_path / "big.csv", 10_000)
    started = time.monotonic()
    plan = plan_import(engine, path, "smd-1", TODAY)
    took = time.monotonic() - started
    assert plan.problems == []
    assert plan.counts()["smd-1"]["create"] == 10_000
    usernames = [p.username for p in plan.learners]
    assert len(set(usernames)) == 10_000
    assert all(USERNAME_RE.match(u) for u in usernames)
    assert took < 30, f"planning 10,000 rows took {took:.1f}s"


def test_ten_thousand_rows_with_three_bad_ones_names_exactly_those(engine, tmp_path):
    path = big_roster(tmp_path / "big.csv", 10_000, bad_rows=(2, 5_000, 10_001))
    plan = plan_import(engine, path, "smd-1", TODAY)
    assert [p.row for p in plan.problems] == [2, 5_000, 10_001]
    with pytest.raises(RosterError):
        apply_import(engine, plan)
    assert counts(engine) == (0, 0)

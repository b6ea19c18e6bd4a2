"""Completion aggregates and small-group suppression (naikkelas.grading.reports).

The suppression tests play the official trying to recover a suppressed figure: from the total,
from a coarser region, and from two overlapping filters.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest

from naikkelas.grading import progress, reports
from naikkelas.grading.reports import Filters, completion, funnel
from naikkelas.hub.accounts import Role, upsert_account
from naikkelas.hub.db import engine_for
from naikkelas.hub.profiles import profiles_table

T0 = datetime(2026, 9, 7, 3, tzinfo=UTC)  # a Monday, 10:00 in Jakarta


def fact(n, **values):
    """`n` learner-course rows with the given fields; every learner finished unless told."""
    rows = []
    for i in range(n):
        username = values.get("username_prefix", "") + uuid.uuid4().hex[:10]
        finished = values.get("finished", True)
        rows.append(
            {
                "username": username,
                "cohort": values.get("cohort", "k1"),
                "kota": values.get("kota", "Kota Samarinda"),
                "kecamatan": values.get("kecamatan", "Sungai Kunjang"),
                "kelurahan": values.get("kelurahan", "Loa Bakung"),
                "region_code": values.get("region_code", "64.72.05.1001"),
                "sector": values.get("sector", "kuliner"),
                "gender": values.get("gender", "P"),
                "age_group": values.get("age_group", "40-49"),
                "course": values.get("course", "jualan-online"),
                "course_title": "Jualan Online",
                "lessons": 5,
                "enrolled_at": pd.Timestamp(T0),
                "started": True,
                "started_at": pd.Timestamp(T0 + timedelta(days=1)),
                "finished": finished,
                "finished_at": pd.Timestamp(T0 + timedelta(days=8)) if finished else pd.NaT,
                "certified": finished,
                "certified_at": pd.Timestamp(T0 + timedelta(days=9)) if finished else pd.NaT,
                "score": 80.0 + i % 10,
            }
        )
    return rows


def frame(*parts) -> pd.DataFrame:
    return pd.DataFrame([row for part in parts for row in part])


def shown(table, column, value, field="enrolled"):
    return table.loc[table[column] == value, field].iloc[0]


def test_small_groups_and_one_complement_are_suppressed_so_the_total_gives_nothing_away():
    facts = frame(
        fact(30, sector="kuliner"), fact(12, sector="fesyen"), fact(8, sector="jasa"),
        fact(3, sector="kerajinan"),
    )  # fmt: skip
    table = completion(facts, ["sector"])
    assert shown(table, "sector", "kerajinan") is None
    total = funnel(facts)["enrolled"]
    assert total == 53
    visible = [v for v in table["enrolled"] if v is not None]
    # The official subtracts what is shown from the total: two groups remain mixed together.
    assert total - sum(visible) > shown_max_small(3)
    assert table["suppressed"].sum() == 2
    assert shown(table, "sector", "jasa") is None  # the smallest other group
    assert shown(table, "sector", "kuliner") == 30
    assert table.loc[table["sector"] == "kerajinan", "completion_rate"].isna().all()


def shown_max_small(n):
    return n  # the suppressed group's size; recovery would give exactly this


def test_a_lone_small_kelurahan_cannot_be_recovered_from_its_kecamatan():
    facts = frame(
        fact(20, kelurahan="Loa Bakung", region_code="64.72.05.1001"),
        fact(15, kelurahan="Loa Buah", region_code="64.72.05.1002"),
        fact(2, kelurahan="Karang Asam Ulu", region_code="64.72.05.1003"),
        fact(40, kecamatan="Samarinda Ulu", kelurahan="Air Hitam", region_code="64.72.06.1001"),
        fact(25, kecamatan="Samarinda Ulu", kelurahan="Dadi Mulya", region_code="64.72.06.1002"),
    )
    by_kecamatan = completion(facts, ["kecamatan"])
    by_kelurahan = completion(facts, ["kelurahan"])
    assert list(by_kecamatan["kecamatan_code"]) == ["64.72.05", "64.72.06"]
    assert shown(by_kecamatan, "kecamatan", "Sungai Kunjang") == 37
    hidden = by_kelurahan[by_kelurahan["suppressed"]]
    # Both hidden kelurahan are in Sungai Kunjang: its total minus the shown one mixes them.
    assert set(hidden["kelurahan"]) == {"Karang Asam Ulu", "Loa Buah"}
    assert shown(by_kelurahan, "kelurahan", "Loa Bakung") == 20
    assert shown(by_kelurahan, "kelurahan", "Air Hitam") == 40  # other kecamatan untouched
    assert set(by_kelurahan["kelurahan_code"]) >= {"64.72.05.1003", "64.72.06.1002"}


def test_two_overlapping_filters_cannot_be_subtracted_to_reveal_a_small_group():
    facts = frame(
        fact(30, sector="kuliner", gender="P"), fact(25, sector="kuliner", gender="L"),
        fact(20, sector="fesyen", gender="P"), fact(3, sector="fesyen", gender="L"),
    )  # fmt: skip
    both = Filters(sector=("kuliner", "fesyen"))
    kuliner = Filters(sector=("kuliner",))
    women = Filters(sector=("fesyen",), gender=("P",))
    fesyen = Filters(sector=("fesyen",))
    # fesyen men = (fesyen) - (fesyen, women): one of the two must be hidden.
    a, b = funnel(facts, fesyen)["enrolled"], funnel(facts, women)["enrolled"]
    assert a is None or b is None
    # fesyen men = all men - kuliner men.
    men = funnel(facts, Filters(gender=("L",)))["enrolled"]
    kuliner_men = funnel(facts, Filters(gender=("L",), sector=("kuliner",)))["enrolled"]
    assert men is None or kuliner_men is None
    # Two sector selections that differ by a group with a small piece are not both shown.
    assert funnel(facts, both)["enrolled"] == 78  # everything: nothing left out
    assert funnel(facts, kuliner)["enrolled"] == 55  # leaves out fesyen (23 learners): fine
    # The same attack through a grouped table: fesyen by gender under a filter vs without.
    by_sector = completion(facts, ["sector"])
    by_sector_women = completion(facts, ["sector"], Filters(gender=("P",)))
    all_fesyen = shown(by_sector, "sector", "fesyen")
    fesyen_women = shown(by_sector_women, "sector", "fesyen")
    assert all_fesyen is None or fesyen_women is None


def test_figures_do_not_depend_on_earlier_views_nor_on_row_order():
    """Codes and filter masks are kept per facts frame: a view must not borrow another's."""
    facts = frame(
        fact(30, sector="kuliner", gender="P", kelurahan="Loa Bakung"),
        fact(12, sector="kuliner", gender="L", kelurahan="Loa Buah", region_code="64.72.05.1002"),
        fact(3, sector="fesyen", gender="L", kelurahan="Loa Buah", region_code="64.72.05.1002"),
        fact(20, sector="fesyen", gender="P", kecamatan="Palaran", kelurahan="Rawa Makmur",
             region_code="64.72.06.1001", finished=False),
    )  # fmt: skip
    views = [
        (["kelurahan"], Filters(gender=("P",))),
        (["sector", "gender"], Filters()),
        (["kecamatan"], Filters(sector=("fesyen",))),
        (["kelurahan"], Filters(since=date(2026, 9, 10), until=date(2026, 9, 12))),
        (["gender"], Filters(kelurahan=("Loa Buah",))),
    ]
    first = [completion(facts, by, f) for by, f in views]  # cached codes and masks from here on
    shuffled = facts.sample(frac=1, random_state=7)
    for (by, f), table in zip(reversed(views), reversed(first), strict=True):
        pd.testing.assert_frame_equal(completion(facts, by, f), table)
        pd.testing.assert_frame_equal(completion(facts.copy(), by, f), table)
        pd.testing.assert_frame_equal(completion(shuffled, by, f), table)
    assert first[1]["suppressed"].sum() >= 2  # 3 fesyen men, and a complement in their line


def test_filters_that_leave_out_nobody_small_show_everything():
    facts = frame(fact(30, gender="P"), fact(25, gender="L"))
    assert funnel(facts, Filters(gender=("P",))) == {
        "enrolled": 30, "started": 30, "finished": 30, "certified": 30,
    }  # fmt: skip
    table = completion(facts, ["gender"])
    assert not table["suppressed"].any()
    assert list(table["completion_rate"]) == [1.0, 1.0]


def test_a_population_under_five_shows_no_figures_at_all():
    facts = frame(fact(4))
    assert funnel(facts) == dict.fromkeys(("enrolled", "started", "finished", "certified"))
    assert reports.weekly(facts).empty


def test_average_score_needs_five_scored_learners():
    facts = frame(fact(10))
    facts.loc[3:, "score"] = float("nan")
    table = completion(facts, ["sector"])
    assert table["enrolled"].iloc[0] == 10
    assert pd.isna(table["average_score"].iloc[0])


def test_unknown_field_and_reversed_dates_are_refused():
    facts = frame(fact(10))
    with pytest.raises(reports.ReportError, match="unknown field 'desa'"):
        completion(facts, ["desa"])
    with pytest.raises(reports.ReportError, match="after"):
        completion(facts, [], Filters(since=date(2026, 10, 1), until=date(2026, 9, 1)))


def test_period_counts_as_at_its_end_and_weeks_start_on_monday():
    facts = frame(fact(10), fact(6, finished=False))
    first_week = Filters(since=date(2026, 9, 7), until=date(2026, 9, 13))
    assert funnel(facts, first_week) == {
        "enrolled": 16, "started": 16, "finished": 0, "certified": 0,
    }  # fmt: skip
    week = reports.weekly(facts)
    assert list(week["week"]) == [date(2026, 9, 7), date(2026, 9, 14)]
    assert list(week["finished"]) == [0, 10]
    assert list(week["started_new"]) == [16, 0]


# -- loading from the database -----------------------------------------------------------------
def make_released(root: Path, cohort: str, course="kursus", lessons=("01-a", "02-b")) -> Path:
    folder = root / cohort / course
    folder.mkdir(parents=True)
    (folder / "course.yml").write_text("title: Kursus Contoh\n")
    for lesson in lessons:
        (folder / f"{lesson}.ipynb").write_text('{"cells": [], "metadata": {}}')
    return root


def test_facts_come_from_the_recorded_progress_of_learners_only(tmp_path):
    engine = engine_for(f"sqlite:///{tmp_path / 'nk.sqlite'}")
    released = make_released(tmp_path / "released", "k1")
    for name in ("ani", "budi"):
        upsert_account(engine, name, Role.LEARNER, "123456", display_name=name.title(), cohort="k1")
    upsert_account(engine, "pak-pelatih", Role.TRAINER, "rahasia-123", cohort="k1")
    now = datetime.now(UTC)
    with engine.begin() as conn:
        conn.execute(
            profiles_table.insert(),
            {"username": "ani", "kota": "Kota Samarinda", "kecamatan": "Sungai Kunjang",
             "kelurahan": "Loa Bakung", "region_code": "64.72.05.1001", "sector": "kuliner",
             "gender": "P", "age_group": "40-49", "created_at": now, "updated_at": now},
        )  # fmt: skip

    def finish(state):
        state.finished = True
        return None, None

    for lesson in ("01-a", "02-b"):
        progress.record(engine, "ani", "kursus", lesson, uuid.uuid4().hex, finish, kind="finish")
    progress.record(engine, "budi", "kursus", "01-a", uuid.uuid4().hex, finish, kind="finish")
    facts = reports.load_facts(engine, released)
    assert list(facts["username"]) == ["ani", "budi"]  # no trainer
    assert "display_name" not in facts and "phone" not in facts
    ani, budi = facts.iloc[0], facts.iloc[1]
    assert (ani["started"], ani["finished"], ani["lessons"]) == (True, True, 2)
    assert (budi["started"], budi["finished"]) == (True, False)
    assert ani["region_code"] == "64.72.05.1001" and budi["kota"] == ""
    assert pd.isna(ani["score"]) and not ani["certified"]

"""Roster import and card PIN resets on PostgreSQL (the database at scale), as on SQLite."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from naikkelas.hub.accounts import accounts_table, verify_secret
from naikkelas.hub.cards import learners_for_cards, reset_pins
from naikkelas.hub.db import engine_for
from naikkelas.hub.profiles import profiles_table, record_login
from naikkelas.hub.roster import apply_import, plan_import
from tests.unit.test_roster import HEADER, PEOPLE, TODAY, messy_workbook, write_csv


@pytest.fixture
def engine(postgres, tmp_path):
    schema = f"r{abs(hash(tmp_path)) % 10**8}"
    with engine_for(postgres.url).begin() as conn:
        conn.exec_driver_sql(f"CREATE SCHEMA {schema}")
    return engine_for(f"{postgres.url}&options=-csearch_path%3D{schema}")


def test_import_reimport_refusal_and_cards_on_postgresql(engine, tmp_path):
    plan = plan_import(engine, messy_workbook(tmp_path / "r.xlsx"), "smd-1", TODAY)
    assert plan.problems == []
    first = apply_import(engine, plan).created
    assert sorted(first) == ["madewirawan", "niluhputuayu", "sitiaminah", "sitinuraini"]

    changed = [HEADER, *[list(p) for p in PEOPLE]]
    changed[1][8] = "Katering"
    changed[2][7] = "0856 7777 8888"
    plan = plan_import(engine, write_csv(tmp_path / "r2.csv", changed), "smd-1", TODAY)
    assert plan.counts() == {"smd-1": {"update": 2, "unchanged": 2}}
    apply_import(engine, plan)

    bad = [HEADER, *PEOPLE, ["5", "Rina", "Sempaja", "", "", "X", "1985", "", ""]]
    plan = plan_import(engine, write_csv(tmp_path / "bad.csv", bad), "smd-1", TODAY)
    assert [p.row for p in plan.problems] == [6]
    with engine.connect() as conn:
        count = select(func.count()).select_from
        assert conn.execute(count(accounts_table)).scalar() == 4
        assert conn.execute(count(profiles_table)).scalar() == 4
        sector = select(profiles_table.c.sector).where(profiles_table.c.username == "sitiaminah")
        assert conn.execute(sector).scalar() == "Katering"

    record_login(engine, "sitiaminah")
    chosen, logged_in = learners_for_cards(engine, "smd-1")
    assert logged_in == 1 and "sitiaminah" not in dict(chosen)
    cards = reset_pins(engine, "smd-1", chosen)
    assert all(verify_secret(engine, c.username, c.pin) for c in cards)
    assert verify_secret(engine, "sitiaminah", first["sitiaminah"])

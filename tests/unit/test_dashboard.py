"""The officials' dashboard without a hub: reading filters, the SVG charts, where officials
land after login, and the facts cache noticing changes."""

from __future__ import annotations

import uuid
from datetime import date
from types import SimpleNamespace

import pytest

from naikkelas.grading import reports
from naikkelas.hub import charts, config
from naikkelas.hub.accounts import Role, accounts_table
from naikkelas.hub.dashboard import FactsCache, FilterError, Query, parse_query
from naikkelas.hub.db import engine_for

OPTIONS = {"kecamatan": ["Sungai Kunjang", "<b>Palaran</b>"], "gender": ["L", "P"]}


def test_a_query_string_becomes_filters_and_back():
    query = parse_query(
        {"kecamatan": ["Sungai Kunjang", ""], "gender": ["P"], "since": ["2026-01-05"]}, OPTIONS
    )
    assert query.filters.kecamatan == ("Sungai Kunjang",) and query.filters.gender == ("P",)
    assert query.filters.since == date(2026, 1, 5) and query.by == "kecamatan"
    assert ("since", "2026-01-05") in query.params()
    assert query.url("/p/", by="gender").endswith("gender=P&since=2026-01-05&by=gender")
    assert parse_query({}, OPTIONS) == Query()


@pytest.mark.parametrize(
    "args, message",
    [
        ({"kecamatan": ["Tidak Ada"]}, "tidak ada dalam data"),
        ({"since": ["2026-02-30"]}, "tidak bisa dibaca"),
        ({"since": ["2026-1-5"]}, "tidak bisa dibaca"),
        ({"since": ["2026-03-01"], "until": ["2026-02-01"]}, "sesudah tanggal akhir"),
        ({"by": ["username"]}, "Rincian"),
        ({"gender": ["P"] * 51}, "Terlalu banyak"),
    ],
)
def test_bad_filters_are_refused_with_a_message(args, message):
    with pytest.raises(FilterError, match=message):
        parse_query(args, OPTIONS)


def test_charts_escape_names_and_say_their_figures_in_words():
    svg = charts.group_chart(
        [
            charts.GroupBar("<script>alert(1)</script>", 0.5, "50% selesai", "12 terdaftar"),
            charts.GroupBar("Kecil", None, charts.SUPPRESSED),
        ],
        "Tingkat selesai",
        "nk-uji",
    )
    assert "<script>" not in svg and "&lt;script&gt;alert(1)&lt;/script&gt;" in svg
    assert 'role="img"' in svg and "<title" in svg and "Kecil: &lt; 5" in svg
    funnel = charts.funnel_chart({"enrolled": 1234, "started": 600, "finished": None})
    assert "Terdaftar: 1.234" in funnel and "Mulai belajar: 600 (49%)" in funnel
    assert "Selesai semua pelajaran: &lt; 5" in funnel
    line = charts.line_chart(
        ["05-01-2026", "12-01-2026"],
        [charts.Series("Sudah mulai", [3, None]), charts.Series("Sudah selesai", [1, 7])],
        "Per minggu",
        "nk-garis",
    )
    assert "Sudah selesai: 7 pada minggu 12-01-2026" in line and "style=" not in line


def test_officials_land_on_their_dashboard_everyone_else_in_their_server():
    def handler(*groups, running=False):
        user = SimpleNamespace(
            groups=[SimpleNamespace(name=g) for g in groups],
            spawner=SimpleNamespace(ready=running),
            url="/user/siti/",
        )
        return SimpleNamespace(current_user=user)

    assert config.landing_url(handler("pejabat")) == "/services/naikkelas/pejabat/"
    assert config.landing_url(handler("pejabat", running=True)) == "/services/naikkelas/pejabat/"
    assert config.landing_url(handler("peserta", "cohort-demo")) == "/hub/spawn"
    assert config.landing_url(SimpleNamespace(current_user=None)) == "/hub/spawn"
    # A running server is reached directly: a learner's course home, a trainer's own default.
    running = handler("peserta", "cohort-demo", running=True)
    assert config.landing_url(running) == "/user/siti/naikkelas"
    assert config.landing_url(handler("pelatih", running=True)) == "/user/siti/"


def test_the_facts_cache_reloads_when_a_learner_is_added(tmp_path):
    engine = engine_for(f"sqlite:///{tmp_path / 'nk.sqlite'}")
    cache = FactsCache(tmp_path / "released", min_interval=0)
    cache.get(engine)
    cache.get(engine)
    assert cache.loads == 1 and not cache.reloading
    now = reports.pd.Timestamp.now(tz="UTC").to_pydatetime()
    with engine.begin() as conn:
        conn.execute(
            accounts_table.insert().values(
                username=f"u{uuid.uuid4().hex[:8]}",
                role=Role.LEARNER.value,
                secret_hash="x",
                display_name="",
                cohort="demo",
                created_at=now,
                updated_at=now,
            )
        )
    assert cache.get(engine).updating  # the old facts at once, a reload behind them
    assert cache.wait_idle(60)
    assert cache.loads == 2 and not cache.get(engine).updating


def test_reports_group_by_the_field_they_filter_on(tmp_path):
    """Two fixes in `reports` the dashboard needs: facts of a platform where nobody has
    started yet, and a view grouped by the field it filters on (e.g. one kecamatan)."""
    engine = engine_for(f"sqlite:///{tmp_path / 'nk.sqlite'}")
    now = reports.pd.Timestamp.now(tz="UTC").to_pydatetime()
    with engine.begin() as conn:
        conn.execute(
            accounts_table.insert(),
            [
                {
                    "username": f"p{i}",
                    "role": Role.LEARNER.value,
                    "secret_hash": "x",
                    "display_name": "",
                    "cohort": "demo",
                    "created_at": now,
                    "updated_at": now,
                }
                for i in range(12)
            ],
        )
    assert reports.load_facts(engine, tmp_path / "released").empty  # nothing released yet
    pd = reports.pd
    facts = pd.DataFrame(
        {
            "username": [f"p{i}" for i in range(12)],
            "kecamatan": ["A"] * 6 + ["B"] * 6,
            "started": [True] * 12,
            "finished": [True, False] * 6,
            "certified": [False] * 12,
            "score": [80.0] * 12,
        }
    )
    for name in ("kota", "kelurahan", "region_code", "sector", "gender", "age_group", "cohort"):
        facts[name] = ""
    facts["course"] = "c"
    table = reports.completion(facts, ["kecamatan"], reports.Filters(kecamatan=("A",)))
    assert list(table["kecamatan"]) == ["A"] and list(table["enrolled"]) == [6]


def test_a_view_of_nobody_shows_zeros_not_an_error():
    from naikkelas.hub import dashboard, officials

    empty = reports.pd.DataFrame(columns=reports.FACT_COLUMNS)
    for by in ("kelurahan", "sector"):
        view = dashboard.build_view(None, empty, {}, Query(by=by))
        assert view.funnel["enrolled"] == 0 and view.groups == []
        assert "Terdaftar: 0" in officials.render_charts(view)["funnel"]

"""The officials' dashboard never waits for its facts to reload: a page is served from the facts
the process has ("Data per ...; sedang diperbarui") while one background reload runs. The
reload is held on an Event here, so "in progress" is a state the test controls, not a race.
A real SQLite database in a temporary folder throughout."""

from __future__ import annotations

import re
import threading
import time
import uuid
from datetime import UTC, datetime
from html import unescape
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from naikkelas.grading import reports
from naikkelas.hub import officials
from naikkelas.hub.accounts import Role, accounts_table
from naikkelas.hub.dashboard import FactsCache, data_time, prepare_facts
from naikkelas.hub.db import engine_for

ZONE = ZoneInfo("Asia/Jakarta")
PREFIX = "/services/naikkelas/"
PROMPT = 5.0  # seconds: far below a held reload (which never ends until released)


class HeldLoad:
    """`reports.load_facts`, held at its start while `gate` is clear; counts its calls."""

    def __init__(self):
        self.gate = threading.Event()
        self.gate.set()
        self.entered = threading.Event()
        self.calls = 0
        self.fail = False

    def __call__(self, engine, released):
        self.calls += 1
        self.entered.set()
        assert self.gate.wait(60), "the test never released the reload"
        if self.fail:
            raise RuntimeError("the database went away")
        return reports.load_facts(engine, released)


def add_learners(engine, count: int) -> None:
    now = datetime.now(UTC)
    with engine.begin() as conn:
        conn.execute(
            accounts_table.insert(),
            [
                {
                    "username": f"p{uuid.uuid4().hex[:10]}",
                    "role": Role.LEARNER.value,
                    "secret_hash": "x",
                    "display_name": "",
                    "cohort": "k1",
                    "created_at": now,
                    "updated_at": now,
                }
                for _ in range(count)
            ],
        )


@pytest.fixture
def platform(tmp_path):
    """A database with 6 learners of cohort k1, and a course released to k1."""
    engine = engine_for(f"sqlite:///{tmp_path / 'nk.sqlite'}")
    folder = tmp_path / "released" / "k1" / "kursus"
    folder.mkdir(parents=True)
    (folder / "course.yml").write_text("title: Kursus Contoh\n")
    for lesson in ("01-a", "02-b"):
        (folder / f"{lesson}.ipynb").write_text('{"cells": [], "metadata": {}}')
    add_learners(engine, 6)
    return engine, tmp_path / "released"


def make_cache(released: Path, load: HeldLoad, min_interval: float = 0.0) -> FactsCache:
    return FactsCache(released, min_interval=min_interval, load=load, prepare=prepare_facts)


def page(engine, cache) -> str:
    """What an official reads on the dashboard, timed: it must come back promptly."""
    start = time.monotonic()
    snapshot = cache.snapshot(engine)
    if snapshot is None:
        text = officials.preparing_html(cache, PREFIX, ZONE)
    else:
        status, text = officials.dashboard_html(engine, snapshot, {}, PREFIX, ZONE)
        assert status == 200
    assert time.monotonic() - start < PROMPT, "the page waited for the reload"
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", text)))


def test_a_page_during_a_reload_shows_the_old_figures_at_once_then_the_new(platform):
    engine, released = platform
    load = HeldLoad()
    cache = make_cache(released, load)
    before = datetime.now(UTC).replace(second=0, microsecond=0)
    first = cache.get(engine, timeout=60)
    assert first.taken_at >= before and not first.updating
    words = page(engine, cache)
    assert "Terdaftar: 6" in words and "sedang diperbarui" not in words
    assert f"Data per {data_time(first.taken_at, ZONE)}" in words

    load.gate.clear()
    load.entered.clear()
    add_learners(engine, 1)
    words = page(engine, cache)  # marker moved: a reload starts and is held
    assert load.entered.wait(PROMPT) and cache.reloading
    assert "Terdaftar: 6" in words and "sedang diperbarui" in words
    assert f"Data per {data_time(first.taken_at, ZONE)}; sedang diperbarui" in words
    assert "Terdaftar: 6" in page(engine, cache)  # still the old figures, still at once

    load.gate.set()
    assert cache.wait_idle(60)
    words = page(engine, cache)
    assert "Terdaftar: 7" in words and "sedang diperbarui" not in words
    assert cache.loads == 2


def test_concurrent_stale_requests_start_one_reload(platform):
    engine, released = platform
    load = HeldLoad()
    cache = make_cache(released, load)
    cache.get(engine, timeout=60)
    assert load.calls == 1
    load.gate.clear()
    load.entered.clear()
    add_learners(engine, 2)
    barrier = threading.Barrier(4)
    seen = []

    def request():
        barrier.wait()
        seen.append(cache.snapshot(engine))

    threads = [threading.Thread(target=request) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(PROMPT)
    assert len(seen) == 4 and all(s is not None and s.updating for s in seen)
    assert all(len(s.facts) == 6 for s in seen)
    assert load.entered.wait(PROMPT)
    assert load.calls == 2  # the first load, then one reload for four stale requests
    load.gate.set()
    assert cache.wait_idle(60)
    assert load.calls == 2 and cache.loads == 2
    assert len(cache.snapshot(engine).facts) == 8


def test_a_reload_that_fails_keeps_the_old_facts_and_is_retried(platform, caplog):
    engine, released = platform
    load = HeldLoad()
    cache = make_cache(released, load)
    cache.get(engine, timeout=60)
    load.fail = True
    add_learners(engine, 3)
    assert cache.snapshot(engine).updating
    assert cache.wait_idle(60)
    assert cache.failures == 1 and "the database went away" in cache.last_error
    assert "Reloading the dashboard facts failed" in caplog.text
    words = page(engine, cache)  # old figures, still saying newer ones are coming
    assert "Terdaftar: 6" in words and "sedang diperbarui" in words
    assert cache.wait_idle(60)  # that request started a retry, which failed too
    load.fail = False
    page(engine, cache)  # the next request retries
    assert cache.wait_idle(60)
    words = page(engine, cache)
    assert "Terdaftar: 9" in words and "sedang diperbarui" not in words
    assert cache.last_error == ""


def test_the_first_load_not_done_shows_the_preparing_page(platform):
    engine, released = platform
    load = HeldLoad()
    load.gate.clear()
    cache = make_cache(released, load)
    cache.start(engine)  # the service's warm-up
    assert load.entered.wait(PROMPT)
    words = page(engine, cache)
    assert "Data sedang disiapkan" in words and "Terdaftar" not in words
    assert "memuat ulang sendiri setiap 10 detik" in words
    assert re.search(r"Mulai \d+ \w+ \d{4} \d\d\.\d\d WIB, sudah berjalan \d+ detik", words)
    html = officials.preparing_html(cache, PREFIX, ZONE)
    assert '<meta http-equiv="refresh" content="10">' in html
    assert load.calls == 1  # the page did not start a second load
    with pytest.raises(TimeoutError):
        cache.get(engine, timeout=0.2)
    load.gate.set()
    assert cache.wait_idle(60)
    assert "Terdaftar: 6" in page(engine, cache)


def test_reloads_are_rate_limited(platform):
    engine, released = platform
    load = HeldLoad()
    cache = make_cache(released, load, min_interval=3600)
    cache.get(engine, timeout=60)
    add_learners(engine, 1)
    words = page(engine, cache)
    assert "Terdaftar: 6" in words and "sedang diperbarui" in words
    # A reload is due, but not before an hour after the last one began.
    assert cache.reloading and not cache.wait_idle(0.3) and load.calls == 1
    cache.close()
    assert cache.wait_idle(PROMPT) and load.calls == 1


def test_the_reload_prepares_the_hardest_questions_and_the_first_page(platform):
    engine, released = platform
    cache = make_cache(released, HeldLoad())
    snapshot = cache.get(engine, timeout=60)
    assert ("answers", "kursus") in snapshot.derived
    assert {"options", "titles"} <= set(snapshot.derived)
    assert any(isinstance(k, tuple) and k[0] == "view" for k in snapshot.derived)


def test_data_time_reads_as_officials_write_it():
    moment = datetime(2026, 11, 23, 11, 5, tzinfo=UTC)
    assert data_time(moment, ZONE) == "23 Nov 2026 18.05 WIB"
    assert data_time(moment, ZoneInfo("Asia/Jayapura")) == "23 Nov 2026 20.05 WIT"


def test_exports_use_the_cached_facts_and_say_when_they_were_taken(platform):
    import io

    import openpyxl

    from tests.pdf_reading import read_pdf

    engine, released = platform
    load = HeldLoad()
    cache = make_cache(released, load)
    snapshot = cache.get(engine, timeout=60)
    load.gate.clear()
    add_learners(engine, 1)
    stale = cache.snapshot(engine)  # a reload is held: the export gets the facts shown
    assert stale.updating and stale.taken_at == snapshot.taken_at
    when = stale.taken_at.astimezone(UTC)
    query = officials.Query()
    workbook = openpyxl.load_workbook(
        io.BytesIO(officials.export_bytes(stale.facts, query, "xlsx", stale.taken_at))
    )
    cells = [c for ws in workbook for row in ws.iter_rows(values_only=True) for c in row]
    assert f"Data per: {when:%Y-%m-%d %H:%M} UTC" in cells
    assert 6 in cells  # the figures of these facts: 6 enrolled, not the 7th learner
    pdf = officials.export_bytes(stale.facts, query, "pdf", stale.taken_at)
    text = " ".join(t for page in read_pdf(pdf) for t in page.text)
    assert f"Data per: {when:%d-%m-%Y %H:%M} UTC" in text
    load.gate.set()
    assert cache.wait_idle(60)


def test_the_service_reloads_in_a_child_process_with_the_same_figures(platform):
    from naikkelas.hub.dashboard import load_in_subprocess

    engine, released = platform
    cache = FactsCache(released, min_interval=0, load=load_in_subprocess, prepare=prepare_facts)
    snapshot = cache.get(engine, timeout=120)
    direct = reports.load_facts(engine, released)
    assert snapshot.facts.equals(direct)
    assert snapshot.derived[("answers", "kursus")].equals(reports.answer_counts(engine, "kursus"))
    assert "Terdaftar: 6" in page(engine, cache)


def test_a_first_load_that_fails_says_so_and_is_retried(platform):
    engine, released = platform
    load = HeldLoad()
    load.fail = True
    cache = make_cache(released, load)
    cache.start(engine)
    assert cache.wait_idle(60) and cache.failures == 1
    words = page(engine, cache)  # starts the retry, which fails too
    assert "Data sedang disiapkan" in words and "Percobaan terakhir belum berhasil" in words
    with pytest.raises(RuntimeError, match="the database went away"):
        cache.get(engine, timeout=60)
    load.fail = False
    assert len(cache.get(engine, timeout=60).facts) == 6
    assert "Percobaan terakhir" not in officials.preparing_html(cache, PREFIX, ZONE)

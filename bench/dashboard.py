"""The officials' dashboard with many seeded learners: how long the page and a filtered view take,
and the exports, beside nbgrader's own gradebook listing (the formgrader's students page) on the
same database. Run from the project root:

    .naikkelas/venv/bin/python -m bench.dashboard [--learners 100000] [--data-dir DIR]

Seeds with `naikkelas demo seed --learners N` into DIR (a temporary folder unless given; a given
folder is reused, so a second run measures without seeding). Figures are in-process: the work a
request waits for (facts cache, aggregation, SVG charts, template), not the network. The first
load (the service does it in the background at start-up) includes what it prepares for pages
(answer counts of every course, the unfiltered view); "first" is the first request of a view on
those facts, "warm" the median of 5 repeats (the change marker is still checked every time).
Then one learner's record is touched, so the facts are out of date: requests made while the
background reload runs (served the old facts at once), and the first ones after it.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


CPU = {"last": 0.0}  # CPU milliseconds of the last `timed` call (or median run of `median_ms`)


def timed(fn, thread: bool = False):
    """(wall milliseconds, result); the call's CPU time (this process, or with `thread` this
    thread only: a background reload may run beside it) goes to CPU["last"]: on a shared
    machine CPU time says more about the work than wall time."""
    clock = time.thread_time if thread else time.process_time
    start, cpu = time.perf_counter(), clock()
    result = fn()
    CPU["last"] = (clock() - cpu) * 1000
    return (time.perf_counter() - start) * 1000, result


def median_ms(fn, runs: int = 5, thread: bool = False) -> float:
    runs_seen = []
    for _ in range(runs):
        ms, _ = timed(fn, thread)
        runs_seen.append((ms, CPU["last"]))
    ms, CPU["last"] = sorted(runs_seen)[len(runs_seen) // 2]
    return ms


def seed(data_dir: Path, learners: int) -> None:
    naikkelas = str(Path(sys.executable).with_name("naikkelas"))
    cmd = [naikkelas, "demo", "seed", "--learners", str(learners), "--data-dir", str(data_dir)]
    start = time.perf_counter()
    subprocess.run(cmd, check=True, cwd=ROOT)
    print(f"seeded {learners:,} learners in {time.perf_counter() - start:.0f} s", flush=True)


def render_page(engine, cache, query):
    """What DashboardPage.get does, without tornado: the cached facts at once (never waiting
    for a reload), the view, the page."""
    from zoneinfo import ZoneInfo

    from naikkelas.hub import officials

    args: dict[str, list[str]] = {}
    for name, value in query.params():
        args.setdefault(name, []).append(value)
    snapshot = cache.snapshot(engine)
    status, html = officials.dashboard_html(
        engine, snapshot, args, "/services/naikkelas/", ZoneInfo("Asia/Jakarta")
    )
    assert status == 200, html
    return snapshot


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--learners", type=int, default=100_000)
    parser.add_argument("--data-dir", type=Path)
    parser.add_argument("--no-baseline", action="store_true", help="skip nbgrader's listing")
    parser.add_argument(
        "--reload-in-thread",
        action="store_true",
        help="reload in a thread of this process (the service reloads in a child process)",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = args.data_dir or Path(tmp) / "var"
        if not (data_dir / "naikkelas.sqlite").exists():
            seed(data_dir, args.learners)
        run(data_dir, args.no_baseline, args.reload_in_thread)


def run(data_dir: Path, no_baseline: bool, in_thread: bool = False) -> None:
    from naikkelas.hub import officials
    from naikkelas.hub.dashboard import (
        FactsCache,
        Query,
        change_marker,
        load_in_subprocess,
        parse_query,
        prepare_facts,
    )
    from naikkelas.hub.db import engine_for
    from naikkelas.hub.settings import Settings

    settings = Settings(data_dir=str(data_dir))
    engine = engine_for(settings.naikkelas_db_url)
    # As the service makes it (officials.facts_cache), without the rate limit.
    load = None if in_thread else load_in_subprocess
    cache = FactsCache(settings.released_path, min_interval=0, load=load, prepare=prepare_facts)
    print(f"reloads in {'a thread' if in_thread else 'a child process'}", flush=True)

    def report(name: str, ms: float, note: str = "") -> None:
        print(f"{name:<62} {ms:10.1f} ms {CPU['last']:10.1f} ms CPU {note}", flush=True)

    ms, snapshot = timed(lambda: cache.get(engine))
    facts, derived = snapshot.facts, snapshot.derived
    report(
        "first load + prepare (background, at service start)",
        ms,
        f"({len(facts):,} learner-course rows)",
    )
    report("change marker check (every request)", median_ms(lambda: change_marker(engine)))
    ms, _ = timed(lambda: render_page(engine, cache, Query()))
    report("dashboard page, all learners (first after a load)", ms)
    report(
        "dashboard page, all learners (warm)",
        median_ms(lambda: render_page(engine, cache, Query())),
    )
    options = officials.cached_options(facts, derived)
    kecamatan = options["kecamatan"][len(options["kecamatan"]) // 2]
    filtered = parse_query(
        {"kecamatan": [kecamatan], "gender": ["P"], "by": ["kelurahan"]}, options
    )
    ms, _ = timed(lambda: render_page(engine, cache, filtered))
    report("filter: one kecamatan, women, by kelurahan (first)", ms)
    report("filter: the same (warm)", median_ms(lambda: render_page(engine, cache, filtered)))
    course = parse_query({"course": [options["course"][0]], "by": ["kecamatan"]}, options)
    ms, _ = timed(lambda: render_page(engine, cache, course))
    report("filter: one course, by kecamatan (first)", ms)
    for kind in ("csv", "xlsx", "pdf"):
        ms, body = timed(lambda kind=kind: officials.export_bytes(facts, Query(), kind))
        report(f"export {kind.upper()}, all learners by kecamatan", ms, f"({len(body):,} bytes)")
    during_reload(engine, cache, options)
    import resource

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"peak memory: this process {peak:,.0f} MiB, largest child {child:,.0f} MiB", flush=True)
    if no_baseline:
        return
    # nbgrader's formgrader lists every student of a course with their scores (its "Manage
    # Students" page calls api.get_students); the same database holds the seeded learners.
    api = settings.grading().api(options["course"][0])
    ms, students = timed(api.get_students)
    report("nbgrader formgrader: students page (api.get_students)", ms, f"({len(students):,})")


def touch_a_learner(engine) -> None:
    """A change the facts must follow, as a learner's edit or answer is: the change marker
    moves (here one account's `updated_at`)."""
    from datetime import UTC, datetime

    from sqlalchemy import select, update

    from naikkelas.hub.accounts import accounts_table

    with engine.begin() as conn:
        name = conn.execute(select(accounts_table.c.username).limit(1)).scalar_one()
        conn.execute(
            update(accounts_table)
            .where(accounts_table.c.username == name)
            .values(updated_at=datetime.now(UTC))
        )


def during_reload(engine, cache, options) -> None:
    """Requests while the background reload runs (CPU = the request's own thread; the reload
    competes for the GIL and the cores), then the first requests on the new facts."""
    from naikkelas.hub.dashboard import Query, parse_query

    def report(name: str, ms: float, note: str = "") -> None:
        print(f"{name:<62} {ms:10.1f} ms {CPU['last']:10.1f} ms CPU {note}", flush=True)

    picks = options["kecamatan"]
    queries = [
        parse_query({"kecamatan": [k], "sector": [], "by": ["sector"]}, options)
        for k in picks[:: max(len(picks) // 6, 1)][:6]
    ]
    touch_a_learner(engine)
    loads = cache.loads
    ms, snapshot = timed(lambda: render_page(engine, cache, queries[0]), thread=True)
    assert snapshot.updating and cache.reloading
    report("DURING RELOAD: filter, new (stale facts, 'sedang diperbarui')", ms)
    seen = []
    for query in queries[1:]:
        if not cache.reloading:
            break
        ms, _ = timed(lambda q=query: render_page(engine, cache, q), thread=True)
        seen.append((ms, CPU["last"]))
    if seen:
        ms, CPU["last"] = sorted(seen)[len(seen) // 2]
        report(f"DURING RELOAD: filter, new (median of {len(seen)})", ms)
    if cache.reloading:
        report(
            "DURING RELOAD: the same filter again (warm)",
            median_ms(lambda: render_page(engine, cache, queries[0]), thread=True),
        )
    # Until the reload ends (the child's result taken over included): the same warm filter
    # every half second, for the slowest a request got meanwhile.
    start, walls = time.perf_counter(), []
    while cache.reloading:
        walls.append(timed(lambda: render_page(engine, cache, queries[0]), thread=True)[0])
        cache.wait_idle(0.5)
    if walls:
        walls.sort()
        print(
            f"DURING RELOAD: warm filter every 0.5 s until it ended: {len(walls)} requests, "
            f"median {walls[len(walls) // 2]:.0f} ms, slowest {walls[-1]:.0f} ms wall",
            flush=True,
        )
    print(f"reload finished {time.perf_counter() - start:.1f} s after the requests above")
    assert cache.loads == loads + 1
    ms, snapshot = timed(lambda: render_page(engine, cache, Query()), thread=True)
    assert not snapshot.updating
    report("AFTER RELOAD: page, all learners (first)", ms, "(prepared by the reload)")
    ms, _ = timed(lambda: render_page(engine, cache, queries[0]), thread=True)
    report("AFTER RELOAD: filter, new on these facts (first)", ms)
    report(
        "AFTER RELOAD: the same filter (warm)",
        median_ms(lambda: render_page(engine, cache, queries[0]), thread=True),
    )


if __name__ == "__main__":
    main()

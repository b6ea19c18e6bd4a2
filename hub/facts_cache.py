"""The learner facts the officials' dashboard and its exports are computed from, kept per
process and refreshed in the background ("stale-while-revalidate").

Loading the facts (`reports.load_facts`) and each course's answer counts (for the hardest
questions) takes about a minute of CPU at 100,000 learners, and any learner's answer makes them
out of date. So a request never waits for a reload once facts exist: it gets the facts the
process has, marked `updating` when newer data is known to exist, while ONE background thread
loads the new ones. Reloads start at most once per `min_interval` seconds (a busy platform
changes every second). The service's reload reads the database in a child process
(`load_in_subprocess`), so it does not compete with requests for the interpreter lock. A reload
that fails is logged, the old facts stay, and a later request starts another. Only the very
first load has nothing to show: `snapshot` returns None while it runs (the page says "Data
sedang disiapkan"), and the service starts it at start-up (`start`).
"""

from __future__ import annotations

import logging
import multiprocessing
import pickle
import threading
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from naikkelas.grading import reports
from naikkelas.grading.certificates import certificates_table
from naikkelas.grading.progress import events_table
from naikkelas.grading.submissions import submissions_table

from .accounts import accounts_table
from .profiles import profiles_table

log = logging.getLogger(__name__)

# A safety net for changes the cheap marker cannot see (a grade changed by hand in the
# formgrader, a course released, a certificate revoked): facts are reloaded at least this often.
MAX_FACTS_AGE = 300.0
# At most one reload starts per this many seconds ($NAIKKELAS_DASHBOARD_RELOAD_SECONDS).
MIN_RELOAD_INTERVAL = 120.0


def change_marker(engine: Engine) -> tuple:
    """A cheap fingerprint of what the facts are made of: it changes when a learner is added or
    edited, answers, submits, is graded or gets a certificate (index-backed maxima and counts)."""
    pending = submissions_table.c.status.in_(("queued", "grading"))
    with engine.connect() as conn:
        row = conn.execute(
            select(
                select(func.max(events_table.c.id)).scalar_subquery(),
                select(func.max(submissions_table.c.id)).scalar_subquery(),
                select(func.count())
                .select_from(submissions_table)
                .where(pending)
                .scalar_subquery(),
                select(func.count()).select_from(accounts_table).scalar_subquery(),
                select(func.max(accounts_table.c.updated_at)).scalar_subquery(),
                select(func.max(profiles_table.c.updated_at)).scalar_subquery(),
                select(func.count()).select_from(certificates_table).scalar_subquery(),
            )
        ).one()
    return tuple(row)


def released_marker(released_root: Path) -> tuple:
    """What is released to which cohort, as folder names and times (a release swaps folders)."""
    if not released_root.is_dir():
        return ()
    found = []
    for cohort in sorted(released_root.iterdir()):
        if cohort.is_dir():
            found.append((cohort.name, cohort.stat().st_mtime_ns))
    return tuple(found)


# A loader returns the facts, or (facts, derived) with results already computed from them.
Loader = Callable[[Engine, Path], "pd.DataFrame | tuple[pd.DataFrame, dict]"]
Preparer = Callable[[Engine, pd.DataFrame, dict], None]


def load_in_subprocess(engine: Engine, released_root: Path) -> tuple[pd.DataFrame, dict]:
    """The facts and each course's answer counts, read in a child process (spawned for this
    reload, gone after it). The reload is a minute of Python work at 100,000 learners; in a
    thread of the service it would hold the interpreter lock half the time and slow every
    request meanwhile. Only the result (pandas frames, a few hundred MB at most) comes back."""
    ctx = multiprocessing.get_context("spawn")
    url = engine.url.render_as_string(hide_password=False)
    with ProcessPoolExecutor(max_workers=1, mp_context=ctx) as pool:
        pieces = pool.submit(_load_pickled, url, str(released_root)).result()
    # Unpickling holds the interpreter lock for its whole call (about 2 s for everything at
    # 100,000 learners): piece by piece, requests get their turn in between.
    facts, derived = None, {}
    for key, blob in pieces:
        value = pickle.loads(blob)  # noqa: S301 - our own child process's output
        if key == "facts":
            facts = value
        else:
            derived[key] = value
        time.sleep(0)  # let a waiting request thread run
    return facts, derived


def _load_pickled(url: str, released_root: str) -> list[tuple]:
    """In the child: `_load_prepared`, each piece pickled on its own."""
    facts, derived = _load_prepared(url, released_root)
    pieces = [("facts", facts), *derived.items()]
    return [(key, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)) for key, value in pieces]


def _load_prepared(url: str, released_root: str) -> tuple[pd.DataFrame, dict]:
    from .dashboard import course_titles, options_of
    from .db import engine_for

    engine = engine_for(url)
    try:
        facts = reports.load_facts(engine, Path(released_root))
        derived: dict = {"options": options_of(facts), "titles": course_titles(facts)}
        for course in derived["titles"]:
            derived[("answers", course)] = reports.answer_counts(engine, course)
        return facts, derived
    finally:
        engine.dispose()


@dataclass
class Snapshot:
    """One version of the facts. `derived` holds results computed from them (filter choices,
    answer counts, views) and lives exactly as long as they do; `taken_at` is when the data was
    read (UTC); `updating` says newer data exists and is being (or will soon be) loaded."""

    facts: pd.DataFrame
    derived: dict
    taken_at: datetime
    marker: tuple
    loaded_at: float  # time.monotonic() when the load finished
    updating: bool = False
    prepared: frozenset = field(default_factory=frozenset)


@dataclass(frozen=True)
class Loading:
    """The first load, still running (or failed and waiting to be retried): what the
    "Data sedang disiapkan" page tells the official."""

    started_at: datetime | None
    seconds: float
    last_error: str = ""


class FactsCache:
    """Facts per process for one released-lessons folder, refreshed in the background when
    `marker` moves or after `max_age` seconds."""

    MAX_DERIVED = 256

    def __init__(
        self,
        released_root: Path,
        max_age: float = MAX_FACTS_AGE,
        min_interval: float = MIN_RELOAD_INTERVAL,
        *,
        load: Loader | None = None,
        prepare: Preparer | None = None,
        marker: Callable[[Engine], tuple] | None = None,
    ):
        self.released_root = Path(released_root)
        self._max_age = max_age
        self._min_interval = min_interval
        self._load = load or reports.load_facts
        self._prepare = prepare
        self._marker = marker
        self._lock = threading.Lock()
        self._entry: Snapshot | None = None
        self._worker: threading.Thread | None = None
        self._idle = threading.Event()
        self._idle.set()
        self._closed = threading.Event()
        self._last_start: float | None = None  # time.monotonic() of the last reload's start
        self._started_at: datetime | None = None  # wall time of the running/last load's start
        self.last_error = ""
        self.loads = 0  # finished loads (tests and benchmarks look)
        self.failures = 0

    # -- what requests call ------------------------------------------------------------------
    def marker(self, engine: Engine) -> tuple:
        found = self._marker(engine) if self._marker else change_marker(engine)
        return (str(engine.url), found, released_marker(self.released_root))

    def snapshot(self, engine: Engine) -> Snapshot | None:
        """The facts this process has, at once (never waiting for a load): None before the
        first load has finished. Starts a background reload when they are out of date."""
        marker = self.marker(engine)
        with self._lock:
            entry = self._entry
            if entry is not None and entry.marker[0] != marker[0]:
                entry = self._entry = None  # another database: these facts say nothing of it
            fresh = (
                entry is not None
                and entry.marker == marker
                and time.monotonic() - entry.loaded_at < self._max_age
            )
            if not fresh:
                self._start_locked(engine)
            if entry is None:
                return None
            self._trim(entry)
            return Snapshot(
                entry.facts,
                entry.derived,
                entry.taken_at,
                entry.marker,
                entry.loaded_at,
                updating=not fresh,
                prepared=entry.prepared,
            )

    def loading(self) -> Loading:
        with self._lock:
            started = self._started_at
            seconds = (datetime.now(UTC) - started).total_seconds() if started else 0.0
            return Loading(started, max(seconds, 0.0), self.last_error)

    def get(self, engine: Engine, timeout: float | None = None) -> Snapshot:
        """The facts, waiting for the first load if there are none yet (command line,
        benchmarks, tests). Raises TimeoutError, or RuntimeError when the first load failed."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            found = self.snapshot(engine)
            if found is not None:
                return found
            left = None if deadline is None else deadline - time.monotonic()
            if left is not None and left <= 0:
                raise TimeoutError("the facts are still loading")
            failures = self.failures
            self.wait_idle(left)
            with self._lock:
                if self._entry is None and self.failures > failures:
                    raise RuntimeError(f"loading the facts failed: {self.last_error}")

    def start(self, engine: Engine) -> None:
        """Start loading now (the service's warm-up at start-up), without waiting."""
        with self._lock:
            self._start_locked(engine)

    def wait_idle(self, timeout: float | None = None) -> bool:
        """Wait until no reload runs; False if one still runs after `timeout` seconds."""
        return self._idle.wait(timeout)

    def close(self) -> None:
        """No further reloads (a reload waiting for its turn gives up; one running finishes)."""
        self._closed.set()

    @property
    def reloading(self) -> bool:
        return not self._idle.is_set()

    # -- the background reload -----------------------------------------------------------------
    def _start_locked(self, engine: Engine) -> None:
        if self._worker is not None or self._closed.is_set():
            return  # one reload at a time; it reads the newest data when it starts
        self._idle.clear()
        self._worker = threading.Thread(
            target=self._run, args=(engine,), name="naikkelas-facts", daemon=True
        )
        self._worker.start()

    def _run(self, engine: Engine) -> None:
        try:
            with self._lock:
                wait = 0.0
                if self._last_start is not None:
                    wait = self._last_start + self._min_interval - time.monotonic()
            # Rate limit: the reload starts when it is allowed to (unless the cache is closed).
            if not self._closed.wait(max(wait, 0.0)):
                self._reload(engine)
        finally:
            with self._lock:
                self._worker = None
                self._idle.set()

    def _reload(self, engine: Engine) -> None:
        with self._lock:
            self._last_start = time.monotonic()
            self._started_at = datetime.now(UTC)
        began = time.perf_counter()
        try:
            # The marker is read first: a change made during the load moves it again, so the
            # next request starts another reload instead of trusting these facts too long.
            marker = self.marker(engine)
            taken_at = datetime.now(UTC)
            loaded = self._load(engine, self.released_root)
            facts, derived = loaded if isinstance(loaded, tuple) else (loaded, {})
            if self._prepare is not None:
                self._prepare(engine, facts, derived)
        except Exception as e:  # noqa: BLE001 - any failure keeps the old facts
            with self._lock:
                self.failures += 1
                self.last_error = f"{type(e).__name__}: {e}"
            log.exception("Reloading the dashboard facts failed; the previous facts stay")
            return
        entry = Snapshot(
            facts, derived, taken_at, marker, time.monotonic(), prepared=frozenset(derived)
        )
        with self._lock:
            self._entry = entry
            self.loads += 1
            self.last_error = ""
        log.info(
            "Dashboard facts reloaded: %d rows in %.1f s", len(facts), time.perf_counter() - began
        )

    def _trim(self, entry: Snapshot) -> None:
        """Results cached per request (views, hardest questions per filter) are bounded; what
        the background reload prepared is kept."""
        if len(entry.derived) > self.MAX_DERIVED + len(entry.prepared):
            for key in list(entry.derived):
                if key not in entry.prepared:
                    entry.derived.pop(key, None)

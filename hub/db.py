"""NaikKelas's own database: one SQLAlchemy URL for all of its data.

Tables carry an `nk_` prefix so they never collide with nbgrader's gradebook tables when both
live in the same database.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from functools import cache

from sqlalchemy import MetaData, create_engine, event
from sqlalchemy.engine import Engine

metadata = MetaData()


def _sqlite_pragmas(dbapi_connection, _record):
    # WAL lets the hub, services and CLI read while one of them writes; busy_timeout makes a
    # writer wait for the lock instead of failing at once.
    if isinstance(dbapi_connection, sqlite3.Connection):
        cur = dbapi_connection.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA busy_timeout=10000")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.close()


def as_utc(value: datetime | None) -> datetime | None:
    """A datetime read back from the database, as UTC: SQLite hands back naive datetimes, and
    everything NaikKelas writes is UTC."""
    return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value


@cache
def engine_for(url: str) -> Engine:
    """One engine per URL per process; creates NaikKelas's tables when missing."""
    engine = create_engine(url, future=True, pool_pre_ping=True)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    # Import the modules that define tables so `metadata` knows them all.
    from naikkelas.grading import certificates, progress, submissions  # noqa: F401

    from . import accounts, preferences, profiles, throttle  # noqa: F401

    metadata.create_all(engine)
    return engine

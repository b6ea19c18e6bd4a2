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


def load_tables() -> None:
    """Import every module that defines tables, so `metadata` knows them all. A new table's
    module goes here, and its migration in `hub/migrations/versions/` (docs/development.md)."""
    from naikkelas.grading import certificates, progress, submissions  # noqa: F401

    from . import accounts, preferences, profiles  # noqa: F401


@cache
def engine_for(url: str) -> Engine:
    """One engine per URL per process, with NaikKelas's tables migrated to the newest schema
    (`naikkelas.hub.migrate`)."""
    engine = create_engine(url, future=True, pool_pre_ping=True)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    load_tables()
    from .migrate import upgrade

    upgrade(engine)
    return engine

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
    from naikkelas.grading import certificates, hand_grades, progress, submissions  # noqa: F401

    from . import accounts, audit, data_notice, preferences, profiles, throttle  # noqa: F401


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


def insert_many(conn, table, rows: list[dict]) -> None:
    """Insert many rows of `table` in one executemany, in the caller's transaction.

    The same statement and column type conversions as `conn.execute(table.insert(), rows)`, without
    SQLAlchemy's per-row parameter handling (for bulk loads of hundreds of thousands of rows).
    Every row must have the same keys."""
    if not rows:
        return
    keys = list(rows[0])
    dialect = conn.dialect
    compiled = table.insert().compile(dialect=dialect, column_keys=keys)
    processors = {
        key: table.c[key].type._cached_bind_processor(dialect)  # noqa: SLF001
        for key in keys
    }
    order = list(compiled.positiontup) if compiled.positional else keys

    def convert(row: dict):
        values = [processors[key](row[key]) if processors[key] else row[key] for key in order]
        return tuple(values) if compiled.positional else dict(zip(order, values, strict=True))

    conn.exec_driver_sql(str(compiled), [convert(row) for row in rows])

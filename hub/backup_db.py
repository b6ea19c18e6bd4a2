"""NaikKelas's database as a portable dump, for `naikkelas backup` (see `naikkelas.hub.backup`).

Every NaikKelas (`nk_`) and nbgrader gradebook table becomes `<table>.jsonl`: the first line
lists the columns, then one JSON array per row (datetimes as ISO 8601). The dump is read from one
snapshot: an SQLite database is first copied with SQLite's online backup API (writers go on),
PostgreSQL is read in one REPEATABLE READ, read-only transaction. Loading recreates the schema at
the dump's revisions, inserts the rows, then upgrades to this NaikKelas's newest schema, so a
dump from SQLite loads into PostgreSQL and back.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import DateTime, MetaData, create_engine, inspect, select, text
from sqlalchemy.engine import Engine, make_url

from . import migrate


class BackupError(RuntimeError):
    """The backup or restore cannot be done; the message says why (one line)."""


def sqlite_path(url: str) -> Path | None:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database)


def _gradebook_tables() -> set[str]:
    from nbgrader.api import Base

    return set(Base.metadata.tables)


def _our_tables(engine: Engine) -> list[str]:
    """NaikKelas's and nbgrader's tables present in a database (not the version tables)."""
    gradebook = _gradebook_tables()
    return [
        name
        for name in inspect(engine).get_table_names()
        if (name.startswith("nk_") and name != migrate.VERSION_TABLE) or name in gradebook
    ]


def _encode(value):
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, bytes | memoryview):
        raise BackupError("binary columns are not supported by the portable dump")
    return value


def sqlite_snapshot(source: Path, copy: Path) -> None:
    """A consistent copy of a live SQLite database (the online backup API)."""
    if not source.exists():
        raise BackupError(f"database {source} does not exist")
    src = sqlite3.connect(f"{source.absolute().as_uri()}?mode=ro", uri=True)
    dst = sqlite3.connect(copy)
    try:
        src.execute("PRAGMA busy_timeout=10000")
        src.backup(dst)
    finally:
        dst.close()
        src.close()


def forget_running_servers(copy: Path) -> None:
    """In a copy of JupyterHub's database, forget the learners' servers that were running: their
    processes are not in the backup, and a restored hub must start them afresh rather than
    adopt whatever now listens on those ports (on the same machine: the live platform's)."""
    db = sqlite3.connect(copy)
    try:
        with db:
            db.execute("UPDATE spawners SET server_id = NULL, state = '{}', started = NULL")
            db.execute("DELETE FROM servers")
    finally:
        db.close()


def dump_database(url: str, folder: Path) -> dict:
    """Write every NaikKelas and gradebook table of the database at `url` into `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    sqlite_file = sqlite_path(url)
    with contextlib.ExitStack() as stack:
        if sqlite_file is not None:
            scratch = Path(stack.enter_context(tempfile.TemporaryDirectory(dir=folder.parent)))
            sqlite_snapshot(sqlite_file, scratch / "snapshot.sqlite")
            engine = create_engine(f"sqlite:///{scratch / 'snapshot.sqlite'}")
        else:
            engine = create_engine(url, isolation_level="REPEATABLE READ")
        stack.callback(engine.dispose)
        names = _our_tables(engine)
        meta = MetaData()
        meta.reflect(engine, only=names)
        counts = {}
        with engine.connect() as conn:
            if engine.dialect.name == "postgresql":
                conn.exec_driver_sql("SET TRANSACTION READ ONLY")
            nk_revisions = sorted(migrate.current(conn))
            nbgrader_revision = None
            if "alembic_version" in inspect(conn).get_table_names():
                nbgrader_revision = conn.execute(
                    text("SELECT version_num FROM alembic_version")
                ).scalar()
            for table in meta.sorted_tables:
                columns = [c.name for c in table.columns]
                key = [c for c in table.primary_key.columns] or list(table.columns)
                count = 0
                with open(folder / f"{table.name}.jsonl", "w", encoding="utf-8") as out:
                    out.write(json.dumps(columns) + "\n")
                    for row in conn.execute(select(table).order_by(*key)):
                        out.write(json.dumps([_encode(v) for v in row], ensure_ascii=False))
                        out.write("\n")
                        count += 1
                counts[table.name] = count
    if not nk_revisions:
        raise BackupError("the database holds no NaikKelas schema (wrong --db-url?)")
    return {
        "dialect": make_url(url).get_backend_name(),
        "naikkelas_revisions": nk_revisions,
        "nbgrader_revision": nbgrader_revision,
        "tables": counts,
    }


def _decoder(column):
    if isinstance(column.type, DateTime):
        aware = bool(getattr(column.type, "timezone", False))

        def decode(value):
            if value is None:
                return None
            moment = datetime.fromisoformat(value)
            if aware and moment.tzinfo is None:
                return moment.replace(tzinfo=UTC)  # NaikKelas writes UTC; SQLite forgets it
            if not aware and moment.tzinfo is not None:
                return moment.astimezone(UTC).replace(tzinfo=None)
            return moment

        return decode
    return None


def tables_with_rows(engine: Engine) -> list[str]:
    meta = MetaData()
    meta.reflect(engine, only=_our_tables(engine))
    with engine.connect() as conn:
        return [t.name for t in meta.sorted_tables if conn.execute(select(t).limit(1)).first()]


def _drop_schema(engine: Engine) -> None:
    from nbgrader.api import Base

    Base.metadata.drop_all(engine, checkfirst=True)  # with its PostgreSQL enum types
    meta = MetaData()
    names = inspect(engine).get_table_names()
    meta.reflect(engine, only=[n for n in names if n.startswith("nk_") or n == "alembic_version"])
    meta.drop_all(engine)


def load_database(url: str, folder: Path, db: dict) -> None:
    """Recreate the schema at the backup's revisions, load the rows, then upgrade to head."""
    from naikkelas.grading.gradebook import ensure_gradebook

    engine = create_engine(url)
    try:
        _drop_schema(engine)
        for revision in db["naikkelas_revisions"]:
            migrate.upgrade(engine, revision)
        if db["nbgrader_revision"]:
            ensure_gradebook.__wrapped__(url)  # not cached: the tables were just dropped
        meta = MetaData()
        meta.reflect(engine, only=list(db["tables"]))
        with engine.begin() as conn:
            for table in meta.sorted_tables:
                _load_table(conn, table, folder / f"{table.name}.jsonl")
            if engine.dialect.name == "postgresql":
                _reset_sequences(conn, meta)
        migrate.upgrade(engine)
    finally:
        engine.dispose()


def _load_table(conn, table, path: Path) -> None:
    with open(path, encoding="utf-8") as rows:
        columns = json.loads(next(rows))
        missing = set(columns) - set(table.columns.keys())
        if missing:
            raise BackupError(f"table {table.name} has no column {', '.join(sorted(missing))}")
        decoders = [_decoder(table.columns[name]) for name in columns]
        batch = []
        for line in rows:
            values = json.loads(line)
            batch.append(
                {
                    name: (decode(value) if decode else value)
                    for name, decode, value in zip(columns, decoders, values, strict=True)
                }
            )
            if len(batch) >= 1000:
                conn.execute(table.insert(), batch)
                batch = []
        if batch:
            conn.execute(table.insert(), batch)


def _reset_sequences(conn, meta: MetaData) -> None:
    """Rows were inserted with their ids: move each serial id's sequence past them."""
    for table in meta.sorted_tables:
        key = list(table.primary_key.columns)
        try:
            if len(key) != 1 or key[0].type.python_type is not int:
                continue
        except NotImplementedError:
            continue
        column = key[0].name
        conn.execute(
            text(
                f'SELECT setval(pg_get_serial_sequence(:table, :column), COALESCE(MAX("{column}"), 1), '  # noqa: E501, S608
                f'MAX("{column}") IS NOT NULL) FROM "{table.name}"'
            ),
            {"table": table.name, "column": column},
        )

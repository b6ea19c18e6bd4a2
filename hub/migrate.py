"""Schema migrations of NaikKelas's own tables, with Alembic.

The migration scripts live inside the installed package (`naikkelas/hub/migrations/versions/`),
one file per change. Their version is kept in ``nk_alembic_version``, not Alembic's default
``alembic_version``: nbgrader's gradebook shares the database and stamps that one with its own
revisions (`naikkelas.grading.gradebook.ensure_gradebook`), and the two must never migrate each
other's tables.

`upgrade` brings a database to every head. It runs at each process's first `engine_for(url)`:
the hub, the services, the grader and the command line all start with an up-to-date schema, so
an upgrade of NaikKelas needs no separate step. Several processes start at once, so an upgrade
holds a lock: a PostgreSQL advisory lock inside the migration's transaction, or a file lock
beside an SQLite file. A database already at its heads is checked with one query, without lock.

New databases run every migration from the first (rather than Alembic's cookbook shortcut,
`create_all` plus `stamp`): new and upgraded databases then take the same path, which the tests
run on SQLite and PostgreSQL. Databases made by `create_all` before migrations existed need no
special case: the first migration creates only the tables that are missing.

Branches are allowed: two changes made side by side (each revising the same parent) both apply,
since `upgrade` goes to all heads. `tools/new_migration.py` revises every head at once.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
from collections.abc import Iterator
from pathlib import Path

from alembic.config import Config
from alembic.runtime.environment import EnvironmentContext
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection, Engine

log = logging.getLogger(__name__)
# Alembic says "Context impl ..." at INFO on every check: every process's log would start so.
logging.getLogger("alembic").setLevel(logging.WARNING)

VERSION_TABLE = "nk_alembic_version"
MIGRATIONS_PATH = Path(__file__).with_name("migrations")
# pg_advisory_xact_lock key: "NKMI"
_PG_LOCK_KEY = 0x4E4B4D49


class MigrationError(RuntimeError):
    """The database's schema cannot be brought up to date; the message says why."""


def alembic_config(script_location: Path = MIGRATIONS_PATH) -> Config:
    config = Config()
    config.set_main_option("script_location", str(script_location))
    return config


def script_directory(script_location: Path = MIGRATIONS_PATH) -> ScriptDirectory:
    return ScriptDirectory.from_config(alembic_config(script_location))


def heads() -> set[str]:
    """The newest revision of every branch of the migrations shipped with this NaikKelas."""
    return set(script_directory().get_heads())


def migration_context(conn: Connection, **opts) -> MigrationContext:
    return MigrationContext.configure(conn, opts={"version_table": VERSION_TABLE, **opts})


def current(conn: Connection) -> set[str]:
    """The revisions a database is at (empty for a database without NaikKelas's schema)."""
    return set(migration_context(conn).get_current_heads())


def include_object(obj, name, type_, reflected, compare_to) -> bool:
    """Only NaikKelas's own tables (nbgrader's share the database). A unique constraint on a
    table's primary key columns (nk_lesson_state has one) is left out: PostgreSQL reports it
    as part of the key, SQLite as a constraint, and it changes nothing either way."""
    if type_ == "table":
        return bool(name) and name.startswith("nk_") and name != VERSION_TABLE
    table = getattr(obj, "table", None)
    if table is not None and type_ == "unique_constraint":
        key = {c.name for c in table.primary_key.columns}
        if key and {c.name for c in obj.columns} == key:
            return False
    return table is None or table.name.startswith("nk_")


def upgrade(engine: Engine, target: str = "heads") -> None:
    """Bring the database's NaikKelas tables to `target` (every head by default)."""
    script = script_directory()
    if target == "heads":
        with engine.connect() as conn:
            at = current(conn)
        if at == set(script.get_heads()):
            return
        unknown = at - {rev.revision for rev in script.walk_revisions()}
        if unknown:
            raise MigrationError(
                f"the database's schema is at revision {', '.join(sorted(unknown))}, which this "
                "NaikKelas does not know: it was written by a newer version"
            )
    with _exclusive(engine) as conn:
        before = current(conn)
        _run(conn, script, lambda rev, _ctx: script._upgrade_revs(target, rev))
        after = current(conn)
    if after != before:
        log.info(
            "NaikKelas's database schema migrated from %s to %s",
            ", ".join(sorted(before)) or "nothing",
            ", ".join(sorted(after)),
        )


def _run(conn: Connection, script: ScriptDirectory, fn) -> None:
    from .db import metadata

    with EnvironmentContext(alembic_config(), script, fn=fn) as env:
        env.configure(
            connection=conn,
            target_metadata=metadata,
            version_table=VERSION_TABLE,
            include_object=include_object,
            render_as_batch=True,  # SQLite alters tables by copying them
        )
        with env.begin_transaction():
            env.run_migrations()


@contextlib.contextmanager
def _exclusive(engine: Engine) -> Iterator[Connection]:
    """A connection in a transaction that no other process migrating the same database holds."""
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_PG_LOCK_KEY})")
            yield conn
        return
    database = engine.url.database if engine.dialect.name == "sqlite" else None
    if not database or database == ":memory:":
        with engine.begin() as conn:
            yield conn
        return
    lock_path = Path(f"{database}.migrate-lock")
    with open(lock_path, "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            with engine.begin() as conn:
                yield conn
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)

"""Schema migrations of NaikKelas's own tables (naikkelas.hub.migrate), on SQLite and PostgreSQL:
from an empty database, from the frozen first schema, from a database made before migrations,
and beside nbgrader's gradebook, which keeps its own `alembic_version` in the same database."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from sqlalchemy import create_engine, inspect, text

from naikkelas.grading import progress, submissions
from naikkelas.grading.gradebook import _nbgrader_schema_head, ensure_gradebook
from naikkelas.hub import migrate
from naikkelas.hub.accounts import verify_secret
from naikkelas.hub.db import engine_for, load_tables, metadata
from naikkelas.hub.preferences import get_preferences

FROZEN_FIRST_SCHEMA = Path(__file__).parent.parent / "data" / "nk0001_first_schema.sql"


def pg_schema(postgres, name: str) -> str:
    """A URL of the throwaway cluster whose tables go into a fresh schema `name`."""
    with create_engine(postgres.url).begin() as conn:
        conn.exec_driver_sql(f"CREATE SCHEMA {name}")
    return f"{postgres.url}&options=-csearch_path%3D{name}"


def differences(engine) -> list:
    load_tables()
    with engine.connect() as conn:
        ctx = migrate.migration_context(conn, include_object=migrate.include_object)
        return compare_metadata(ctx, metadata)


def nk_tables(engine) -> set[str]:
    return {name for name in inspect(engine).get_table_names() if name.startswith("nk_")}


def load_frozen(path: Path) -> str:
    con = sqlite3.connect(path)
    con.executescript(FROZEN_FIRST_SCHEMA.read_text())
    con.close()
    return f"sqlite:///{path}"


def test_empty_sqlite_database_migrates_to_head_and_agrees_with_the_models(tmp_path):
    engine = engine_for(f"sqlite:///{tmp_path / 'nk.sqlite'}")
    with engine.connect() as conn:
        assert migrate.current(conn) == migrate.heads()
    assert differences(engine) == []
    assert nk_tables(engine) == {t for t in metadata.tables} | {migrate.VERSION_TABLE}
    # NaikKelas never takes Alembic's default version table: nbgrader's is called that.
    assert "alembic_version" not in inspect(engine).get_table_names()


def test_empty_postgresql_database_migrates_to_head_and_agrees_with_the_models(postgres):
    engine = engine_for(pg_schema(postgres, "fresh"))
    with engine.connect() as conn:
        assert migrate.current(conn) == migrate.heads()
    assert differences(engine) == []
    assert nk_tables(engine) == {t for t in metadata.tables} | {migrate.VERSION_TABLE}


def test_migrations_go_down_and_up_again_on_postgresql(postgres):
    engine = create_engine(pg_schema(postgres, "updown"))
    migrate.upgrade(engine)
    with migrate._exclusive(engine) as conn:
        script = migrate.script_directory()
        migrate._run(conn, script, lambda rev, _ctx: script._downgrade_revs("base", rev))
    assert nk_tables(engine) == {migrate.VERSION_TABLE}
    migrate.upgrade(engine)
    assert differences(engine) == []


def test_frozen_first_schema_upgrades_and_keeps_every_record(tmp_path):
    engine = engine_for(load_frozen(tmp_path / "frozen.sqlite"))
    with engine.connect() as conn:
        assert migrate.current(conn) == migrate.heads()
    assert differences(engine) == []
    assert verify_secret(engine, "sitiaminah", "246810") is not None
    assert get_preferences(engine, "sitiaminah")["large_text"] is True
    state = progress.get_state(engine, "sitiaminah", "pembayaran-digital", "01-qris")
    assert state.finished and state.answers == {"q1": "b"}
    assert len(progress.events(engine, "sitiaminah")) == 2
    [sent] = submissions.history(engine, "sitiaminah", "pembayaran-digital", "01-qris")
    assert sent.attempt == 1


def test_database_made_before_migrations_is_brought_under_them(tmp_path):
    """`create_all` made these before migrations existed: no version table, maybe tables
    missing (a platform from before preferences existed)."""
    path = tmp_path / "legacy.sqlite"
    url = load_frozen(path)
    con = sqlite3.connect(path)
    con.executescript("DROP TABLE nk_alembic_version; DROP TABLE nk_preferences;")
    con.close()
    engine = engine_for(url)
    with engine.connect() as conn:
        assert migrate.current(conn) == migrate.heads()
    assert differences(engine) == []
    assert verify_secret(engine, "sitiaminah", "246810") is not None
    assert get_preferences(engine, "sitiaminah") == {"large_text": False, "high_contrast": False}


def test_a_newer_schema_is_refused_with_a_clear_message(tmp_path):
    url = load_frozen(tmp_path / "newer.sqlite")
    with create_engine(url).begin() as conn:
        conn.execute(text("UPDATE nk_alembic_version SET version_num = 'fromthefuture'"))
    with pytest.raises(migrate.MigrationError, match="fromthefuture.*newer version"):
        migrate.upgrade(create_engine(url))


UPGRADE = "import sys, sqlalchemy; from naikkelas.hub import migrate; migrate.upgrade(sqlalchemy.create_engine(sys.argv[1]))"  # noqa: E501


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_processes_starting_together_migrate_once(kind, tmp_path, postgres):
    """The hub, its services and the grader all start at once against a new database."""
    sqlite_url = f"sqlite:///{tmp_path / 'race.sqlite'}"
    url = sqlite_url if kind == "sqlite" else pg_schema(postgres, "race")
    children = [
        subprocess.Popen([sys.executable, "-c", UPGRADE, url], stderr=subprocess.PIPE, text=True)
        for _ in range(4)
    ]
    errors = [child.communicate(timeout=120)[1] for child in children]
    assert [child.returncode for child in children] == [0, 0, 0, 0], errors
    engine = create_engine(url)
    with engine.connect() as conn:
        assert migrate.current(conn) == migrate.heads()
        rows = conn.execute(text("SELECT count(*) FROM nk_alembic_version")).scalar()
    assert rows == len(migrate.heads())


@pytest.mark.parametrize("nbgrader_first", [True, False])
def test_nbgrader_gradebook_and_naikkelas_keep_separate_versions(nbgrader_first, tmp_path):
    url = f"sqlite:///{tmp_path / 'both.sqlite'}"
    if nbgrader_first:
        ensure_gradebook(url)
    engine = engine_for(url)
    ensure_gradebook(url)
    with engine.connect() as conn:
        nbgrader_version = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
        assert migrate.current(conn) == migrate.heads()
    assert nbgrader_version == _nbgrader_schema_head()
    assert differences(engine) == []


def test_a_table_without_its_migration_is_reported(tmp_path):
    """What the agreement check says when a module adds a table but no migration."""
    from sqlalchemy import Column, Integer, MetaData, Table

    engine = engine_for(f"sqlite:///{tmp_path / 'nk.sqlite'}")
    load_tables()
    models = MetaData()
    for table in metadata.tables.values():
        table.to_metadata(models)
    Table("nk_audit_log", models, Column("id", Integer, primary_key=True))
    with engine.connect() as conn:
        ctx = migrate.migration_context(conn, include_object=migrate.include_object)
        diff = compare_metadata(ctx, models)
    assert [(op, table.name) for op, table in diff] == [("add_table", "nk_audit_log")]

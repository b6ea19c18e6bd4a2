"""`make test` runs this suite on PostgreSQL and the browser tests on SQLite (tests/conftest.py):
check that the hubs really keep their data where the suite says."""

from sqlalchemy import text

from naikkelas.hub.db import engine_for
from tests.conftest import database_kind


def test_this_suites_hub_keeps_naikkelas_data_on_postgresql(hub, new_learner):
    username, _ = new_learner()
    engine = engine_for(hub.settings.naikkelas_db_url)
    expected = "postgresql" if database_kind("postgres") == "postgres" else "sqlite"
    assert engine.dialect.name == expected
    with engine.connect() as conn:
        found = conn.execute(
            text("SELECT count(*) FROM nk_accounts WHERE username = :u"), {"u": username}
        ).scalar()
    assert found == 1

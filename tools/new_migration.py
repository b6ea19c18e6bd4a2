"""Write the migration for a change to NaikKelas's tables, into hub/migrations/versions/.

Usage (after `make install-test`, so the installed package has the changed tables):

    .naikkelas/venv/bin/python tools/new_migration.py "audit log"

It upgrades a scratch SQLite database to every head of the checkout's migrations, compares it
with the tables NaikKelas defines (`naikkelas.hub.db.metadata`), and writes what differs as one
new revision file that revises every current head. Review the file (autogenerate does not see
renames, and server defaults need care), then `make install-test` and the tests
(tests/unit/test_migrations.py) check that models and migrations agree.
"""

from __future__ import annotations

import re
import sys
import tempfile
import uuid
from pathlib import Path

from alembic.autogenerate import produce_migrations, render_python_code
from sqlalchemy import create_engine

from naikkelas.hub import migrate
from naikkelas.hub.db import load_tables, metadata

CHECKOUT_MIGRATIONS = Path(__file__).resolve().parent.parent / "hub" / "migrations"


def main(message: str) -> int:
    load_tables()
    script = migrate.script_directory(CHECKOUT_MIGRATIONS)
    parents = tuple(sorted(script.get_heads()))
    with tempfile.TemporaryDirectory() as scratch:
        url = f"sqlite:///{scratch}/scratch.sqlite"
        engine = create_engine(url)
        with migrate._exclusive(engine) as conn:
            migrate._run(conn, script, lambda rev, _ctx: script._upgrade_revs("heads", rev))
        with engine.connect() as conn:
            ctx = migrate.migration_context(
                conn, include_object=migrate.include_object, render_as_batch=True
            )
            diff = produce_migrations(ctx, metadata)
            if diff.upgrade_ops.is_empty():
                print("no difference between the tables and the migrations", file=sys.stderr)
                return 1
            opts = {"render_as_batch": True}
            up = render_python_code(diff.upgrade_ops, migration_context=ctx, **opts)
            down = render_python_code(diff.downgrade_ops, migration_context=ctx, **opts)
    revision = uuid.uuid4().hex[:12]
    slug = re.sub(r"[^a-z0-9]+", "_", message.lower()).strip("_")[:40]
    down_revision = (parents[0] if len(parents) == 1 else parents) or None
    target = CHECKOUT_MIGRATIONS / "versions" / f"{revision}_{slug}.py"
    target.write_text(
        f'"""{message}"""\n\n'
        "import sqlalchemy as sa\n"
        "from alembic import op\n\n"
        f"revision = {revision!r}\n"
        f"down_revision = {down_revision!r}\n"
        "branch_labels = None\n"
        "depends_on = None\n\n\n"
        f"def upgrade() -> None:\n{_indent(up)}\n\n\n"
        f"def downgrade() -> None:\n{_indent(down)}\n"
    )
    print(target)
    return 0


def _indent(code: str) -> str:
    """Alembic's rendering (already indented for a function body) without its banner lines."""
    lines = code.strip("\n").splitlines()
    return "\n".join(line for line in lines if not line.strip().startswith("# ###"))


if __name__ == "__main__":
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    sys.exit(main(sys.argv[1]))

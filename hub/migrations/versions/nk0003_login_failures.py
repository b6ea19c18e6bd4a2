"""login failures"""

import sqlalchemy as sa
from alembic import op

revision = "nk0003"
down_revision = "nk0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "nk_login_failures",
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("last_failure_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("blocked_until", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("kind", "key"),
    )
    with op.batch_alter_table("nk_login_failures", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_nk_login_failures_last_failure_at"), ["last_failure_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("nk_login_failures", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_nk_login_failures_last_failure_at"))

    op.drop_table("nk_login_failures")

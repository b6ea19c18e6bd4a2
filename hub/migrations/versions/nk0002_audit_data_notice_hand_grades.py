"""audit log, data notice, saved hand grading"""

import sqlalchemy as sa
from alembic import op

revision = "nk0002"
down_revision = "nk0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "nk_audit",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=80), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("subject", sa.String(length=80), nullable=False),
        sa.Column("details", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("nk_audit", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_nk_audit_action"), ["action"], unique=False)
        batch_op.create_index(batch_op.f("ix_nk_audit_at"), ["at"], unique=False)
        batch_op.create_index(batch_op.f("ix_nk_audit_subject"), ["subject"], unique=False)

    op.create_table(
        "nk_data_notice",
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("acknowledged_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("username"),
    )
    op.create_table(
        "nk_hand_grades",
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("grades", sa.Text(), nullable=False),
        sa.Column("comments", sa.Text(), nullable=False),
        sa.Column("saved_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["submission_id"], ["nk_submissions.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("submission_id"),
    )


def downgrade() -> None:
    op.drop_table("nk_hand_grades")
    op.drop_table("nk_data_notice")
    with op.batch_alter_table("nk_audit", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_nk_audit_subject"))
        batch_op.drop_index(batch_op.f("ix_nk_audit_at"))
        batch_op.drop_index(batch_op.f("ix_nk_audit_action"))

    op.drop_table("nk_audit")

"""The first schema NaikKelas shipped with migrations.

Databases made before migrations existed (by `metadata.create_all`) already hold some or all of
these tables, exactly as defined here: each table is created only when it is missing, so such a
database is brought under migrations by this revision without special handling.
"""

import sqlalchemy as sa
from alembic import op

revision = "nk0001"
down_revision = None
branch_labels = None
depends_on = None


def _accounts():
    op.create_table(
        "nk_accounts",
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("secret_hash", sa.String(length=256), nullable=False),
        sa.Column("display_name", sa.String(length=200), nullable=False),
        sa.Column("cohort", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("username"),
    )


def _certificates():
    op.create_table(
        "nk_certificates",
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("course", sa.String(length=100), nullable=False),
        sa.Column("display_name", sa.String(length=200), nullable=False),
        sa.Column("course_title", sa.String(length=300), nullable=False),
        sa.Column("certificate_name", sa.String(length=300), nullable=False),
        sa.Column("hours", sa.Integer(), nullable=False),
        sa.Column("issuer", sa.String(length=200), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_reason", sa.Text(), nullable=True),
        sa.Column("current_for", sa.String(length=170), nullable=True),
        sa.PrimaryKeyConstraint("code"),
        sa.UniqueConstraint("current_for"),
    )
    op.create_index("ix_nk_certificates_username", "nk_certificates", ["username"])


def _lesson_state():
    op.create_table(
        "nk_lesson_state",
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("course", sa.String(length=100), nullable=False),
        sa.Column("lesson", sa.String(length=100), nullable=False),
        sa.Column("step", sa.Integer(), nullable=False),
        sa.Column("answers", sa.Text(), nullable=False),
        sa.Column("finished", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("username", "course", "lesson"),
        sa.UniqueConstraint("username", "course", "lesson"),
    )


def _preferences():
    op.create_table(
        "nk_preferences",
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("large_text", sa.Boolean(), nullable=False),
        sa.Column("high_contrast", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("username"),
    )


def _progress_events():
    op.create_table(
        "nk_progress_events",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("event_id", sa.String(length=64), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("course", sa.String(length=100), nullable=False),
        sa.Column("lesson", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("question", sa.String(length=100), nullable=True),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("correct", sa.Boolean(), nullable=True),
        sa.Column("points", sa.Float(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("event_id"),
    )
    op.create_index("ix_nk_progress_events_created_at", "nk_progress_events", ["created_at"])
    op.create_index("ix_nk_progress_events_username", "nk_progress_events", ["username"])


def _submissions():
    op.create_table(
        "nk_submissions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("course", sa.String(length=100), nullable=False),
        sa.Column("lesson", sa.String(length=100), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.String(length=64), nullable=True),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("notebook", sa.Text(), nullable=False),
        sa.Column("answers", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("worker", sa.String(length=64), nullable=True),
        sa.Column("tries", sa.Integer(), nullable=False),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("max_score", sa.Float(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("graded_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("event_id"),
        sa.UniqueConstraint("username", "course", "lesson", "attempt"),
    )
    op.create_index("ix_nk_submissions_status", "nk_submissions", ["status"])
    op.create_index("ix_nk_submissions_username", "nk_submissions", ["username"])


def _learner_profiles():
    op.create_table(
        "nk_learner_profiles",
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("kelurahan", sa.String(length=100), nullable=False),
        sa.Column("kecamatan", sa.String(length=100), nullable=False),
        sa.Column("kota", sa.String(length=100), nullable=False),
        sa.Column("region_code", sa.String(length=13), nullable=False),
        sa.Column("sector", sa.String(length=100), nullable=False),
        sa.Column("gender", sa.String(length=1), nullable=False),
        sa.Column("age_group", sa.String(length=8), nullable=False),
        sa.Column("birth_year", sa.Integer(), nullable=True),
        sa.Column("phone", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_login_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["username"], ["nk_accounts.username"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("username"),
    )


# In dependency order (profiles refer to accounts).
TABLES = {
    "nk_accounts": _accounts,
    "nk_certificates": _certificates,
    "nk_lesson_state": _lesson_state,
    "nk_preferences": _preferences,
    "nk_progress_events": _progress_events,
    "nk_submissions": _submissions,
    "nk_learner_profiles": _learner_profiles,
}


def upgrade() -> None:
    existing = set(sa.inspect(op.get_bind()).get_table_names())
    for name, create in TABLES.items():
        if name not in existing:
            create()


def downgrade() -> None:
    for name in reversed(TABLES):
        op.drop_table(name)

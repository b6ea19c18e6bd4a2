"""Learner profiles: what a city's roster says about a learner, for reports by group.

`nk_learner_profiles` holds one row per learner imported from a roster (see `roster`), beside
`nk_accounts` (which keeps its own columns: existing databases must keep working). Only what
reports need is kept; a NIK is never stored. `last_login_at` tells `roster cards` which learners
have not used their card yet.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Column, DateTime, ForeignKey, Integer, String, Table, update
from sqlalchemy.engine import Engine

from .db import metadata

PROFILE_FIELDS = (
    "kelurahan",
    "kecamatan",
    "kota",
    "region_code",
    "sector",
    "gender",
    "age_group",
    "birth_year",
    "phone",
)

profiles_table = Table(
    "nk_learner_profiles",
    metadata,
    Column(
        "username",
        String(64),
        # Erasing an account erases its profile with it.
        ForeignKey("nk_accounts.username", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("kelurahan", String(100), nullable=False, default=""),
    Column("kecamatan", String(100), nullable=False, default=""),
    Column("kota", String(100), nullable=False, default=""),
    # Kemendagri region code as text ("64.71.03.1001"): leading zeros and dots matter.
    Column("region_code", String(13), nullable=False, default=""),
    Column("sector", String(100), nullable=False, default=""),
    Column("gender", String(1), nullable=False, default=""),  # L | P
    Column("age_group", String(8), nullable=False, default=""),  # <30 30-39 40-49 50-59 60+
    Column("birth_year", Integer, nullable=True),
    Column("phone", String(20), nullable=False, default=""),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("last_login_at", DateTime(timezone=True), nullable=True),
)

AGE_GROUPS = ("<30", "30-39", "40-49", "50-59", "60+")


def age_group(age: int) -> str:
    """The report group of an age in years."""
    if age < 30:
        return "<30"
    if age >= 60:
        return "60+"
    decade = age // 10 * 10
    return f"{decade}-{decade + 9}"


def record_login(engine: Engine, username: str) -> None:
    """Note that a learner has logged in (their card's PIN is in use); no-op without a profile."""
    with engine.begin() as conn:
        conn.execute(
            update(profiles_table)
            .where(profiles_table.c.username == username)
            .values(last_login_at=datetime.now(UTC))
        )

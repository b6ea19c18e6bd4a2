"""A learner's display preferences (large text, high contrast), kept in NaikKelas's database so
they follow the learner to every device.

The NaikKelas service reads and writes them for the learner a token belongs to; the course home
and the lesson shell apply them as CSS classes (`nk-large`, `nk-contrast`).
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Boolean, Column, DateTime, String, Table, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from .db import metadata

preferences_table = Table(
    "nk_preferences",
    metadata,
    Column("username", String(64), primary_key=True),
    Column("large_text", Boolean, nullable=False, default=False),
    Column("high_contrast", Boolean, nullable=False, default=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

# name -> what a learner reads about it (the toggles' labels)
SETTINGS = {"large_text": "Huruf besar", "high_contrast": "Kontras tinggi"}
DEFAULTS = dict.fromkeys(SETTINGS, False)


class PreferenceError(ValueError):
    """Bad input; `message` is for the learner (Bahasa Indonesia)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def validate(changes: object) -> dict[str, bool]:
    """The changes if every key is a known setting and every value true or false."""
    if not isinstance(changes, dict) or not changes:
        raise PreferenceError("Pengaturan tampilan tidak bisa dibaca.")
    unknown = sorted(set(changes) - set(SETTINGS))
    if unknown:
        raise PreferenceError(f"Pengaturan tidak dikenal: {', '.join(map(str, unknown))}.")
    for name, value in changes.items():
        if not isinstance(value, bool):
            raise PreferenceError(f"{SETTINGS[name]} harus nyala (true) atau mati (false).")
    return dict(changes)


def get_preferences(engine: Engine, username: str) -> dict[str, bool]:
    """The learner's preferences; the defaults (all off) when none were saved."""
    with engine.connect() as conn:
        row = conn.execute(
            select(*(preferences_table.c[name] for name in SETTINGS)).where(
                preferences_table.c.username == username
            )
        ).first()
    return {**DEFAULTS, **(dict(row._mapping) if row else {})}


def set_preferences(engine: Engine, username: str, changes: object) -> dict[str, bool]:
    """Validate `changes` first, then save them in one transaction; returns all preferences."""
    changes = validate(changes)
    for _attempt in range(2):  # a concurrent first save by the same learner: update instead
        try:
            with engine.begin() as conn:
                now = datetime.now(UTC)
                exists = conn.execute(
                    select(preferences_table.c.username).where(
                        preferences_table.c.username == username
                    )
                ).first()
                if exists:
                    conn.execute(
                        preferences_table.update()
                        .where(preferences_table.c.username == username)
                        .values(**changes, updated_at=now)
                    )
                else:
                    conn.execute(
                        preferences_table.insert().values(
                            **{**DEFAULTS, **changes}, username=username, updated_at=now
                        )
                    )
            break
        except IntegrityError:
            continue
    return get_preferences(engine, username)

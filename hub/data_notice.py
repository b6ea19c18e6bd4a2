"""The data notice: what NaikKelas keeps about a learner and why, told once in plain words.

A learner sees the notice on their course home until they press "Saya mengerti"; the
acknowledgement is a row of `nk_data_notice` (kept in NaikKelas's database through the NaikKelas
service, like display preferences), so it shows once across all their devices. `VERSION` goes up
when the notice says something new: everyone sees it again once. The notice can be read again at
any time (the course home's "Data saya" link).

    GET  api/data-notice     {"version": N, "acknowledged": bool}   (token only, learners only)
    POST api/data-notice     acknowledge the current version
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from sqlalchemy import Column, DateTime, Integer, String, Table, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from .db import metadata

VERSION = 1

notice_table = Table(
    "nk_data_notice",
    metadata,
    Column("username", String(64), primary_key=True),
    Column("version", Integer, nullable=False),
    Column("acknowledged_at", DateTime(timezone=True), nullable=False),
)


def acknowledged(engine: Engine, username: str) -> bool:
    """Whether the learner acknowledged the current version of the notice."""
    with engine.connect() as conn:
        version = conn.execute(
            select(notice_table.c.version).where(notice_table.c.username == username)
        ).scalar()
    return version is not None and version >= VERSION


def acknowledge(engine: Engine, username: str) -> None:
    """Record that the learner read the current notice (again: only the latest time is kept)."""
    values = {"version": VERSION, "acknowledged_at": datetime.now(UTC)}
    for _attempt in range(2):  # two devices at once: the second updates
        try:
            with engine.begin() as conn:
                done = conn.execute(
                    notice_table.update().where(notice_table.c.username == username), values
                ).rowcount
                if not done:
                    conn.execute(notice_table.insert().values(username=username, **values))
            return
        except IntegrityError:
            continue


def notice_handler():
    """The service's handler (made on demand: `service` imports this module's table early)."""
    from tornado import web

    from .accounts import Role, get_account
    from .service import LessonHandler

    class DataNoticeHandler(LessonHandler):
        def _learner(self) -> str | None:
            account = get_account(self.engine, self.current_user["name"])
            if account is None or account.role is not Role.LEARNER:
                self.set_status(403)
                self.finish({"error": "Hanya untuk peserta."})
                return None
            self.set_header("Cache-Control", "no-store")
            return account.username

        @web.authenticated
        async def get(self):
            username = self._learner()
            if username:
                done = await asyncio.to_thread(acknowledged, self.engine, username)
                self.finish({"version": VERSION, "acknowledged": done})

        @web.authenticated
        async def post(self):
            username = self._learner()
            if username:
                await asyncio.to_thread(acknowledge, self.engine, username)
                self.finish({"version": VERSION, "acknowledged": True})

    return DataNoticeHandler

"""Learners for the officials' dashboard tests, written into a running hub's database through
the functions real learners' answers, finished lessons and certificates go through."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from naikkelas.grading import certificates, lessons
from naikkelas.grading.courses import read_course
from naikkelas.hub.accounts import Role, accounts_table
from naikkelas.hub.db import engine_for
from naikkelas.hub.profiles import profiles_table

COURSE = "mengenal-naikkelas"
LESSONS = ("01-cara-menjawab", "02-latihan-gambar-dan-cerita")
QUESTION = "aman-salah"  # answered `True`, it is wrong


@dataclass(frozen=True)
class Group:
    """`size` learners of one kelurahan and sector; the first `started` answer a question
    (wrongly), the first `finished` finish every lesson of COURSE, `certified` get its
    certificate."""

    kelurahan: str
    sector: str
    gender: str
    size: int
    started: int = 0
    finished: int = 0
    certified: int = 0


def add_learners(hub, kecamatan: str, groups: list[Group], kota: str = "Kota Uji") -> list[str]:
    """Creates the learners (cohort `demo`, with roster profiles); returns their usernames."""
    engine = engine_for(hub.settings.naikkelas_db_url)
    keys = lessons.KeyStore(hub.settings.source_path)
    course = read_course(hub.settings.released_path / "demo" / COURSE)
    now = datetime.now(UTC)
    made = []
    for group in groups:
        names = [f"dash{uuid.uuid4().hex[:10]}" for _ in range(group.size)]
        with engine.begin() as conn:
            for name in names:
                conn.execute(
                    accounts_table.insert().values(
                        username=name,
                        role=Role.LEARNER.value,
                        secret_hash="not-a-hash: never logs in",
                        display_name=f"Ibu Rahasia {name}",
                        cohort="demo",
                        created_at=now,
                        updated_at=now,
                    )
                )
                conn.execute(
                    profiles_table.insert().values(
                        username=name,
                        kelurahan=group.kelurahan,
                        kecamatan=kecamatan,
                        kota=kota,
                        region_code="",
                        sector=group.sector,
                        gender=group.gender,
                        age_group="40-49",
                        phone="",
                        created_at=now,
                        updated_at=now,
                    )
                )
        for i, name in enumerate(names):
            if i < group.started:
                lessons.answer_question(
                    engine, keys, name, COURSE, LESSONS[0], QUESTION, True, uuid.uuid4().hex
                )
            if i < group.finished:
                for lesson in LESSONS:
                    lessons.finish(engine, keys, name, COURSE, lesson, uuid.uuid4().hex)
            if i < group.certified:
                certificates.issue(engine, name, course, f"Ibu Rahasia {name}", "Dinas Uji")
        made += names
    return made

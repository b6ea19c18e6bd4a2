"""Certificates: one per learner per finished course, each with a code anyone can verify.

`nk_certificates` keeps what a certificate says as it was issued (the learner's name, the course's
title and certificate name, hours, issuing office, date), so a re-download gives the same
certificate and the public verification page keeps working after a course or a name changes.

Codes are long random strings, not signatures. A code is 20 symbols drawn by `secrets` from a
32-symbol alphabet with no look-alikes (no 0/O, 1/I), so 100 bits, shown in five groups of four
(`7KQ2-M9XD-...`). Verifying a code always means looking it up in the database (that is where a
revocation is), so a signature would add a secret key to guard and rotate without making a code
any harder to forge: with 2^100 possible codes, guessing one that exists is out of reach, and a
changed ("tampered") code is simply one that does not exist.

Rules a learner or an operator would notice:
- Issuing is idempotent: one certificate per learner per course; asking again returns it.
- A revoked certificate stays revoked, and asking again returns it (revoked) — unless the operator
  revoked it with `allow_new` (e.g. to correct a misspelt name): the learner's next download then
  issues a new certificate with a new code.
"""

from __future__ import annotations

import math
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Column, DateTime, Integer, String, Table, Text, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from naikkelas.hub.db import as_utc, metadata

from .courses import Course, CourseError, read_course

# 32 symbols: digits 2-9 and A-Z without I and O (so nothing reads as 0, 1, I, O or l).
ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
CODE_SYMBOLS = 20  # 20 x 5 bits = 100 bits
GROUP = 4
CODE_RE = re.compile(rf"^[{ALPHABET}]{{{CODE_SYMBOLS}}}$")
MAX_REASON = 500
SLUG = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$")

VALID, REVOKED, UNKNOWN = "valid", "revoked", "unknown"

certificates_table = Table(
    "nk_certificates",
    metadata,
    Column("code", String(32), primary_key=True),
    Column("username", String(64), nullable=False, index=True),
    Column("course", String(100), nullable=False),
    Column("display_name", String(200), nullable=False),  # as it was at issue
    Column("course_title", String(300), nullable=False),
    Column("certificate_name", String(300), nullable=False),
    Column("hours", Integer, nullable=False),
    Column("issuer", String(200), nullable=False),
    Column("issued_at", DateTime(timezone=True), nullable=False),
    Column("revoked_at", DateTime(timezone=True), nullable=True),
    Column("revoked_reason", Text, nullable=True),
    # "<username>/<course>" while this is the certificate a learner's download returns; unique,
    # so two downloads at once still make one certificate. NULL once replaceable (see `revoke`).
    Column("current_for", String(170), nullable=True, unique=True),
)


class CertificateError(ValueError):
    """An operator's request that cannot be done (unknown code, empty reason); English."""


class NotEligible(ValueError):
    """A learner cannot have this certificate (yet); `message` is for the learner."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class Certificate:
    code: str
    username: str
    course: str
    display_name: str
    course_title: str
    certificate_name: str
    hours: int
    issuer: str
    issued_at: datetime
    revoked_at: datetime | None
    revoked_reason: str | None

    @property
    def status(self) -> str:
        return REVOKED if self.revoked_at is not None else VALID


def _row(row) -> Certificate:
    return Certificate(
        code=row.code,
        username=row.username,
        course=row.course,
        display_name=row.display_name,
        course_title=row.course_title,
        certificate_name=row.certificate_name,
        hours=row.hours,
        issuer=row.issuer,
        issued_at=as_utc(row.issued_at),
        revoked_at=as_utc(row.revoked_at),
        revoked_reason=row.revoked_reason,
    )


# -- codes ------------------------------------------------------------------------------------
def new_code() -> str:
    """A fresh code in its printed form: five groups of four symbols, 100 random bits."""
    raw = "".join(secrets.choice(ALPHABET) for _ in range(CODE_SYMBOLS))
    return format_code(raw)


def format_code(raw: str) -> str:
    return "-".join(raw[i : i + GROUP] for i in range(0, len(raw), GROUP))


def normalize_code(text: str | None) -> str | None:
    """The printed form of a code as a person may type it (any case, spaces or dashes
    anywhere), or None when it cannot be a code at all."""
    if not isinstance(text, str) or len(text) > 64:
        return None
    raw = re.sub(r"[\s-]+", "", text).upper()
    return format_code(raw) if CODE_RE.match(raw) else None


# -- who may have one -------------------------------------------------------------------------
def hours_for(minutes: int) -> int:
    """Course length on the certificate: minutes rounded up to whole hours, at least 1."""
    return max(1, math.ceil(max(0, minutes) / 60))


def released_course(released_root: Path, cohort: str, course: str) -> Course:
    """The course as released to `cohort`; `NotEligible(404)` when it is not."""
    if not SLUG.match(course or "") or ".." in course:
        raise NotEligible(404, "Kursus tidak ditemukan.")
    folder = Path(released_root) / (cohort or "_none") / course
    try:
        found = read_course(folder)
    except CourseError:
        raise NotEligible(404, "Kursus ini belum dibuka untuk kelas Anda.") from None
    if not found.lessons:
        raise NotEligible(404, "Kursus ini belum punya pelajaran.")
    return found


def finished_lessons(engine: Engine, username: str, course: str) -> set[str]:
    """Lessons of `course` the learner has finished, by the rule of the course home
    (`submissions.learner_overview`): the lesson's `finished` mark, or — for a lesson with no
    saved state — a submission."""
    from .progress import state_table
    from .submissions import submissions_table as subs

    with engine.connect() as conn:
        states = {
            row.lesson: bool(row.finished)
            for row in conn.execute(
                select(state_table.c.lesson, state_table.c.finished).where(
                    state_table.c.username == username, state_table.c.course == course
                )
            )
        }
        submitted = set(
            conn.execute(
                select(subs.c.lesson)
                .where(subs.c.username == username, subs.c.course == course)
                .distinct()
            ).scalars()
        )
    return {lesson for lesson, done in states.items() if done} | (submitted - set(states))


def check_finished(engine: Engine, username: str, course: Course) -> None:
    """`NotEligible(404)` unless the learner finished every lesson of `course`."""
    done = finished_lessons(engine, username, course.slug)
    left = [lesson for lesson in course.lessons if lesson.slug not in done]
    if left:
        raise NotEligible(
            404,
            f"Sertifikat belum tersedia: selesaikan dulu {len(left)} pelajaran lagi "
            f"di kursus {course.title}.",
        )


# -- issuing, looking up, revoking ------------------------------------------------------------
def _slot(username: str, course: str) -> str:
    return f"{username}/{course}"


def current(engine: Engine, username: str, course: str) -> Certificate | None:
    """The certificate a learner's download of `course` returns (maybe revoked), if any."""
    with engine.connect() as conn:
        row = conn.execute(
            select(certificates_table).where(
                certificates_table.c.current_for == _slot(username, course)
            )
        ).first()
    return _row(row) if row is not None else None


def certificate_row(
    username: str, course: Course, display_name: str, issuer: str, now: datetime | None = None
) -> dict:
    """A new certificate's row, as `issue` writes it (with a fresh code)."""
    return {
        "code": new_code(),
        "username": username,
        "course": course.slug,
        "display_name": (display_name or username)[:200],
        "course_title": course.title[:300],
        "certificate_name": (course.certificate_name or course.title)[:300],
        "hours": hours_for(course.minutes),
        "issuer": issuer[:200],
        "issued_at": now or datetime.now(UTC),
        "current_for": _slot(username, course.slug),
    }


def issue(
    engine: Engine,
    username: str,
    course: Course,
    display_name: str,
    issuer: str,
    now: datetime | None = None,
) -> Certificate:
    """The learner's certificate of `course`: the existing one, else a new one (once, even
    when two requests race). The caller has checked the learner finished the course."""
    for _ in range(5):
        existing = current(engine, username, course.slug)
        if existing is not None:
            return existing
        values = certificate_row(username, course, display_name, issuer, now)
        try:
            with engine.begin() as conn:
                conn.execute(certificates_table.insert().values(**values))
        except IntegrityError:
            continue  # another request issued it first (or, once in 2^100, the code exists)
        return get(engine, values["code"])
    raise RuntimeError(f"could not issue a certificate of {course.slug} to {username}")


def get(engine: Engine, code: str | None) -> Certificate | None:
    """The certificate with this code (in any typed form), or None."""
    normal = normalize_code(code)
    with engine.connect() as conn:
        # Malformed codes are looked up too (as a code that cannot exist), so they take the
        # same path as unknown ones.
        row = conn.execute(
            select(certificates_table).where(certificates_table.c.code == (normal or "-"))
        ).first()
    return _row(row) if row is not None else None


def verify(engine: Engine, code: str | None) -> tuple[str, Certificate | None]:
    """(VALID | REVOKED | UNKNOWN, the certificate or None)."""
    found = get(engine, code)
    return (found.status, found) if found is not None else (UNKNOWN, None)


def revoke(
    engine: Engine,
    code: str,
    reason: str,
    *,
    allow_new: bool = False,
    now: datetime | None = None,
) -> Certificate:
    """Revoke a certificate, saying why. With `allow_new` the learner's next download issues a
    new certificate (also accepted for an already revoked one, to allow that later)."""
    reason = " ".join((reason or "").split())
    if not reason:
        raise CertificateError("a reason is required")
    if len(reason) > MAX_REASON:
        raise CertificateError(f"the reason is longer than {MAX_REASON} characters")
    found = get(engine, code)
    if found is None:
        raise CertificateError("unknown certificate code")
    t = certificates_table
    with engine.begin() as conn:
        if found.revoked_at is None:
            changes = {"revoked_at": now or datetime.now(UTC), "revoked_reason": reason}
            if allow_new:
                changes["current_for"] = None
            done = conn.execute(
                update(t).where(t.c.code == found.code, t.c.revoked_at.is_(None)).values(**changes)
            ).rowcount
        elif allow_new:
            done = conn.execute(
                update(t).where(t.c.code == found.code).values(current_for=None)
            ).rowcount
        else:
            done = 0
    if not done:
        revoked_on = (found.revoked_at or datetime.now(UTC)).date().isoformat()
        raise CertificateError(f"already revoked on {revoked_on}")
    return get(engine, found.code)


def certificates(
    engine: Engine, username: str | None = None, course: str | None = None
) -> list[Certificate]:
    """Certificates (of a learner, of a course), oldest first."""
    t = certificates_table
    query = select(t).order_by(t.c.issued_at, t.c.code)
    if username is not None:
        query = query.where(t.c.username == username)
    if course is not None:
        query = query.where(t.c.course == course)
    with engine.connect() as conn:
        return [_row(row) for row in conn.execute(query)]

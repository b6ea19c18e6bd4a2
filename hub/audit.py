"""The audit log: who did what to whom, and when (UU PDP asks a controller to be able to show it).

`nk_audit` keeps one row per event: logins (and failed logins), role changes, PIN resets, roster
imports, exports and erasures of a learner's data, certificate revocations. A row names the actor
(a hub username, or `cli:<unix user>` for an operator's command), the action, the subject (the
username acted on, when there is one) and a few details as JSON.

What a row never holds: a PIN, a password, a hash, or text a person typed into the username box
of a failed login (it may be a PIN typed in the wrong box): a failed login names the subject only
when the username is an existing account. `record` refuses details whose keys look like secrets.

An erasure (see `learners.erase`) replaces the erased learner's username in every row about them
by a pseudonym (`erased-<hex>`), so the log keeps its counts without naming them.
"""

from __future__ import annotations

import getpass
import json
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Column, DateTime, Integer, String, Table, Text, or_, select, update
from sqlalchemy.engine import Connection, Engine

from .db import as_utc, metadata

audit_table = Table(
    "nk_audit",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", DateTime(timezone=True), nullable=False, index=True),
    Column("actor", String(80), nullable=False),
    Column("action", String(32), nullable=False, index=True),
    Column("subject", String(80), nullable=False, default="", index=True),
    Column("details", Text, nullable=False, default="{}"),
)

ACTIONS = (
    "login",
    "login_failed",
    "role_change",
    "pin_reset",
    "roster_import",
    "export",
    "erase",
    "certificate_revoke",
)
# Keys that would carry a secret; details with these are refused (a bug, not bad input).
SECRET_WORDS = ("pin", "password", "secret", "hash", "token")
SYSTEM = "system"


class AuditError(ValueError):
    """A bad audit query (unknown action, bad date); English, for operators."""


@dataclass(frozen=True)
class Entry:
    id: int
    at: datetime
    actor: str
    action: str
    subject: str
    details: dict

    def line(self) -> str:
        """One tab-separated line: when, actor, action, subject, details."""
        details = json.dumps(self.details, ensure_ascii=False, sort_keys=True)
        when = self.at.isoformat(timespec="seconds")
        return "\t".join((when, self.actor, self.action, self.subject or "-", details))

    def to_json(self) -> dict:
        return {
            "at": self.at.isoformat(),
            "actor": self.actor,
            "action": self.action,
            "subject": self.subject,
            "details": self.details,
        }


def cli_actor() -> str:
    """The actor of an operator's command: the Unix user who ran it."""
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli:unknown"


def _check_details(details: dict) -> str:
    for key in details:
        if any(word in key.lower() for word in SECRET_WORDS):
            raise ValueError(f"audit details must not hold secrets ({key!r})")
    return json.dumps(details, ensure_ascii=False, sort_keys=True, default=str)


def record(
    target: Connection | Engine,
    actor: str,
    action: str,
    subject: str = "",
    **details,
) -> None:
    """Append one entry. Given a connection, inside the caller's transaction (so the entry exists
    exactly when the change does); given an engine, in a transaction of its own."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    values = {
        "at": datetime.now(UTC),
        "actor": (actor or SYSTEM)[:80],
        "action": action,
        "subject": (subject or "")[:80],
        "details": _check_details(details),
    }
    if isinstance(target, Engine):
        with target.begin() as conn:
            conn.execute(audit_table.insert().values(**values))
    else:
        target.execute(audit_table.insert().values(**values))


def login_attempt(engine: Engine, username: str, succeeded: bool) -> None:
    """A login, or a failed one. A failed login names the account only when it exists (the
    typed text of an unknown username is never kept)."""
    from .accounts import accounts_table

    if succeeded:
        record(engine, username, "login", username)
        return
    with engine.connect() as conn:
        known = conn.execute(
            select(accounts_table.c.username).where(accounts_table.c.username == username)
        ).first()
    if known:
        record(engine, SYSTEM, "login_failed", username)
    else:
        record(engine, SYSTEM, "login_failed", "", unknown_username=True)


def parse_since(text: str) -> datetime:
    """`YYYY-MM-DD` or an ISO date-time (UTC when no zone is given)."""
    try:
        when = datetime.fromisoformat(text.strip())
    except ValueError:
        raise AuditError(f"--since {text!r} is not a date like 2026-11-23") from None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def entries(
    target: Connection | Engine,
    *,
    since: datetime | None = None,
    action: str | None = None,
    about: str | None = None,
) -> list[Entry]:
    """Entries oldest first; `about` keeps those whose actor or subject is that username."""
    if action is not None and action not in ACTIONS:
        raise AuditError(f"unknown action {action!r} (one of: {', '.join(ACTIONS)})")
    t = audit_table.c
    query = select(audit_table).order_by(t.id)
    if since is not None:
        query = query.where(t.at >= since)
    if action is not None:
        query = query.where(t.action == action)
    if about is not None:
        query = query.where(or_(t.subject == about, t.actor == about))
    if isinstance(target, Engine):
        with target.connect() as conn:
            rows = conn.execute(query).all()
    else:
        rows = target.execute(query).all()
    return [
        Entry(r.id, as_utc(r.at), r.actor, r.action, r.subject, json.loads(r.details or "{}"))
        for r in rows
    ]


def pseudonymise(
    conn: Connection, username: str, pseudonym: str, also: tuple[str, ...] = ()
) -> int:
    """Replace `username` by `pseudonym` as actor and subject of every entry, and `username` and
    the texts in `also` (their name) inside details; returns how many rows changed."""
    t = audit_table.c
    done = conn.execute(
        update(audit_table).where(t.subject == username).values(subject=pseudonym)
    ).rowcount
    done += conn.execute(
        update(audit_table).where(t.actor == username).values(actor=pseudonym)
    ).rowcount
    words = [w for w in (username, *also) if w and w.strip()]
    if not words:
        return done
    mentions = or_(*(t.details.contains(w, autoescape=True) for w in words))
    for row in conn.execute(select(t.id, t.details).where(mentions)).all():
        details = row.details
        for word in words:
            details = details.replace(word, pseudonym)
        conn.execute(update(audit_table).where(t.id == row.id).values(details=details))
        done += 1
    return done

"""Accounts: who may log in, with which secret, in which role and cohort.

Secrets (a learner's PIN, a staff password) are stored only as Argon2id hashes.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Column, DateTime, String, Table, select
from sqlalchemy.engine import Connection, Engine

from .audit import record
from .db import metadata


class Role(StrEnum):
    """Roles, by the names the product uses."""

    LEARNER = "peserta"
    TRAINER = "pelatih"
    OFFICIAL = "pejabat"
    ADMIN = "admin"


accounts_table = Table(
    "nk_accounts",
    metadata,
    Column("username", String(64), primary_key=True),
    Column("role", String(16), nullable=False),
    Column("secret_hash", String(256), nullable=False),
    Column("display_name", String(200), nullable=False, default=""),
    Column("cohort", String(64), nullable=False, default=""),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

USERNAME_RE = re.compile(r"^[a-z][a-z0-9_-]{1,31}$")
_hasher = PasswordHasher()
# A hash to verify against when the username is unknown, so a wrong username costs as long
# as a wrong PIN and does not reveal which usernames exist.
_DUMMY_HASH = _hasher.hash(secrets.token_hex(8))


class AccountError(ValueError):
    """Bad account input; the message is safe to show."""


@dataclass(frozen=True)
class Account:
    username: str
    role: Role
    display_name: str
    cohort: str


def normalize_username(raw: str) -> str:
    """Usernames are compared lower-case, without surrounding spaces."""
    return (raw or "").strip().lower()


def check_username(username: str) -> str:
    if not USERNAME_RE.match(username):
        raise AccountError(
            f"Invalid username {username!r}: 2-32 characters, a-z, 0-9, '-' or '_', "
            "starting with a letter"
        )
    return username


def check_pin(pin: str, length: int = 6) -> str:
    if not (len(pin) == length and pin.isascii() and pin.isdigit()):
        raise AccountError(f"A PIN has exactly {length} digits")
    return pin


def hash_secret(role: Role, secret: str, pin_length: int = 6) -> str:
    """Check a secret against the rules of `role` and return its Argon2id hash (slow on purpose:
    callers hashing many secrets do so before opening a transaction)."""
    if Role(role) is Role.LEARNER:
        check_pin(secret, pin_length)
    elif len(secret) < 8:
        raise AccountError("A password has at least 8 characters")
    return _hasher.hash(secret)


def write_account(
    conn: Connection,
    username: str,
    role: Role,
    *,
    secret_hash: str | None = None,
    display_name: str | None = None,
    cohort: str | None = None,
    actor: str = "system",
) -> None:
    """Create or update one account inside the caller's transaction.

    A new account needs `secret_hash` (from `hash_secret`); on an existing one, fields left as
    None keep their stored value, so a profile update never touches the secret. A change of an
    existing account's role is written to the audit log (as done by `actor`)."""
    username = check_username(normalize_username(username))
    now = datetime.now(UTC)
    values = {"role": Role(role).value, "updated_at": now}
    for column, value in (
        ("secret_hash", secret_hash),
        ("display_name", display_name),
        ("cohort", cohort),
    ):
        if value is not None:
            values[column] = value
    exists = conn.execute(
        select(accounts_table.c.role).where(accounts_table.c.username == username)
    ).first()
    if exists:
        conn.execute(accounts_table.update().where(accounts_table.c.username == username), values)
        if exists.role != values["role"]:
            record(conn, actor, "role_change", username, old=exists.role, new=values["role"])
        return
    if secret_hash is None:
        raise AccountError(f"A new account needs a secret: {username}")
    conn.execute(
        accounts_table.insert(),
        {"display_name": "", "cohort": "", **values, "username": username, "created_at": now},
    )


def upsert_account(
    engine: Engine,
    username: str,
    role: Role,
    secret: str,
    *,
    display_name: str = "",
    cohort: str = "",
    pin_length: int = 6,
    actor: str = "system",
) -> Account:
    """Create or update an account; the secret is hashed before it is stored."""
    username = check_username(normalize_username(username))
    role = Role(role)
    secret_hash = hash_secret(role, secret, pin_length)
    with engine.begin() as conn:
        write_account(
            conn,
            username,
            role,
            secret_hash=secret_hash,
            display_name=display_name,
            cohort=cohort,
            actor=actor,
        )
    return Account(username, role, display_name, cohort)


def get_account(engine: Engine, username: str) -> Account | None:
    with engine.connect() as conn:
        row = conn.execute(
            select(accounts_table).where(accounts_table.c.username == normalize_username(username))
        ).first()
    if row is None:
        return None
    return Account(row.username, Role(row.role), row.display_name, row.cohort)


def verify_secret(engine: Engine, username: str, secret: str) -> Account | None:
    """The account when `secret` is right for `username`, else None (in constant-ish time)."""
    username = normalize_username(username)
    with engine.connect() as conn:
        row = conn.execute(
            select(accounts_table).where(accounts_table.c.username == username)
        ).first()
    stored = row.secret_hash if row is not None else _DUMMY_HASH
    try:
        _hasher.verify(stored, secret or "")
    except (VerificationError, InvalidHashError):
        return None
    if row is None:
        return None
    return Account(row.username, Role(row.role), row.display_name, row.cohort)

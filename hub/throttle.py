"""Brute-force protection of the login: wrong PINs are slowed, then locked for a while.

Two counters are kept in `nk_login_failures` (so they survive a hub restart and work on
PostgreSQL): one per username and one per client address. Each counts wrong attempts under a
`Policy`:

- the first `free` wrong attempts cost nothing (typos);
- after each further one the next attempt must wait, `first_delay` seconds doubling up to
  `max_delay`;
- at `lock_after` wrong attempts the counter is locked for `lock_seconds`, and every wrong
  attempt after that locks it again for twice as long, up to `max_lock_seconds`;
- a counter is forgotten `forget_seconds` after its last wait or lock ended; a right PIN
  clears the username's counter (not the address's).

The username policy is tight (a learner has one card); the address policy is loose, so that a
whole class behind one kelurahan Wi-Fi address (40 learners, a few typos each) never waits, while
one address spraying guesses over many usernames is still stopped. A lock on one username never
affects another.

An attempt is counted *before* its PIN is checked (and un-counted when the PIN is right), so
parallel requests cannot slip extra guesses past the counter while Argon2 runs.

The client address is the one our own proxy saw (see `client_address`): `X-Forwarded-For` is
read only when the request comes from a trusted proxy address, and only the entry that proxy
appended; `X-Real-Ip` is never read.
"""

from __future__ import annotations

import ipaddress
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Column, DateTime, Integer, String, Table, delete, insert, select, update
from sqlalchemy.engine import Engine

from .db import as_utc, metadata

failures_table = Table(
    "nk_login_failures",
    metadata,
    Column("kind", String(8), primary_key=True),  # "user" | "address"
    Column("key", String(64), primary_key=True),
    Column("failures", Integer, nullable=False),
    Column("last_failure_at", DateTime(timezone=True), nullable=False, index=True),
    Column("blocked_until", DateTime(timezone=True), nullable=True),
)

USER, ADDRESS = "user", "address"


@dataclass(frozen=True)
class Policy:
    """How one kind of counter slows and locks (see the module docstring)."""

    free: int
    lock_after: int
    first_delay: float
    max_delay: float
    lock_seconds: float
    max_lock_seconds: float
    forget_seconds: float

    def wait_after(self, failures: int) -> float:
        """Seconds the next attempt must wait after the `failures`-th wrong one."""
        if failures <= self.free:
            return 0.0
        if failures < self.lock_after:
            steps = min(failures - self.free - 1, 60)
            return min(self.first_delay * 2**steps, self.max_delay)
        steps = min(failures - self.lock_after, 60)
        return min(self.lock_seconds * 2**steps, self.max_lock_seconds)

    def locks(self, failures: int) -> bool:
        return failures >= self.lock_after


def user_policy(lock_seconds: float = 900, first_delay: float = 2) -> Policy:
    """Per username: 3 free typos, then 2, 4, ... 64 s, locked 15 min at 10, up to a day;
    forgotten a week after the last wait (a right PIN clears it at once)."""
    return Policy(
        free=3,
        lock_after=10,
        first_delay=first_delay,
        max_delay=min(64 * first_delay, lock_seconds),
        lock_seconds=lock_seconds,
        max_lock_seconds=96 * lock_seconds,
        forget_seconds=672 * lock_seconds,
    )


def address_policy(lock_seconds: float = 900, first_delay: float = 2) -> Policy:
    """Per address: 200 free (a class of 40 with five typos each), then a few seconds each,
    locked at 400."""
    return Policy(
        free=200,
        lock_after=400,
        first_delay=first_delay / 2,
        max_delay=min(5 * first_delay / 2, lock_seconds),
        lock_seconds=lock_seconds,
        max_lock_seconds=4 * lock_seconds,
        forget_seconds=4 * lock_seconds,
    )


@dataclass(frozen=True)
class Refusal:
    """An attempt refused without checking its PIN: wait `wait_seconds` first."""

    kind: str
    wait_seconds: float
    locked: bool

    def message(self) -> str:
        wait = duration_id(self.wait_seconds)
        if not self.locked:
            return f"PIN salah beberapa kali. Tunggu {wait}, lalu coba lagi."
        if self.kind == ADDRESS:
            return (
                "Terlalu banyak percobaan masuk yang salah dari jaringan ini. "
                f"Coba lagi dalam {wait}."
            )
        return (
            "Terlalu banyak PIN yang salah. Akun ini dikunci sementara. "
            f"Coba lagi dalam {wait}. Jika lupa PIN, minta pelatih mengatur ulang PIN Anda."
        )


@dataclass(frozen=True)
class Attempt:
    """An attempt let through (already counted as wrong; `succeeded` takes that back)."""

    username: str
    address: str
    previous_address_block: datetime | None
    user_wait: float  # what this attempt costs if it turns out wrong
    user_locks: bool

    def failure_message(self) -> str | None:
        """The login page's message for this attempt's wrong PIN, if it now has to wait."""
        if self.user_wait <= 0:
            return None
        return "Nama pengguna atau PIN salah. " + Refusal(
            USER, self.user_wait, self.user_locks
        ).message().removeprefix("PIN salah beberapa kali. ")


def duration_id(seconds: float) -> str:
    """A wait in plain Indonesian, rounded up: "8 detik", "15 menit", "2 jam"."""
    seconds = max(1, math.ceil(seconds))
    if seconds < 60:
        return f"{seconds} detik"
    if seconds < 3600:
        return f"{math.ceil(seconds / 60)} menit"
    return f"{math.ceil(seconds / 3600)} jam"


class LoginThrottle:
    """The two counters over one database. Not safe for concurrent callers in one process:
    the authenticator serialises `begin` (it is short; the PIN check is not inside it)."""

    def __init__(
        self,
        engine: Engine,
        users: Policy | None = None,
        addresses: Policy | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ):
        self.engine = engine
        self.policies = {USER: users or user_policy(), ADDRESS: addresses or address_policy()}
        self.clock = clock

    def _current(self, conn, kind: str, key: str, now: datetime):
        """(failures, blocked until, whether a row exists), a forgotten counter as zero."""
        row = conn.execute(
            select(failures_table.c.failures, failures_table.c.last_failure_at,
                   failures_table.c.blocked_until)
            .where(failures_table.c.kind == kind, failures_table.c.key == key)
            .with_for_update()
        ).first()  # fmt: skip
        if row is None:
            return 0, None, False
        last, blocked = as_utc(row.last_failure_at), as_utc(row.blocked_until)
        quiet_since = max(last, blocked) if blocked else last
        if now - quiet_since >= timedelta(seconds=self.policies[kind].forget_seconds):
            return 0, None, True
        return row.failures, blocked, True

    def _write(self, conn, kind, key, failures, now, blocked, existed: bool) -> None:
        values = {"failures": failures, "last_failure_at": now, "blocked_until": blocked}
        if existed:
            conn.execute(
                update(failures_table)
                .where(failures_table.c.kind == kind, failures_table.c.key == key)
                .values(**values)
            )
        else:
            conn.execute(insert(failures_table).values(kind=kind, key=key, **values))

    def begin(self, username: str, address: str) -> Attempt | Refusal:
        """Count an attempt (as wrong until `succeeded`), or refuse it while it must wait."""
        username, address = username[:64], address[:64]
        now = self.clock()
        with self.engine.begin() as conn:
            current = {}
            for kind, key in ((USER, username), (ADDRESS, address)):
                current[kind] = (key, *self._current(conn, kind, key, now))
            for kind in (USER, ADDRESS):
                _key, failures, blocked, _ = current[kind]
                if blocked is not None and blocked > now:
                    policy = self.policies[kind]
                    return Refusal(kind, (blocked - now).total_seconds(), policy.locks(failures))
            waits = {}
            for kind, (key, failures, _blocked, existed) in current.items():
                failures += 1
                wait = self.policies[kind].wait_after(failures)
                waits[kind] = (wait, self.policies[kind].locks(failures))
                blocked = now + timedelta(seconds=wait) if wait else None
                self._write(conn, kind, key, failures, now, blocked, existed)
            self._prune(conn, now)
        return Attempt(
            username=username,
            address=address,
            previous_address_block=current[ADDRESS][2],
            user_wait=waits[USER][0],
            user_locks=waits[USER][1],
        )

    def succeeded(self, attempt: Attempt) -> None:
        """The PIN was right: clear the username's counter, take the attempt back from the
        address's."""
        with self.engine.begin() as conn:
            conn.execute(
                delete(failures_table).where(
                    failures_table.c.kind == USER, failures_table.c.key == attempt.username
                )
            )
            conn.execute(
                update(failures_table)
                .where(
                    failures_table.c.kind == ADDRESS,
                    failures_table.c.key == attempt.address,
                    failures_table.c.failures > 0,
                )
                .values(
                    failures=failures_table.c.failures - 1,
                    blocked_until=attempt.previous_address_block,
                )
            )

    def _prune(self, conn, now: datetime) -> None:
        """Drop counters long forgotten, so guessed usernames do not pile up."""
        longest = max(p.forget_seconds + p.max_lock_seconds for p in self.policies.values())
        conn.execute(
            delete(failures_table).where(
                failures_table.c.last_failure_at < now - timedelta(seconds=longest)
            )
        )


def clear_user(engine: Engine, username: str) -> None:
    """Forget a username's wrong attempts (after a trainer resets the PIN)."""
    with engine.begin() as conn:
        forget_failures(conn, username)


def forget_failures(conn, username: str) -> None:
    """`clear_user` inside the caller's transaction."""
    conn.execute(
        delete(failures_table).where(
            failures_table.c.kind == USER, failures_table.c.key == username[:64]
        )
    )


def failure_count(engine: Engine, kind: str, key: str) -> int:
    """Wrong attempts currently counted for a username or address (0 if none)."""
    with engine.connect() as conn:
        value = conn.execute(
            select(failures_table.c.failures).where(
                failures_table.c.kind == kind, failures_table.c.key == key[:64]
            )
        ).scalar()
    return value or 0


# -- the client's address ------------------------------------------------------------------------

LOOPBACK = ("127.0.0.0/8", "::1/128")


def address_key(address: str) -> str:
    """The counter key of an address: IPv4 as is, IPv6 by its /64 (one household or phone
    gets a whole /64, so single IPv6 addresses would be free to change)."""
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return "unknown"
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def client_address(
    peer: str, forwarded_for: str | None, trusted: Iterable[str] = LOOPBACK, hops: int = 1
) -> str:
    """The client's address as our own proxy saw it.

    `peer` is the address the request came from (the TCP peer, never a header). Only when it
    is a trusted proxy is `X-Forwarded-For` read, and then only the entries the `hops`
    trusted proxies appended, counted from the right: configurable-http-proxy *appends* the
    address it saw to whatever the client sent, so the last entry is the real one and anything
    to its left is the client's own claim. `X-Real-Ip` is never read (tornado would let a client
    set the hub's `remote_ip` with it).
    """
    networks = [ipaddress.ip_network(n, strict=False) for n in trusted]

    def is_trusted(address: str) -> bool:
        try:
            ip = ipaddress.ip_address(address.strip())
        except ValueError:
            return False
        if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
            ip = ip.ipv4_mapped
        return any(ip.version == n.version and ip in n for n in networks)

    address = peer
    entries = [e.strip() for e in (forwarded_for or "").split(",") if e.strip()]
    for _ in range(hops):
        if not is_trusted(address) or not entries:
            break
        address = entries.pop()
    return address_key(address)

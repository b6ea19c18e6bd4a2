"""The login limits on PostgreSQL (the database at scale), as on SQLite."""

from __future__ import annotations

from naikkelas.hub.db import engine_for
from naikkelas.hub.throttle import (
    ADDRESS,
    USER,
    Attempt,
    LoginThrottle,
    Refusal,
    clear_user,
    failure_count,
)
from tests.unit.test_throttle import Clock, lock


def test_lock_refusal_restart_and_reset_on_postgresql(postgres):
    clock = Clock()
    engine = engine_for(postgres.url)
    guard = LoginThrottle(engine, clock=clock)
    lock(guard, clock, "peserta1")
    refused = guard.begin("peserta1", "203.0.113.9")
    assert isinstance(refused, Refusal) and refused.locked and refused.kind == USER
    assert isinstance(guard.begin("peserta2", "203.0.113.9"), Attempt)
    assert failure_count(engine, ADDRESS, "203.0.113.9") == 11
    # Another hub process (a restart) sees the same lock.
    assert isinstance(LoginThrottle(engine, clock=clock).begin("peserta1", "x"), Refusal)
    clear_user(engine, "peserta1")
    attempt = guard.begin("peserta1", "203.0.113.9")
    assert isinstance(attempt, Attempt)
    guard.succeeded(attempt)
    assert failure_count(engine, USER, "peserta1") == 0
    assert failure_count(engine, ADDRESS, "203.0.113.9") == 11

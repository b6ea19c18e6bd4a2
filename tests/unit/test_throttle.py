"""Brute-force protection: the arithmetic of the limits, on a real (SQLite) database with a clock
the test moves. The same limits are hammered through a real hub in tests/security/."""

from datetime import UTC, datetime, timedelta

import pytest

from naikkelas.hub.db import engine_for
from naikkelas.hub.throttle import (
    ADDRESS,
    USER,
    Attempt,
    LoginThrottle,
    Refusal,
    address_policy,
    clear_user,
    client_address,
    duration_id,
    failure_count,
    user_policy,
)

DAY = 86400
PIN_SPACE = 10**6


class Clock:
    def __init__(self):
        self.now = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)

    def __call__(self):
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def guard(tmp_path, clock):
    return LoginThrottle(engine_for(f"sqlite:///{tmp_path / 'nk.sqlite'}"), clock=clock)


def lock(guard, clock, username: str) -> None:
    """Ten wrong PINs, each as soon as allowed: the tenth locks the username."""
    for n in range(10):
        attempt = guard.begin(username, "203.0.113.9")
        assert isinstance(attempt, Attempt)
        if n < 9:
            clock.advance(attempt.user_wait)


def test_a_username_is_slowed_after_three_typos_and_locked_at_ten():
    policy = user_policy()
    waits = [policy.wait_after(n) for n in range(1, 14)]
    assert waits == [0, 0, 0, 2, 4, 8, 16, 32, 64, 900, 1800, 3600, 7200]
    assert policy.wait_after(100) == DAY  # the longest lock: a day
    assert not policy.locks(9) and policy.locks(10)


def seconds_for_guesses(policy, guesses: int, burst: int | None) -> float:
    """How long an attacker needs for `guesses` wrong PINs against one username, guessing as
    soon as allowed, and (with `burst`) waiting for the counter to be forgotten after every
    `burst` guesses instead of guessing on."""
    t = 0.0
    failures = 0
    made = 0
    quiet_at = 0.0  # when the current wait or lock ends
    while made < guesses:
        if burst is not None and failures >= burst:
            t = max(t, quiet_at) + policy.forget_seconds
            failures = 0
        t = max(t, quiet_at)
        failures += 1
        made += 1
        quiet_at = t + policy.wait_after(failures)
    return t


@pytest.mark.parametrize("burst", [None, *range(1, 41)], ids=lambda b: f"burst-{b}")
def test_ten_thousand_guesses_at_one_username_take_more_than_ten_years(burst):
    """Whatever the rhythm, 10,000 guesses (1% of the 6-digit PINs) take over ten years."""
    seconds = seconds_for_guesses(user_policy(), 10_000, burst)
    assert seconds > 10 * 365 * DAY, f"{seconds / DAY:.0f} days"


def test_in_a_year_one_username_gets_under_one_in_a_thousand_chance():
    best = 0
    for burst in [None, *range(1, 41)]:
        low, high = 1, 10_000
        while low < high:  # most guesses that fit in a year with this rhythm
            mid = (low + high + 1) // 2
            if seconds_for_guesses(user_policy(), mid, burst) <= 365 * DAY:
                low = mid
            else:
                high = mid - 1
        best = max(best, low)
    assert best / PIN_SPACE < 1 / 1000, best


def test_ten_thousand_guesses_in_a_burst_get_four_pins_checked(guard):
    """The real throttle: 10,000 attempts as fast as they come; only 4 reach the PIN check,
    the rest are refused unseen (the clock never moves, as in a burst)."""
    checked = 0
    refusals = set()
    for _ in range(10_000):
        result = guard.begin("peserta1", "203.0.113.9")
        if isinstance(result, Attempt):
            checked += 1
        else:
            refusals.add((result.kind, result.locked))
    # 3 free, then each wrong PIN makes the next wait: only the first 4 pass in a burst.
    assert checked == 4
    assert refusals == {(USER, False)}


def test_hammering_as_allowed_locks_the_username_and_the_right_pin_waits(guard, clock):
    results = []
    for n in range(10):
        result = guard.begin("peserta1", "203.0.113.9")
        assert isinstance(result, Attempt)
        results.append(result)
        if n < 9:
            clock.advance(result.user_wait)  # the attacker waits exactly as long as told
    assert results[-1].user_locks and results[-1].user_wait == 900
    refused = guard.begin("peserta1", "203.0.113.9")  # even with the right PIN: never checked
    assert isinstance(refused, Refusal) and refused.locked and refused.kind == USER
    assert "dikunci" in refused.message() and "15 menit" in refused.message()
    # After the lock a right PIN goes through and clears the username.
    clock.advance(900)
    attempt = guard.begin("peserta1", "203.0.113.9")
    assert isinstance(attempt, Attempt)
    guard.succeeded(attempt)
    assert failure_count(guard.engine, USER, "peserta1") == 0


def test_a_locked_username_does_not_lock_another_on_the_same_address(guard, clock):
    lock(guard, clock, "peserta1")
    assert isinstance(guard.begin("peserta1", "203.0.113.9"), Refusal)
    other = guard.begin("peserta2", "203.0.113.9")
    assert isinstance(other, Attempt)


def test_a_class_of_forty_behind_one_address_never_waits(guard, clock):
    """40 learners on one kelurahan Wi-Fi, three typos each, then their right PIN."""
    for typo in range(3):
        for n in range(40):
            result = guard.begin(f"peserta{n}", "203.0.113.9")
            assert isinstance(result, Attempt), (typo, n, result)
            assert result.user_wait == 0
            clock.advance(1)
    for n in range(40):
        attempt = guard.begin(f"peserta{n}", "203.0.113.9")
        assert isinstance(attempt, Attempt)
        guard.succeeded(attempt)
        clock.advance(1)
    assert failure_count(guard.engine, ADDRESS, "203.0.113.9") == 120


def test_a_class_with_five_typos_each_is_slowed_only_by_its_own_usernames(guard, clock):
    for _ in range(5):
        for n in range(40):
            result = guard.begin(f"peserta{n}", "203.0.113.9")
            assert not (isinstance(result, Refusal) and result.kind == ADDRESS)
            if isinstance(result, Refusal):
                clock.advance(result.wait_seconds)
                assert isinstance(guard.begin(f"peserta{n}", "203.0.113.9"), Attempt)
        clock.advance(5)


def test_one_address_spraying_many_usernames_is_locked(guard, clock):
    locked_at = None
    for n in range(1000):
        result = guard.begin(f"korban{n}", "198.51.100.7")
        if isinstance(result, Refusal):
            assert result.kind == ADDRESS
            if result.locked:
                locked_at = n
                break
            clock.advance(result.wait_seconds)
            result = guard.begin(f"korban{n}", "198.51.100.7")
            assert isinstance(result, Attempt)
    assert locked_at == address_policy().lock_after
    assert "jaringan ini" in guard.begin("korbanlain", "198.51.100.7").message()
    # Another address is not affected.
    assert isinstance(guard.begin("korbanlain", "198.51.100.8"), Attempt)


def test_locks_survive_a_restart_and_a_pin_reset_clears_them(guard, clock, tmp_path):
    lock(guard, clock, "peserta1")
    restarted = LoginThrottle(engine_for(f"sqlite:///{tmp_path / 'nk.sqlite'}"), clock=clock)
    assert isinstance(restarted.begin("peserta1", "203.0.113.9"), Refusal)
    clear_user(restarted.engine, "peserta1")
    assert isinstance(restarted.begin("peserta1", "203.0.113.9"), Attempt)


def test_a_counter_is_forgotten_a_week_after_its_last_wait(guard, clock):
    for _ in range(5):
        clock.advance(guard.begin("peserta1", "203.0.113.9").user_wait)
    clock.advance(6 * DAY)
    assert failure_count(guard.engine, USER, "peserta1") == 5
    assert guard.begin("peserta1", "203.0.113.9").user_wait > 0
    clock.advance(7 * DAY + 60)
    attempt = guard.begin("peserta1", "203.0.113.9")
    assert isinstance(attempt, Attempt) and attempt.user_wait == 0
    assert failure_count(guard.engine, USER, "peserta1") == 1


def test_messages_say_how_long_in_indonesian():
    assert duration_id(7.2) == "8 detik"
    assert duration_id(900) == "15 menit"
    assert duration_id(3 * 3600) == "3 jam"
    slowed = Refusal(USER, 8, locked=False).message()
    assert slowed == "PIN salah beberapa kali. Tunggu 8 detik, lalu coba lagi."
    wrong = Attempt("peserta1", "203.0.113.9", None, user_wait=2, user_locks=False)
    expected = "Nama pengguna atau PIN salah. Tunggu 2 detik, lalu coba lagi."
    assert wrong.failure_message() == expected
    locking = Attempt("peserta1", "203.0.113.9", None, user_wait=900, user_locks=True)
    message = locking.failure_message()
    assert "Akun ini dikunci sementara. Coba lagi dalam 15 menit." in message


@pytest.mark.parametrize(
    "peer,forwarded,expected",
    [
        # Through our proxy: the entry it appended is the client.
        ("127.0.0.1", "203.0.113.9", "203.0.113.9"),
        # A client's own X-Forwarded-For is kept by the proxy to the left of the real one.
        ("127.0.0.1", "1.2.3.4, 203.0.113.9", "203.0.113.9"),
        ("::ffff:127.0.0.1", "10.9.8.7,::ffff:203.0.113.9", "203.0.113.9"),
        # Not from a trusted proxy: the header is the client's claim and is ignored.
        ("203.0.113.9", "127.0.0.1", "203.0.113.9"),
        ("198.51.100.1", "1.2.3.4", "198.51.100.1"),
        # IPv6 clients are counted by their /64.
        ("127.0.0.1", "2001:db8:1:2:aaaa::1", "2001:db8:1:2::/64"),
        ("127.0.0.1", "garbage", "unknown"),
        ("127.0.0.1", None, "127.0.0.1"),
    ],
)
def test_the_client_address_is_what_our_proxy_saw(peer, forwarded, expected):
    assert client_address(peer, forwarded) == expected

"""Attacks on the login page: guessing PINs, and forging the client's address to dodge the limits.

A platform of its own with a 10-second lock (a setting, `NAIKKELAS_LOGIN_LOCK_SECONDS`) and short
waits, so a test can see a lock end; the limits themselves (10,000 guesses) are worked out in
tests/unit/test_throttle.py.
"""

import uuid
from datetime import UTC, datetime

import pytest
import requests

from tests.support import wait_for

LOCK_SECONDS = 10
RIGHT_PIN = "246810"


@pytest.fixture(scope="module")
def throttle_hub(start_hub):
    return start_hub(
        "throttle-hub",
        extra_env={
            "NAIKKELAS_LOGIN_LOCK_SECONDS": str(LOCK_SECONDS),
            "NAIKKELAS_LOGIN_DELAY_SECONDS": "0.05",
        },
    )


@pytest.fixture
def engine(throttle_hub):
    from naikkelas.hub.db import engine_for

    return engine_for(throttle_hub.settings.naikkelas_db_url)


@pytest.fixture
def victim(engine):
    from naikkelas.hub.accounts import Role, upsert_account

    username = f"korban{uuid.uuid4().hex[:6]}"
    upsert_account(engine, username, Role.LEARNER, RIGHT_PIN, cohort="demo")
    return username


class Attacker(requests.Session):
    def __init__(self, base_url: str):
        super().__init__()
        self.base_url = base_url
        self.get(f"{base_url}/hub/login")

    def guess(self, username: str, pin: str, headers: dict | None = None) -> requests.Response:
        if headers:
            # JupyterHub ties a login form's xsrf token to tornado's idea of the client's
            # address, which X-Real-Ip sets: fetch the form as the forged client.
            self.get(f"{self.base_url}/hub/login", headers=headers)
        xsrf = next(c.value for c in self.cookies if c.name == "_xsrf")
        return self.post(
            f"{self.base_url}/hub/login",
            data={"username": username, "password": pin, "_xsrf": xsrf},
            headers=headers or {},
            allow_redirects=False,
        )


def blocked_until(engine, username: str) -> datetime | None:
    from sqlalchemy import select

    from naikkelas.hub.db import as_utc
    from naikkelas.hub.throttle import USER, failures_table

    with engine.connect() as conn:
        value = conn.execute(
            select(failures_table.c.blocked_until).where(
                failures_table.c.kind == USER, failures_table.c.key == username
            )
        ).scalar()
    return as_utc(value)


def logged_in(response: requests.Response) -> bool:
    return response.status_code == 302 and "/hub/login" not in response.headers["Location"]


def hammer_until_locked(attacker, username, guesses, headers=lambda n: None):
    """Send guesses as fast as they go until the page says the account is locked; returns
    (responses, how many guesses were sent)."""
    seen = []
    for n, pin in enumerate(guesses):
        r = attacker.guess(username, pin, headers(n))
        assert not logged_in(r), f"guess {pin} logged in"
        seen.append(r)
        assert "Login form invalid" not in r.text, "the attack never reached the PIN check"
        if "dikunci" in r.text:
            return seen, n + 1
    raise AssertionError(f"{len(guesses)} guesses and never locked")


def test_attack_brute_force_pin_is_slowed_then_locked_and_the_right_pin_waits(
    throttle_hub, engine, victim
):
    from naikkelas.hub.throttle import USER, failure_count

    attacker = Attacker(throttle_hub.url)
    guesses = [f"{n:06d}" for n in range(10_000)]
    responses, sent = hammer_until_locked(attacker, victim, guesses)
    locked_until = blocked_until(engine, victim)
    assert locked_until is not None
    statuses = {r.status_code for r in responses}
    assert statuses <= {403, 429}
    # The first wrong PINs say so plainly; then the page says to wait, then that it is locked.
    assert "Nama pengguna atau PIN salah" in responses[0].text
    assert any("Tunggu" in r.text and "detik" in r.text for r in responses)
    last = responses[-1]
    assert "Akun ini dikunci sementara" in last.text and f"{LOCK_SECONDS} detik" in last.text
    assert failure_count(engine, USER, victim) == 10  # exactly ten PINs were ever checked

    # While locked, the right PIN is refused like any other, and says why.
    r = attacker.guess(victim, RIGHT_PIN)
    assert r.status_code == 429 and not logged_in(r)
    assert "dikunci" in r.text and int(r.headers["Retry-After"]) <= LOCK_SECONDS
    # The rest of the 10,000 guesses, the right one among them, change nothing.
    for pin in [*guesses[sent : sent + 40], RIGHT_PIN]:
        r = attacker.guess(victim, pin)
        assert r.status_code == 429 and not logged_in(r)
    assert failure_count(engine, USER, victim) == 10

    # Once the lock has run out, the right PIN logs in (the test waits for that, no sleep).
    learner = Attacker(throttle_hub.url)
    r = wait_for(
        lambda: (r := learner.guess(victim, RIGHT_PIN)) is not None and logged_in(r) and r,
        LOCK_SECONDS + 20,
        "the lock to run out",
        interval=0.5,
    )
    assert datetime.now(UTC) >= locked_until
    assert failure_count(engine, USER, victim) == 0


def test_attack_a_locked_username_does_not_lock_out_the_rest_of_the_class(
    throttle_hub, engine, victim
):
    attacker = Attacker(throttle_hub.url)
    hammer_until_locked(attacker, victim, [f"{n:06d}" for n in range(10_000)])
    # Same address (one kelurahan Wi-Fi), another learner: logs in at once.
    classmate = Attacker(throttle_hub.url)
    assert logged_in(classmate.guess("peserta2", "123456"))


FORGED = {
    "x-forwarded-for": lambda n: {"X-Forwarded-For": f"10.66.{n // 250}.{n % 250 + 1}"},
    "x-real-ip": lambda n: {"X-Real-Ip": f"10.77.{n // 250}.{n % 250 + 1}"},
    "both": lambda n: {
        "X-Forwarded-For": f"192.0.2.{n % 250 + 1}, 198.51.100.{n % 250 + 1}",
        "X-Real-Ip": f"203.0.113.{n % 250 + 1}",
    },
}


@pytest.mark.parametrize("forged", FORGED, ids=[f"forged-{k}" for k in FORGED])
def test_attack_forged_forwarding_headers_neither_reset_nor_dodge_the_counters(
    throttle_hub, engine, victim, forged
):
    """A client talking straight to the platform's public address sends a new "client
    address" with every guess; the proxy appends the address it really saw, and only that
    counts."""
    from sqlalchemy import select

    from naikkelas.hub.throttle import ADDRESS, failures_table

    def address_rows():
        with engine.connect() as conn:
            query = select(failures_table.c.key, failures_table.c.failures).where(
                failures_table.c.kind == ADDRESS
            )
            return dict(conn.execute(query).all())

    before = address_rows()
    attacker = Attacker(throttle_hub.url)
    _responses, _sent = hammer_until_locked(
        attacker, victim, [f"{n:06d}" for n in range(10_000)], FORGED[forged]
    )
    after = address_rows()
    # Every checked guess was counted against the address the proxy saw (loopback here),
    # none against an address the client made up.
    assert set(after) == set(before) | {"127.0.0.1"}
    assert after["127.0.0.1"] - before.get("127.0.0.1", 0) == 10
    # And a fresh forged address with the right PIN does not get past the lock.
    r = attacker.guess(victim, RIGHT_PIN, FORGED[forged](9999))
    assert r.status_code == 429 and not logged_in(r)

"""A trainer resets a forgetful learner's PIN on the trainers' pages: who may, and that it works."""

from __future__ import annotations

import re
import uuid

import pytest

from naikkelas.hub import audit
from naikkelas.hub.accounts import Role, upsert_account
from naikkelas.hub.db import engine_for
from tests.integration.test_roster_hub import logs_in
from tests.support import LearnerClient

PAGES = "/services/naikkelas/pelatih"


def browser_of(hub, username, secret) -> LearnerClient:
    client = LearnerClient(hub.url, username)
    client.login(secret)
    return client


def form_xsrf(html: str) -> str:
    return re.search(r'name="_xsrf" value="([^"]+)"', html).group(1)


def reset_url(hub, cohort, username) -> str:
    return f"{hub.url}{PAGES}/kelas/{cohort}/peserta/{username}/pin"


def test_trainer_resets_a_pin_new_one_works_old_one_not(hub, new_learner):
    username, old_pin = new_learner(display_name="Ibu Lupa PIN")
    trainer = browser_of(hub, "pelatih", "pelatih-demo")
    home = trainer.get(f"{hub.url}{PAGES}/")
    assert "Peserta dan PIN" in home.text
    page = trainer.get(f"{hub.url}{PAGES}/kelas/demo/peserta")
    assert page.status_code == 200 and "Ibu Lupa PIN" in page.text
    assert f"/peserta/{username}/pin" in page.text
    # Without the page's token (a request forged by another site), nothing changes.
    forged = trainer.post(reset_url(hub, "demo", username), allow_redirects=False)
    assert forged.status_code == 403
    assert logs_in(hub, username, old_pin)

    r = trainer.post(reset_url(hub, "demo", username), data={"_xsrf": form_xsrf(page.text)})
    assert r.status_code == 200 and "PIN baru" in r.text and "Ibu Lupa PIN" in r.text
    assert r.headers["Cache-Control"] == "no-store"
    new_pin = re.search(r'id="nk-pin">(\d+)<', r.text).group(1)
    assert len(new_pin) == 6 and new_pin != old_pin
    assert logs_in(hub, username, new_pin)
    assert not logs_in(hub, username, old_pin)
    engine = engine_for(hub.settings.naikkelas_db_url)
    (entry,) = audit.entries(engine, action="pin_reset", about=username)
    assert (entry.actor, entry.details) == ("pelatih", {"cohort": "demo", "via": "trainer page"})
    assert new_pin not in entry.line()


def test_a_trainer_of_another_cohort_cannot_reset_this_cohorts_pins(hub, new_learner):
    username, pin = new_learner()
    name = f"pelatih{uuid.uuid4().hex[:6]}"
    engine = engine_for(hub.settings.naikkelas_db_url)
    upsert_account(engine, name, Role.TRAINER, "rahasia-panjang", cohort="kelas-lain")
    upsert_account(engine, f"x{name}", Role.LEARNER, "246810", cohort="kelas-lain")
    other = browser_of(hub, name, "rahasia-panjang")
    own = other.get(f"{hub.url}{PAGES}/kelas/kelas-lain/peserta")
    assert own.status_code == 200 and username not in own.text
    xsrf = form_xsrf(own.text)
    page = other.get(f"{hub.url}{PAGES}/kelas/demo/peserta")
    assert page.status_code == 403 and username not in page.text
    r = other.post(reset_url(hub, "demo", username), data={"_xsrf": xsrf})
    assert r.status_code == 403 and "bukan kelas Anda" in r.text
    # Naming the learner under the trainer's own cohort does not help either.
    r = other.post(reset_url(hub, "kelas-lain", username), data={"_xsrf": xsrf})
    assert r.status_code == 404
    assert logs_in(hub, username, pin)
    assert audit.entries(engine, action="pin_reset", about=username) == []


@pytest.mark.parametrize(
    "who, secret",
    [("peserta1", "123456"), ("pejabat", "pejabat-demo")],
    ids=["learner", "official"],
)
def test_learners_and_officials_cannot_reset_pins(hub, new_learner, who, secret):
    username, pin = new_learner()
    client = browser_of(hub, who, secret)
    assert client.get(f"{hub.url}{PAGES}/kelas/demo/peserta").status_code == 403
    client.get(f"{hub.url}{PAGES}/")  # the service's xsrf cookie, as a page visit would set
    xsrf = next((c.value for c in client.cookies if c.name == "_xsrf"), "")
    r = client.post(reset_url(hub, "demo", username), data={"_xsrf": xsrf})
    assert r.status_code == 403
    assert logs_in(hub, username, pin)


def test_a_learner_locked_out_by_wrong_pins_logs_in_with_the_new_one_at_once(hub, new_learner):
    """Locked for 15 minutes after 10 wrong PINs, the learner asks the trainer for a new one:
    it works straight away, without waiting for the lock to run out."""
    from datetime import UTC, datetime, timedelta

    from naikkelas.hub.throttle import LoginThrottle

    username, pin = new_learner(display_name="Ibu Salah PIN")
    engine = engine_for(hub.settings.naikkelas_db_url)
    clock = [datetime.now(UTC) - timedelta(seconds=300)]
    throttle = LoginThrottle(engine, clock=lambda: clock[0])
    locked = None
    while locked is None or not locked.user_locks:
        locked = throttle.begin(username, "192.0.2.7")  # ten wrong PINs, waiting out each delay
        clock[0] += timedelta(seconds=locked.user_wait + 1)
    assert not logs_in(hub, username, pin), "the right PIN is refused while locked"

    trainer = browser_of(hub, "pelatih", "pelatih-demo")
    page = trainer.get(f"{hub.url}{PAGES}/kelas/demo/peserta")
    r = trainer.post(reset_url(hub, "demo", username), data={"_xsrf": form_xsrf(page.text)})
    new_pin = re.search(r'id="nk-pin">(\d+)<', r.text).group(1)
    assert logs_in(hub, username, new_pin)

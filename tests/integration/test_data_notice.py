"""The first-visit data notice: shown until "Saya mengerti", once across devices, readable again."""

from __future__ import annotations

import re

from naikkelas.hub import data_notice
from naikkelas.hub.db import engine_for
from tests.support import LearnerClient

NOTICE = "Data Anda di NaikKelas"


def logged_in(hub, username, pin) -> LearnerClient:
    client = LearnerClient(hub.url, username)
    client.login(pin)
    client.wait_for_server()
    return client


def test_notice_shows_until_acknowledged_then_never_again_on_any_device(hub, new_learner):
    username, pin = new_learner()
    phone = logged_in(hub, username, pin)
    home = f"{phone.server_url}/naikkelas"
    page = phone.get(home).text
    assert NOTICE in page and "Saya mengerti" in page
    assert "NIK Anda" in page and "Pejabat kota hanya melihat jumlah" in page
    assert "meminta data Anda dihapus" in page
    # Reloading does not make it go away: only the button does.
    assert NOTICE in phone.get(home).text
    form = f"{phone.server_url}/naikkelas/data-saya"
    assert phone.post(form, allow_redirects=False).status_code == 403  # no xsrf token: refused
    assert not data_notice.acknowledged(engine_for(hub.settings.naikkelas_db_url), username)
    xsrf = re.search(r'name="_xsrf" value="([^"]+)"', page).group(1)
    r = phone.post(form, data={"_xsrf": xsrf}, allow_redirects=False)
    assert r.status_code == 303 and r.headers["Location"].endswith("/naikkelas")
    page = phone.get(home).text
    assert NOTICE not in page and "Data saya" in page
    assert data_notice.acknowledged(engine_for(hub.settings.naikkelas_db_url), username)
    # Another device (a fresh login) does not see it again...
    other_device = LearnerClient(hub.url, username)
    other_device.login(pin)
    assert NOTICE not in other_device.get(home).text
    # ...and the learner can read it again at any time.
    again = phone.get(form)
    assert again.status_code == 200 and NOTICE in again.text and "Saya mengerti" not in again.text


def test_the_service_keeps_the_acknowledgement_only_for_the_learner_who_gives_it(hub, new_learner):
    first, first_pin = new_learner()
    second, second_pin = new_learner()
    client = logged_in(hub, first, first_pin)
    page = client.get(f"{client.server_url}/naikkelas").text
    xsrf = re.search(r'name="_xsrf" value="([^"]+)"', page).group(1)
    client.post(f"{client.server_url}/naikkelas/data-saya", data={"_xsrf": xsrf})
    engine = engine_for(hub.settings.naikkelas_db_url)
    assert data_notice.acknowledged(engine, first)
    assert not data_notice.acknowledged(engine, second)
    other = logged_in(hub, second, second_pin)
    assert NOTICE in other.get(f"{other.server_url}/naikkelas").text

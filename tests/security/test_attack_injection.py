"""Script and HTML injection: through a name in the roster (shown later on the trainer's cohort
view and the learner's own pages) and through a lesson answer."""

import json
import uuid

import pytest
import requests

from naikkelas.hub.accounts import Role, upsert_account
from naikkelas.hub.db import engine_for
from tests.support import LearnerClient

COURSE, LESSON = "mengenal-naikkelas", "01-cara-menjawab"
PAYLOAD = '<script>window.__nkPwned=1</script><img src=x onerror="window.__nkPwned=2">Bu Jahil'


@pytest.fixture(scope="module")
def jahil(hub):
    """A learner whose roster name is an attack, in the trainer's cohort."""
    username = f"jahil{uuid.uuid4().hex[:6]}"
    upsert_account(
        engine_for(hub.settings.naikkelas_db_url),
        username,
        Role.LEARNER,
        "112233",
        cohort="demo",
        display_name=PAYLOAD,
    )
    client = LearnerClient(hub.url, username)
    client.login("112233")
    client.wait_for_server()
    return client


def test_attack_script_in_roster_name_on_the_learners_own_page(hub, jahil):
    html = jahil.get(f"{jahil.server_url}/naikkelas").text
    assert "<script>window.__nkPwned" not in html and "<img src=x" not in html
    assert "&lt;script&gt;window.__nkPwned=1&lt;/script&gt;" in html


def test_attack_script_in_roster_name_on_the_cohort_view_data(hub, jahil):
    trainer = LearnerClient(hub.url, "pelatih")
    trainer.login("pelatih-demo")
    r = trainer.get(f"{hub.url}/services/naikkelas/pelatih/api/kelas/demo/{COURSE}")
    assert r.headers["Content-Type"].startswith("application/json")
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert PAYLOAD in r.text or json.dumps(PAYLOAD)[1:-1] in r.text  # data, served as data


@pytest.mark.browser
def test_attack_script_in_roster_name_runs_nowhere_on_the_cohort_view(hub, jahil, phone):
    page = phone
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(f"{hub.url}/hub/login?next=/services/naikkelas/pelatih/kelas/demo/{COURSE}")
    page.get_by_label("Nama pengguna").fill("pelatih")
    page.get_by_label("PIN atau kata sandi").fill("pelatih-demo")
    page.get_by_role("button", name="Masuk").tap()
    page.get_by_text("Diperbarui", exact=False).wait_for(timeout=60_000)
    # The name is shown as the text it is; nothing in it ran or loaded.
    page.get_by_text("Bu Jahil", exact=False).first.wait_for()
    assert page.evaluate("window.__nkPwned") is None
    assert page.locator('img[src="x"]').count() == 0
    assert dialogs == []


def test_attack_html_in_an_answer_is_stored_as_data_never_echoed_as_markup(hub, jahil):
    r = jahil.post(
        f"{hub.url}/hub/api/users/{jahil.username}/tokens",
        json={"scopes": ["access:services!service=naikkelas"]},
        headers={"X-XSRFToken": jahil.xsrf()},
    )
    token = r.json()["token"]
    url = f"{hub.url}/services/naikkelas/api/lessons/{COURSE}/{LESSON}/answer"
    body = {"question": "cara-menjawab", "answer": PAYLOAD, "event_id": uuid.uuid4().hex}
    r = requests.post(url, json=body, headers={"Authorization": f"token {token}"})
    assert r.headers["Content-Type"].startswith("application/json")
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert "<script>" not in r.text and "<img" not in r.text  # feedback comes from the key
    state = requests.get(
        url.replace("/answer", "/state"), headers={"Authorization": f"token {token}"}
    )
    assert state.headers["Content-Type"].startswith("application/json")
    assert state.headers["Content-Security-Policy"].startswith("default-src 'none'")
    home = jahil.get(f"{jahil.server_url}/naikkelas").text
    assert "<script>window.__nkPwned" not in home

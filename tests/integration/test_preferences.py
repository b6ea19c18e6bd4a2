"""Display preferences against a real hub: kept per learner for every device, only ever the
caller's own, refused to anyone else and to bad input."""

import re

import pytest
import requests

from tests.integration.test_service import token_for
from tests.support import LearnerClient


def service(hub, token):
    url = f"{hub.url}/services/naikkelas/api/preferences"
    headers = {"Authorization": f"token {token}"}
    return (
        lambda: requests.get(url, headers=headers, allow_redirects=False),
        lambda body: requests.post(url, json=body, headers=headers, allow_redirects=False),
    )


@pytest.fixture
def learner_api(hub, new_learner):
    username, pin = new_learner()
    client = LearnerClient(hub.url, username)
    client.login(pin)
    return service(hub, token_for(client))


def test_saved_for_the_learner_and_nobody_else(hub, learner_api, new_learner):
    get, post = learner_api
    assert get().json() == {"large_text": False, "high_contrast": False}
    r = post({"large_text": True})
    assert r.status_code == 200 and r.json() == {"large_text": True, "high_contrast": False}
    assert get().json()["large_text"] is True
    other_get, _ = service(hub, _token_of_new_learner(hub, new_learner))
    assert other_get().json() == {"large_text": False, "high_contrast": False}


def _token_of_new_learner(hub, new_learner):
    username, pin = new_learner()
    client = LearnerClient(hub.url, username)
    client.login(pin)
    return token_for(client)


@pytest.mark.parametrize(
    "body", [{"large_text": "ya"}, {"warna": True}, {}, ["large_text"], "large_text=1"]
)
def test_bad_input_gets_a_reason_and_changes_nothing(learner_api, body):
    get, post = learner_api
    post({"high_contrast": True})
    r = post(body)
    assert r.status_code == 400
    assert re.search(r"tidak|harus", r.json()["error"])
    assert get().json() == {"large_text": False, "high_contrast": True}


def test_no_token_no_access(hub, new_learner):
    # A learner's browser cookie must not reach this API: tokens only.
    username, pin = new_learner()
    browser = LearnerClient(hub.url, username)
    browser.login(pin)
    url = f"{hub.url}/services/naikkelas/api/preferences"
    r = browser.post(url, json={"large_text": True}, allow_redirects=False)
    assert r.status_code in (302, 403)
    assert requests.get(url, allow_redirects=False).status_code in (302, 403)


def test_only_learners_have_preferences(hub):
    trainer = LearnerClient(hub.url, "pelatih")
    trainer.login("pelatih-demo")
    get, post = service(hub, token_for(trainer))
    assert get().status_code == 403
    assert post({"large_text": True}).status_code == 403


def test_course_home_buttons_save_and_show_the_choice(hub, learner):
    client = learner("peserta3")
    home = f"{client.server_url}/naikkelas"
    form = f"{home}/tampilan"
    page = client.get(home).text
    assert 'aria-pressed="false"' in page and "nk-large" not in page.split("<head>")[0]
    # Without the form's XSRF token the server refuses the post.
    r = client.post(form, data={"large_text": "1"}, allow_redirects=False)
    assert r.status_code == 403
    xsrf = re.search(r'name="_xsrf" value="([^"]+)"', page).group(1)
    r = client.post(form, data={"large_text": "1", "_xsrf": xsrf}, allow_redirects=False)
    assert r.status_code == 303 and r.headers["Location"].endswith("/naikkelas")
    page = client.get(home).text
    assert 'class="nk-large' in page
    assert re.search(r'name="large_text" value="0" aria-pressed="true"', page)
    r = client.post(form, data={"large_text": "2", "_xsrf": xsrf}, allow_redirects=False)
    assert r.status_code == 400
    client.post(form, data={"large_text": "0", "_xsrf": xsrf}, allow_redirects=False)
    assert 'class="nk-large' not in client.get(home).text


def test_nobody_else_changes_a_learners_display(hub, learner, new_learner):
    owner = learner("peserta3")
    username, pin = new_learner()
    intruder = LearnerClient(hub.url, username)
    intruder.login(pin)
    r = intruder.post(
        f"{owner.server_url}/naikkelas/tampilan",
        data={"high_contrast": "1", "_xsrf": intruder.xsrf()},
        allow_redirects=True,
    )
    assert r.status_code in (403, 404) or "/hub/login" in r.url
    assert "nk-contrast" not in owner.get(f"{owner.server_url}/naikkelas").text.split("<head>")[0]

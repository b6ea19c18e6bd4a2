"""CSRF: every state-changing request of a logged-in browser, sent as another site would send
it (the victim's cookies, no xsrf token or a wrong one, a foreign Origin), must be refused and
change nothing."""

import uuid

import pytest

from naikkelas.hub.db import engine_for
from naikkelas.hub.preferences import get_preferences
from tests.support import LearnerClient

COURSE = "mengenal-naikkelas"
EVIL = "http://penipu.example"


@pytest.fixture(scope="module")
def victim(hub):
    from naikkelas.hub.accounts import Role, upsert_account

    username = f"csrf{uuid.uuid4().hex[:6]}"
    upsert_account(
        engine_for(hub.settings.naikkelas_db_url), username, Role.LEARNER, "864200", cohort="demo"
    )
    client = LearnerClient(hub.url, username)
    client.login("864200")
    client.wait_for_server()
    return client


@pytest.fixture(scope="module")
def trainer(hub):
    client = LearnerClient(hub.url, "pelatih")
    client.login("pelatih-demo")
    assert client.get(f"{hub.url}/services/naikkelas/pelatih/").status_code == 200
    return client


# (attack id, who, method, path, form body)
REQUESTS = [
    ("hub-create-token", "victim", "POST", "/hub/api/users/{me}/tokens", None),
    ("hub-stop-own-server", "victim", "DELETE", "/hub/api/users/{me}/server", None),
    ("hub-login-as-attacker", "victim", "POST", "/hub/login",
     {"username": "peserta1", "password": "123456"}),
    ("learner-display-preferences", "victim", "POST", "/user/{me}/naikkelas/tampilan",
     {"large_text": "1"}),
    ("learner-shutdown-kernels", "victim", "DELETE", "/user/{me}/api/kernels/KERNEL", None),
    ("trainer-open-course", "trainer", "POST", f"/services/naikkelas/pelatih/buka/{COURSE}", {}),
    ("formgrader-change-grade", "trainer", "PUT",
     f"/services/formgrader/{COURSE}/formgrader/api/grade/1", None),
]  # fmt: skip


@pytest.mark.parametrize("token", ["no-xsrf", "wrong-xsrf"])
@pytest.mark.parametrize(
    "who,method,path,form", [r[1:] for r in REQUESTS], ids=[r[0] for r in REQUESTS]
)
def test_attack_csrf_on_state_changing_requests(hub, victim, trainer, who, method, path, form,
                                               token):  # fmt: skip
    client = victim if who == "victim" else trainer
    kernel = None
    if "KERNEL" in path:
        kernel = client.open_lesson(client.lesson_links()[0])
        path = path.replace("KERNEL", kernel)
    url = f"{hub.url}{path.replace('{me}', victim.username)}"
    headers = {"Origin": EVIL, "Referer": f"{EVIL}/hadiah.html"}
    data = dict(form) if form is not None else None
    if token == "wrong-xsrf":
        headers["X-XSRFToken"] = "2|deadbeef|" + "0" * 40 + "|1700000000"
        if data is not None:
            data["_xsrf"] = headers["X-XSRFToken"]
    r = client.request(
        method,
        url,
        data=data,
        json={} if data is None and method in ("POST", "PUT") else None,
        headers=headers,
        allow_redirects=False,
    )
    assert r.status_code in (400, 401, 403), f"{method} {path}: {r.status_code} {r.text[:200]}"
    # Nothing changed: the victim is still themselves, server and kernel running, settings off.
    me = victim.get(f"{hub.url}/hub/api/user", headers={"X-XSRFToken": victim.xsrf()}).json()
    assert me["name"] == victim.username
    assert "nk-main" in victim.get(f"{victim.server_url}/naikkelas").text  # server still up
    engine = engine_for(hub.settings.naikkelas_db_url)
    assert get_preferences(engine, victim.username)["large_text"] is False
    if kernel:
        alive = victim.get(f"{victim.server_url}/naikkelas/api/kernels/{kernel}/alive")
        assert alive.status_code == 204

"""Attacks a learner can make from their own browser session, against the real shared platform.

Attacks already tried elsewhere are listed in docs/security.md (tests/integration/test_lockdown.py
covers JupyterLab, tree, terminals, the contents API, kernel creation and execute/inspect/complete/
history requests over the kernel websocket); this file adds the rest.
"""

import json
import struct
import time
import uuid

import pytest
import requests

from naikkelas.grading import progress
from naikkelas.hub.db import engine_for
from tests.support import LearnerClient, kernel_message, kernel_websocket

COURSE, LESSON = "mengenal-naikkelas", "01-cara-menjawab"


@pytest.fixture(scope="module")
def attacker(hub):
    """A fresh learner of cohort demo with a running server (a clean progress record)."""
    from naikkelas.hub.accounts import Role, upsert_account

    username = f"serang{uuid.uuid4().hex[:6]}"
    upsert_account(
        engine_for(hub.settings.naikkelas_db_url), username, Role.LEARNER, "975310", cohort="demo"
    )
    client = LearnerClient(hub.url, username)
    client.login("975310")
    client.wait_for_server()
    return client


def decode(raw) -> dict:
    """A kernel websocket message; one with buffers comes as a binary frame (jupyter_server's
    legacy format: count, offsets, the JSON message, then the buffers)."""
    if isinstance(raw, str):
        return json.loads(raw)
    count = struct.unpack("!I", raw[:4])[0]
    offsets = struct.unpack(f"!{count}I", raw[4 : 4 + 4 * count])
    return json.loads(raw[offsets[0] : offsets[1] if count > 1 else None])


def read_until(ws, predicate, timeout: float = 60) -> list[dict]:
    """Messages from the kernel websocket until one satisfies `predicate`."""
    seen = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        msg = decode(ws.recv())
        seen.append(msg)
        if predicate(msg):
            return seen
    raise TimeoutError("no such message")


def lesson_socket(client):
    link = next(link for link in client.lesson_links() if LESSON in link)
    return kernel_websocket(client, client.open_lesson(link))


def comm_ids(ws) -> list[str]:
    request = kernel_message("comm_info_request", {})
    ws.send_text(json.dumps(request))
    msgs = read_until(ws, lambda m: m["parent_header"].get("msg_id") == request["header"]["msg_id"]
                      and m["msg_type"] == "comm_info_reply")  # fmt: skip
    return list(msgs[-1]["content"]["comms"])


def answer_key_texts(hub) -> list[str]:
    """Feedback texts that exist only in the lesson's answer key (the private source copy)."""
    from naikkelas.grading.lessons import KeyStore

    key = KeyStore(hub.settings.source_path).key(COURSE, LESSON)
    return [q[name] for q in key.values() for name in ("right", "wrong") if q.get(name)]


def test_attack_widget_control_comm_asks_for_all_widget_state(hub, attacker):
    """`jupyter.widget.control` hands over every widget's state: the page's own widgets, and
    nothing of the answer key (which never enters the kernel)."""
    ws = lesson_socket(attacker)
    try:
        comm_id = uuid.uuid4().hex
        opening = kernel_message(
            "comm_open", {"comm_id": comm_id, "target_name": "jupyter.widget.control", "data": {}}
        )
        opening["metadata"] = {"version": "1.0.0"}  # ipywidgets' control protocol
        ws.send_text(json.dumps(opening))
        ws.send_text(json.dumps(kernel_message(
            "comm_msg", {"comm_id": comm_id, "data": {"method": "request_states"}}
        )))  # fmt: skip
        msgs = read_until(
            ws,
            lambda m: (
                m["msg_type"] == "comm_msg"
                and m["content"].get("data", {}).get("method") == "update_states"
            ),
        )
    finally:
        ws.close()
    states = json.dumps(msgs[-1]["content"]["data"]["states"], ensure_ascii=False)
    assert "Lanjut" in states  # the attack did get the page's widgets
    leaked = [text for text in answer_key_texts(hub) if text in states]
    assert leaked == [], f"answer key text in widget state: {leaked}"
    assert '"answer":' not in states and "KEY" not in states


def test_attack_set_synced_traits_such_as_a_score_from_the_browser(hub, attacker):
    """Push new values into every widget of the lesson (value, description, a score), as a
    browser can over the widget protocol; what counts is what the service recorded, and it
    recorded nothing."""
    ws = lesson_socket(attacker)
    try:
        for comm_id in comm_ids(ws):
            for state in (
                {"value": 100},
                {"value": "Nilai 100 dari 100", "description": "Selesai"},
                {"score": 100, "correct": True, "finished": True},
            ):
                ws.send_text(json.dumps(kernel_message("comm_msg", {
                    "comm_id": comm_id,
                    "data": {"method": "update", "state": state, "buffer_paths": []},
                })))  # fmt: skip
        probe = kernel_message("kernel_info_request", {})
        ws.send_text(json.dumps(probe))
        read_until(ws, lambda m: m["parent_header"].get("msg_id") == probe["header"]["msg_id"])
    finally:
        ws.close()
    engine = engine_for(hub.settings.naikkelas_db_url)
    state = progress.get_state(engine, attacker.username, COURSE, LESSON)
    assert not state.finished
    assert not any(a.get("correct") for a in state.answers.values()), state.answers


# -- the hub's REST API beyond one's own user --------------------------------------------------

HUB_API = [
    ("list-users", "GET", "/hub/api/users"),
    ("read-other-user", "GET", "/hub/api/users/peserta1"),
    ("start-other-server", "POST", "/hub/api/users/peserta1/server"),
    ("stop-other-server", "DELETE", "/hub/api/users/peserta1/server"),
    ("token-for-other-user", "POST", "/hub/api/users/peserta1/tokens"),
    ("make-self-admin", "PATCH", "/hub/api/users/{me}"),
    ("create-user", "POST", "/hub/api/users/penyusup"),
    ("delete-other-user", "DELETE", "/hub/api/users/peserta1"),
    ("list-groups", "GET", "/hub/api/groups"),
    ("join-trainer-group", "POST", "/hub/api/groups/pelatih/users"),
    ("list-services", "GET", "/hub/api/services"),
    ("read-proxy-routes", "GET", "/hub/api/proxy"),
    ("shutdown-hub", "POST", "/hub/api/shutdown"),
]


@pytest.mark.parametrize("method,path", [a[1:] for a in HUB_API], ids=[a[0] for a in HUB_API])
def test_attack_hub_api_beyond_own_user(hub, attacker, method, path):
    """With the learner's own cookie *and* xsrf token (so only permissions stand in the way)."""
    path = path.replace("{me}", attacker.username)
    body = {"admin": True, "usernames": [attacker.username], "name": "penyusup"}
    r = attacker.request(
        method,
        f"{hub.url}{path}",
        json=body,
        headers={"X-XSRFToken": attacker.xsrf(), "Referer": f"{hub.url}/hub/home"},
        allow_redirects=False,
    )
    assert r.status_code in (403, 404), f"{method} {path}: {r.status_code} {r.text[:200]}"
    me = attacker.get(f"{hub.url}/hub/api/user", headers={"X-XSRFToken": attacker.xsrf()}).json()
    assert me["admin"] is False and "pelatih" not in me.get("groups", [])


def test_attack_own_api_token_reaches_nothing_beyond_own_user(hub, attacker):
    r = attacker.post(
        f"{hub.url}/hub/api/users/{attacker.username}/tokens",
        json={"scopes": ["admin:users", "list:users", "access:servers"]},
        headers={"X-XSRFToken": attacker.xsrf()},
    )
    # Asking for more than one's own permissions is refused outright.
    assert r.status_code in (400, 403), r.text
    r = attacker.post(
        f"{hub.url}/hub/api/users/{attacker.username}/tokens",
        json={},
        headers={"X-XSRFToken": attacker.xsrf()},
    )
    token = r.json()["token"]
    auth = {"Authorization": f"token {token}"}
    for path in ("/hub/api/users", "/hub/api/users/peserta1", "/hub/api/groups"):
        assert requests.get(f"{hub.url}{path}", headers=auth).status_code in (403, 404), path
    r = requests.get(f"{hub.url}/user/peserta1/naikkelas", headers=auth, allow_redirects=False)
    assert r.status_code in (302, 403, 404) and "Halo," not in r.text


# -- path traversal and odd usernames in URLs ----------------------------------------------------

TRAVERSAL = [
    ("dotdot-to-other-server", "/user/{me}/../peserta1/naikkelas"),
    ("encoded-dotdot-to-other-server", "/user/{me}/..%2F..%2Fuser%2Fpeserta1%2Fnaikkelas"),
    ("encoded-slash-username", "/user/peserta1%2F..%2F{me}/naikkelas"),
    ("uppercase-other-username", "/user/PESERTA1/naikkelas"),
    ("lookalike-cyrillic-username", "/user/pеserta1/naikkelas"),
    ("voila-render-outside-root", "/user/{me}/voila/render/..%2F..%2F..%2Fetc%2Fpasswd"),
    ("voila-file-outside-root", "/user/{me}/voila/files/..%2F..%2F..%2Fetc%2Fpasswd"),
    ("static-outside-root", "/user/{me}/naikkelas/static/..%2F..%2F..%2F..%2Fetc%2Fpasswd"),
    ("certificate-of-dotdot-course", "/user/{me}/naikkelas/sertifikat/..%2F..%2Fetc%2Fpasswd"),
    ("trainer-static-outside-root", "/services/naikkelas/pelatih/static/..%2F..%2Fsettings.py"),
    ("cohort-view-of-dotdot-cohort", "/services/naikkelas/pelatih/kelas/..%2Flain/" + COURSE),
    ("service-lesson-dotdot", "/services/naikkelas/api/lessons/..%2F..%2Fetc/passwd/state"),
]


@pytest.mark.parametrize("path", [t[1] for t in TRAVERSAL], ids=[t[0] for t in TRAVERSAL])
def test_attack_path_traversal_and_odd_usernames(hub, attacker, path):
    url = f"{hub.url}{path.replace('{me}', attacker.username)}"
    if path.startswith("/services/naikkelas/api/"):
        # The lesson API takes tokens only: attack it with the learner's own token.
        r = requests.get(url, headers={"Authorization": f"token {service_token(hub, attacker)}"})
    else:
        r = attacker.get(url, timeout=30)
    assert "root:x:0" not in r.text and "SERVICE_NAME" not in r.text
    assert "Ibu Siti Aminah" not in r.text  # peserta1's name: another learner's page
    assert "Traceback" not in r.text
    assert (
        r.status_code in (400, 403, 404)
        or "/hub/login" in r.url
        or r.url.endswith(f"/user/{attacker.username}/naikkelas")
    ), f"{r.status_code} {r.url}"


def service_token(hub, client) -> str:
    """A token of the learner for the NaikKelas service, as their lesson kernels hold."""
    r = client.post(
        f"{hub.url}/hub/api/users/{client.username}/tokens",
        json={"scopes": ["access:services!service=naikkelas"]},
        headers={"X-XSRFToken": client.xsrf()},
    )
    r.raise_for_status()
    return r.json()["token"]


@pytest.mark.parametrize(
    "username",
    [
        "../admin",
        "peserta1\x00",
        "peserta1/../admin",
        "<script>",
        "a" * 300,
        "PESERTA1 ",
        "admin'--",
    ],  # fmt: skip
    ids=["dotdot", "nul", "slash", "html", "long", "case-space", "sql-quote"],
)
def test_attack_odd_usernames_at_login_get_in_nowhere(hub, username):
    """Odd names (with a PIN that is nobody's) are refused with the login page, never an error
    page, and what they contained is not written back into the page as markup."""
    client = LearnerClient(hub.url, username)
    r = client.login("000000")
    assert "/user/" not in r.url and "/hub/login" in r.url
    assert r.status_code == 403, r.status_code
    assert "Nama pengguna atau PIN salah" in r.text
    assert 'value="<script>' not in r.text


# -- trainer and official pages ------------------------------------------------------------------

STAFF_PAGES = [
    ("trainer-home", "/services/naikkelas/pelatih/"),
    ("cohort-view", f"/services/naikkelas/pelatih/kelas/demo/{COURSE}"),
    ("cohort-data", f"/services/naikkelas/pelatih/api/kelas/demo/{COURSE}"),
    ("formgrader", f"/services/formgrader/{COURSE}/formgrader"),
    ("formgrader-api", f"/services/formgrader/{COURSE}/formgrader/api/submissions/{LESSON}"),
    ("officials-dashboard", "/services/naikkelas/pejabat/"),
    ("officials-export", "/services/naikkelas/pejabat/unduh/csv"),
    ("trainer-pins", "/services/naikkelas/pelatih/kelas/demo/peserta"),
    ("roster-upload", "/services/naikkelas/pelatih/roster"),
    ("hub-admin", "/hub/admin"),
    ("trainer-jupyterlab", "/user/pelatih/lab"),
]


@pytest.mark.parametrize("path", [p[1] for p in STAFF_PAGES], ids=[p[0] for p in STAFF_PAGES])
def test_attack_learner_opens_trainer_and_official_pages(hub, attacker, path):
    r = attacker.get(f"{hub.url}{path}", timeout=60)
    assert r.status_code in (403, 404) or "/hub/login" in r.url, f"{path}: {r.status_code}"
    assert "Kemajuan peserta" not in r.text and "Ibu Siti Aminah" not in r.text

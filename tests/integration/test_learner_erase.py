"""Erasing a learner on a running hub: the hub user, their server and Unix user go too; logins are
in the audit log; the certificate's public page names nobody afterwards."""

from __future__ import annotations

import os
import pwd

import pytest
import requests

from naikkelas.grading import certificates as certs
from naikkelas.hub import audit
from naikkelas.hub.db import engine_for
from naikkelas.hub.hub_users import system_user
from tests.roster_support import naikkelas
from tests.support import LearnerClient
from tests.unit.test_certificates import ISSUER, make_course


def admin_token(hub) -> str:
    """An admin's API token, made the way an operator makes one (logged in, at /hub/token)."""
    admin = LearnerClient(hub.url, "admin")
    admin.login("admin-demo")
    r = admin.post(
        f"{hub.url}/hub/api/users/admin/tokens",
        json={"note": "erase test", "expires_in": 600},
        headers={"X-XSRFToken": admin.xsrf()},
    )
    assert r.status_code == 201, r.text
    return r.json()["token"]


def test_logins_are_audited_by_the_real_authenticator(hub, new_learner):
    username, pin = new_learner()
    engine = engine_for(hub.settings.naikkelas_db_url)
    LearnerClient(hub.url, username).login("999999")
    LearnerClient(hub.url, username).login(pin)
    LearnerClient(hub.url, "tidakadaorang").login(pin)
    assert [e.action for e in audit.entries(engine, about=username)] == ["login_failed", "login"]
    unknown = [e for e in audit.entries(engine, action="login_failed") if not e.subject]
    assert unknown and all("tidakadaorang" not in e.line() for e in unknown)


def test_erase_on_a_running_hub_removes_hub_user_server_and_files(hub, new_learner, tmp_path):
    username, pin = new_learner(display_name="Ibu Yuliani Erasa")
    client = LearnerClient(hub.url, username)
    client.login(pin)
    client.wait_for_server()
    engine = engine_for(hub.settings.naikkelas_db_url)
    course = make_course(tmp_path / "released")
    cert = certs.issue(engine, username, course, "Ibu Yuliani Erasa", ISSUER)
    token = admin_token(hub)
    api = f"{hub.url}/hub/api/users/{username}"
    headers = {"Authorization": f"token {token}"}
    assert requests.get(api, headers=headers, timeout=10).status_code == 200
    as_root = os.geteuid() == 0
    if as_root:
        pwd.getpwnam(system_user("nk-", username))  # the learner's own Unix user exists

    refused = naikkelas(hub, "learner", "erase", username, "--yes", "--hub-url", hub.url)
    assert refused.returncode == 1 and "give an admin account's API token" in refused.stderr
    assert requests.get(api, headers=headers, timeout=10).status_code == 200

    done = naikkelas(
        hub, "learner", "erase", username, "--yes", "--hub-url", hub.url, "--hub-token", token
    )
    assert done.returncode == 0, done.stderr
    assert "removed through the hub's API" in done.stdout
    assert requests.get(api, headers=headers, timeout=10).status_code == 404
    assert "Nama pengguna atau PIN salah" in LearnerClient(hub.url, username).login(pin).text
    if as_root:
        with pytest.raises(KeyError):
            pwd.getpwnam(system_user("nk-", username))
    page = requests.get(f"{hub.url}/services/naikkelas/sertifikat/{cert.code}", timeout=10)
    assert page.status_code == 410
    assert "sudah dicabut" in page.text and "sudah dihapus atas permintaannya" in page.text
    assert "Yuliani" not in page.text

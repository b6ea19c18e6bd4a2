"""Security headers on every kind of page the platform serves, fetched from a real platform.

Each page must carry nosniff, a referrer policy and its Content-Security-Policy (see
`naikkelas.hub.headers` and docs/security.md for which policy and why); no page may be framed by
another site, and a page without script allows none.
"""

import re

import pytest

from naikkelas.hub import headers as h
from tests.support import LearnerClient

COURSE = "mengenal-naikkelas"


@pytest.fixture(scope="module")
def peserta(hub):
    client = LearnerClient(hub.url, "peserta2")
    client.login("123456")
    client.wait_for_server()
    return client


@pytest.fixture(scope="module")
def pejabat(hub):
    client = LearnerClient(hub.url, "pejabat")
    client.login("pejabat-demo")
    return client


@pytest.fixture(scope="module")
def pelatih(hub):
    client = LearnerClient(hub.url, "pelatih")
    client.login("pelatih-demo")
    return client


def anonymous(hub):
    return LearnerClient(hub.url, "anonim")


# (page, who fetches it, path, expected status, expected policy)
PAGES = [
    ("login", "anonymous", "/hub/login", 200, h.LOGIN_CSP),
    ("login-failed", "anonymous", "POST /hub/login", 403, h.LOGIN_CSP),
    ("hub-home", "pelatih", "/hub/home", 200, h.HUB_CSP),
    ("hub-404", "pelatih", "/hub/tidak-ada", 404, h.HUB_CSP),
    ("hub-api", "pelatih", "/hub/api/user", 200, h.HUB_CSP),
    ("course-home", "peserta", "/user/peserta2/naikkelas", 200, h.STRICT_PAGE_CSP),
    ("lesson", "peserta", "LESSON", 200, h.LESSON_CSP),
    ("learner-static", "peserta", "/user/peserta2/naikkelas/static/lesson.css", 200, h.LESSON_CSP),
    ("learner-404", "peserta", "/user/peserta2/tidak-ada", 404, h.LESSON_CSP),
    ("certificate-not-yet", "peserta", f"/user/peserta2/naikkelas/sertifikat/{COURSE}", 404,
     h.STRICT_PAGE_CSP),
    ("trainer-home", "pelatih", "/services/naikkelas/pelatih/", 200, h.TRAINER_CSP),
    ("cohort-view", "pelatih", f"/services/naikkelas/pelatih/kelas/demo/{COURSE}", 200,
     h.TRAINER_CSP),
    ("cohort-data", "pelatih", f"/services/naikkelas/pelatih/api/kelas/demo/{COURSE}", 200,
     h.TRAINER_CSP),
    ("trainer-static", "pelatih", "/services/naikkelas/pelatih/static/trainer.css", 200,
     h.API_CSP),
    ("service-api", "anonymous", "NOFOLLOW /services/naikkelas/api/progress", 302, h.API_CSP),
    ("service-404", "anonymous", "/services/naikkelas/tidak-ada", 404, h.STRICT_PAGE_CSP),
    ("certificate-verify", "anonymous", "/services/naikkelas/sertifikat/BUKANKODE", 404, None),
    ("officials-dashboard", "pejabat", "/services/naikkelas/pejabat/", 200, h.STRICT_PAGE_CSP),
    ("officials-static", "pejabat", "/services/naikkelas/pejabat/static/officials.css", 200,
     h.API_CSP),
    ("trainer-pins", "pelatih", "/services/naikkelas/pelatih/kelas/demo/peserta", 200,
     h.TRAINER_CSP),
    ("roster-upload", "pelatih", "/services/naikkelas/pelatih/roster", 200, h.TRAINER_CSP),
    ("formgrader-switcher", "pelatih", "/services/formgrader/", 200, h.FORMGRADER_CSP),
    ("formgrader", "pelatih", f"/services/formgrader/{COURSE}/formgrader", 200,
     h.FORMGRADER_CSP),
]  # fmt: skip


def fetch(hub, who, path, clients):
    client = clients[who]
    if path == "LESSON":
        link = client.lesson_links()[0]
        return client.get(f"{hub.url}{link}", timeout=60)
    if path.startswith("NOFOLLOW "):
        return client.get(f"{hub.url}{path[9:]}", allow_redirects=False)
    if path.startswith("POST "):
        client.get(f"{hub.url}/hub/login")
        return client.post(
            f"{hub.url}{path[5:]}",
            data={"username": "tidakada", "password": "000000", "_xsrf": client.xsrf()},
        )
    return client.get(f"{hub.url}{path}", timeout=60)


@pytest.mark.parametrize("page,who,path,status,policy", PAGES, ids=[page[0] for page in PAGES])
def test_every_page_carries_the_security_headers(hub, peserta, pelatih, pejabat, page, who, path,
                                                 status, policy):  # fmt: skip
    clients = {
        "peserta": peserta,
        "pelatih": pelatih,
        "pejabat": pejabat,
        "anonymous": anonymous(hub),
    }
    r = fetch(hub, who, path, clients)
    assert r.status_code == status, f"{page}: {r.status_code} {r.text[:300]}"
    assert r.headers.get("X-Content-Type-Options") == "nosniff", page
    assert r.headers.get("Referrer-Policy") in ("same-origin", "no-referrer"), page
    csp = r.headers.get("Content-Security-Policy", "")
    if policy is not None:
        assert csp == policy, f"{page}: {csp}"
    # Never framed by another site (the formgrader only by our own pages).
    ancestors = re.search(r"frame-ancestors ([^;]+)", csp)
    assert ancestors and ancestors.group(1) in ("'none'", "'self'"), f"{page}: {csp}"
    # Plain http here: no HSTS (it would pin browsers to an https that does not exist).
    assert "Strict-Transport-Security" not in r.headers


@pytest.mark.parametrize(
    "page,who,path",
    [
        ("login", "anonymous", "/hub/login"),
        ("course-home", "peserta", "/user/peserta2/naikkelas"),
        ("trainer-home", "pelatih", "/services/naikkelas/pelatih/"),
        ("cohort-view", "pelatih", f"/services/naikkelas/pelatih/kelas/demo/{COURSE}"),
        ("certificate-verify", "anonymous", "/services/naikkelas/sertifikat/BUKANKODE"),
        ("officials-dashboard", "pejabat", "/services/naikkelas/pejabat/"),
        ("trainer-pins", "pelatih", "/services/naikkelas/pelatih/kelas/demo/peserta"),
    ],
)
def test_pages_of_ours_run_no_inline_script(hub, peserta, pelatih, pejabat, page, who, path):
    """Where the stack allows it, the policy forbids inline script, and the page has none."""
    clients = {
        "peserta": peserta,
        "pelatih": pelatih,
        "pejabat": pejabat,
        "anonymous": anonymous(hub),
    }
    r = fetch(hub, who, path, clients)
    csp = r.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp, csp
    assert re.search(r"<script(?![^>]*\bsrc=)[^>]*>", r.text) is None, "inline <script> on page"
    assert not re.search(r"\son[a-z]+=\"", r.text), "inline event handler on page"

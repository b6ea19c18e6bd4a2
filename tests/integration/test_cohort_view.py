"""The trainers' cohort view against a real hub: who may see it, and what it shows."""

import uuid

import pytest

from naikkelas.hub.accounts import Role, upsert_account
from naikkelas.hub.db import engine_for
from naikkelas.widgets.client import ServiceClient
from tests.support import LearnerClient

PAGES = "/services/naikkelas/pelatih"
COURSE, LESSON = "mengenal-naikkelas", "01-cara-menjawab"


def browser_of(hub, username, secret) -> LearnerClient:
    client = LearnerClient(hub.url, username)
    client.login(secret)
    return client


def learner_kernel(hub, username, pin) -> ServiceClient:
    client = browser_of(hub, username, pin)
    r = client.post(
        f"{hub.url}/hub/api/users/{username}/tokens",
        json={"scopes": ["access:services!service=naikkelas"]},
        headers={"X-XSRFToken": client.xsrf()},
    )
    r.raise_for_status()
    return ServiceClient(f"{hub.url}/services/naikkelas/", r.json()["token"], COURSE, LESSON)


@pytest.fixture(scope="module")
def pelatih(hub):
    return browser_of(hub, "pelatih", "pelatih-demo")


def test_a_trainer_sees_their_cohort_and_its_courses(hub, pelatih):
    r = pelatih.get(f"{hub.url}{PAGES}/")
    assert r.status_code == 200, r.text
    assert "Kelas demo" in r.text and "Mengenal NaikKelas" in r.text
    assert "frame-ancestors 'none'" in r.headers["Content-Security-Policy"]


def test_the_view_shows_progress_stuck_learners_and_grades(hub, pelatih, new_learner):
    username, pin = new_learner(display_name="Ibu Uji Macet")
    kernel = learner_kernel(hub, username, pin)
    kernel.answer("aman-salah", True)
    kernel.answer("aman-salah", True)  # wrong twice: stuck on this question
    kernel.step(2)
    data = pelatih.get(f"{hub.url}{PAGES}/api/kelas/demo/{COURSE}").json()
    row = next(r for r in data["learners"] if r["username"] == username)
    cell = row["lessons"][LESSON]
    assert row["name"] == "Ibu Uji Macet" and cell["status"] == "mulai" and cell["step"] == 3
    assert cell["stuck"] == {"question": "aman-salah", "wrong": 2}
    assert row["lessons"]["02-latihan-gambar-dan-cerita"]["status"] == "belum"
    assert data["summary"][LESSON]["macet"] >= 1
    page = pelatih.get(f"{hub.url}{PAGES}/kelas/demo/{COURSE}")
    assert page.status_code == 200 and "Kemajuan peserta per pelajaran" in page.text


@pytest.mark.parametrize(
    "who, secret",
    [("peserta1", "123456"), ("pejabat", "pejabat-demo")],
    ids=["learner", "official"],
)
def test_learners_and_officials_are_refused(hub, who, secret):
    client = browser_of(hub, who, secret)
    for path in ("/", "/kelas/demo/mengenal-naikkelas", "/api/kelas/demo/mengenal-naikkelas"):
        r = client.get(f"{hub.url}{PAGES}{path}")
        assert r.status_code == 403 and "hanya untuk pelatih" in r.text


def test_a_trainer_of_another_cohort_cannot_see_this_one(hub):
    name = f"pelatih{uuid.uuid4().hex[:6]}"
    engine = engine_for(hub.settings.naikkelas_db_url)
    upsert_account(engine, name, Role.TRAINER, "rahasia-panjang", cohort="kelas-lain")
    client = browser_of(hub, name, "rahasia-panjang")
    for path in ("/kelas/demo/mengenal-naikkelas", "/api/kelas/demo/mengenal-naikkelas"):
        r = client.get(f"{hub.url}{PAGES}{path}")
        assert r.status_code == 403 and "bukan kelas Anda" in r.text
    # Path tricks do not reach another cohort either.
    r = client.get(f"{hub.url}{PAGES}/api/kelas/kelas-lain/..%2Fdemo%2Fmengenal-naikkelas")
    assert r.status_code in (403, 404)
    assert "Ibu Siti Aminah" not in r.text


def test_without_login_the_pages_send_you_to_the_hub_login(hub):
    import requests

    r = requests.get(f"{hub.url}{PAGES}/api/kelas/demo/{COURSE}", allow_redirects=True)
    assert "/hub/login" in r.url and "Ibu Siti Aminah" not in r.text


def test_a_trainer_opens_a_course_for_their_own_cohort(hub):
    import re

    cohort = f"kelas{uuid.uuid4().hex[:6]}"
    name = f"pelatih{uuid.uuid4().hex[:6]}"
    engine = engine_for(hub.settings.naikkelas_db_url)
    upsert_account(engine, name, Role.TRAINER, "rahasia-panjang", cohort=cohort)
    client = browser_of(hub, name, "rahasia-panjang")
    home = client.get(f"{hub.url}{PAGES}/")
    assert f"Buka kursus untuk kelas {cohort}" in home.text
    xsrf = re.search(r'name="_xsrf" value="([^"]+)"', home.text).group(1)
    url = f"{hub.url}{PAGES}/buka/{COURSE}"
    # Without the form's token (a request forged by another site) nothing is released.
    assert client.post(url, allow_redirects=False).status_code == 403
    assert not (hub.settings.released_path / cohort / COURSE).exists()
    r = client.post(url, data={"_xsrf": xsrf})
    assert r.status_code == 200 and f"Kursus dibuka untuk kelas {cohort}" in r.text
    assert (hub.settings.released_path / cohort / COURSE / f"{LESSON}.ipynb").is_file()
    assert "Mengenal NaikKelas" in client.get(f"{hub.url}{PAGES}/").text
    # A course that is not in the library is refused.
    r = client.post(f"{hub.url}{PAGES}/buka/tidak-ada", data={"_xsrf": xsrf})
    assert r.status_code == 404


def test_learners_cannot_open_courses(hub):
    client = browser_of(hub, "peserta2", "123456")
    home = client.get(f"{hub.url}{PAGES}/")
    assert home.status_code == 403
    r = client.post(f"{hub.url}{PAGES}/buka/{COURSE}", allow_redirects=False)
    assert r.status_code == 403

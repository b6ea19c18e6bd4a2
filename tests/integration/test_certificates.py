"""Certificates against a real hub: the learner's download from the course home, who may not get
one, and the public verification page anyone reaches through the proxy without logging in."""

import re
import subprocess

import pytest
import requests

from naikkelas.widgets.client import ServiceClient
from tests.support import NAIKKELAS, LearnerClient
from tests.unit.test_certificates import pdf_text_and_qr

COURSE = "mengenal-naikkelas"
LESSONS = ("01-cara-menjawab", "02-latihan-gambar-dan-cerita")
NAME = "Nur'aini <b>Siti</b> Đặng"


def token_for(client: LearnerClient) -> str:
    """A token like the one the learner's server holds (it may call the NaikKelas service)."""
    r = client.post(
        f"{client.base_url}/hub/api/users/{client.username}/tokens",
        json={"note": "test", "scopes": ["access:services!service=naikkelas"]},
        headers={"X-XSRFToken": client.xsrf()},
    )
    r.raise_for_status()
    return r.json()["token"]


def finish(hub, token, *lessons):
    for lesson in lessons:
        ServiceClient(f"{hub.url}/services/naikkelas/", token, COURSE, lesson).finish()


@pytest.fixture
def learner_with_server(hub, new_learner):
    """Factory: a fresh learner, logged in with their server running, and their token."""

    def make(display_name=NAME):
        username, pin = new_learner(display_name)
        client = LearnerClient(hub.url, username)
        client.login(pin)
        client.wait_for_server()
        return client, token_for(client)

    return make


def download_url(client, course=COURSE):
    return f"{client.server_url}/naikkelas/sertifikat/{course}"


def certificate_link(client) -> str | None:
    html = client.get(f"{client.server_url}/naikkelas").text
    match = re.search(r'<a class="nk-button" href="([^"]+)">Unduh sertifikat</a>', html)
    return match.group(1) if match else None


def verify_page(hub, code):
    # A fresh session: no cookie, no token, as someone scanning the QR code.
    return requests.get(f"{hub.url}/services/naikkelas/sertifikat/{code}", allow_redirects=False)


def cli(hub, *args):
    return subprocess.run(
        [NAIKKELAS, "certificate", *args, "--data-dir", str(hub.data_dir), "--db-url", hub.db_url],
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_a_learner_downloads_their_certificate_from_the_course_home(hub, learner_with_server):
    client, token = learner_with_server()
    # Not finished: no link, a hint, and the route says what is missing.
    assert certificate_link(client) is None
    assert "selesaikan 2 pelajaran lagi" in client.get(f"{client.server_url}/naikkelas").text
    finish(hub, token, LESSONS[0])
    r = client.get(download_url(client))
    assert r.status_code == 404 and "text/html" in r.headers["Content-Type"]
    assert "Sertifikat belum tersedia: selesaikan dulu 1 pelajaran lagi" in r.text

    finish(hub, token, LESSONS[1])
    link = certificate_link(client)
    assert link == f"/user/{client.username}/naikkelas/sertifikat/{COURSE}"
    r = client.get(f"{hub.url}{link}")
    assert r.status_code == 200, r.text[:300]
    assert r.headers["Content-Type"] == "application/pdf"
    assert r.headers["Content-Disposition"] == f'attachment; filename="sertifikat-{COURSE}.pdf"'
    text, qr, _boxes = pdf_text_and_qr(r.content)
    assert NAME in text and "Mengenal NaikKelas" in text and "Lama pelatihan: 1 jam" in text
    code = re.search(r"Kode sertifikat: ([A-Z0-9-]{24})", text).group(1)
    assert qr == [f"{hub.url}/services/naikkelas/sertifikat/{code}"]
    # Downloading again gives the same certificate, byte for byte.
    assert client.get(f"{hub.url}{link}").content == r.content

    # The QR code opens the public page, without logging in.
    page = verify_page(hub, code)
    assert page.status_code == 200
    assert "Sertifikat ini sah" in page.text
    assert "Nur&#39;aini &lt;b&gt;Siti&lt;/b&gt; Đặng" in page.text  # escaped, never markup
    assert "Mengenal NaikKelas" in page.text and "Dinas Koperasi dan UKM" in page.text
    # Nothing beyond name, course, date, issuer and status.
    assert client.username not in page.text and code not in page.text
    assert "1 jam" not in page.text and "set-cookie" not in {h.lower() for h in page.headers}
    csp = page.headers["Content-Security-Policy"]
    assert "default-src 'none'" in csp and "frame-ancestors 'none'" in csp
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    assert page.headers["Referrer-Policy"] == "no-referrer"
    assert page.headers["Cache-Control"] == "no-store"
    assert cli(hub, "verify", code).returncode == 0


def test_another_learner_cannot_get_someone_elses_certificate(hub, learner_with_server):
    owner, owner_token = learner_with_server("Ibu Pemilik")
    finish(hub, owner_token, *LESSONS)
    assert owner.get(download_url(owner)).status_code == 200
    other, other_token = learner_with_server("Bapak Lain")

    # Through the owner's server: the other learner's cookie does not open it.
    r = other.get(download_url(owner))
    assert r.status_code == 403 and not r.content.startswith(b"%PDF")
    # Through the service, naming the owner: refused; without naming: the caller's own data.
    api = f"{hub.url}/services/naikkelas/api/certificates/{COURSE}"
    headers = {"Authorization": f"token {other_token}"}
    for params, extra in (
        ({"username": owner.username}, {}),
        ({}, {"X-NaikKelas-User": owner.username}),
    ):
        r = requests.get(api, params=params, headers={**headers, **extra})
        assert r.status_code == 403 and "Anda sendiri" in r.json()["error"]
    r = requests.get(api, headers=headers)
    assert r.status_code == 404 and "belum tersedia" in r.json()["error"]
    # No token (a browser's cookie is not enough): nothing.
    r = requests.get(api, cookies=other.cookies, allow_redirects=False)
    assert r.status_code in (302, 403) and not r.content.startswith(b"%PDF")
    # A course not released to the cohort, or a made-up one.
    r = other.get(download_url(other, "kursus-rahasia"))
    assert r.status_code == 404 and "belum dibuka untuk kelas Anda" in r.text


def test_staff_get_no_certificates(hub):
    trainer = LearnerClient(hub.url, "pelatih")
    trainer.login("pelatih-demo")
    r = requests.get(
        f"{hub.url}/services/naikkelas/api/certificates/{COURSE}",
        headers={"Authorization": f"token {token_for(trainer)}"},
    )
    assert r.status_code == 403 and "hanya untuk peserta" in r.json()["error"]


def test_unknown_and_tampered_codes_get_the_same_404_page(hub, learner_with_server):
    client, token = learner_with_server("Ibu Kode")
    finish(hub, token, *LESSONS)
    text, _qr, _boxes = pdf_text_and_qr(client.get(download_url(client)).content)
    code = re.search(r"Kode sertifikat: ([A-Z0-9-]{24})", text).group(1)
    tampered = code[:-1] + ("2" if code[-1] != "2" else "3")
    pages = [
        verify_page(hub, c)
        for c in (tampered, "2222-3333-4444-5555-6666", "bukan-kode", "<script>alert(1)</script>")
    ]
    for page in pages:
        assert page.status_code == 404
        assert "Sertifikat tidak ditemukan" in page.text and "Ibu Kode" not in page.text
        assert page.headers["Content-Security-Policy"].startswith("default-src 'none'")
    # One constant page, whatever was asked: it echoes nothing and hints at nothing.
    assert len({page.text for page in pages}) == 1
    assert "alert" not in pages[0].text and "bukan-kode" not in pages[0].text
    assert verify_page(hub, code.lower().replace("-", "")).status_code == 200
    assert requests.post(f"{hub.url}/services/naikkelas/sertifikat/{code}").status_code == 405


def test_a_revoked_certificate_shows_revoked_everywhere(hub, learner_with_server):
    client, token = learner_with_server("Ibu Dicabut")
    finish(hub, token, *LESSONS)
    text, _qr, _boxes = pdf_text_and_qr(client.get(download_url(client)).content)
    code = re.search(r"Kode sertifikat: ([A-Z0-9-]{24})", text).group(1)

    result = cli(hub, "revoke", code, "--reason", "Peserta titipan, bukan anggota kelas")
    assert result.returncode == 0, result.stderr
    page = verify_page(hub, code)
    assert page.status_code == 410
    assert "sudah dicabut dan tidak berlaku lagi" in page.text and "Ibu Dicabut" in page.text
    assert "titipan" not in page.text  # the reason is for operators, not the public
    result = cli(hub, "verify", code)
    assert result.returncode == 1 and "revoked" in result.stderr and "titipan" in result.stderr
    # The learner's download now says so instead of handing out the PDF.
    r = client.get(download_url(client))
    assert r.status_code == 410 and "Sertifikat ini sudah dicabut" in r.text


def test_certificates_work_the_same_on_postgresql(tmp_path):
    """Issue (concurrently), finish rule, revoke and verify on PostgreSQL, the database at scale."""
    import threading

    from naikkelas.grading import certificates as certs
    from naikkelas.hub.db import engine_for
    from tests.support import Postgres
    from tests.unit.test_certificates import ISSUER, make_course
    from tests.unit.test_certificates import finish as finish_lesson

    pg, engine = Postgres(), None
    try:
        pg.start()
        engine = engine_for(pg.url)
        course = make_course(tmp_path)
        with pytest.raises(certs.NotEligible):
            certs.check_finished(engine, "peserta1", course)
        finish_lesson(engine, "peserta1", "jualan", "01-a")
        finish_lesson(engine, "peserta1", "jualan", "02-b")
        certs.check_finished(engine, "peserta1", course)

        got, barrier = [], threading.Barrier(4)

        def download():
            barrier.wait()
            got.append(certs.issue(engine, "peserta1", course, "Nur'aini", ISSUER).code)

        threads = [threading.Thread(target=download) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert len(got) == 4 and len(set(got)) == 1
        code = got[0]
        assert certs.verify(engine, code.lower())[0] == certs.VALID
        certs.revoke(engine, code, "nama salah", allow_new=True)
        assert certs.verify(engine, code)[0] == certs.REVOKED
        new = certs.issue(engine, "peserta1", course, "Nur'aini Siti", ISSUER)
        assert new.code != code and certs.verify(engine, new.code)[0] == certs.VALID
        assert len(certs.certificates(engine, "peserta1")) == 2
    finally:
        if engine is not None:
            engine.dispose()
        pg.remove()

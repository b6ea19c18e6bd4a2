"""A learner on a phone who finished a course taps "Unduh sertifikat" and gets the PDF."""

from urllib.parse import urlparse

from tests.integration.test_certificates import COURSE, LESSONS, finish, token_for
from tests.support import LearnerClient
from tests.unit.test_certificates import pdf_text_and_qr


def test_learner_on_a_phone_downloads_the_certificate(hub, new_learner, phone, artifacts):
    username, pin = new_learner("Ibu Nur'aini")
    api = LearnerClient(hub.url, username)
    api.login(pin)
    finish(hub, token_for(api), *LESSONS)  # as the lessons' "Selesai" does

    page = phone
    page.goto(f"{hub.url}/hub/login")
    page.get_by_label("Nama pengguna").fill(username)
    page.get_by_label("PIN atau kata sandi").fill(pin)
    page.get_by_role("button", name="Masuk").tap()
    page.get_by_role("heading", name="Halo, Ibu Nur'aini").wait_for(timeout=90_000)
    button = page.get_by_role("link", name="Unduh sertifikat")
    assert button.count() == 1  # only the finished course offers one
    button.scroll_into_view_if_needed()
    page.screenshot(path=artifacts / "1-course-home.png", full_page=True)
    box = button.bounding_box()
    assert box["height"] >= 44 and box["x"] + box["width"] <= 360  # a thumb-sized, visible button

    with page.expect_download() as download_info:
        button.tap()
    download = download_info.value
    assert download.suggested_filename == f"sertifikat-{COURSE}.pdf"
    download.save_as(artifacts / download.suggested_filename)
    pdf = (artifacts / download.suggested_filename).read_bytes()
    text, qr, _boxes = pdf_text_and_qr(pdf)
    assert "Ibu Nur'aini" in text and "Mengenal NaikKelas" in text
    assert qr and qr[0].startswith(f"{hub.url}/services/naikkelas/sertifikat/")

    hosts = {urlparse(url).netloc for url in page.requests if url.startswith("http")}
    assert hosts == {urlparse(hub.url).netloc}, f"requests left the deployment: {hosts}"

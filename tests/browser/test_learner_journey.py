"""A learner on a phone: log in, course home, open a lesson, tap an answer, see feedback."""

from urllib.parse import urlparse


def test_learner_logs_in_opens_lesson_and_gets_feedback_by_tapping(hub, phone, artifacts):
    page = phone
    # As a person reads the page: by its Indonesian labels.
    page.goto(f"{hub.url}/hub/login")
    page.get_by_label("Nama pengguna").fill("peserta1")
    page.get_by_label("PIN atau kata sandi").fill("123456")
    page.get_by_role("button", name="Masuk").tap()

    page.get_by_role("heading", name="Halo, Ibu Siti Aminah").wait_for(timeout=90_000)
    page.screenshot(path=artifacts / "1-course-home.png", full_page=True)
    lesson = page.get_by_role("link", name="Cara menjawab soal")
    lesson.tap()

    page.get_by_text("Langkah 1 dari").wait_for(timeout=60_000)
    page.get_by_role("button", name="Lanjut").tap()
    answer = page.get_by_role("button", name="Menekan tombol jawaban")
    page.get_by_role("button", name="Mengetik kode program").tap()
    page.get_by_text("Belum tepat").wait_for()
    answer.tap()
    page.get_by_text("Benar!").wait_for()
    page.screenshot(path=artifacts / "2-lesson-feedback.png", full_page=True)

    # Phone-sized: the page does not need sideways scrolling.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360 + 1

    hosts = {urlparse(url).netloc for url in page.requests if url.startswith("http")}
    assert hosts == {urlparse(hub.url).netloc}, f"requests left the deployment: {hosts}"

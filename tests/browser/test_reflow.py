"""Reflow (WCAG 1.4.10) and text resize (WCAG 1.4.4): at 320 CSS px width, with the pages' own
text size and with all text at 200%, nothing needs horizontal scrolling and nothing is cut off.

Text at 200% is a text-only zoom of every element (see `tests.browser.a11y.text_zoom`), as
Android's font size setting does it, so px-sized lesson and simulator text grows too.
Screenshots (`<page>-320-text200.png`) are saved in the test's folder under `test-output/`.
"""

from __future__ import annotations

import re

import pytest

from tests.browser.a11y import NARROW, Reflow
from tests.support import fill_login


@pytest.fixture
def page(browser):
    context = browser.new_context(**NARROW, locale="id-ID")
    yield context.new_page()
    context.close()


@pytest.fixture
def reflow(page, artifacts) -> Reflow:
    return Reflow(page, artifacts)


def log_in(page, hub, username, secret):
    fill_login(page, hub.url, username, secret).click()
    page.wait_for_url(lambda url: "/hub/login" not in url, timeout=90_000)


def open_lesson(page, title: str, screens: int) -> None:
    page.get_by_role("link", name=re.compile(f"^{re.escape(title)}")).click()
    page.get_by_text(f"Langkah 1 dari {screens}").wait_for(timeout=90_000)


def lanjut(page, number: int, screens: int) -> None:
    page.get_by_role("button", name="Lanjut").click()
    page.get_by_text(f"Langkah {number} dari {screens}", exact=True).wait_for()


def test_login_and_course_home(hub, page, reflow, new_learner):
    page.goto(f"{hub.url}/hub/login")
    reflow.check("login")
    username, pin = new_learner()
    log_in(page, hub, username, pin)
    page.get_by_role("heading", name=re.compile("Halo")).wait_for(timeout=90_000)
    reflow.check("course-home")
    reflow.assert_fits()


@pytest.mark.parametrize(
    ("title", "screens"), [("Cara menjawab soal", 9), ("Latihan: gambar dan cerita", 4)]
)
def test_every_screen_of_the_demo_lessons(hub, page, reflow, new_learner, title, screens):
    username, pin = new_learner()
    log_in(page, hub, username, pin)
    open_lesson(page, title, screens)
    reflow.check("step-1")
    for number in range(2, screens + 1):
        lanjut(page, number, screens)
        reflow.check(f"step-{number}")
    reflow.assert_fits()


def test_simulators(hub, page, reflow, new_learner):
    username, pin = new_learner()
    log_in(page, hub, username, pin)
    open_lesson(page, "Kode OTP dan PIN", 8)
    for number in range(2, 6):
        lanjut(page, number, 8)
    page.get_by_text("Ada 2 pesan atau panggilan baru").wait_for()
    reflow.check("scam-phone-inbox")
    page.get_by_role("button", name=re.compile("^Buka: Telepon")).click()
    page.get_by_role("button", name="Angkat telepon").click()
    page.get_by_role("button", name="Tunggu SMS-nya").click()
    page.get_by_text(re.compile("Kode OTP Anda 482 913")).wait_for()
    reflow.check("scam-phone-call")

    page.goto(f"{hub.url}/hub/home")
    page.goto(f"{hub.url}/user/{username}/naikkelas")
    open_lesson(page, "Waspada QRIS Palsu", 9)
    for number in range(2, 4):
        lanjut(page, number, 9)
    page.get_by_role("img", name="Kode QR pada stiker QRIS").wait_for()
    reflow.check("qris-checkout-sticker")
    page.get_by_role("button", name="Pindai kode QR").click()
    page.get_by_text("TOKO MAJU SENTOSA").first.wait_for()
    reflow.check("qris-checkout-scanned")
    reflow.assert_fits()


def test_trainer_cohort_view(hub, page, reflow):
    log_in(page, hub, "pelatih", "pelatih-demo")
    page.goto(f"{hub.url}/services/naikkelas/pelatih/")
    page.get_by_role("heading").first.wait_for()
    reflow.check("trainer-home")
    page.goto(f"{hub.url}/services/naikkelas/pelatih/kelas/demo/mengenal-naikkelas")
    page.get_by_text(re.compile("^Diperbarui")).wait_for(timeout=30_000)
    reflow.check("cohort-view")
    reflow.assert_fits()

"""WCAG 2.2 AA audit (axe-core) of every page a learner or trainer meets, on a phone (360x740)
and on a desktop (1280x800): no serious or critical violations.

Each page's violations are saved as `axe-<page>--<viewport>.json` and, on the phone, a
screenshot `<page>.png`, in the test's folder under `test-output/`.
"""

from __future__ import annotations

import re

import pytest

from tests.browser.a11y import Audits, new_context
from tests.support import fill_login


@pytest.fixture(params=["phone", "desktop"])
def kind(request) -> str:
    return request.param


@pytest.fixture
def page(browser, kind):
    context = new_context(browser, kind)
    yield context.new_page()
    context.close()


@pytest.fixture
def audits(page, kind, artifacts) -> Audits:
    return Audits(page, artifacts, kind)


def log_in(page, hub, username, secret):
    fill_login(page, hub.url, username, secret).click()
    page.wait_for_url(lambda url: "/hub/login" not in url, timeout=90_000)


def open_lesson(page, title: str, screens: int, step: int = 1) -> None:
    page.get_by_role("link", name=re.compile(f"^{re.escape(title)}")).click()
    page.get_by_text(f"Langkah 1 dari {screens}").wait_for(timeout=90_000)
    for number in range(2, step + 1):
        lanjut(page, f"Langkah {number} dari {screens}")


def lanjut(page, then: str) -> None:
    """Tap Lanjut and wait for the next screen (its step counter)."""
    page.get_by_role("button", name="Lanjut").click()
    page.get_by_text(then, exact=True).wait_for()


def button(page, name: str, exact: bool = True):
    return page.get_by_role("button", name=name, exact=exact)


def test_login_and_course_home(hub, page, audits, new_learner):
    page.goto(f"{hub.url}/hub/login")
    page.get_by_role("heading", name="Masuk").wait_for()
    audits.check("login")

    username, pin = new_learner()
    fill_login(page, hub.url, username, "000000").click()
    page.get_by_role("alert").wait_for()
    audits.check("login-wrong-pin")

    log_in(page, hub, username, pin)
    page.get_by_role("heading", name=re.compile("Halo")).wait_for(timeout=90_000)
    audits.check("course-home")
    audits.assert_clean()


def test_lesson_with_every_typed_and_tapped_question(hub, page, audits, new_learner):
    """Lesson 01 of the demo course: single choice, true/false, multiple select, number, fill
    in, ordering, matching; each screen audited with its feedback shown."""
    username, pin = new_learner()
    log_in(page, hub, username, pin)
    open_lesson(page, "Cara menjawab soal", 9)
    audits.check("lesson-text")
    button(page, "Pernah").click()  # an ungraded SelfCheck, with its response shown
    page.get_by_role("status").filter(has_text="cukup menekan tombol").wait_for()
    audits.check("selfcheck-answered")
    lanjut(page, "Langkah 2 dari 9")

    button(page, "Mengetik kode program").click()
    page.locator(".nk-wrong").wait_for()
    audits.check("single-choice-wrong")
    button(page, "Menekan tombol jawaban").click()
    page.locator(".nk-right").wait_for()
    audits.check("single-choice-right")
    lanjut(page, "Langkah 3 dari 9")

    button(page, "Salah").click()
    page.locator(".nk-right").wait_for()
    audits.check("true-false")
    lanjut(page, "Langkah 4 dari 9")

    button(page, re.compile("Membayar dengan QRIS"), exact=False).click()
    button(page, re.compile("Berjualan di marketplace"), exact=False).click()
    audits.check("multiple-select-chosen")
    button(page, "Periksa jawaban").click()
    page.locator(".nk-right").wait_for()
    lanjut(page, "Langkah 5 dari 9")

    page.get_by_placeholder("Contoh: Rp15.000").fill("15rb")
    audits.check("number")
    button(page, "Periksa jawaban").click()
    page.locator(".nk-right").wait_for()
    lanjut(page, "Langkah 6 dari 9")

    page.get_by_placeholder("Tulis jawaban di sini").fill("NaikKelas")
    button(page, "Periksa jawaban").click()
    page.locator(".nk-right").wait_for()
    audits.check("fill-in")
    lanjut(page, "Langkah 7 dari 9")

    audits.check("ordering")
    button(page, "Naik").nth(1).click()
    button(page, "Periksa urutan").click()
    page.locator(".nk-right").wait_for()
    lanjut(page, "Langkah 8 dari 9")

    audits.check("matching")
    selects = page.locator(".nk-lesson select")
    selects.nth(0).select_option(label="Pindah ke langkah berikutnya")
    selects.nth(1).select_option(label="Kembali ke langkah sebelumnya")
    button(page, "Periksa pasangan").click()
    page.locator(".nk-right").wait_for()
    lanjut(page, "Langkah 9 dari 9")

    button(page, "Cara melihat skor?").click()  # Reveal cards, one turned
    page.get_by_role("status").filter(has_text="di langkah terakhir").wait_for()
    audits.check("reveal-card-open")
    button(page, "Selesai").click()
    page.get_by_text("Skor Anda: 7 dari 7").wait_for()
    audits.check("lesson-closing")
    audits.assert_clean()


def test_lesson_with_a_picture_and_a_story(hub, page, audits, new_learner):
    """Lesson 02 of the demo course: tap a part of a picture, a branching story."""
    username, pin = new_learner()
    log_in(page, hub, username, pin)
    open_lesson(page, "Latihan: gambar dan cerita", 4, step=2)
    page.get_by_role("img", name=re.compile("Layar konfirmasi pembayaran")).wait_for()
    audits.check("image-region")
    button(page, "Bagian baris 2, kolom 2").click()
    page.locator(".nk-right").wait_for()
    audits.check("image-region-answered")
    lanjut(page, "Langkah 3 dari 4")

    audits.check("scenario")
    button(page, "Tanya dulu nama petugasnya").click()
    # The next scene has an "OTP" button too: wait for it, or the tap may land on the old
    # scene's button, which the lesson ignores as a stale tap.
    page.get_by_text("Saya Budi dari kantor pusat").wait_for()
    button(page, "Sebutkan kode OTP-nya").click()
    page.locator(".nk-wrong").wait_for()
    audits.check("scenario-ending")
    audits.assert_clean()


def test_scam_phone_simulator(hub, page, audits, new_learner):
    username, pin = new_learner()
    log_in(page, hub, username, pin)
    open_lesson(page, "Kode OTP dan PIN", 8, step=5)
    page.get_by_text("Ada 2 pesan atau panggilan baru").wait_for()
    audits.check("scam-phone-inbox")
    button(page, re.compile("^Buka: Telepon"), exact=False).click()
    button(page, "Angkat telepon").click()
    button(page, "Tunggu SMS-nya").click()
    page.get_by_text(re.compile("Kode OTP Anda 482 913")).wait_for()
    audits.check("scam-phone-call")
    audits.assert_clean()


def test_qris_checkout_simulator(hub, page, audits, new_learner):
    username, pin = new_learner()
    log_in(page, hub, username, pin)
    open_lesson(page, "Waspada QRIS Palsu", 9, step=3)
    page.get_by_role("img", name="Kode QR pada stiker QRIS").wait_for()
    audits.check("qris-checkout-sticker")
    button(page, "Pindai kode QR").click()
    page.get_by_text("TOKO MAJU SENTOSA").first.wait_for()
    audits.check("qris-checkout-scanned")
    audits.assert_clean()


def test_trainer_cohort_view(hub, page, audits):
    log_in(page, hub, "pelatih", "pelatih-demo")
    page.goto(f"{hub.url}/services/naikkelas/pelatih/")
    page.get_by_role("heading").first.wait_for()
    audits.check("trainer-home")
    page.goto(f"{hub.url}/services/naikkelas/pelatih/kelas/demo/mengenal-naikkelas")
    page.get_by_text(re.compile("^Diperbarui")).wait_for(timeout=30_000)
    audits.check("cohort-view")
    audits.assert_clean()


def test_certificate_verification_pages(hub, page, audits, new_learner, tmp_path):
    """What a QR code on a certificate opens, with no login: a valid, a revoked and an unknown
    certificate."""
    from naikkelas.grading import certificates as certs
    from naikkelas.hub.db import engine_for
    from tests.unit.test_certificates import ISSUER, make_course

    engine = engine_for(hub.settings.naikkelas_db_url)
    username, _pin = new_learner()
    course = make_course(tmp_path)
    valid = certs.issue(engine, username, course, "Nur'aini Siti", ISSUER)
    revoked = certs.issue(engine, new_learner()[0], course, "Made Wirawan", ISSUER)
    certs.revoke(engine, revoked.code, "nama salah")
    base = f"{hub.url}/services/naikkelas/sertifikat/"
    for name, code, text in (
        ("certificate-valid", valid.code, "Nur'aini Siti"),
        ("certificate-revoked", revoked.code, "dicabut"),
        ("certificate-unknown", "BUKAN-KODE-SAH", None),
    ):
        page.goto(base + code)
        page.get_by_role("heading").first.wait_for()
        if text:
            assert text in page.inner_text("body"), name
        audits.check(name)
    audits.assert_clean()

"""The QRIS simulators in their lessons, on a phone, by taps: a wrong outcome, then the right one.

Each test is a fresh learner of the demo cohort, so saved answers of one never touch another.
"""

from __future__ import annotations

import io
import re

from naikkelas.widgets.qris import to_png
from naikkelas.widgets.qris_practice import BATIK_NINGSIH
from tests.browser.a11y import assert_accessible
from tests.support import fill_login

LESSONS = "courses/pembayaran-digital"


def open_lesson(page, hub, new_learner, title: str, screens: int, step: int) -> None:
    """Log a fresh learner in, open the lesson called `title` and go to screen `step`."""
    username, pin = new_learner()
    fill_login(page, hub.url, username, pin).tap()
    page.get_by_role("link", name=title).tap()
    page.get_by_text(f"Langkah 1 dari {screens}").wait_for(timeout=90_000)
    for n in range(2, step + 1):
        page.get_by_role("button", name="Lanjut").tap()
        page.get_by_text(f"Langkah {n} dari {screens}").wait_for()
    page.locator(".nk-sim-banner").wait_for()


def tap(page, label: str) -> None:
    page.get_by_role("button", name=label, exact=True).tap()


def see(page, text: str) -> None:
    page.get_by_text(text).first.wait_for()


def fits_the_phone_and_stays_home(page, hub) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 361
    outside = [url for url in page.requests if not url.startswith((hub.url, "data:"))]
    assert outside == [], f"requests left the deployment: {outside}"


def test_checkout_at_a_pasted_sticker(hub, phone, new_learner, artifacts):
    page = phone
    open_lesson(page, hub, new_learner, "Waspada QRIS Palsu", 9, 3)
    sticker = page.get_by_role("img", name="Kode QR pada stiker QRIS")
    sticker.wait_for()
    assert page.evaluate("document.querySelector('.nk-qris-code').naturalWidth") > 0
    tap(page, "Pindai kode QR")
    see(page, "TOKO MAJU SENTOSA")
    see(page, "ID2024000098765")
    # Wrong first: say the name matches and pay.
    tap(page, "Ya, namanya sama")
    page.get_by_placeholder("Contoh: 15000").fill("lima belas ribu")
    tap(page, "Bayar")
    see(page, "Nominal tidak terbaca")
    page.get_by_placeholder("Contoh: 15000").fill("Rp15.000")
    tap(page, "Bayar")
    see(page, "Rp15.000 terkirim ke TOKO MAJU SENTOSA, bukan ke BAKSO PAK RAHMAT")
    page.locator(".nk-wrong", has_text="Uangnya masuk ke Toko Maju Sentosa").wait_for()
    tap(page, "Ulangi latihan")
    tap(page, "Pindai kode QR")
    tap(page, "Tidak sama. Batalkan")
    see(page, "Anda tidak membayar")
    page.locator(".nk-right", has_text="Nama yang tidak cocok bisa tanda stiker palsu").wait_for()
    page.screenshot(path=artifacts / "checkout.png", full_page=True)
    fits_the_phone_and_stays_home(page, hub)
    assert_accessible(phone, "test_checkout_at_a_pasted_sticker", artifacts)


def test_fake_sticker_morning_check(hub, phone, new_learner, artifacts):
    page = phone
    open_lesson(page, hub, new_learner, "Waspada QRIS Palsu", 9, 4)
    see(page, "Stiker QRIS di tempat usaha Anda hari ini")
    page.screenshot(path=artifacts / "sticker.png", full_page=True)
    tap(page, "Stiker terlihat biasa. Langsung berjualan")
    page.locator(".nk-wrong", has_text="Stiker palsu bisa terlihat biasa").wait_for()
    tap(page, "Ulangi latihan")
    tap(page, "Pindai stiker, baca namanya")
    see(page, "BAKSO RAHMAT JAYA")
    see(page, "ID2024000054321")
    tap(page, "Ada yang berbeda: stiker palsu")
    tap(page, "Lepas stiker itu, lalu hubungi penyedia QRIS")
    see(page, "Yang berbeda: Nama toko, Kota, NMID")
    page.locator(".nk-right", has_text="Nama dan NMID hasil pindai berbeda").wait_for()
    fits_the_phone_and_stays_home(page, hub)
    assert_accessible(phone, "test_fake_sticker_morning_check", artifacts)


def test_payment_notification_versus_screenshot(hub, phone, new_learner, artifacts):
    page = phone
    open_lesson(page, hub, new_learner, "Menerima Pembayaran QRIS", 10, 5)
    see(page, "Foto layar dari HP pembeli")
    tap(page, "Serahkan kain batik sekarang")
    page.locator(".nk-wrong", has_text="Foto layar bisa diedit").wait_for()
    tap(page, "Ulangi latihan")
    tap(page, "Buka aplikasi penjual saya dulu")
    see(page, "Kemarin, pukul 16.20")
    tap(page, "Uang sudah masuk: serahkan kain batik")
    page.locator(".nk-wrong", has_text="Rp250.000 di riwayat itu dari kemarin").wait_for()
    tap(page, "Ulangi latihan")
    tap(page, "Buka aplikasi penjual saya dulu")
    tap(page, "Uang belum masuk: tahan kain batik")
    page.locator(".nk-right", has_text="kain ditahan dulu").wait_for()
    page.screenshot(path=artifacts / "notification.png", full_page=True)
    fits_the_phone_and_stays_home(page, hub)
    assert_accessible(phone, "test_payment_notification_versus_screenshot", artifacts)


def test_mdr_calculator(hub, phone, new_learner, artifacts):
    page = phone
    open_lesson(page, hub, new_learner, "Biaya QRIS: Siapa yang Membayar?", 10, 6)
    tap(page, "Hitung MDR")
    see(page, "Rp598.200")
    tap(page, "Pembeli")
    page.locator(".nk-wrong", has_text="MDR ditanggung penjual, bukan pembeli").wait_for()
    tap(page, "Ulangi latihan")
    amount = page.get_by_placeholder("Contoh: 600000")
    amount.fill("1 juta")
    page.locator(".nk-simulator select").select_option(label="UMI: usaha mikro")
    tap(page, "Hitung MDR")
    see(page, "Rp3.000")
    see(page, "Rp997.000")
    tap(page, "Penjual")
    tap(page, "Tidak boleh")
    see(page, "Pembeli membayar Rp1.000.000 saja")
    page.locator(".nk-right", has_text="Pembeli membayar harga barang saja").wait_for()
    page.screenshot(path=artifacts / "mdr.png", full_page=True)
    fits_the_phone_and_stays_home(page, hub)
    assert_accessible(phone, "test_mdr_calculator", artifacts)


def choose_file(page, name: str, mime: str, data: bytes) -> None:
    """Tap the upload button and pick a file in the phone's file chooser."""
    with page.expect_file_chooser() as chooser:
        page.get_by_role("button", name="Pilih foto stiker").tap()
    # A 40 MB file crosses Playwright's pipe to the browser slowly on a busy machine.
    chooser.value.set_files(
        files={"name": name, "mimeType": mime, "buffer": data},
        timeout=max(30_000, len(data) // 200),
    )


def sticker_png() -> bytes:
    picture = io.BytesIO()
    to_png(BATIK_NINGSIH.payload(), picture)
    return picture.getvalue()


def test_sticker_check_reads_an_uploaded_picture(hub, phone, new_learner, artifacts):
    page = phone
    open_lesson(page, hub, new_learner, "Menerima Pembayaran QRIS", 10, 4)
    page.screenshot(path=artifacts / "sticker-check-start.png", full_page=True)
    choose_file(page, "catatan.txt", "text/plain", b"bukan foto")
    see(page, "Berkas “catatan.txt” bukan gambar")
    # Bigger than tornado's default websocket limit (10 MiB): it must still reach the lesson.
    choose_file(page, "kamera.jpg", "image/jpeg", b"\xff\xd8" + bytes(12 * 1024 * 1024))
    see(page, "Foto terlalu besar (12,0 MB)")
    choose_file(page, "stiker.png", "image/png", sticker_png())
    see(page, "Apakah ini nama toko dan NMID Anda?")
    rows = page.locator(".nk-qris-row").all_inner_texts()
    assert [re.sub(r"\s+", " ", row).strip() for row in rows[:3]] == [
        "Nama toko BATIK BU NINGSIH",
        "Kota TEGAL",
        "NMID ID2024000067890",
    ]
    page.screenshot(path=artifacts / "sticker-check.png", full_page=True)
    tap(page, "Ya, ini toko saya")
    see(page, "Stiker ini mengirim uang ke BATIK BU NINGSIH")
    assert page.locator(".nk-feedback").count() == 0  # ungraded: nothing recorded
    fits_the_phone_and_stays_home(page, hub)
    assert_accessible(phone, "test_sticker_check_reads_an_uploaded_picture", artifacts)


def test_sticker_check_recovers_from_a_file_too_big_to_send(hub, phone, new_learner):
    page = phone
    open_lesson(page, hub, new_learner, "Menerima Pembayaran QRIS", 10, 4)
    # Over the connection's limit: it never reaches the lesson, and this upload button is stuck.
    choose_file(page, "video.jpg", "image/jpeg", b"\xff\xd8" + bytes(40 * 1024 * 1024))
    see(page, "Tidak terjadi apa-apa setelah memilih foto?")
    tap(page, "Mulai lagi")
    choose_file(page, "stiker.png", "image/png", sticker_png())
    see(page, "Apakah ini nama toko dan NMID Anda?")

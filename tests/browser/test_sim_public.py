"""The public-service simulators in their lessons, on a phone: each one completed by taps, a wrong
outcome first and then the right one, with what the learner sees asserted."""

import re

from tests.browser.a11y import assert_accessible
from tests.support import fill_login


def open_lesson(page, hub, new_learner, title, step, total):
    """Log a fresh learner in, open the lesson called `title` and go to screen `step`."""
    username, pin = new_learner()
    fill_login(page, hub.url, username, pin).tap()
    page.get_by_role("link", name=title).tap()
    page.get_by_text(f"Langkah 1 dari {total}").wait_for(timeout=60_000)
    for n in range(2, step + 1):
        page.get_by_role("button", name="Lanjut").tap()
        page.get_by_text(f"Langkah {n} dari {total}").wait_for()
    return page.locator(".nk-phone")


def tap(phone, name):
    phone.get_by_role("button", name=name, exact=True).tap()


def feedback(page, text):
    page.locator(".nk-feedback", has_text=text).wait_for()


def again(page):
    page.get_by_role("button", name="Ulangi latihan").tap()


def fits_the_phone(page):
    return page.evaluate("document.documentElement.scrollWidth") <= 361


def test_nib_registration(hub, phone, new_learner, artifacts):
    page = phone
    app = open_lesson(page, hub, new_learner, "NIB untuk Usaha Mikro lewat OSS-RBA", 7, 10)
    page.get_by_text("LATIHAN — bukan aplikasi sungguhan").wait_for()
    tap(app, "Mulai: buat akun")
    nik = app.locator("input").first
    assert nik.is_disabled() and nik.input_value().startswith("CONTOH")
    tap(app, "Buat akun")
    name = app.locator("input[type=text]")
    name.fill("0812-0000-0000")
    tap(app, "Simpan nama usaha")
    app.get_by_text("Jangan tulis NIK, nomor HP, atau data pribadi").wait_for()
    name.fill("<b>Tahu Aci</b> Rahma")
    tap(app, "Simpan nama usaha")
    app.get_by_text("Langkah 3 dari 4").wait_for()
    page.screenshot(path=artifacts / "groups.png", full_page=True)
    tap(app, "LAT-03 · Rumah makan dan restoran")
    app.get_by_text("<b>Tahu Aci</b> Rahma").wait_for()  # shown as typed, not as markup
    tap(app, "Kirim pendaftaran")
    feedback(page, "NIB terbit, tetapi golongannya tidak cocok")
    app.get_by_text("tidak melayani orang makan di tempat").wait_for()

    again(page)
    tap(app, "Mulai: buat akun")
    tap(app, "Buat akun")
    tap(app, "Simpan nama usaha")
    tap(app, "LAT-01 · Pembuatan makanan olahan dari tahu")
    tap(app, "Kirim pendaftaran")
    feedback(page, "Benar! Bu Rahma membuat tahu aci")
    app.get_by_text("CONTOH-0000-0000-1").wait_for()
    page.screenshot(path=artifacts / "nib-issued.png", full_page=True)
    assert fits_the_phone(page)
    assert_accessible(phone, "test_nib_registration", artifacts)


def test_puskesmas_booking(hub, phone, new_learner, artifacts):
    page = phone
    app = open_lesson(page, hub, new_learner, "Daftar Berobat Online", 5, 10)
    tap(app, "Lanjut: pilih poli")
    tap(app, "Poli umum: batuk, demam, dan keluhan umum")
    tap(app, "Minggu · tutup")
    app.get_by_text("Poli umum tutup hari Minggu. Pilih hari lain.").wait_for()
    page.screenshot(path=artifacts / "days.png", full_page=True)
    tap(app, "Senin · 31 orang sudah mendaftar")
    tap(app, "Daftar sekarang")
    feedback(page, "Pada hari itu Bu Yuli berjualan")

    again(page)
    tap(app, "Lanjut: pilih poli")
    tap(app, "Poli umum: batuk, demam, dan keluhan umum")
    tap(app, "Rabu · 14 orang sudah mendaftar")
    tap(app, "Daftar sekarang")
    feedback(page, "Benar! Poli umum untuk batuk")
    app.get_by_text("U-015").wait_for()
    app.get_by_text("sekitar pukul 10.20").wait_for()
    page.screenshot(path=artifacts / "booked.png", full_page=True)
    assert fits_the_phone(page)
    assert_accessible(phone, "test_puskesmas_booking", artifacts)


def pick_photos(app, photos):
    # Every upload screen has buttons Foto A-C: wait for the next screen before tapping again
    # (a tap on the screen just left is ignored, as a double tap should be).
    for number, photo in enumerate(photos, 1):
        app.get_by_text(f"Unggah {number} dari {len(photos)}").wait_for()
        tap(app, photo)


def send_request(app, photos):
    tap(app, "Mulai permohonan")
    tap(app, "Sudah dibaca. Lanjut unggah")
    pick_photos(app, photos)
    tap(app, "Kirim permohonan")
    tap(app, "Cek status")
    app.get_by_text("Pesan masuk dari nomor tak dikenal").wait_for()
    tap(app, "Abaikan. Tunggu dan cek status di aplikasi resmi")
    tap(app, "Cek status")


def test_dukcapil_request(hub, phone, new_learner, artifacts):
    page = phone
    app = open_lesson(page, hub, new_learner, "Urus Dokumen Kependudukan Online", 4, 10)
    tap(app, "Mulai permohonan")
    tap(app, "Sudah dibaca. Lanjut unggah")
    blurred = app.get_by_role("img", name=re.compile("Foto A: buram"))
    assert page.evaluate("(img) => img.naturalWidth", blurred.element_handle()) > 0
    assert fits_the_phone(page)
    page.screenshot(path=artifacts / "photos.png", full_page=True)
    pick_photos(app, ["Foto A", "Foto C"])  # the birth letter blurred, the KK clear
    tap(app, "Kirim permohonan")
    tap(app, "Cek status")
    tap(app, "Abaikan. Tunggu dan cek status di aplikasi resmi")
    tap(app, "Cek status")
    feedback(page, "Ada foto yang buram, gelap, atau terpotong")
    app.get_by_text("foto buram. Unggah ulang foto yang jelas.").wait_for()

    again(page)
    send_request(app, ["Foto B", "Foto C"])
    app.get_by_text("Disetujui").wait_for()
    tap(app, "Cek status")
    feedback(page, "Benar! Foto yang terang dan lengkap diterima petugas")
    app.get_by_text("Dokumen selesai").wait_for()
    assert_accessible(phone, "test_dukcapil_request", artifacts)


def test_lapor_complaint(hub, phone, new_learner, artifacts):
    page = phone
    app = open_lesson(page, hub, new_learner, "Lapor Keluhan lewat SP4N-LAPOR!", 7, 10)
    tap(app, "Tulis laporan")
    tap(app, "PETUGAS MALAS!!! Saluran mampet lagi!")
    tap(app, "Tempatnya di sini.")
    tap(app, "Pokoknya sudah lama sekali.")
    tap(app, "Lanjut")
    tap(app, "Tanpa foto")
    tap(app, "Periksa laporan dulu")
    app.get_by_text("Tulis dengan sopan.").wait_for()
    app.get_by_text("Belum ada: di mana tepatnya.").wait_for()
    tap(app, "Kirim laporan")
    feedback(page, "Laporan yang marah-marah sulit ditindaklanjuti")

    again(page)
    tap(app, "Tulis laporan")
    tap(app, "Saluran air tersumbat sampah. Setiap hujan, air menggenang.")
    tap(app, "Tempatnya di Jalan Mawar RT 02, depan warung gorengan.")
    tap(app, "Sudah terjadi sejak dua minggu lalu.")
    app.locator("input[type=text]").fill("<b>Mohon dibersihkan.</b>")
    tap(app, "Lanjut")
    tap(app, "Foto saluran yang tersumbat")
    tap(app, "Periksa laporan dulu")
    app.get_by_text("Laporan sudah baik. Silakan kirim.").wait_for()
    assert app.locator(".nk-public-report b").count() == 0  # the learner's text stays text
    page.screenshot(path=artifacts / "checked.png", full_page=True)
    tap(app, "Kirim laporan")
    feedback(page, "Benar! Laporan Anda sopan")
    app.get_by_text("Pantau tanggapannya di aplikasi.").wait_for()
    assert fits_the_phone(page)
    assert_accessible(phone, "test_lapor_complaint", artifacts)


def test_tte_signing(hub, phone, new_learner, artifacts):
    page = phone
    app = open_lesson(page, hub, new_learner, "Menandatangani Surat Layanan", 7, 11)
    tap(app, "Buka surat")
    tap(app, "Isi cocok. Tanda tangani")
    app.get_by_text("Pak Budi, rekan kantor").wait_for()
    tap(app, "Sebutkan passphrase kepada Pak Budi")
    feedback(page, "Passphrase hanya untuk pemilik TTE")

    again(page)  # the colleague does not come every time
    tap(app, "Buka surat")
    tap(app, "Isi cocok. Tanda tangani")
    secret = app.locator("input[type=password]")
    secret.fill("kopi manis")
    tap(app, "Tanda tangani")
    app.get_by_text("Passphrase salah. Ketik lagi dengan teliti.").wait_for()
    secret.fill("kopi manis pagi")
    tap(app, "Tanda tangani")
    tap(app, "Lanjut: periksa surat")
    tap(app, "Periksa tanda tangan")
    app.get_by_text("Isi surat utuh, tidak diubah sejak ditandatangani.").wait_for()
    tap(app, "Proses surat")
    tap(app, "Periksa tanda tangan")
    app.get_by_text("PERINGATAN: isi surat DIUBAH setelah ditandatangani.").wait_for()
    page.screenshot(path=artifacts / "changed-letter.png", full_page=True)
    tap(app, "Jangan proses. Tanyakan ke kantor penerbit")
    feedback(page, "Benar! Passphrase Anda ketik sendiri")
    assert fits_the_phone(page)
    assert_accessible(phone, "test_tte_signing", artifacts)

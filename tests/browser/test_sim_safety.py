"""The safety simulators in their lessons of "Aman di Dunia Digital", on a phone, by taps: a fresh
learner reaches each one, takes a wrong outcome and sees its feedback, then replays to the right
one.
"""

import re

from tests.browser.a11y import assert_accessible
from tests.support import fill_login


def open_lesson(page, hub, new_learner, title: str, step: int, screens: int):
    """Log a fresh learner in, open the lesson and go forward to screen `step`."""
    username, pin = new_learner()
    fill_login(page, hub.url, username, pin).tap()
    page.get_by_role("link", name=re.compile(f"^{re.escape(title)}")).tap()
    page.get_by_text(f"Langkah 1 dari {screens}").wait_for(timeout=90_000)
    for number in range(2, step + 1):
        page.get_by_role("button", name="Lanjut").tap()
        page.get_by_text(f"Langkah {number} dari {screens}").wait_for()
    page.get_by_text("LATIHAN — bukan aplikasi sungguhan").wait_for()


def tap(page, name: str):
    page.get_by_role("button", name=name, exact=True).tap()


def tap_starting(page, start: str):
    page.get_by_role("button", name=re.compile(f"^{re.escape(start)}")).tap()


def fits_the_phone(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= 361


def test_scam_phone_call_and_prize(hub, phone, new_learner, artifacts):
    page = phone
    open_lesson(page, hub, new_learner, "Kode OTP dan PIN", step=5, screens=8)
    page.get_by_text("Ada 2 pesan atau panggilan baru").wait_for()

    # The call: wait for the SMS, then read the code out (the unsafe ending).
    tap_starting(page, "Buka: Telepon")
    page.get_by_text("Panggilan masuk").wait_for()
    tap(page, "Angkat telepon")
    page.get_by_text("Selamat pagi, Bu. Saya petugas Bank Contoh.").wait_for()
    tap(page, "Tunggu SMS-nya")
    page.get_by_text(re.compile("Kode OTP Anda 482 913. JANGAN BERIKAN")).wait_for()
    page.screenshot(path=artifacts / "call-with-sms.png", full_page=True)
    assert fits_the_phone(page)
    tap(page, "Sebutkan kodenya")
    page.get_by_text("✘ TIDAK AMAN").wait_for()
    page.get_by_text(re.compile("Dengan kode itu ia masuk ke rekening Anda")).wait_for()

    tap(page, "Kembali ke kotak masuk")
    tap_starting(page, "Buka: Hadiah")
    page.get_by_text("Klaim Hadiah Pasar Contoh").wait_for()
    tap(page, "Abaikan dan blokir akun ini")
    page.get_by_text("✔ AMAN").wait_for()
    tap(page, "Lihat hasil")
    page.get_by_text("Ada pilihan yang tidak aman.").wait_for()
    page.get_by_text(re.compile("Belum tepat. Penelepon itu penipu.")).wait_for()

    # Replay: refuse the call, check the prize in the official app.
    tap(page, "Ulangi latihan")
    tap_starting(page, "Buka: Telepon")
    tap(page, "Tolak panggilan")
    page.get_by_text("✔ AMAN").wait_for()
    tap(page, "Kembali ke kotak masuk")
    tap_starting(page, "Buka: Hadiah")
    tap(page, "Periksa di aplikasi Pasar Contoh yang resmi")
    tap(page, "Lihat hasil")
    page.get_by_text("Semua pilihan Anda aman.").wait_for()
    page.get_by_text("Benar! Anda tidak memberikan kode OTP kepada siapa pun.").wait_for()
    page.screenshot(path=artifacts / "scam-phone-done.png", full_page=True)
    assert fits_the_phone(page)
    assert_accessible(phone, "test_scam_phone_call_and_prize", artifacts)


def test_phishing_address_five_pages(hub, phone, new_learner, artifacts):
    page = phone
    open_lesson(page, hub, new_learner, "Tautan Palsu dan Kata Sandi Kuat", step=3, screens=8)
    page.get_by_text("Alamat 1 dari 5").wait_for()
    # Wrong: trust every page.
    for number in range(1, 6):
        page.get_by_text(f"Alamat {number} dari 5").wait_for()
        tap(page, "Aman: ini situs asli")
        if number == 4:  # bankc0ntoh: a zero for the letter o
            page.get_by_text("✘ Kurang tepat. Situs ini tiruan.").wait_for()
            page.get_by_text(re.compile("hurufnya beda: “bankc0ntoh”")).wait_for()
            page.screenshot(path=artifacts / "lookalike-explained.png", full_page=True)
            assert fits_the_phone(page)
        tap(page, "Lihat hasil" if number == 5 else "Alamat berikutnya")
    page.get_by_text("Benar 1 dari 5 alamat.").wait_for()
    page.get_by_text(re.compile("Ada alamat tiruan yang Anda anggap asli")).wait_for()

    # Right: only the first one is the bank's own address.
    tap(page, "Ulangi latihan")
    for number in range(1, 6):
        page.get_by_text(f"Alamat {number} dari 5").wait_for()
        tap(page, "Aman: ini situs asli" if number == 1 else "Tidak aman: ini tiruan")
        page.get_by_text(re.compile("✔ Tepat. Situs ini")).wait_for()
        tap(page, "Lihat hasil" if number == 5 else "Alamat berikutnya")
    page.get_by_text("Benar 5 dari 5 alamat.").wait_for()
    page.get_by_text(re.compile("Benar! Anda membaca pemilik alamat")).wait_for()
    assert_accessible(phone, "test_phishing_address_five_pages", artifacts)


def test_password_check_weak_then_strong(hub, phone, new_learner, artifacts):
    page = phone
    open_lesson(page, hub, new_learner, "Tautan Palsu dan Kata Sandi Kuat", step=4, screens=8)
    page.get_by_text(re.compile("JANGAN ketik kata sandi asli Anda")).wait_for()
    box = page.get_by_placeholder("Ketik kata sandi latihan di sini")
    box.fill("lestari1975")
    tap(page, "Periksa kekuatan kata sandi")
    page.get_by_text("Kekuatan kata sandi: LEMAH").wait_for()
    page.get_by_text(re.compile("Memakai nama “lestari”")).wait_for()
    page.get_by_text(re.compile("Ada angka tahun “1975”")).wait_for()
    page.screenshot(path=artifacts / "weak-password.png", full_page=True)
    assert fits_the_phone(page)
    tap(page, "Simpan kata sandi ini")
    page.get_by_text(re.compile("Belum tepat. Kata sandi itu mudah ditebak.")).wait_for()

    tap(page, "Ulangi latihan")
    box = page.get_by_placeholder("Ketik kata sandi latihan di sini")
    box.fill("Kopi-Pagi-Hujan-Deras")
    tap(page, "Simpan kata sandi ini")
    page.get_by_text("✔ Kata sandi kuat disimpan").wait_for()
    page.get_by_text(re.compile("Benar! Kata sandi Anda panjang")).wait_for()
    assert page.get_by_text("Kopi-Pagi-Hujan-Deras").count() == 0
    assert_accessible(phone, "test_password_check_weak_then_strong", artifacts)


def test_two_step_setup_code_stays_secret(hub, phone, new_learner, artifacts):
    page = phone
    open_lesson(page, hub, new_learner, "Tautan Palsu dan Kata Sandi Kuat", step=5, screens=8)

    def reach_the_code() -> str:
        page.get_by_text("Langkah 1 dari 4").wait_for()
        tap(page, "Keamanan akun")
        tap(page, "Nyalakan verifikasi dua langkah")
        tap(page, "Kirim kode lewat SMS")
        sms = page.locator(".nk-safety-sms")
        sms.wait_for()
        return "".join(re.search(r"(\d{3}) (\d{3})", sms.inner_text()).groups())

    tap(page, "Profil toko")
    page.get_by_text(re.compile("tidak berisi pengaturan keamanan")).wait_for()
    reach_the_code()
    page.get_by_text(re.compile("Kirim kode SMS tadi ke chat ini")).wait_for()
    page.screenshot(path=artifacts / "code-and-fake-cs.png", full_page=True)
    assert fits_the_phone(page)
    tap(page, "Balas chat CS: kirim kodenya")
    page.get_by_text("✘ Kode diberikan ke chat").wait_for()
    page.get_by_text(re.compile("Belum tepat. Kode dari SMS tidak untuk siapa pun")).wait_for()

    tap(page, "Ulangi latihan")
    code = reach_the_code()
    box = page.get_by_placeholder("Kode 6 angka dari SMS")
    box.fill("000000" if code != "000000" else "111111")
    tap(page, "Aktifkan")
    page.get_by_text(re.compile("Kode tidak cocok")).wait_for()
    box.fill(f"{code[:3]} {code[3:]}")
    tap(page, "Aktifkan")
    page.get_by_text("✔ Verifikasi dua langkah MENYALA").wait_for()
    page.get_by_text(re.compile("Benar! Verifikasi dua langkah menyala")).wait_for()
    assert_accessible(phone, "test_two_step_setup_code_stays_secret", artifacts)

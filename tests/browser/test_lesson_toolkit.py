"""Every question type and the lesson shell in a real browser on a phone, with resume after reload.

Uses peserta2 so it does not disturb the journey test of peserta1.
"""

import re

from tests.support import fill_login


def login(page, hub, username="peserta2", pin="123456"):
    fill_login(page, hub.url, username, pin).tap()
    page.get_by_role("link", name="Cara menjawab soal").wait_for(timeout=90_000)


def lanjut(page):
    page.get_by_role("button", name="Lanjut").tap()


def test_all_question_types_resume_and_score(hub, phone, artifacts):
    page = phone
    login(page, hub)
    page.get_by_role("link", name="Cara menjawab soal").tap()
    page.get_by_text("Langkah 1 dari 9").wait_for(timeout=60_000)
    # An ungraded SelfCheck on the goals screen: a tap shows the author's response, announced.
    page.get_by_role("button", name="Belum pernah", exact=True).tap()
    page.get_by_role("status").filter(has_text="Di NaikKelas caranya mudah").wait_for()
    lanjut(page)

    # single choice: wrong, then right
    page.get_by_role("button", name="Mengetik kode program").tap()
    page.get_by_text("Belum tepat. Di NaikKelas").wait_for()
    page.get_by_role("button", name="Menekan tombol jawaban").tap()
    page.get_by_text("Benar! Cukup tekan tombol jawaban.").wait_for()
    page.screenshot(path=artifacts / "single-choice.png", full_page=True)
    lanjut(page)

    # true/false
    page.get_by_role("button", name="Salah", exact=True).tap()
    page.get_by_text("Salah menjawab itu aman. Anda bisa").wait_for()
    lanjut(page)

    # multiple select
    page.get_by_role("button", name=re.compile("Membayar dengan QRIS")).tap()
    page.get_by_role("button", name=re.compile("Berjualan di marketplace")).tap()
    page.get_by_role("button", name="Periksa jawaban").tap()
    page.get_by_text("QRIS dan marketplace ada di NaikKelas").wait_for()
    lanjut(page)
    page.get_by_text("Langkah 5 dari 9").wait_for()

    # Reload mid-lesson: the page comes back at the same step with the answers kept.
    page.reload()
    page.get_by_text("Langkah 5 dari 9").wait_for(timeout=60_000)
    page.get_by_role("button", name="Kembali").tap()
    page.get_by_text("QRIS dan marketplace ada di NaikKelas").wait_for()
    lanjut(page)

    # number, as people write Rupiah
    box = page.get_by_placeholder("Contoh: Rp15.000")
    box.fill("15rb")
    page.get_by_role("button", name="Periksa jawaban").tap()
    page.get_by_text("Lima belas ribu rupiah ditulis Rp15.000.").wait_for()
    lanjut(page)

    # fill in the blank, HTML typed by the learner shown as text
    box = page.get_by_placeholder("Tulis jawaban di sini")
    box.fill("<b>Naik</b>")
    page.get_by_role("button", name="Periksa jawaban").tap()
    page.locator(".nk-wrong").wait_for()
    assert page.locator(".nk-lesson b", has_text="Naik").count() == 0
    box.fill("naik kelas")
    page.get_by_role("button", name="Periksa jawaban").tap()
    page.get_by_text("Namanya NaikKelas").wait_for()
    lanjut(page)

    # ordering with buttons: wanted masuk, pelajaran, jawab; shown pelajaran, masuk, jawab
    page.get_by_role("button", name="Naik").nth(1).tap()
    page.get_by_role("button", name="Periksa urutan").tap()
    page.get_by_text("Masuk, buka pelajaran, lalu jawab soal").wait_for()
    lanjut(page)

    # matching with dropdowns
    selects = page.locator(".nk-lesson select")
    selects.nth(0).select_option(label="Pindah ke langkah berikutnya")
    selects.nth(1).select_option(label="Kembali ke langkah sebelumnya")
    page.get_by_role("button", name="Periksa pasangan").tap()
    page.locator(".nk-right").wait_for()
    lanjut(page)

    # Reveal cards on the summary: the back appears (announced) on a tap, goes on a second.
    card = page.get_by_role("button", name="Cara melihat skor?")
    size = card.bounding_box()
    assert size["height"] >= 44 and size["width"] >= 300, f"a full-width touch target: {size}"
    card.tap()
    back = page.get_by_role("status").filter(has_text="di langkah terakhir")
    back.wait_for()
    card.tap()
    back.wait_for(state="detached")
    card.tap()
    back.wait_for()
    page.get_by_role("button", name="Selesai").tap()
    page.get_by_text("Pelajaran selesai").wait_for()
    page.get_by_text("Skor Anda: 7 dari 7").wait_for()
    page.screenshot(path=artifacts / "closing.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 361
    # Kirim: nbgrader autogrades the submission and the official grade comes back.
    page.get_by_role("button", name="Kirim ke pelatih").tap()
    page.get_by_text("Nilai resmi kiriman ke-1: 7 dari 7").wait_for(timeout=60_000)
    page.get_by_role("button", name="Kirim lagi").wait_for()
    page.screenshot(path=artifacts / "kirim.png", full_page=True)
    page.get_by_role("link", name="Kembali ke daftar pelajaran").tap()
    page.get_by_role("heading", name=re.compile("Halo")).wait_for()
    # The course home ticks the lesson and shows its official grade.
    done = page.get_by_role("link", name=re.compile("Cara menjawab soal"))
    assert "Selesai" in done.inner_text() and "Nilai 7 dari 7" in done.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 361


def test_image_region_and_branching_scenario(hub, phone, new_learner, artifacts):
    page = phone
    username, pin = new_learner()
    login(page, hub, username, pin)
    page.get_by_role("link", name="Latihan: gambar dan cerita").tap()
    page.get_by_text("Langkah 1 dari 4").wait_for(timeout=60_000)
    lanjut(page)

    picture = page.get_by_role("img", name=re.compile("Layar konfirmasi pembayaran"))
    picture.wait_for()
    assert page.evaluate("document.querySelector('.nk-region-img').naturalWidth") > 0, (
        "the picture is served by the deployment"
    )
    # Wrong part first (the BAYAR button at the bottom), then the merchant name.
    page.get_by_role("button", name="Bagian baris 6, kolom 2").tap()
    page.get_by_text("Cari tulisan 'Nama toko'").wait_for()
    page.get_by_role("button", name="Bagian baris 2, kolom 2").tap()
    page.get_by_text("Itu nama toko").wait_for()
    page.screenshot(path=artifacts / "image-region.png", full_page=True)
    lanjut(page)

    page.get_by_role("button", name="Tanya dulu nama petugasnya").tap()
    page.get_by_text("Saya Budi dari kantor pusat").wait_for()
    page.get_by_role("button", name="Sebutkan kode OTP-nya").tap()
    page.get_by_text("saldo Bu Sari berkurang").wait_for()
    page.get_by_text("Jangan pernah memberikannya").wait_for()
    page.get_by_role("button", name="Ulangi cerita").tap()
    page.get_by_role("button", name="Tutup telepon").tap()
    page.get_by_text("Petugas bank asli tidak pernah meminta kode OTP").wait_for()
    page.screenshot(path=artifacts / "scenario.png", full_page=True)
    lanjut(page)
    page.get_by_role("button", name="Selesai").tap()
    page.get_by_text("Skor Anda: 2 dari 2").wait_for()

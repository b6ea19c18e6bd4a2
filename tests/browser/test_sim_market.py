"""The marketplace simulators in their lessons, on a phone: a fresh learner completes each by
taps, first reaching a wrong outcome (and its feedback), then the right one."""

import re

from tests.browser.a11y import assert_accessible
from tests.support import fill_login

PHONE_WIDTH = 360


def open_lesson(page, hub, new_learner, title: str, screen: int, screens: int):
    """Log a fresh learner in, open the lesson `title` and go to its step `screen`."""
    username, pin = new_learner()
    fill_login(page, hub.url, username, pin).tap()
    page.get_by_role("link", name=re.compile(title)).tap()
    page.get_by_text(f"Langkah 1 dari {screens}").wait_for(timeout=60_000)
    for step in range(2, screen + 1):
        page.get_by_role("button", name="Lanjut").tap()
        page.get_by_text(f"Langkah {step} dari {screens}").wait_for()
    page.locator(".nk-sim-banner").wait_for()


def tap(page, name: str | re.Pattern):
    page.get_by_role("button", name=name, exact=isinstance(name, str)).tap()


def phone_screen(page) -> str:
    return page.locator(".nk-phone").inner_text()


def assert_fits_the_phone(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH + 1


def test_listing_builder_misleading_then_good(hub, phone, new_learner, artifacts):
    page = phone
    open_lesson(page, hub, new_learner, "Halaman Produk yang Menarik", 7, 8)

    page.get_by_placeholder("Contoh: Kemeja batik pria, ukuran L, biru").fill(
        "Kemeja batik Tegalan pria, ukuran L, biru"
    )
    tap(page, "Berikutnya: Foto")
    page.get_by_text("Langkah 2 dari 4: Foto produk").wait_for()
    for caption in (
        "Tampak depan, siang hari",
        "Tampak belakang, siang hari",
        "Motif dari dekat",
        "Saat dipakai",
        "Foto kemeja mirip, diambil dari internet",
    ):
        tap(page, re.compile(f"☐ {caption}"))
        page.get_by_role("button", name=re.compile(f"☑ {caption}")).wait_for()
    assert page.locator(".nk-market-thumb svg[role=img]").count() == 8
    page.screenshot(path=artifacts / "1-photos.png", full_page=True)
    tap(page, "Berikutnya: Deskripsi")
    for sentence in ("Bahan katun", "Ukuran L: lingkar dada", "Cuci dengan tangan", "Ada sedikit"):
        tap(page, re.compile(re.escape(f"+ {sentence}")))
    description = page.locator(".nk-market-area textarea")
    page.wait_for_function(
        "el => el.value.includes('benang lepas')", arg=description.element_handle()
    )
    tap(page, "Berikutnya: Kategori dan berat")
    page.locator(".nk-phone select").select_option(label="Pakaian pria")
    page.get_by_placeholder("Contoh: 500 gram").fill("350 gram")
    tap(page, "Periksa nilai halaman")
    page.get_by_text("Nilai: 40 dari 100").wait_for()
    assert "menyesatkan pembeli" in phone_screen(page)
    tap(page, "Terbitkan produk")
    page.locator(".nk-wrong", has_text="Ada yang menyesatkan pembeli").wait_for()

    # Fix it: drop the photo from the internet, and the page is good.
    tap(page, "Perbaiki halaman produk")
    tap(page, "Ubah foto produk")
    tap(page, re.compile("☑ Foto kemeja mirip"))
    page.get_by_role("button", name=re.compile("☐ Foto kemeja mirip")).wait_for()
    tap(page, "Simpan, periksa nilai")
    page.get_by_text("Nilai: 100 dari 100").wait_for()
    page.screenshot(path=artifacts / "2-review.png", full_page=True)
    tap(page, "Terbitkan produk")
    page.locator(".nk-right", has_text="Benar! Judul jelas, foto terang dan asli").wait_for()
    assert "Produk Anda terbit" in phone_screen(page)
    page.screenshot(path=artifacts / "3-published.png", full_page=True)
    assert_fits_the_phone(page)
    assert_accessible(phone, "test_listing_builder_misleading_then_good", artifacts)


def test_price_calculator_loss_then_profit(hub, phone, new_learner, artifacts):
    page = phone
    open_lesson(page, hub, new_learner, "Menghitung Harga Jual", 8, 10)
    assert "Modal per barang: Rp19.000" in phone_screen(page)

    price = page.get_by_placeholder("Contoh: Rp30.000")
    price.fill("Rp25.000")
    tap(page, "Pasang harga ini")
    page.locator(".nk-wrong", has_text="Harga itu di bawah harga impas").wait_for()
    # paid 22.000, fee 1.100, shipping 6.000: net 14.900 against a cost of 19.000
    assert "Anda rugi Rp4.100" in phone_screen(page)

    tap(page, "Ulangi latihan")
    page.get_by_placeholder("Contoh: Rp30.000").fill("30rb")
    page.get_by_placeholder("Contoh: Rp5.000 atau 20%").fill("Rp5.000")
    tap(page, "Hitung")
    result = page.locator(".nk-market-result")
    result.wait_for()
    assert "Harga impas: Rp29.316" in result.inner_text()
    assert "paling sedikit Rp34.579" in result.inner_text()
    page.screenshot(path=artifacts / "1-calculated.png", full_page=True)
    tap(page, "Pasang harga ini")
    page.locator(".nk-right", has_text="Benar! Harga itu di atas harga impas").wait_for()
    assert "Anda untung Rp650" in phone_screen(page)
    page.screenshot(path=artifacts / "2-profit.png", full_page=True)
    assert_fits_the_phone(page)
    assert_accessible(phone, "test_price_calculator_loss_then_profit", artifacts)


def test_order_flow_rude_reply_then_five_stars(hub, phone, new_learner, artifacts):
    page = phone
    open_lesson(page, hub, new_learner, "Mengurus Pesanan dan Chat Pembeli", 5, 9)

    tap(page, "Kemas barang")
    page.get_by_text("Cek stok dulu.").wait_for()
    tap(page, "Cek stok barang")
    page.get_by_text("Stok kemeja L biru: 5").wait_for()
    tap(page, "Kemas barang")
    page.get_by_text("kapan dikirim?", exact=False).wait_for()
    tap(page, re.compile("SABAR KAK"))
    page.locator(".nk-wrong", has_text="Huruf besar semua terasa seperti membentak").wait_for()
    assert "★☆☆☆☆" in phone_screen(page)

    tap(page, "Ulangi latihan")
    tap(page, "Cek stok barang")
    page.get_by_text("Stok kemeja L biru: 5").wait_for()
    tap(page, "Kemas barang")
    tap(page, re.compile("Selamat pagi, Kak"))
    page.get_by_text("Balasan terkirim.").wait_for()
    tap(page, "Serahkan ke kurir")
    page.get_by_text("Paket belum siap.").wait_for()
    tap(page, "Cetak dan tempel label")
    page.get_by_text("Nomor resi: LATIHAN0412").wait_for()
    tap(page, "Serahkan ke kurir")
    tap(page, "Dua hari kemudian…")
    page.get_by_text("warnanya lebih gelap dari foto", exact=False).wait_for()
    tap(page, re.compile("Minta maaf, lalu minta foto"))
    tap(page, re.compile("Tawarkan tukar barang atau retur"))
    page.locator(".nk-right", has_text="Benar! Langkahnya urut").wait_for()
    assert "★★★★★" in phone_screen(page)
    assert "✔ Pesanan diterima pembeli" in phone_screen(page)
    page.screenshot(path=artifacts / "order-done.png", full_page=True)
    assert_fits_the_phone(page)
    assert_accessible(phone, "test_order_flow_rude_reply_then_five_stars", artifacts)

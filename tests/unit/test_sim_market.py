"""The marketplace simulators driven in-process, as a learner would tap them."""

import ipywidgets as widgets
import pytest

from naikkelas.widgets import Lesson
from naikkelas.widgets.client import LocalClient
from naikkelas.widgets.marketplace import KEMEJA_BATIK, Fees
from naikkelas.widgets.simulators import ListingBuilder, OrderFlow, PriceCalculator
from naikkelas.widgets.simulators.marketplace import photo_svg

KEY = {
    "produk": {
        "type": "scenario",
        "answer": ["listing-good"],
        "right": "Benar! Halaman produk yang lengkap dan jujur.",
        "feedback": {"listing-misleading": "Halaman ini menyesatkan.", "listing-weak": "Kurang."},
    },
    "harga": {
        "type": "scenario",
        "answer": ["profit"],
        "right": "Benar! Masih untung.",
        "feedback": {"loss": "Rugi.", "too-expensive": "Kemahalan."},
    },
    "pesanan": {
        "type": "scenario",
        "answer": ["order-done"],
        "right": "Benar! Pesanan beres.",
        "feedback": {"chat-rude": "Kasar.", "complaint-ignored": "Didiamkan."},
    },
}


def lesson_with(sim, client=None):
    lesson = Lesson("Uji", client=client or LocalClient(KEY))
    lesson.screen("Latihan", sim)
    lesson.show()
    return lesson


def walk(widget):
    yield widget
    for child in getattr(widget, "children", ()):
        yield from walk(child)


def tap(sim, label):
    """Tap the button on the phone whose text is `label` (or starts with it)."""
    found = [
        w
        for w in walk(sim.stage)
        if isinstance(w, widgets.Button) and w.description.lstrip("☐☑✔ ").startswith(label)
    ]
    assert found, f"no button {label!r} on the screen: {screen(sim)[:300]}"
    found[0].click()


def fill(sim, placeholder, value):
    boxes = [w for w in walk(sim.stage) if getattr(w, "placeholder", None) == placeholder]
    assert boxes, f"no field {placeholder!r}"
    boxes[0].value = value


def screen(sim):
    return " ".join(w.value for w in walk(sim.stage) if isinstance(w, widgets.HTML))


# -- ListingBuilder --------------------------------------------------------------------------------
def build(sim, title, photos, sentences, category, weight):
    fill(sim, "Contoh: Kemeja batik pria, ukuran L, biru", title)
    tap(sim, "Berikutnya: Foto")
    for caption in photos:
        tap(sim, caption)
    tap(sim, "Berikutnya: Deskripsi")
    for sentence in sentences:
        tap(sim, f"+ {sentence}")
    tap(sim, "Berikutnya: Kategori dan berat")
    picker = next(w for w in walk(sim.stage) if isinstance(w, widgets.Dropdown))
    picker.value = category
    fill(sim, "Contoh: 500 gram", weight)
    tap(sim, "Periksa nilai halaman")


GOOD_PHOTOS = [p.caption for p in KEMEJA_BATIK.photos[:4]]
GOOD_SENTENCES = KEMEJA_BATIK.sentences[:5]


def test_a_complete_honest_listing_is_published_as_good():
    sim = ListingBuilder("produk", "Buat halaman produk.")
    lesson_with(sim)
    build(
        sim, "Kemeja batik Tegalan pria, ukuran L, biru", GOOD_PHOTOS, GOOD_SENTENCES,
        "pakaian-pria", "350 gram",
    )  # fmt: skip
    assert "Nilai: 100 dari 100" in screen(sim) and "siap terbit" in screen(sim)
    tap(sim, "Terbitkan produk")
    assert sim.outcome == "listing-good" and sim.correct
    assert "Produk Anda terbit" in screen(sim)
    assert "Benar! Halaman produk yang lengkap dan jujur." in sim.feedback.value


def test_a_misleading_photo_then_fixing_it():
    sim = ListingBuilder("produk")
    lesson_with(sim)
    internet = KEMEJA_BATIK.photos[7].caption
    build(
        sim, "Kemeja batik Tegalan pria, ukuran L, biru", [*GOOD_PHOTOS, internet],
        GOOD_SENTENCES, "pakaian-pria", "350",
    )  # fmt: skip
    assert "Nilai: 40 dari 100" in screen(sim) and "menyesatkan pembeli" in screen(sim)
    tap(sim, "Terbitkan produk")
    assert sim.outcome == "listing-misleading" and not sim.correct
    assert "Halaman ini menyesatkan." in sim.feedback.value
    tap(sim, "Perbaiki halaman produk")
    tap(sim, "Ubah foto produk")
    tap(sim, internet)  # unpick it
    tap(sim, "Simpan, periksa nilai")
    assert "Nilai: 100 dari 100" in screen(sim)
    tap(sim, "Terbitkan produk")
    assert sim.correct


def test_the_title_is_required_and_learner_text_is_escaped():
    sim = ListingBuilder(None)
    lesson_with(sim)
    tap(sim, "Berikutnya: Foto")
    assert "Tulis judul dulu." in screen(sim) and "Langkah 1 dari 4" in screen(sim)
    fill(sim, "Contoh: Kemeja batik pria, ukuran L, biru", "<script>x</script>" * 100)
    tap(sim, "Berikutnya: Foto")
    tap(sim, "Berikutnya: Deskripsi")
    tap(sim, "Berikutnya: Kategori")
    tap(sim, "Periksa nilai halaman")
    assert "&lt;script&gt;" in screen(sim) and "<script>" not in screen(sim)
    assert "Judul terlalu panjang (300 huruf)" in screen(sim)  # kept to 300 characters
    tap(sim, "Terbitkan produk")
    assert sim.outcome == "listing-weak" and sim.feedback.value == ""  # ungraded practice


def test_sentences_are_added_to_the_description_and_can_be_cleared():
    sim = ListingBuilder(None)
    lesson_with(sim)
    fill(sim, "Contoh: Kemeja batik pria, ukuran L, biru", "Kemeja batik")
    tap(sim, "Berikutnya: Foto")
    tap(sim, "Berikutnya: Deskripsi")
    tap(sim, "+ Bahan katun")
    tap(sim, "+ Ukuran L")
    box = sim.description_box
    assert box.value == "Bahan katun, adem dipakai. Ukuran L: lingkar dada 108 cm, panjang 72 cm."
    tap(sim, "Hapus semua deskripsi")
    assert box.value == ""


def test_every_sample_photo_is_a_small_labelled_picture():
    for photo in KEMEJA_BATIK.photos:
        svg = photo_svg(photo)
        assert svg.startswith("<svg") and f'aria-label="{photo.caption}"' in svg
        assert len(svg) < 3000


def test_a_saved_listing_outcome_is_shown_again():
    client = LocalClient(KEY)
    client.answer("produk", "listing-good")
    sim = ListingBuilder("produk")
    lesson_with(sim, client)
    assert "Produk Anda terbit" in screen(sim) and sim.correct


# -- PriceCalculator -------------------------------------------------------------------------------
def story_calculator(**kw):
    return PriceCalculator(
        "harga", cost=19000, fees=Fees(shipping=6000), discount=3000, lock_costs=True, **kw
    )


def test_a_loss_then_a_profit_in_the_lessons_story():
    sim = story_calculator()
    lesson_with(sim)
    assert "Modal per barang: Rp19.000" in screen(sim)
    assert "Contoh biaya layanan: 5%" in screen(sim)
    fill(sim, "Contoh: Rp30.000", "25rb")
    tap(sim, "Pasang harga ini")
    # paid 22.000, fee 1.100, net 22.000 - 1.100 - 6.000 = 14.900: a loss of 4.100
    assert sim.outcome == "loss" and "Anda rugi Rp4.100" in screen(sim)
    assert "Rugi." in sim.feedback.value
    sim.again.click()
    fill(sim, "Contoh: Rp30.000", "Rp30.000")
    fill(sim, "Contoh: Rp5.000 atau 20%", "Rp5.000")
    tap(sim, "Hitung")
    text = screen(sim)
    assert "Harga impas: <b>Rp29.316</b>" in text
    # net 24.000 needed: (24.000 + 6.000) / 0,95 + 3.000 = 34.578,9 -> 34.579
    assert "paling sedikit <b>Rp34.579</b>" in text
    assert "<td>Untung</td><td>Rp650</td>" in text
    tap(sim, "Pasang harga ini")
    assert sim.outcome == "profit" and sim.correct and "Anda untung Rp650" in screen(sim)


def test_an_unreadable_price_is_explained_and_sets_nothing():
    sim = story_calculator()
    lesson_with(sim)
    fill(sim, "Contoh: Rp30.000", "tiga puluh ribu")
    tap(sim, "Pasang harga ini")
    assert "Harga jual tidak bisa dibaca" in screen(sim) and sim.outcome is None


def test_above_other_shops_prices_is_too_expensive():
    sim = story_calculator(market_max=35000)
    lesson_with(sim)
    assert "paling mahal Rp35.000" in screen(sim)
    fill(sim, "Contoh: Rp30.000", "Rp40.000")
    tap(sim, "Pasang harga ini")
    assert sim.outcome == "too-expensive" and "Kemahalan." in sim.feedback.value


def test_the_playground_reads_every_example_fee():
    sim = PriceCalculator(None, cost=19000)
    lesson_with(sim)
    fill(sim, "Contoh: Rp30.000", "Rp30.000")
    assert len(sim.inputs) == 9  # cost, discount, three percentages, two amounts, price, profit
    sim.inputs["payment_pct"].value = "1,5%"
    sim.inputs["per_order"].value = "Rp1.000"
    tap(sim, "Hitung")
    # 5% = 1.500; 1,5% = 450; 1.000 per order: net 27.050, profit 8.050
    assert "<td>Biaya pembayaran (1,5%)</td><td>-Rp450</td>" in screen(sim)
    assert "<td>Untung</td><td>Rp8.050</td>" in screen(sim)
    sim.inputs["service_pct"].value = "60"
    sim.inputs["program_pct"].value = "40"
    tap(sim, "Hitung")
    assert "Jumlah semua persen harus di bawah 100%." in screen(sim)


def test_a_saved_price_outcome_is_shown_again_without_amounts():
    client = LocalClient(KEY)
    client.answer("harga", "loss")
    sim = story_calculator()
    lesson_with(sim, client)
    assert "Setiap barang terjual, Anda rugi. Naikkan harga" in screen(sim)
    assert "Rugi." in sim.feedback.value and not sim.correct


def test_locked_costs_need_the_storys_cost():
    with pytest.raises(ValueError, match="lock_costs"):
        PriceCalculator("harga", lock_costs=True)


# -- OrderFlow -------------------------------------------------------------------------------------
def test_an_order_handled_well_from_start_to_five_stars():
    sim = OrderFlow("pesanan")
    lesson_with(sim)
    tap(sim, "Kemas barang")
    assert "Cek stok dulu." in screen(sim)
    tap(sim, "Cek stok barang")
    assert "Stok kemeja L biru: 5" in screen(sim)
    tap(sim, "Cetak dan tempel label")
    assert "Kemas barang dulu." in screen(sim)
    tap(sim, "Kemas barang")
    assert "kapan dikirim" in screen(sim)
    tap(sim, '"Selamat pagi, Kak.')
    tap(sim, "Serahkan ke kurir")
    assert "Paket belum siap." in screen(sim)
    tap(sim, "Cetak dan tempel label")
    assert "Nomor resi: LATIHAN0412" in screen(sim)
    tap(sim, "Serahkan ke kurir")
    tap(sim, "Dua hari kemudian")
    tap(sim, "Minta maaf")
    tap(sim, "Tawarkan tukar barang")
    assert sim.outcome == "order-done" and sim.correct
    assert "★★★★★" in screen(sim) and "✔ Pesanan diterima pembeli" in screen(sim)


def test_a_rude_reply_ends_with_one_star_and_a_stale_tap_is_ignored():
    sim = OrderFlow("pesanan")
    lesson_with(sim)
    tap(sim, "Cek stok barang")
    tap(sim, "Kemas barang")
    rude = next(w for w in walk(sim.stage) if getattr(w, "description", "").startswith('"SABAR'))
    rude.click()
    assert sim.outcome == "chat-rude" and "★☆☆☆☆" in screen(sim) and "Kasar." in sim.feedback.value
    rude.click()  # a double tap from the chat screen no longer shown
    assert sim.outcome == "chat-rude" and sim.lesson.client.answers["pesanan"]["attempts"] == 1
    sim.again.click()
    assert "Langkah berikutnya?" in screen(sim) and "✔ Cek stok" not in screen(sim)


def test_ignoring_a_complaint():
    sim = OrderFlow(None)
    lesson_with(sim)
    for step in ("Cek stok barang", "Kemas barang", '"Selamat pagi', "Cetak dan tempel label"):
        tap(sim, step)
    tap(sim, "Serahkan ke kurir")
    tap(sim, "Dua hari kemudian")
    tap(sim, "Tidak membalas")
    assert sim.outcome == "complaint-ignored" and "tidak dibalas sama sekali" in screen(sim)

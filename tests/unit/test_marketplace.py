"""Marketplace practice logic: Rupiah, example fees, break-even prices, the listing score and the
order story. Expected values are worked out by hand in the comments."""

from decimal import Decimal

import pytest

from naikkelas.widgets.marketplace import (
    GOOD_SCORE,
    KEMEJA_BATIK,
    Draft,
    Fees,
    InputProblem,
    breakdown,
    lowest_price,
    parse_grams,
    percent,
    price_outcome,
    read_percent,
    read_rupiah,
    read_target_profit,
    rupiah,
    score_listing,
)
from naikkelas.widgets.marketplace_orders import (
    GOOD_ORDER_ENDING,
    ORDER_ENDINGS,
    ORDER_SCENES,
    RESUME,
    Ending,
    Scene,
    step_hint,
    story_problems,
)

FIVE = Fees()  # the courses' example: biaya layanan 5%, nothing else


# -- Rupiah --------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "amount, text",
    [
        (15000, "Rp15.000"),
        (1250000, "Rp1.250.000"),
        (0, "Rp0"),
        (999, "Rp999"),
        (-500, "-Rp500"),
        (Decimal("999.5"), "Rp1.000"),  # halves round up
        (Decimal("1000.49"), "Rp1.000"),
    ],
)
def test_rupiah_is_written_with_dots_between_thousands(amount, text):
    assert rupiah(amount) == text


def test_percentages_use_a_decimal_comma():
    assert percent(Decimal("2.5")) == "2,5%"
    assert percent(5) == "5%"
    assert percent(Decimal("10")) == "10%"


@pytest.mark.parametrize(
    "typed, value",
    [("Rp30.000", 30000), ("30rb", 30000), ("30.000", 30000), ("1,5 juta", 1500000), ("0", 0)],
)
def test_amounts_are_read_as_people_type_them(typed, value):
    assert read_rupiah(typed, "harga jual") == value


@pytest.mark.parametrize(
    "typed, message",
    [
        ("", "Isi harga jual dulu"),
        ("   ", "Isi harga jual dulu"),
        (None, "Isi harga jual dulu"),
        ("tiga puluh ribu", "Harga jual tidak bisa dibaca"),
        ("-5000", "tidak boleh kurang dari nol"),
        ("2 miliar", "terlalu besar"),
        ("9" * 500, "tidak bisa dibaca"),
    ],
)
def test_unusable_amounts_are_explained_in_indonesian(typed, message):
    with pytest.raises(InputProblem, match=message):
        read_rupiah(typed, "harga jual")


def test_an_empty_optional_amount_is_zero():
    assert read_rupiah("", "diskon", blank_is_zero=True) == 0


def test_percentages_are_read_with_or_without_the_sign():
    assert read_percent("5%", "biaya layanan") == 5
    assert read_percent("2,5 %", "biaya layanan") == Decimal("2.5")
    assert read_percent("2.5", "biaya layanan") == Decimal("2.5")
    assert read_percent("", "biaya layanan") == 0
    for bad in ("100", "150%", "-1", "lima", "1.000"):
        with pytest.raises(InputProblem, match="Biaya layanan ditulis sebagai persen"):
            read_percent(bad, "biaya layanan")


# -- fees and break-even -------------------------------------------------------------------------
def test_the_lessons_example_at_rp20000_only_breaks_even():
    # 5% of 20.000 = 1.000; net 19.000 = the cost 19.000: no profit (lesson 03)
    sale = breakdown(20000, 19000, FIVE)
    assert sale.lines == [("Biaya layanan (5%)", 1000)]
    assert (sale.net, sale.profit) == (19000, 0)
    assert price_outcome(sale) == "break-even"


def test_the_lessons_example_at_rp30000_with_and_without_free_shipping():
    # 5% of 30.000 = 1.500; net 28.500; profit 9.500; paying 6.000 shipping leaves 3.500
    assert breakdown(30000, 19000, FIVE).profit == 9500
    free_shipping = breakdown(30000, 19000, Fees(shipping=6000))
    assert free_shipping.lines[-1] == ("Ongkos kirim yang Anda tanggung", 6000)
    assert (free_shipping.net, free_shipping.profit) == (22500, 3500)
    assert price_outcome(free_shipping) == "profit"


def test_fees_are_taken_from_the_price_after_the_shops_discount():
    # paid 30.000 - 3.000 = 27.000; 5% = 1.350; net 27.000 - 1.350 - 6.000 = 19.650; profit 650
    sale = breakdown(30000, 19000, Fees(shipping=6000), discount=3000)
    assert (sale.paid, sale.net, sale.profit) == (27000, 19650, 650)


def test_every_example_fee_is_a_line_of_its_own():
    # paid 45.000: 6,5% = 2.925; 4% = 1.800; 1,5% = 675; per order 1.000 -> net 38.600
    fees = Fees(Decimal("6.5"), Decimal(4), Decimal("1.5"), per_order=1000)
    sale = breakdown(50000, 30000, fees, discount=5000)
    assert sale.lines == [
        ("Biaya layanan (6,5%)", 2925),
        ("Biaya program gratis ongkir (4%)", 1800),
        ("Biaya pembayaran (1,5%)", 675),
        ("Biaya per pesanan", 1000),
    ]
    assert (sale.net, sale.profit) == (38600, 8600)


def test_each_fee_is_rounded_to_whole_rupiah_halves_up():
    # 5% of 10.010 = 500,5 -> 501
    assert breakdown(10010, 0, FIVE).lines == [("Biaya layanan (5%)", 501)]


def test_a_discount_above_the_price_is_refused():
    with pytest.raises(InputProblem, match="Diskon tidak boleh lebih besar"):
        breakdown(10000, 5000, FIVE, discount=12000)


def test_break_even_price_of_the_lesson():
    # 19.000 / 0,95 = 20.000 exactly; at 19.999 the fee rounds to 1.000 and 18.999 is left
    assert lowest_price(19000, FIVE) == 20000


def test_break_even_with_free_shipping_and_a_voucher():
    # (P - 3.000) x 0,95 >= 25.000 -> P >= 29.315,8. At 29.316: paid 26.316, fee 1.315,8 -> 1.316,
    # net 19.000. At 29.315: fee 1.315,75 -> 1.316, net 18.999: a loss.
    assert lowest_price(19000, Fees(shipping=6000), discount=3000) == 29316


def test_lowest_price_for_a_wanted_profit_counts_the_rounding():
    # net 24.000 needed: 24.000 / 0,95 = 25.263,2, but at 25.263 the fee 1.263,15 rounds to 1.263
    # and leaves exactly 24.000; at 25.262 it leaves 23.999
    assert lowest_price(19000, FIVE, profit=5000) == 25263


def test_no_price_breaks_even_when_the_percentages_take_everything():
    assert lowest_price(19000, Fees(Decimal(60), Decimal(40))) is None


def test_wanted_profit_in_rupiah_or_as_a_share_of_the_cost():
    assert read_target_profit("Rp5.000", 19000) == 5000
    assert read_target_profit("20%", 19000) == 3800  # 19.000 / 100 x 20
    assert read_target_profit("", 19000) is None
    with pytest.raises(InputProblem):
        read_target_profit("banyak", 19000)


def test_price_outcomes():
    assert price_outcome(breakdown(25000, 19000, FIVE)) == "profit"
    assert price_outcome(breakdown(19000, 19000, FIVE)) == "loss"
    assert price_outcome(breakdown(40000, 19000, FIVE), market_max=35000) == "too-expensive"
    assert price_outcome(breakdown(35000, 19000, FIVE), market_max=35000) == "profit"


# -- listing score -------------------------------------------------------------------------------
GOOD_TITLE = "Kemeja batik Tegalan pria lengan pendek, ukuran L, biru"
GOOD_DESCRIPTION = (
    "Kemeja batik Tegalan, motif khas Tegal. Bahan katun, adem dipakai. Ukuran L: lingkar dada "
    "108 cm, panjang 72 cm. Cuci dengan tangan, jangan diperas. Ada sedikit benang lepas di "
    "jahitan bawah. Lihat foto."
)


def good_draft(**changes) -> Draft:
    draft = Draft(
        title=GOOD_TITLE,
        photos=["depan", "belakang", "motif", "dipakai"],
        description=GOOD_DESCRIPTION,
        category="pakaian-pria",
        weight="350 gram",
    )
    for name, value in changes.items():
        setattr(draft, name, value)
    return draft


def test_a_complete_honest_listing_scores_100():
    result = score_listing(good_draft())
    assert (result.score, result.outcome, result.advice) == (100, "listing-good", [])


def test_three_good_photos_still_make_a_good_listing_with_advice():
    # one good photo less: 6 points off
    result = score_listing(good_draft(photos=["depan", "belakang", "motif"]))
    assert result.score == 94 and result.outcome == "listing-good"
    assert result.advice == [
        "Anda baru punya 3 foto yang baik. Tambahkan foto dari sisi lain: depan, belakang, motif "
        "dari dekat, saat dipakai."
    ]


def test_an_empty_listing_scores_zero_and_says_what_to_do():
    result = score_listing(Draft())
    assert (result.score, result.outcome) == (0, "listing-weak")
    assert result.advice[0] == "Tulis judul produk."
    assert "Isi berat paket dalam gram. Ongkos kirim dihitung dari berat." in result.advice
    assert "Pilih foto produk. Pembeli menilai barang dari fotonya." in result.advice


def test_a_vague_title_loses_points_for_each_missing_part():
    # "Batik bagus murah": 17 letters, no "kemeja", no size, no colour; 4 of 25 points left
    result = score_listing(good_draft(title="Batik bagus murah"))
    assert {"judul-kata", "judul-pendek", "judul-ukuran", "judul-warna"} == {
        rule for rule in result.failed if rule.startswith("judul")
    }
    assert result.score == 100 - 21
    assert "Sebut apa barangnya di judul: kemeja. Pembeli mencari dengan kata itu." in result.advice
    assert "Judul terlalu pendek (17 huruf). Tambahkan ukuran dan warna." in result.advice


def test_shouting_and_hype_in_the_title_cost_points():
    result = score_listing(good_draft(title="KEMEJA BATIK MURAH BANGET!!! ukuran L biru"))
    assert result.failed == ["judul-teriak"] and result.score == 96


def test_a_title_over_100_letters_is_too_long():
    title = GOOD_TITLE + ", " + "adem nyaman dipakai kerja kondangan " * 3  # 55 + 2 + 107 letters
    result = score_listing(good_draft(title=title))
    assert result.failed == ["judul-panjang"]
    assert result.advice[0].startswith(f"Judul terlalu panjang ({len(title.strip())} huruf).")


def test_imitating_another_brand_is_misleading():
    result = score_listing(good_draft(title="Kemeja batik mirip merek terkenal, ukuran L, biru"))
    assert result.outcome == "listing-misleading" and result.score <= 40


def test_a_photo_that_is_not_the_real_product_spoils_the_page():
    result = score_listing(good_draft(photos=["depan", "belakang", "motif", "dipakai", "internet"]))
    assert result.outcome == "listing-misleading" and result.score == 40
    assert result.advice[0] == (
        'Foto "Foto kemeja mirip, diambil dari internet": bukan foto barang Anda. Pakai foto '
        "barang asli Anda sendiri."
    )


def test_dark_and_busy_photos_cost_points_and_are_named():
    result = score_listing(good_draft(photos=["gelap", "kasur", "depan", "belakang", "motif"]))
    # 3 good photos (18 of 24), and 6 off for keeping bad ones: 100 - 6 - 6
    assert result.score == 88 and result.outcome == "listing-good"
    assert any(
        a.startswith('Foto "Tampak depan, malam hari, lampu redup": terlalu gelap')
        for a in result.advice
    )
    assert "Buang foto yang gelap atau berlatar ramai." in result.advice


def test_fewer_than_three_good_photos_is_never_good():
    result = score_listing(good_draft(photos=["depan", "belakang"]))
    # 100 - 12 = 88, but two good photos are not enough: kept below 85
    assert result.score == GOOD_SCORE - 1 and result.outcome == "listing-weak"


def test_the_same_photo_twice_counts_once():
    result = score_listing(good_draft(photos=["depan", "depan", "depan", "depan"]))
    assert result.score == 82  # 1 good photo: 100 - 18 (and below 85 anyway)


def test_hiding_or_denying_the_defect():
    hidden = GOOD_DESCRIPTION.replace(" Ada sedikit benang lepas di jahitan bawah. Lihat foto.", "")
    result = score_listing(good_draft(description=hidden))
    assert result.failed == ["deskripsi-kekurangan"] and result.score == 96
    denied = score_listing(good_draft(description=hidden + " Kondisi sempurna, tanpa cacat."))
    assert denied.outcome == "listing-misleading"


def test_a_phone_number_in_the_description_keeps_the_listing_below_good():
    result = score_listing(
        good_draft(description=GOOD_DESCRIPTION + " Pesan lewat WA 0812 0000 0000.")
    )
    assert result.failed == ["deskripsi-kontak"]
    assert result.score == GOOD_SCORE - 1 and result.outcome == "listing-weak"
    assert result.advice[0].startswith("Jangan tulis nomor HP")


def test_wrong_category_is_named_in_the_advice():
    result = score_listing(good_draft(category="pakaian-wanita"))
    assert result.outcome == "listing-weak"
    assert result.advice == [
        "Pilih kategori yang tepat, supaya barang mudah dicari. Untuk barang ini: Pakaian pria."
    ]


@pytest.mark.parametrize(
    "typed, grams",
    [
        ("350", 350),
        ("350 gram", 350),
        ("350gr", 350),
        ("350 g", 350),
        ("0,35 kg", 350),
        ("1,5kg", 1500),
        ("1.000 g", 1000),
        ("abc", None),
        ("0", None),
        ("-5", None),
        ("200 kg", None),
        ("3" * 40, None),
        (None, None),
    ],
)
def test_package_weights_as_people_type_them(typed, grams):
    assert parse_grams(typed) == grams


@pytest.mark.parametrize(
    "weight, rule, advice",
    [
        ("250", "berat-kecil", "Barang dan kemasan ikut ditimbang: 250 + 100 = 350 gram."),
        ("1 kg", "berat-besar", "Paket Anda 350 gram."),
        ("", "berat-kosong", "Isi berat paket dalam gram."),
        ("banyak", "berat-baca", "Berat paket tidak bisa dibaca."),
    ],
)
def test_wrong_weights(weight, rule, advice):
    result = score_listing(good_draft(weight=weight))
    assert result.failed == [rule] and advice in result.advice[0]
    assert result.outcome == "listing-weak"


def test_a_little_rounding_up_of_the_weight_is_fine():
    # up to a fifth above 350 gram: 420
    assert score_listing(good_draft(weight="420")).score == 100
    assert score_listing(good_draft(weight="421")).failed == ["berat-besar"]


def test_untrusted_input_never_raises():
    odd = Draft(title=None, photos=[None, 3, "tidak-ada"], description="x" * 100_000, weight=None)
    result = score_listing(odd)
    assert result.outcome == "listing-weak"


def test_the_sample_product_offers_every_kind_of_photo_and_sentence():
    flaws = {p.flaw for p in KEMEJA_BATIK.photos}
    assert flaws == {None, "gelap", "ramai", "filter", "bukan-asli"}
    tapped = " ".join(KEMEJA_BATIK.sentences[:5])  # the five honest, useful sentences
    assert score_listing(good_draft(description=tapped)).score == 100


# -- the order story -----------------------------------------------------------------------------
def test_order_steps_must_follow_each_other():
    assert step_hint([], "stok") is None
    assert step_hint([], "kemas").startswith("Cek stok dulu.")
    assert step_hint(["stok"], "label").startswith("Kemas barang dulu.")
    assert step_hint(["stok", "kemas"], "kurir").startswith("Paket belum siap.")
    assert step_hint(["stok", "kemas", "label"], "kurir") is None
    assert step_hint(["stok"], "stok").startswith("Langkah ini sudah selesai.")
    assert step_hint([], "terbang") == "Langkah itu tidak ada."


def test_the_order_story_is_sound_and_has_one_good_ending():
    assert story_problems() == []
    assert [name for name, e in ORDER_ENDINGS.items() if e.stars == 5] == [GOOD_ORDER_ENDING]
    # the good path: a polite reply goes back to the order, then apologise, then offer a return
    assert ORDER_SCENES["chat"].choices[0][1] == RESUME
    assert ORDER_SCENES["keluhan"].choices[0][1] == "keluhan-foto"
    assert ORDER_SCENES["keluhan-foto"].choices[0][1] == GOOD_ORDER_ENDING


def test_a_broken_story_is_reported():
    scenes = {"a": Scene("A", (("ke b", "b"), ("ke x", "x")))}
    endings = {"b": Ending(6, "", ""), "c": Ending(1, "", "")}
    assert story_problems(scenes, endings, ("a", "z")) == [
        "start 'z' is not a scene",
        "unknown target 'x'",
        "'c' is never reached",
        "'b': stars must be 1-5",
    ]

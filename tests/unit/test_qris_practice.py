"""naikkelas.widgets.qris_practice: the rules of the QRIS exercises, tested without widgets.

Expected payloads are assembled field by field here with a bitwise CRC from its definition;
expected fees are worked out by hand in the comments, never by calling the code under test.
"""

from __future__ import annotations

import base64
import io
from datetime import time
from decimal import Decimal

import pytest
from PIL import Image

from naikkelas.widgets import qris_practice as practice
from naikkelas.widgets.qris import decode, encode, to_png
from naikkelas.widgets.qris_practice import (
    BAKSO_RAHMAT,
    TOKO_MAJU,
    Merchant,
    Notification,
    checkout_outcome,
    mdr,
    mdr_outcome,
    notification_outcome,
    read_amount,
    read_sticker,
    sticker_outcome,
)


def ref_crc(data: bytes) -> int:
    crc = 0xFFFF
    for byte in data:
        for bit in range(7, -1, -1):
            top = bool(crc & 0x8000) ^ bool((byte >> bit) & 1)
            crc = ((crc << 1) & 0xFFFF) ^ (0x1021 if top else 0)
    return crc


def tlv(tag: str, value: str) -> str:
    return f"{tag}{len(value):02d}{value}"


def signed(body: str) -> str:
    body += "6304"
    return body + f"{ref_crc(body.encode()):04X}"


def png_of(payload: str) -> bytes:
    out = io.BytesIO()
    to_png(payload, out)
    return out.getvalue()


# -- shops and codes -------------------------------------------------------------------------
RAHMAT_ENTRY = tlv(
    "51", tlv("00", "ID.CO.QRIS.WWW") + tlv("02", "ID2024000012345") + tlv("03", "UMI")
)
RAHMAT_TAIL = tlv("58", "ID") + tlv("59", "BAKSO PAK RAHMAT") + tlv("60", "TANJUNGPINANG")


def test_a_shops_static_code_is_the_specifications_payload():
    expected = signed("000201" + "010211" + RAHMAT_ENTRY + "52045499" + "5303360" + RAHMAT_TAIL)
    assert BAKSO_RAHMAT.payload() == expected


def test_a_dynamic_code_carries_the_amount():
    expected = signed(
        "000201" + "010212" + RAHMAT_ENTRY + "52045499" + "5303360" + "540515000" + RAHMAT_TAIL
    )
    assert BAKSO_RAHMAT.payload(15_000) == expected


def test_the_sample_shops_are_valid_codes_with_nmids_in_the_format():
    for shop in (practice.BAKSO_RAHMAT, practice.BATIK_NINGSIH, TOKO_MAJU, practice.BAKSO_JAYA):
        code = decode(shop.payload())
        assert (code.merchant_name, code.nmid, code.warnings) == (shop.name, shop.nmid, [])


def test_the_qr_picture_is_a_small_png_that_scans_back_to_the_payload():
    import zxingcpp

    payload = TOKO_MAJU.payload()
    uri = practice.qr_data_uri(payload)
    assert uri.startswith("data:image/png;base64,")
    data = base64.b64decode(uri.split(",", 1)[1])
    assert len(data) < 1024
    image = Image.open(io.BytesIO(data)).convert("L")
    assert [r.text for r in zxingcpp.read_barcodes(image)] == [payload]


def test_the_shop_is_paid_only_when_name_and_nmid_match():
    rahmat = decode(BAKSO_RAHMAT.payload())
    assert practice.pays_shop(rahmat, BAKSO_RAHMAT)
    assert practice.differences(rahmat, BAKSO_RAHMAT) == []
    # Case and spacing are how a person would not tell names apart.
    sloppy = Merchant("bakso  pak rahmat", "TANJUNGPINANG", "ID2024000012345")
    assert practice.pays_shop(rahmat, sloppy)
    same_name_other_nmid = Merchant("BAKSO PAK RAHMAT", "TANJUNGPINANG", "ID2024000099999")
    assert not practice.pays_shop(rahmat, same_name_other_nmid)
    assert practice.differences(rahmat, same_name_other_nmid) == ["NMID"]
    maju = decode(TOKO_MAJU.payload())
    assert not practice.pays_shop(maju, BAKSO_RAHMAT)
    assert practice.differences(maju, BAKSO_RAHMAT) == ["Nama toko", "Kota", "NMID"]


def test_identity_rows_use_the_lessons_words():
    rows = practice.identity_rows(decode(TOKO_MAJU.payload()))
    assert rows == [
        ("Nama toko", "TOKO MAJU SENTOSA"),
        ("Kota", "JAKARTA"),
        ("NMID", "ID2024000098765"),
    ]


# -- typed amounts ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    "typed, amount",
    [
        ("15000", 15_000),
        ("Rp15.000", 15_000),
        ("15rb", 15_000),
        (" rp 250.000 ", 250_000),
        ("1,5 juta", 1_500_000),
    ],
)
def test_amounts_are_read_as_people_write_them(typed, amount):
    assert read_amount(typed) == (Decimal(amount), "")


@pytest.mark.parametrize(
    "typed, says",
    [
        ("", "Ketik nominalnya dulu"),
        ("   ", "Ketik nominalnya dulu"),
        (None, "Ketik nominalnya dulu"),
        (15000, "Ketik nominalnya dulu"),  # not text: never trusted
        ("lima belas ribu", "Nominal tidak terbaca"),
        ("<script>", "Nominal tidak terbaca"),
        ("9" * 5000, "Nominal tidak terbaca"),
        ("0", "lebih dari Rp0"),
        ("-5000", "lebih dari Rp0"),
        ("15.000,50", "rupiah penuh"),
        ("Rp200.000.000", "paling banyak Rp100.000.000"),
    ],
)
def test_bad_amounts_get_a_message_not_an_error(typed, says):
    amount, message = read_amount(typed)
    assert amount is None and says in message


# -- outcomes --------------------------------------------------------------------------------
PRICE = Decimal(15_000)


@pytest.mark.parametrize(
    "right, code_amount, confirmed, paid, outcome",
    [
        (True, None, True, PRICE, "paid"),
        (True, None, True, Decimal(1_500), "wrong_amount"),
        (False, None, True, PRICE, "wrong_merchant_paid"),
        (False, None, False, None, "cancelled_wrong_merchant"),
        (True, None, False, None, "cancelled_right_merchant"),
        (True, None, True, None, "cancelled"),
        (True, PRICE, True, PRICE, "paid"),
        (True, Decimal(150_000), True, Decimal(150_000), "wrong_amount"),
        (True, Decimal(150_000), True, None, "cancelled_wrong_amount"),
        (False, Decimal(150_000), True, Decimal(150_000), "wrong_merchant_paid"),
    ],
)
def test_checkout_outcomes(right, code_amount, confirmed, paid, outcome):
    assert (
        checkout_outcome(
            right_merchant=right,
            price=PRICE,
            code_amount=code_amount,
            name_confirmed=confirmed,
            paid_amount=paid,
        )
        == outcome
    )


@pytest.mark.parametrize(
    "fake, scanned, said_fake, removed, outcome",
    [
        (True, False, False, False, "not_checked"),
        (False, False, False, False, "not_checked"),
        (True, True, False, False, "missed_fake"),
        (True, True, True, True, "spotted_fake"),
        (True, True, True, False, "fake_left"),
        (False, True, False, False, "genuine_ok"),
        (False, True, True, True, "false_alarm"),
    ],
)
def test_sticker_outcomes(fake, scanned, said_fake, removed, outcome):
    result = sticker_outcome(fake=fake, scanned=scanned, said_fake=said_fake, removed=removed)
    assert result == outcome


def test_the_inbox_always_holds_yesterdays_payment_of_the_same_price():
    sale = time(10, 40)
    unpaid = practice.merchant_inbox(Decimal(250_000), False, sale)
    assert any(not n.today and n.amount == 250_000 for n in unpaid)
    assert not practice.payment_arrived(unpaid, Decimal(250_000), sale)
    paid = practice.merchant_inbox(Decimal(250_000), True, sale)
    assert paid[0] == Notification(True, time(10, 41), Decimal(250_000))
    assert practice.payment_arrived(paid, Decimal(250_000), sale)


@pytest.mark.parametrize(
    "notification, counts",
    [
        (Notification(True, time(10, 40), Decimal(250_000)), True),
        (Notification(True, time(10, 39), Decimal(250_000)), False),  # before the sale
        (Notification(False, time(10, 45), Decimal(250_000)), False),  # yesterday
        (Notification(True, time(10, 45), Decimal(25_000)), False),  # one zero short
    ],
)
def test_only_todays_full_payment_after_the_sale_counts(notification, counts):
    assert practice.payment_arrived([notification], Decimal(250_000), time(10, 40)) is counts


def test_clock_times_are_written_the_indonesian_way():
    assert practice.clock(time(9, 5)) == "09.05"
    assert practice.minutes_after(time(23, 59), 1) == time(0, 0)
    assert practice.minutes_after(time(10, 40), 2) == time(10, 42)
    assert Notification(False, time(16, 20), Decimal(1)).when == "Kemarin, pukul 16.20"


@pytest.mark.parametrize(
    "checked, handed, arrived, outcome",
    [
        (False, True, False, "handed_on_screenshot"),
        (False, True, True, "handed_on_screenshot"),
        (False, False, False, "held_unchecked"),
        (True, True, False, "handed_unpaid"),
        (True, False, False, "held_unpaid"),
        (True, True, True, "handed_paid"),
        (True, False, True, "held_paid"),
    ],
)
def test_notification_outcomes(checked, handed, arrived, outcome):
    result = notification_outcome(checked_app=checked, handed_over=handed, arrived=arrived)
    assert result == outcome


# -- MDR -------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "amount, fee",
    [
        (15_000, "0"),
        (100_000, "0"),
        (500_000, "0"),  # "sampai Rp500.000": the limit itself is free
        (600_000, "1800"),  # 600 x Rp3
        (1_000_000, "3000"),  # 1.000 x Rp3
        (500_001, "1500.00"),  # 1500.003 to the sen
        (500_155, "1500.47"),  # 1500.465, half up
    ],
)
def test_mdr_for_micro_merchants_since_december_2024(amount, fee):
    result = mdr(Decimal(amount), "UMI")
    assert result.fee == Decimal(fee)
    assert result.net == Decimal(amount) - Decimal(fee)
    assert result.buyer_pays == Decimal(amount)


def test_mdr_explains_the_rule_in_force():
    assert "0%" in mdr(Decimal(150_000), "UMI").explanation
    assert "1 Desember 2024" in mdr(Decimal(150_000), "UMI").explanation
    assert "0,3%" in mdr(Decimal(600_000), "UMI").explanation
    assert practice.percent(Decimal("0.003")) == "0,3%"
    assert practice.percent(Decimal(0)) == "0%"


@pytest.mark.parametrize("criteria", ["UKE", "UME", "UBE"])
def test_mdr_rates_not_in_the_course_are_not_made_up(criteria):
    result = mdr(Decimal(600_000), criteria)
    assert result.rate is None and result.fee is None and result.net is None
    assert "penyedia QRIS" in result.explanation
    assert result.buyer_pays == Decimal(600_000)


def test_mdr_refuses_an_unknown_criteria():
    with pytest.raises(ValueError):
        mdr(Decimal(1), "URE")


@pytest.mark.parametrize(
    "merchant_pays, surcharge, outcome",
    [(True, False, "merchant_pays"), (True, True, "surcharge"), (False, False, "buyer_pays")],
)
def test_mdr_outcomes(merchant_pays, surcharge, outcome):
    assert mdr_outcome(merchant_pays=merchant_pays, surcharge_allowed=surcharge) == outcome


# -- reading one's own sticker ---------------------------------------------------------------
def test_a_photo_of_a_sticker_is_read():
    reading = read_sticker("stiker.png", png_of(BAKSO_RAHMAT.payload()))
    assert reading.problem == ""
    code = reading.code
    assert (code.merchant_name, code.nmid) == ("BAKSO PAK RAHMAT", "ID2024000012345")


def test_a_file_over_5_mb_is_refused_before_reading():
    reading = read_sticker("besar.jpg", b"\xff\xd8" + bytes(5 * 1024 * 1024))
    assert reading.code is None
    assert "terlalu besar (5,0 MB)" in reading.problem and "paling besar 5 MB" in reading.problem


def test_a_file_that_is_not_a_picture_is_refused_by_name():
    reading = read_sticker("catatan.txt", b"bukan gambar")
    assert reading.code is None
    assert reading.problem.startswith("Berkas “catatan.txt” bukan gambar")


def test_a_broken_picture_gets_a_message():
    broken = png_of(BAKSO_RAHMAT.payload())[:60]
    reading = read_sticker("foto.png", broken)
    assert reading.code is None and "bukan gambar yang bisa dibaca" in reading.problem


def test_a_picture_without_a_qr_code_gets_a_message():
    out = io.BytesIO()
    Image.new("RGB", (200, 200), "white").save(out, "PNG")
    reading = read_sticker("putih.png", out.getvalue())
    assert reading.code is None and "Tidak ada kode QR" in reading.problem


def test_a_qr_code_that_is_not_qris_or_was_tampered_with_gets_a_message():
    link = read_sticker("link.png", png_of("https://contoh.test/hadiah"))
    assert link.code is None and "alamat situs web" in link.problem
    payload = encode("BAKSO PAK RAHMAT", "TANJUNGPINANG", "ID2024000012345")
    tampered = payload.replace("RAHMAT", "RAHMAN")  # the CRC no longer matches
    reading = read_sticker("stiker.png", png_of(tampered))
    assert reading.code is None and "CRC" in reading.problem

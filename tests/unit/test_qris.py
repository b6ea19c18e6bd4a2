"""naikkelas.widgets.qris and the `naikkelas qris` commands, tested in-process.

Vectors are assembled field by field here and their CRCs come from a bitwise reference
implementation in this file, so the module is never checked against itself.
"""

from __future__ import annotations

import argparse
import io
import json
import random
import re
import struct
import zlib
from decimal import Decimal

import pytest
from PIL import Image, ImageDraw, ImageFilter

from naikkelas.hub import cli_qris
from naikkelas.hub.cli_qris import add_qris_commands
from naikkelas.widgets import qris
from naikkelas.widgets.qris import QrisError, decode, encode

ALL_DECODE_CODES = {
    "not_qris",
    "too_long",
    "truncated",
    "bad_length",
    "bad_format",
    "crc",
    "missing_field",
    "wrong_country",
    "wrong_currency",
    "amount_in_static",
}
ENGLISH_WORDS = {"the", "is", "invalid", "must", "error", "missing", "expected", "not", "found"}
# Every message must use at least one everyday Indonesian word from this list.
INDONESIAN_WORDS = {"kode", "tidak", "bukan", "harus", "kolom", "wajib", "hanya", "yang", "kirim"}


def ref_crc(data: bytes) -> int:
    """CRC-16/CCITT-FALSE, bit by bit, straight from its definition."""
    crc = 0xFFFF
    for byte in data:
        for bit in range(7, -1, -1):
            top = bool(crc & 0x8000) ^ bool((byte >> bit) & 1)
            crc = ((crc << 1) & 0xFFFF) ^ (0x1021 if top else 0)
    return crc


def tlv(tag: str, value: str) -> str:
    return f"{tag}{len(value):02d}{value}"


def signed(body: str) -> str:
    """Append field 63 with the reference CRC over body + '6304'."""
    body += "6304"
    return body + f"{ref_crc(body.encode()):04X}"


QRIS_ENTRY = tlv(
    "51", tlv("00", "ID.CO.QRIS.WWW") + tlv("02", "ID1020017611473") + tlv("03", "UMI")
)


def static_body(name="WARUNG BU SARI", city="SURABAYA", **replace: str | None) -> str:
    """A static payload without its CRC; `replace={'59': 'X'}` swaps a field, None drops it."""
    fields = {
        "00": "01",
        "01": "11",
        "51": QRIS_ENTRY[4:],
        "52": "5812",
        "53": "360",
        "58": "ID",
        "59": name,
        "60": city,
        "61": "60111",
    }
    fields.update(replace)
    return "".join(tlv(tag, value) for tag, value in fields.items() if value is not None)


STATIC = signed(static_body())
DYNAMIC = signed(
    tlv("00", "01")
    + tlv("01", "12")
    + tlv(
        "26", tlv("00", "ID.CO.BANKDESA.WWW") + tlv("01", "936000140001234567") + tlv("03", "UMI")
    )
    + QRIS_ENTRY
    + tlv("52", "5499")
    + tlv("53", "360")
    + tlv("54", "25000")
    + tlv("55", "02")
    + tlv("56", "2000")
    + tlv("58", "ID")
    + tlv("59", "TOKO SEMBAKO MAJU")
    + tlv("60", "MALANG")
    + tlv("62", tlv("01", "INV-0042") + tlv("05", "REF77") + tlv("07", "KASIR1"))
)


def assert_indonesian(message: str) -> None:
    assert message.strip()
    words = set(re.findall(r"[a-z]+", message.lower()))
    assert words & INDONESIAN_WORDS, message
    assert not words & ENGLISH_WORDS, message


def qris_error(code: str, call, *args, **kwargs) -> QrisError:
    with pytest.raises(QrisError) as info:
        call(*args, **kwargs)
    assert info.value.code == code, str(info.value)
    assert_indonesian(str(info.value))
    return info.value


# --- CRC -------------------------------------------------------------------------------------


def test_crc_check_value():
    assert ref_crc(b"123456789") == 0x29B1
    assert qris.crc16_ccitt_false("123456789") == 0x29B1
    assert qris.crc16_ccitt_false(b"123456789") == 0x29B1


@pytest.mark.parametrize(
    ("data", "crc"), [(b"", 0xFFFF), (b"A", 0xB915), (b"A" * 256, 0xEA0B), (b"123456789", 0x29B1)]
)
def test_crc_published_vectors(data, crc):
    assert ref_crc(data) == crc
    assert qris.crc16_ccitt_false(data) == crc


@pytest.mark.parametrize(
    "data", [b"", b"A", b"6304", b"\x00\xff" * 50, STATIC[:-4].encode(), DYNAMIC[:-4].encode()]
)
def test_crc_matches_bitwise_reference(data):
    assert qris.crc16_ccitt_false(data) == ref_crc(data)


def test_crc_of_random_bytes_matches_reference():
    rng = random.Random(7)
    for _ in range(200):
        data = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 300)))
        assert qris.crc16_ccitt_false(data) == ref_crc(data)


# --- decoding hand-built vectors ----------------------------------------------------------------


def test_decode_static_vector():
    d = decode(STATIC)
    assert (d.merchant_name, d.merchant_city, d.postal_code) == (
        "WARUNG BU SARI",
        "SURABAYA",
        "60111",
    )
    assert (d.nmid, d.criteria, d.mcc, d.currency, d.country) == (
        "ID1020017611473",
        "UMI",
        "5812",
        "360",
        "ID",
    )
    assert d.amount is None and d.point_of_initiation == "static"
    assert d.crc == STATIC[-4:] and d.crc_ok
    assert d.warnings == []
    entry = next(f for f in d.fields if f.id == "51")
    assert [(s.id, s.value) for s in entry.subfields] == [
        ("00", "ID.CO.QRIS.WWW"),
        ("02", "ID1020017611473"),
        ("03", "UMI"),
    ]
    assert [f.id for f in d.fields] == ["00", "01", "51", "52", "53", "58", "59", "60", "61", "63"]


def test_decode_dynamic_vector():
    d = decode(DYNAMIC)
    assert d.point_of_initiation == "dynamic"
    assert d.amount == Decimal("25000")
    assert (d.tip_indicator, d.tip_fixed, d.tip_percentage) == ("02", Decimal("2000"), None)
    assert (d.bill_number, d.reference_label, d.terminal_label) == ("INV-0042", "REF77", "KASIR1")
    assert (d.acquirer_guid, d.merchant_pan) == ("ID.CO.BANKDESA.WWW", "936000140001234567")
    assert d.merchant_name == "TOKO SEMBAKO MAJU" and d.warnings == []


def test_json_dict_shape():
    static, dynamic = decode(STATIC).to_json_dict(), decode(DYNAMIC).to_json_dict()
    keys = {"merchant_name", "merchant_city", "nmid", "criteria", "mcc", "currency", "country"}
    keys |= {"postal_code", "amount", "point_of_initiation", "crc_ok", "warnings", "fields"}
    assert keys <= static.keys()
    assert static["amount"] is None and dynamic["amount"] == "25000"
    assert dynamic["tip_fixed"] == "2000"
    extra = next(f for f in dynamic["fields"] if f["id"] == "62")
    assert extra["label"] == "Data tambahan"
    assert {"id": "01", "label": "Nomor tagihan", "length": 8, "value": "INV-0042"} in extra[
        "subfields"
    ]
    assert json.loads(json.dumps(dynamic)) == dynamic


def test_describe_uses_learner_labels():
    rows = dict(qris.describe(decode(DYNAMIC)))
    assert rows["Nama toko"] == "TOKO SEMBAKO MAJU"
    assert rows["Kota"] == "MALANG"
    assert rows["Nomor NMID"] == "ID1020017611473"
    assert rows["Jenis usaha"] == "UMI (usaha mikro)"
    assert rows["Nominal"] == "Rp25.000"
    assert rows["Tip"] == "tetap Rp2.000"
    assert "diketik pembeli" in dict(qris.describe(decode(STATIC)))["Nominal"]


# --- encoding -----------------------------------------------------------------------------------


def test_encode_static_equals_hand_built_vector():
    payload = encode(
        "WARUNG BU SARI", "SURABAYA", "ID1020017611473", mcc="5812", postal_code="60111"
    )
    assert payload == STATIC


def test_encode_dynamic_equals_hand_built_vector():
    payload = encode(
        "TOKO SEMBAKO MAJU",
        "MALANG",
        "ID1020017611473",
        amount=25000,
        tip_fixed="2000",
        bill_number="INV-0042",
        reference_label="REF77",
        terminal_label="KASIR1",
        acquirer_guid="ID.CO.BANKDESA.WWW",
        merchant_pan="936000140001234567",
    )
    assert payload == DYNAMIC
    assert re.fullmatch(r".*6304[0-9A-F]{4}", payload)


@pytest.mark.parametrize(
    ("given", "written"),
    [("15000", "15000"), ("15000.50", "15000.50"), (Decimal("15000.00"), "15000"), (7.5, "7.50")],
)
def test_encode_amount_format(given, written):
    assert tlv("54", written) in encode("A", "B", "ID1", amount=given)
    assert tlv("01", "12") in encode("A", "B", "ID1", amount=given)


def test_round_trip_varied_inputs():
    rng = random.Random(2024)
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ abcdefghijklmnopqrstuvwxyz0123456789.-&'/()"
    for i in range(300):
        fixed_tip = rng.random() < 0.2
        percent_tip = not fixed_tip and rng.random() < 0.2
        kwargs = {
            "merchant_name": "".join(rng.choices(alphabet, k=rng.randint(1, 25))),
            "merchant_city": "".join(rng.choices(alphabet, k=rng.randint(1, 14))),
            "nmid": "ID" + "".join(rng.choices("0123456789ABCDEFXYZ", k=rng.randint(1, 13))),
            "criteria": rng.choice(["UMI", "UKE", "UME", "UBE"]),
            "mcc": f"{rng.randrange(10000):04d}",
            "postal_code": rng.choice([None, f"{rng.randrange(100000):05d}"]),
            "amount": rng.choice([None, Decimal(rng.randint(1, 10**9)), Decimal("1234.56")]),
            "tip_indicator": "01"
            if not (fixed_tip or percent_tip) and rng.random() < 0.2
            else None,
            "tip_fixed": Decimal(rng.randint(1, 9999)) if fixed_tip else None,
            "tip_percentage": Decimal("2.5") if percent_tip else None,
            "bill_number": rng.choice([None, f"INV{i}"]),
            "reference_label": rng.choice([None, f"REF-{i:05d}"]),
            "terminal_label": rng.choice([None, "KASIR 2"]),
            "acquirer_guid": rng.choice([None, "ID.CO.BANKX.WWW"]),
        }
        payload = encode(**kwargs)
        d = decode(payload)
        for key, value in kwargs.items():
            if key != "tip_indicator":
                assert getattr(d, key) == value, (key, payload)
        assert d.point_of_initiation == ("static" if kwargs["amount"] is None else "dynamic")
        assert d.crc_ok and d.payload == payload
        expected_tip = "02" if fixed_tip else "03" if percent_tip else kwargs["tip_indicator"]
        assert d.tip_indicator == expected_tip
        assert ref_crc(payload[:-4].encode()) == int(payload[-4:], 16)


# --- decode errors --------------------------------------------------------------------------------


NAME_AT = STATIC.index("WARUNG")
DECODE_ERRORS = [
    ("not_qris", ""),
    ("not_qris", "   \n"),
    ("not_qris", "https://bit.ly/bayar-qris"),
    ("not_qris", "www.contoh-penipuan.id"),
    ("not_qris", "123456789"),
    ("not_qris", "Transfer ke rekening 1234567890"),
    ("too_long", "00020101" + "9" * 600),
    ("truncated", STATIC[:-10]),
    ("truncated", STATIC[: STATIC.index("6304")]),
    ("truncated", STATIC[:-6]),
    ("truncated", static_body()[:-2]),
    ("bad_length", STATIC.replace("5914WARUNG", "59AXWARUNG")),
    ("bad_length", signed(static_body().replace("0014ID.CO.QRIS", "0015ID.CO.QRIS"))),
    ("bad_format", signed("000202" + static_body()[6:])),
    ("bad_format", signed(static_body() + tlv("59", "TOKO KEDUA"))),
    ("bad_format", static_body() + "6304" + "ZZZZ"),
    ("bad_format", STATIC + tlv("62", tlv("01", "INV1"))),
    ("bad_format", signed(static_body() + "AB02XY")),
    ("bad_format", signed(static_body("A", **{"01": "12", "54": "1,000"}))),
    ("crc", STATIC[:NAME_AT] + "V" + STATIC[NAME_AT + 1 :]),
    ("crc", STATIC[:-4] + "0000"),
    ("crc", STATIC.replace("010211", "010212", 1)),
    ("missing_field", signed(static_body(**{"59": None}))),
    ("missing_field", signed(static_body(**{"60": None}))),
    ("missing_field", signed(static_body(**{"52": None}))),
    ("missing_field", signed(static_body(**{"53": None}))),
    ("missing_field", signed(static_body(**{"58": None}))),
    ("missing_field", signed(static_body(**{"51": None}))),
    ("wrong_country", signed(static_body(**{"58": "MY"}))),
    ("wrong_currency", signed(static_body(**{"53": "458"}))),
    ("amount_in_static", signed(static_body(**{"54": "15000"}))),
]


def test_every_decode_error_code_is_exercised():
    assert {code for code, _ in DECODE_ERRORS} == ALL_DECODE_CODES


@pytest.mark.parametrize(("code", "payload"), DECODE_ERRORS)
def test_decode_errors(code, payload):
    qris_error(code, decode, payload)


def test_tampered_name_is_a_crc_error_that_says_do_not_pay():
    for i in range(len("WARUNG BU SARI")):
        original = STATIC[NAME_AT + i]
        tampered = (
            STATIC[: NAME_AT + i] + ("X" if original != "X" else "Y") + STATIC[NAME_AT + i + 1 :]
        )
        assert "Jangan membayar" in str(qris_error("crc", decode, tampered))


def test_lying_lengths_with_a_matching_crc_are_refused():
    """A length that lies shifts every later field; re-signing it must not make it readable."""
    body = static_body()
    for tag_text in ("5914", "6008", "5204"):
        for delta in (-1, 1, 3):
            tag, size = tag_text[:2], int(tag_text[2:])
            lying = body.replace(tag_text, f"{tag}{size + delta:02d}", 1)
            with pytest.raises(QrisError) as info:
                decode(signed(lying))
            assert info.value.code in {"bad_length", "bad_format"}
            assert_indonesian(str(info.value))


def test_url_message_warns_about_links():
    assert "tautan" in str(qris_error("not_qris", decode, "https://bit.ly/bayar-qris"))


def test_decode_without_crc_check_shows_a_tampered_code():
    tampered = STATIC[:NAME_AT] + "V" + STATIC[NAME_AT + 1 :]
    d = decode(tampered, verify_crc=False)
    assert d.merchant_name == "VARUNG BU SARI" and not d.crc_ok
    assert any("CRC" in w and "diubah" in w for w in d.warnings)
    assert "TIDAK cocok" in dict(qris.describe(d))["Kode pemeriksa (CRC)"]


# --- real payloads bend the specification --------------------------------------------------------


def warnings_of(payload: str) -> str:
    d = decode(payload)
    for warning in d.warnings:
        assert warning.strip()
        assert not set(re.findall(r"[a-z]+", warning.lower())) & ENGLISH_WORDS, warning
    return " ".join(d.warnings)


def test_long_merchant_name_is_read_with_a_warning():
    name = "WARUNG MAKAN SEDERHANA BU HAJAH SITI"
    payload = signed(static_body(name))
    assert decode(payload).merchant_name == name
    assert "Nama toko 36 karakter" in warnings_of(payload)


def test_unusual_criteria_is_read_with_a_warning():
    entry = tlv("00", "ID.CO.QRIS.WWW") + tlv("02", "ID1020017611473") + tlv("03", "URE")
    payload = signed(static_body(**{"51": entry}))
    assert decode(payload).criteria == "URE"
    assert "URE" in warnings_of(payload)
    assert dict(qris.describe(decode(payload)))["Jenis usaha"] == "URE (tidak dikenal)"


def test_amount_with_decimals_is_read_with_a_warning():
    payload = signed(static_body(**{"01": "12", "54": "100003.00"}))
    d = decode(payload)
    assert d.amount == Decimal("100003.00") and d.to_json_dict()["amount"] == "100003.00"
    assert "Rp100.003" in warnings_of(payload)


def test_city_cut_at_15_characters_is_read_with_a_warning():
    payload = signed(static_body(city="KOTA ADM. JAKAR"))
    assert decode(payload).merchant_city == "KOTA ADM. JAKAR"
    assert "terpotong" in warnings_of(payload)
    assert "20 karakter" in warnings_of(signed(static_body(city="KABUPATEN BANYUWANGI")))


@pytest.mark.parametrize("wrap", ["  {}  ", "{}\n", "{}\r\n", "\t{}\n\n", "\ufeff{}"])
def test_scanner_whitespace_is_ignored(wrap):
    d = decode(wrap.format(STATIC))
    assert d.payload == STATIC and d.warnings == []


def test_other_bends_are_warnings():
    assert "huruf kecil" in warnings_of(STATIC[:-4] + STATIC[-4:].lower())
    assert "dianggap kode statis" in warnings_of(signed(static_body(**{"01": None})))
    assert "tanpa nominal" in warnings_of(signed(static_body(**{"01": "12"})))
    assert "bukan 4 angka" in warnings_of(signed(static_body(**{"52": "58A"})))
    assert "ASCII" in warnings_of(signed(static_body("KEDAI KOPI JOSÉ")))
    account = tlv("26", tlv("00", "ID.CO.BANKX.WWW") + tlv("03", "UMI"))
    no_entry = signed(static_body(**{"51": None}) + account)
    assert decode(no_entry).nmid is None and "kolom 51" in warnings_of(no_entry)


# --- encode errors ------------------------------------------------------------------------------

ENCODE_OK = {"merchant_name": "TOKO", "merchant_city": "BOGOR", "nmid": "ID123"}
ENCODE_ERRORS = [
    ("missing_field", {"merchant_name": ""}),
    ("missing_field", {"merchant_city": ""}),
    ("missing_field", {"nmid": ""}),
    ("too_long", {"merchant_name": "N" * 26}),
    ("too_long", {"merchant_city": "C" * 16}),
    ("too_long", {"bill_number": "B" * 26}),
    ("too_long", {"amount": "12345678901234"}),
    ("bad_format", {"merchant_name": "KEDAI JOSÉ"}),
    ("bad_format", {"merchant_name": "TOKO\nBARU"}),
    ("bad_format", {"nmid": "XX123"}),
    ("bad_format", {"nmid": "ID 123"}),
    ("bad_format", {"nmid": "id123"}),
    ("bad_format", {"criteria": "URE"}),
    ("bad_format", {"mcc": "549"}),
    ("bad_format", {"mcc": "54A9"}),
    ("bad_format", {"postal_code": "1234"}),
    ("bad_format", {"amount": "0"}),
    ("bad_format", {"amount": "-5000"}),
    ("bad_format", {"amount": "15.000"}),
    ("bad_format", {"amount": "15000.505"}),
    ("bad_format", {"amount": "Rp15000"}),
    ("bad_format", {"amount": "NaN"}),
    ("bad_format", {"amount": True}),
    ("bad_format", {"tip_fixed": 1000, "tip_percentage": 5}),
    ("bad_format", {"tip_indicator": "02"}),
    ("bad_format", {"tip_indicator": "04"}),
    ("bad_format", {"tip_percentage": 100}),
    ("bad_format", {"country": "Indonesia"}),
    ("bad_format", {"currency": "IDR"}),
    ("bad_format", {"acquirer_guid": "ID.CO.BANK.WWW", "merchant_pan": "93600A"}),
]


@pytest.mark.parametrize(("code", "change"), ENCODE_ERRORS)
def test_encode_errors(code, change):
    qris_error(code, encode, **{**ENCODE_OK, **change})


def test_encode_refuses_thousands_separator_with_a_hint():
    assert "tanpa titik ribuan" in str(
        qris_error("bad_format", encode, **ENCODE_OK, amount="15.000")
    )


def test_longest_legal_payload_fits_the_512_character_limit():
    long = {"acquirer_guid": "G" * 32, "merchant_pan": "9" * 19, "merchant_id": "M" * 15}
    labels = {"bill_number": "B" * 25, "reference_label": "R" * 25, "terminal_label": "T" * 25}
    tip = {"tip_fixed": "9" * 13}
    payload = encode(
        "N" * 25,
        "C" * 15,
        "ID" + "9" * 28,
        **long,
        **labels,
        **tip,
        amount="9" * 13,
        postal_code="12345",
    )
    assert len(payload) <= 512 and decode(payload).merchant_id == "M" * 15


def test_foreign_counter_example_can_be_built_but_not_decoded():
    payload = encode("KEDAI", "KUALA LUMPUR", "ID123", country="MY", currency="458")
    qris_error("wrong_country", decode, payload)


# --- images -------------------------------------------------------------------------------------


def png_of(payload: str, **kwargs) -> bytes:
    out = io.BytesIO()
    qris.to_png(payload, out, **kwargs)
    return out.getvalue()


def test_png_round_trip():
    for payload in (STATIC, DYNAMIC, encode("A", "B", "ID1", amount="1.50")):
        assert qris.read_qr_image(png_of(payload)) == payload


def test_png_to_path(tmp_path):
    path = tmp_path / "stiker.png"
    qris.to_png(DYNAMIC, path, scale=4)
    assert qris.read_qr_image(path.read_bytes()) == DYNAMIC


def test_photo_like_image_is_read():
    code = Image.open(io.BytesIO(png_of(DYNAMIC, scale=6))).convert("RGB")
    code = code.resize((code.width * 3 // 2, code.height * 3 // 2), Image.Resampling.BILINEAR)
    code = code.rotate(7, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=(235, 230, 220))
    photo = Image.new("RGB", (code.width + 300, code.height + 200), (180, 150, 120))
    photo.paste(code, (170, 90))
    photo = photo.filter(ImageFilter.GaussianBlur(1.5))
    grain = random.Random(3).randbytes(photo.width * photo.height)
    noise = Image.frombytes("L", photo.size, grain).convert("RGB")
    photo = Image.blend(photo, noise, 0.15)
    out = io.BytesIO()
    photo.save(out, "JPEG", quality=60)
    assert qris.read_qr_image(out.getvalue()) == DYNAMIC


def test_transparent_screenshot_is_read():
    code = Image.open(io.BytesIO(png_of(STATIC))).convert("L")
    shot = Image.new("RGBA", code.size, (0, 0, 0, 0))
    shot.putalpha(code.point(lambda v: 255 - v))  # black modules, transparent background
    out = io.BytesIO()
    shot.save(out, "PNG")
    assert qris.read_qr_image(out.getvalue()) == STATIC


@pytest.mark.parametrize(
    "data", [b"", b"bukan gambar", b"%PDF-1.7\n" + b"x" * 100, b"\x89PNG\r\n\x1a\n\x00\x00"]
)
def test_non_image_bytes(data):
    qris_error("bad_image", qris.read_qr_image, data)


def test_truncated_image():
    qris_error("bad_image", qris.read_qr_image, png_of(STATIC)[:200])


def test_image_without_qr_code():
    picture = Image.new("RGB", (400, 300), "white")
    ImageDraw.Draw(picture).rectangle((50, 50, 350, 250), fill=(200, 40, 40))
    out = io.BytesIO()
    picture.save(out, "PNG")
    assert "Foto ulang" in str(qris_error("no_qr", qris.read_qr_image, out.getvalue()))


def test_image_with_two_different_codes():
    left = Image.open(io.BytesIO(png_of(STATIC, scale=4)))
    right = Image.open(io.BytesIO(png_of(DYNAMIC, scale=4)))
    both = Image.new("L", (left.width + right.width + 40, max(left.height, right.height)), 255)
    both.paste(left.convert("L"), (0, 0))
    both.paste(right.convert("L"), (left.width + 40, 0))
    out = io.BytesIO()
    both.save(out, "PNG")
    qris_error("many_qr", qris.read_qr_image, out.getvalue())


def png_header_only(width: int, height: int) -> bytes:
    """A PNG that claims a size in its header, with almost no pixel data (a decompression bomb)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    pixels = zlib.compress(b"\x00" * (width + 1) * 4)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


@pytest.mark.parametrize("size", [(8000, 6000), (100_000, 100_000)])
def test_decompression_bomb_is_refused(size):
    qris_error("too_large", qris.read_qr_image, png_header_only(*size))


def test_huge_upload_is_refused_before_reading():
    message = str(qris_error("too_large", qris.read_qr_image, b"\x89PNG" + b"\x00" * (11 << 20)))
    assert "10 MB" in message


# --- command line -------------------------------------------------------------------------------


@pytest.fixture
def run_cli(capsys):
    parser = argparse.ArgumentParser(prog="naikkelas")
    add_qris_commands(parser.add_subparsers(dest="command", required=True))

    def run(*argv: str) -> tuple[int, str, str]:
        args = parser.parse_args(["qris", *argv])
        code = args.func(args)
        out, err = capsys.readouterr()
        return code, out, err

    return run


def test_cli_criteria_choices_match_the_library():
    assert set(cli_qris.CRITERIA) == set(qris.CRITERIA)


def test_cli_decode_prints_readable_lines(run_cli):
    code, out, err = run_cli("decode", DYNAMIC)
    assert code == 0 and err == ""
    assert "Nama toko: TOKO SEMBAKO MAJU" in out.splitlines()
    assert "Nominal: Rp25.000" in out.splitlines()


def test_cli_decode_prints_warnings(run_cli):
    code, out, _ = run_cli("decode", signed(static_body(**{"01": "12", "54": "100003.00"})) + "\n")
    assert code == 0
    assert any(line.startswith("Peringatan: Nominal") for line in out.splitlines())


def test_cli_decode_json(run_cli):
    code, out, _ = run_cli("decode", STATIC, "--json")
    data = json.loads(out)
    assert code == 0 and data["merchant_name"] == "WARUNG BU SARI" and data["amount"] is None
    assert data["crc_ok"] is True and data["warnings"] == []


def test_cli_decode_reads_stdin(run_cli, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO(STATIC + "\n"))
    code, out, _ = run_cli("decode", "-")
    assert code == 0 and "Kota: SURABAYA" in out


@pytest.mark.parametrize(
    "payload",
    [
        "https://bit.ly/x",
        STATIC[:-1] + ("0" if STATIC[-1] != "0" else "1"),
        STATIC[:-10],
        signed(static_body(**{"58": "MY"})),
    ],
)
def test_cli_decode_bad_payload(run_cli, payload):
    code, out, err = run_cli("decode", payload)
    assert code == 1 and out == ""
    assert err.endswith("\n") and err.count("\n") == 1 and err.startswith("naikkelas: ")
    assert_indonesian(err)


def test_cli_encode(run_cli, tmp_path):
    png = tmp_path / "kode.png"
    code, out, err = run_cli(
        "encode",
        *("--merchant-name", "WARUNG BU SARI", "--merchant-city", "SURABAYA"),
        *("--nmid", "ID1020017611473", "--mcc", "5812", "--postal-code", "60111"),
        *("--png", str(png)),
    )
    assert code == 0 and err == "" and out == STATIC + "\n"
    assert qris.read_qr_image(png.read_bytes()) == STATIC


@pytest.mark.parametrize(("amount", "written"), [("15000", "15000"), ("15000.50", "15000.50")])
def test_cli_encode_amount(run_cli, amount, written):
    code, out, _ = run_cli(
        "encode",
        "--merchant-name",
        "A",
        "--merchant-city",
        "B",
        "--nmid",
        "ID1",
        "--amount",
        amount,
    )
    assert code == 0 and decode(out).amount == Decimal(written)
    assert tlv("54", written) in out


@pytest.mark.parametrize(
    "extra",
    [
        ("--amount", "15.000"),
        ("--amount", "-1"),
        ("--postal-code", "ABCDE"),
        ("--merchant-name", "N" * 26),
        ("--nmid", "XY1"),
    ],
)
def test_cli_encode_bad_input(run_cli, extra):
    base = ["--merchant-name", "A", "--merchant-city", "B", "--nmid", "ID1"]
    code, out, err = run_cli("encode", *base, *extra)
    assert code == 1 and out == ""
    assert err.count("\n") == 1 and err.startswith("naikkelas: ")
    assert_indonesian(err)


def test_cli_encode_unwritable_png(run_cli, tmp_path):
    target = tmp_path / "tidak-ada" / "kode.png"
    base = ["--merchant-name", "A", "--merchant-city", "B", "--nmid", "ID1"]
    code, out, err = run_cli("encode", *base, "--png", str(target))
    assert code == 1 and out == "" and err.count("\n") == 1 and "tidak bisa menulis" in err


@pytest.mark.parametrize(
    "argv",
    [
        ("encode", "--merchant-name", "A", "--merchant-city", "B"),
        (
            "encode",
            "--merchant-name",
            "A",
            "--merchant-city",
            "B",
            "--nmid",
            "ID1",
            "--criteria",
            "URE",
        ),
        ("decode",),
        ("frobnicate",),
    ],
)
def test_cli_usage_errors_exit_2(run_cli, argv):
    with pytest.raises(SystemExit) as info:
        run_cli(*argv)
    assert info.value.code == 2

"""QRIS payloads (EMVCo Merchant-Presented Mode): decode, encode, CRC, and QR images.

The rules follow the QRIS section of FACTS.md. :func:`decode` is meant for a learner checking a
sticker: it reads codes that bend the specification (long names, unknown criteria such as ``URE``,
amounts like ``100003.00``, cities cut at 15 characters) and explains them in ``warnings``; it
raises :class:`QrisError` only for codes that are broken, tampered with, or not a Rupiah payment
in Indonesia. :func:`encode` follows the specification strictly. Messages are Bahasa Indonesia and
all live in :data:`MESSAGES`.
"""

from __future__ import annotations

import io
import re
import warnings as _warnings
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from os import PathLike
from typing import IO, Any

import segno
import zxingcpp
from PIL import Image, ImageOps, UnidentifiedImageError

QRIS_GUID = "ID.CO.QRIS.WWW"
CRITERIA = {
    "UMI": "usaha mikro",
    "UKE": "usaha kecil",
    "UME": "usaha menengah",
    "UBE": "usaha besar",
}
MAX_PAYLOAD = 512  # EMVCo MPM: a payload never exceeds 512 characters
MAX_IMAGE_BYTES = 10 * 1024 * 1024
MAX_IMAGE_PIXELS = 40_000_000
REQUIRED = ("52", "53", "58", "59", "60")
TEMPLATES = {f"{n:02d}" for n in range(26, 52)} | {"62", "64"}
_KIND = {"static": "statis", "dynamic": "dinamis"}

MESSAGES = {
    # decode: hard errors
    "empty": "Kode kosong: tidak ada teks untuk dibaca.",
    "not_qris": "Ini bukan kode QRIS. Kode QRIS selalu diawali 000201, kode ini diawali “{start}”.",
    "not_qris_url": (
        "Ini bukan kode QRIS, melainkan alamat situs web ({start}…). "
        "Jangan membayar atau mengisi data lewat tautan seperti ini."
    ),
    "payload_too_long": "Kode terlalu panjang ({length} karakter); kode QRIS paling panjang 512.",
    "bad_tag": "Kode rusak: di posisi {pos} seharusnya nomor kolom (2 angka), tertulis “{text}”.",
    "bad_length": "Kode rusak: panjang kolom {tag} tertulis “{text}”, seharusnya angka 01–99.",
    "cut_header": "Kode terpotong: sisa teks “{text}” di akhir terlalu pendek untuk sebuah kolom.",
    "cut_value": "Kode terpotong: kolom {tag} seharusnya berisi {size} karakter, hanya ada {have}.",
    "length_lies": "Kode rusak: panjang salah satu kolom tidak cocok dengan isinya.",
    "no_crc": "Kode terpotong: kolom pemeriksa (CRC, 63) di akhir kode tidak ada.",
    "bad_template": (
        "Kode rusak: isi kolom {tag} ({label}) tidak tersusun benar; "
        "panjang sub-kolomnya tidak cocok dengan isinya."
    ),
    "bad_first": "Kode rusak: kolom pertama harus 00 (versi format) berisi 01, tertulis “{value}”.",
    "crc_not_last": "Kode rusak: kolom pemeriksa (CRC, 63) harus menjadi kolom terakhir.",
    "crc_format": "Kode rusak: kolom pemeriksa (CRC, 63) harus berisi 4 angka heksadesimal.",
    "duplicate": "Kode rusak: kolom {tag} ({label}) muncul lebih dari sekali.",
    "crc": (
        "Kode rusak atau telah diubah: angka pemeriksa (CRC) tertulis {given}, padahal hasil "
        "hitungnya {expected}. Jangan membayar dengan kode ini."
    ),
    "missing_field": "Kode QRIS tidak lengkap: kolom {tag} ({label}) tidak ada.",
    "no_account": "Kode QRIS tidak lengkap: tidak ada informasi akun merchant (kolom 02–51).",
    "wrong_country": "Ini bukan kode QRIS Indonesia: negaranya tertulis “{value}”, bukan ID.",
    "wrong_currency": "Ini bukan kode QRIS Rupiah: mata uangnya tertulis “{value}”, bukan 360.",
    "amount_in_static": (
        "Kode rusak: kode statis (01=11) tidak boleh berisi nominal, tetapi kode ini berisi "
        "nominal {value}. Tanyakan kode yang benar kepada penjual."
    ),
    "bad_amount": "Kode rusak: nominal “{value}” bukan angka yang benar.",
    # decode: warnings
    "w_name_long": "Nama toko {length} karakter, melebihi batas 25; aplikasi bisa memotongnya.",
    "w_city_long": "Nama kota {length} karakter, melebihi batas 15.",
    "w_city_cut": "Nama kota tepat 15 karakter, mungkin terpotong (“{value}”).",
    "w_criteria": "Jenis usaha “{value}” tidak dikenal; yang baku UMI, UKE, UME atau UBE.",
    "w_amount_decimal": (
        "Nominal ditulis dengan angka di belakang titik ({value}); aplikasi akan membacanya "
        "sebagai {rupiah}. Pastikan nominal yang tampil benar."
    ),
    "w_amount_long": "Nominal “{value}” lebih dari 13 karakter.",
    "w_amount_zero": "Nominal 0; kode pembayaran seharusnya berisi nominal lebih dari 0.",
    "w_dynamic_no_amount": "Kode dinamis (01=12) tanpa nominal; pembeli harus mengetik nominalnya.",
    "w_poi_missing": "Kolom jenis kode (01) tidak ada; dianggap kode {kind}.",
    "w_poi_unknown": "Jenis kode “{value}” tidak dikenal (seharusnya 11 atau 12); dianggap {kind}.",
    "w_mcc": "Kategori usaha (MCC) “{value}” bukan 4 angka.",
    "w_postal": "Kode pos “{value}” bukan angka.",
    "w_no_qris_entry": "Tidak ada data QRIS nasional (kolom 51), jadi nomor NMID tidak bisa dicek.",
    "w_guid": "Kolom 51 berisi penanda “{value}”, bukan ID.CO.QRIS.WWW.",
    "w_nmid_missing": "Nomor NMID tidak ada di kolom 51.",
    "w_nmid": "Nomor NMID “{value}” tidak diawali ID.",
    "w_non_ascii": "Kolom {tag} ({label}) berisi huruf di luar ASCII; aplikasi bisa salah baca.",
    "w_crc_lower": "Angka pemeriksa (CRC) ditulis dengan huruf kecil ({value}).",
    "w_crc_unchecked": (
        "Angka pemeriksa (CRC) tidak cocok: tertulis {given}, hasil hitungnya {expected}. "
        "Kode ini rusak atau telah diubah."
    ),
    "w_tip_unknown": "Jenis tip “{value}” tidak dikenal (seharusnya 01, 02 atau 03).",
    "w_tip_missing": "Jenis tip {value}, tetapi kolom {tag} ({label}) tidak ada.",
    "w_tip_value": "Nilai tip “{value}” di kolom {tag} bukan angka.",
    # encode
    "required": "{label} wajib diisi.",
    "field_too_long": "{label} paling panjang {limit} karakter; yang diisi {length} karakter.",
    "not_printable": (
        "{label} hanya boleh berisi huruf, angka dan tanda baca biasa (ASCII), "
        "tanpa huruf beraksen, emoji atau baris baru."
    ),
    "e_nmid": "Nomor NMID harus diawali ID lalu huruf besar atau angka, misalnya ID1020017611473.",
    "e_criteria": "Jenis usaha harus UMI, UKE, UME atau UBE, bukan “{value}”.",
    "e_mcc": "Kategori usaha (MCC) harus 4 angka, misalnya 5499.",
    "e_postal": "Kode pos harus 5 angka, misalnya 59567.",
    "e_amount": (
        "{label} harus angka lebih dari 0 dengan paling banyak 2 angka di belakang titik, "
        "misalnya 15000 atau 15000.50 (tanpa titik ribuan); yang diisi “{value}”."
    ),
    "e_percentage": "Tip persen harus lebih dari 0 dan kurang dari 100, misalnya 2.5.",
    "e_tip": (
        "Isian tip tidak cocok: 01 = pembeli mengisi tip sendiri, 02 = tip tetap (isi nominal "
        "tip), 03 = tip persen (isi persentase); pilih satu saja."
    ),
    "e_country": "Kode negara harus 2 huruf besar, misalnya ID.",
    "e_currency": "Kode mata uang harus 3 angka, misalnya 360 (Rupiah).",
    "e_pan": "Nomor PAN merchant hanya boleh berisi angka.",
    # images
    "bad_image": "Berkas ini bukan gambar yang bisa dibaca. Kirim foto atau tangkapan layar.",
    "too_large": (
        "Gambar terlalu besar ({detail}). Kirim gambar paling besar 10 MB dan 40 megapiksel."
    ),
    "no_qr": (
        "Tidak ada kode QR yang terbaca di gambar ini. Foto ulang kodenya dari dekat, "
        "lurus dan cukup terang."
    ),
    "many_qr": "Ada {count} kode QR berbeda di gambar ini. Foto satu kode saja.",
}

FIELD_LABELS = {
    "00": "Versi format",
    "01": "Jenis kode statis/dinamis",
    "51": "Data QRIS nasional",
    "52": "Kategori usaha/MCC",
    "53": "Mata uang",
    "54": "Nominal",
    "55": "Tip",
    "56": "Tip tetap",
    "57": "Tip persen",
    "58": "Negara",
    "59": "Nama toko",
    "60": "Kota",
    "61": "Kode pos",
    "62": "Data tambahan",
    "63": "Kode pemeriksa/CRC",
    "64": "Nama dalam bahasa lain",
}
_ACCOUNT_LABELS = {
    "00": "Penyelenggara (GUID)",
    "01": "Nomor PAN merchant",
    "02": "ID merchant",
    "03": "Jenis usaha",
}
SUBFIELD_LABELS = {
    "51": {"00": "Penanda QRIS", "02": "Nomor NMID", "03": "Jenis usaha"},
    "62": {
        "01": "Nomor tagihan",
        "02": "Nomor HP",
        "03": "Label toko",
        "04": "Kode loyalitas",
        "05": "Label referensi",
        "06": "Label pelanggan",
        "07": "Label terminal",
        "08": "Tujuan transaksi",
        "09": "Data yang diminta dari pembeli",
    },
    "64": {"00": "Bahasa", "01": "Nama toko (bahasa lain)", "02": "Kota (bahasa lain)"},
}


class QrisError(ValueError):
    """A QRIS payload or image that cannot be used; ``str(e)`` is a Bahasa Indonesia message.

    ``code`` is short and stable for programs: ``not_qris``, ``too_long``, ``truncated``,
    ``bad_length``, ``bad_format``, ``crc``, ``missing_field``, ``wrong_country``,
    ``wrong_currency``, ``amount_in_static``, ``bad_image``, ``too_large``, ``no_qr``, ``many_qr``.
    """

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


def _text(key: str, **values: Any) -> str:
    return MESSAGES[key].format(**values)


def _error(code: str, key: str | None = None, **values: Any) -> QrisError:
    return QrisError(code, _text(key or code, **values))


def field_label(tag: str, parent: str | None = None) -> str:
    """The Bahasa Indonesia name of field ``tag`` (inside template ``parent`` if given)."""
    if parent is None:
        if "02" <= tag <= "50":
            return "Info akun merchant"
        if "80" <= tag <= "99":
            return "Data khusus"
        return FIELD_LABELS.get(tag, "Kolom cadangan")
    if "26" <= parent <= "50":
        return _ACCOUNT_LABELS.get(tag, "Data penyelenggara")
    return SUBFIELD_LABELS.get(parent, {}).get(tag, "Data lain")


def _make_crc_table() -> list[int]:
    table = []
    for byte in range(256):
        crc = byte << 8
        for _ in range(8):
            crc = (((crc << 1) ^ 0x1021) if crc & 0x8000 else crc << 1) & 0xFFFF
        table.append(crc)
    return table


_CRC_TABLE = _make_crc_table()


def crc16_ccitt_false(data: bytes | str) -> int:
    """CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF, no reflection, no final XOR).

    Text is encoded as UTF-8. ``crc16_ccitt_false("123456789") == 0x29B1``.
    """
    if isinstance(data, str):
        data = data.encode("utf-8")
    crc = 0xFFFF
    for byte in data:
        crc = ((crc << 8) & 0xFFFF) ^ _CRC_TABLE[(crc >> 8) ^ byte]
    return crc


def _crc_hex(text_with_6304: str) -> str:
    return f"{crc16_ccitt_false(text_with_6304):04X}"


@dataclass(frozen=True)
class QrisField:
    """One TLV field; templates (26–51, 62, 64) also carry their parsed ``subfields``."""

    id: str
    value: str
    subfields: tuple[QrisField, ...] = ()

    @property
    def length(self) -> int:
        return len(self.value)

    def to_dict(self, parent: str | None = None) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": self.id,
            "label": field_label(self.id, parent),
            "length": self.length,
            "value": self.value,
        }
        if self.subfields:
            out["subfields"] = [f.to_dict(self.id) for f in self.subfields]
        return out


def _is_digits(text: str) -> bool:
    return text.isascii() and text.isdigit()


def _parse_tlv(text: str) -> list[QrisField]:
    fields, pos = [], 0
    while pos < len(text):
        head = text[pos : pos + 4]
        if len(head) < 4:
            raise _error("truncated", "cut_header", text=head)
        tag, size = head[:2], head[2:]
        if not _is_digits(tag):
            raise _error("bad_format", "bad_tag", pos=pos + 1, text=tag)
        if not _is_digits(size) or size == "00":
            raise _error("bad_length", tag=tag, text=size)
        value = text[pos + 4 : pos + 4 + int(size)]
        if len(value) < int(size):
            raise _error("truncated", "cut_value", tag=tag, size=int(size), have=len(value))
        fields.append(QrisField(tag, value))
        pos += 4 + int(size)
    return fields


def _with_subfields(f: QrisField) -> QrisField:
    if f.id not in TEMPLATES:
        return f
    try:
        subfields = tuple(_parse_tlv(f.value))
    except QrisError:
        # Inside a template a lying length cannot be a cut-off code: the outer length held.
        raise _error("bad_length", "bad_template", tag=f.id, label=field_label(f.id)) from None
    return QrisField(f.id, f.value, subfields)


def _sub(fields: dict[str, QrisField], tag: str, sub: str) -> str | None:
    """The value of sub-field ``sub`` of template ``tag``, or None."""
    parent = fields.get(tag)
    found = [s.value for s in parent.subfields if s.id == sub] if parent else []
    return found[0] if found else None


def _number(text: str) -> Decimal | None:
    return Decimal(text) if re.fullmatch(r"[0-9]+(\.[0-9]+)?", text) else None


def format_rupiah(amount: Decimal) -> str:
    """``Decimal("15000.5")`` -> ``"Rp15.000,50"`` (Indonesian separators)."""
    text = f"{amount:,.2f}" if amount != amount.to_integral_value() else f"{amount:,.0f}"
    return "Rp" + text.replace(",", "_").replace(".", ",").replace("_", ".")


@dataclass(frozen=True)
class QrisPayload:
    """A decoded QRIS payload. ``amount`` is None for a static code (the buyer types it)."""

    payload: str
    merchant_name: str
    merchant_city: str
    nmid: str | None
    criteria: str | None
    mcc: str
    currency: str
    country: str
    postal_code: str | None
    amount: Decimal | None
    point_of_initiation: str
    tip_indicator: str | None
    tip_fixed: Decimal | None
    tip_percentage: Decimal | None
    bill_number: str | None
    reference_label: str | None
    terminal_label: str | None
    acquirer_guid: str | None
    merchant_pan: str | None
    merchant_id: str | None
    crc: str
    crc_ok: bool
    fields: tuple[QrisField, ...]
    warnings: list[str] = field(default_factory=list)

    def to_json_dict(self) -> dict[str, Any]:
        """A JSON-ready dict. Amounts are strings exactly as written in the code (``"15000"``,
        ``"100003.00"``) so no precision is lost; ``amount`` is null for a static code."""

        def text(value: Decimal | None) -> str | None:
            return None if value is None else str(value)

        return {
            "merchant_name": self.merchant_name,
            "merchant_city": self.merchant_city,
            "nmid": self.nmid,
            "criteria": self.criteria,
            "mcc": self.mcc,
            "currency": self.currency,
            "country": self.country,
            "postal_code": self.postal_code,
            "amount": text(self.amount),
            "point_of_initiation": self.point_of_initiation,
            "tip_indicator": self.tip_indicator,
            "tip_fixed": text(self.tip_fixed),
            "tip_percentage": text(self.tip_percentage),
            "bill_number": self.bill_number,
            "reference_label": self.reference_label,
            "terminal_label": self.terminal_label,
            "acquirer_guid": self.acquirer_guid,
            "merchant_pan": self.merchant_pan,
            "merchant_id": self.merchant_id,
            "crc": self.crc,
            "crc_ok": self.crc_ok,
            "warnings": list(self.warnings),
            "fields": [f.to_dict() for f in self.fields],
        }


def _read_structure(text: str, verify_crc: bool, warnings: list[str]) -> list[QrisField]:
    """Split the payload into fields and check the frame: 00 first, 63 last, CRC, no repeats."""
    try:
        fields = _parse_tlv(text)
    except QrisError as e:
        # A code that still ends in a well-formed CRC field was not cut off: some length lies.
        if e.code == "truncated" and re.search(r"6304[0-9A-Fa-f]{4}\Z", text):
            raise _error("bad_length", "length_lies") from None
        raise
    if fields[0].value != "01":
        raise _error("bad_format", "bad_first", value=text[: 4 + fields[0].length])
    crc_positions = [i for i, f in enumerate(fields) if f.id == "63"]
    if not crc_positions:
        raise _error("truncated", "no_crc")
    if crc_positions != [len(fields) - 1]:
        raise _error("bad_format", "crc_not_last")
    given = fields[-1].value
    if not re.fullmatch(r"[0-9A-Fa-f]{4}", given):
        raise _error("bad_format", "crc_format")
    expected = _crc_hex(text[:-4])
    if given.upper() != expected:
        if verify_crc:
            raise _error("crc", given=given, expected=expected)
        warnings.append(_text("w_crc_unchecked", given=given, expected=expected))
    if given != given.upper():
        warnings.append(_text("w_crc_lower", value=given))
    seen: set[str] = set()
    for f in fields:
        if f.id in seen:
            raise _error("bad_format", "duplicate", tag=f.id, label=field_label(f.id))
        seen.add(f.id)
    return [_with_subfields(f) for f in fields]


def _read_amount(by_id: dict[str, QrisField], warnings: list[str]) -> tuple[Decimal | None, str]:
    """The amount (None when absent) and the point of initiation, 'static' or 'dynamic'."""
    amount = None
    if "54" in by_id:
        raw = by_id["54"].value
        amount = _number(raw)
        if amount is None:
            raise _error("bad_format", "bad_amount", value=raw)
        if "." in raw:
            warnings.append(_text("w_amount_decimal", value=raw, rupiah=format_rupiah(amount)))
        if len(raw) > 13:
            warnings.append(_text("w_amount_long", value=raw))
        if amount == 0:
            warnings.append(_text("w_amount_zero"))
    point = {"11": "static", "12": "dynamic"}.get(by_id["01"].value if "01" in by_id else "")
    if point is None:
        point = "dynamic" if amount is not None else "static"
        if "01" in by_id:
            warnings.append(_text("w_poi_unknown", value=by_id["01"].value, kind=_KIND[point]))
        else:
            warnings.append(_text("w_poi_missing", kind=_KIND[point]))
    if point == "static" and amount is not None:
        raise _error("amount_in_static", value=by_id["54"].value)
    if point == "dynamic" and amount is None:
        warnings.append(_text("w_dynamic_no_amount"))
    return amount, point


def _read_tip(by_id: dict[str, QrisField], warnings: list[str]) -> dict[str, Any]:
    indicator = by_id["55"].value if "55" in by_id else None
    if indicator is not None and indicator not in ("01", "02", "03"):
        warnings.append(_text("w_tip_unknown", value=indicator))
    tip: dict[str, Any] = {"tip_indicator": indicator}
    for tag, needed_by, key in (("56", "02", "tip_fixed"), ("57", "03", "tip_percentage")):
        tip[key] = _number(by_id[tag].value) if tag in by_id else None
        if tag in by_id and tip[key] is None:
            warnings.append(_text("w_tip_value", value=by_id[tag].value, tag=tag))
        if tag not in by_id and indicator == needed_by:
            label = field_label(tag)
            warnings.append(_text("w_tip_missing", value=needed_by, tag=tag, label=label))
    return tip


def _read_accounts(by_id: dict[str, QrisField], warnings: list[str]) -> dict[str, Any]:
    """NMID and criteria from the national entry 51, provider details from the first of 26–45."""
    if not any("02" <= tag <= "51" for tag in by_id):
        raise _error("missing_field", "no_account")
    provider = next((tag for tag in sorted(by_id) if "26" <= tag <= "45"), "")
    nmid = criteria = None
    if "51" not in by_id:
        warnings.append(_text("w_no_qris_entry"))
    else:
        guid = _sub(by_id, "51", "00")
        if guid != QRIS_GUID:
            warnings.append(_text("w_guid", value=guid or ""))
        nmid, criteria = _sub(by_id, "51", "02"), _sub(by_id, "51", "03")
        if nmid is None:
            warnings.append(_text("w_nmid_missing"))
        elif not nmid.startswith("ID"):
            warnings.append(_text("w_nmid", value=nmid))
    criteria = criteria or _sub(by_id, provider, "03")
    if criteria is not None and criteria not in CRITERIA:
        warnings.append(_text("w_criteria", value=criteria))
    return {
        "nmid": nmid,
        "criteria": criteria,
        "acquirer_guid": _sub(by_id, provider, "00"),
        "merchant_pan": _sub(by_id, provider, "01"),
        "merchant_id": _sub(by_id, provider, "02"),
    }


def _check_merchant(by_id: dict[str, QrisField], warnings: list[str]) -> None:
    name, city, mcc = by_id["59"].value, by_id["60"].value, by_id["52"].value
    if len(name) > 25:
        warnings.append(_text("w_name_long", length=len(name)))
    if len(city) > 15:
        warnings.append(_text("w_city_long", length=len(city)))
    elif len(city) == 15:
        warnings.append(_text("w_city_cut", value=city))
    if not (_is_digits(mcc) and len(mcc) == 4):
        warnings.append(_text("w_mcc", value=mcc))
    if "61" in by_id and not _is_digits(by_id["61"].value):
        warnings.append(_text("w_postal", value=by_id["61"].value))
    for f in by_id.values():
        if f.id != "64" and not f.value.isascii():
            warnings.append(_text("w_non_ascii", tag=f.id, label=field_label(f.id)))


def decode(payload: str, *, verify_crc: bool = True) -> QrisPayload:
    """Read a QRIS payload (surrounding whitespace and a scanner's newline are ignored).

    Raises :class:`QrisError` for text that is not QRIS, a cut or malformed code, a wrong CRC,
    missing required fields (52, 53, 58, 59, 60, and a merchant account 02–51), a country other
    than ID or a currency other than 360 (not a Rupiah payment in Indonesia: do not pay it), and
    an amount in a static code (contradictory per the specification). Deviations real codes are
    known to have are accepted and explained in ``warnings``. With ``verify_crc=False`` a wrong
    CRC becomes a warning and ``crc_ok`` is False (for lessons that show a tampered code).
    """
    if not isinstance(payload, str):
        raise TypeError("payload must be str")
    text = payload.strip().lstrip("\ufeff")
    if not text:
        raise _error("not_qris", "empty")
    if re.match(r"(?i)(https?://|www\.)", text):
        raise _error("not_qris", "not_qris_url", start=text[:40])
    if not text.startswith("00"):
        raise _error("not_qris", start=text[:12])
    if len(text) > MAX_PAYLOAD:
        raise _error("too_long", "payload_too_long", length=len(text))

    warnings: list[str] = []
    fields = _read_structure(text, verify_crc, warnings)
    by_id = {f.id: f for f in fields}
    for tag in REQUIRED:
        if tag not in by_id:
            raise _error("missing_field", tag=tag, label=field_label(tag))
    accounts = _read_accounts(by_id, warnings)
    if by_id["58"].value != "ID":
        raise _error("wrong_country", value=by_id["58"].value)
    if by_id["53"].value != "360":
        raise _error("wrong_currency", value=by_id["53"].value)
    amount, point = _read_amount(by_id, warnings)
    tip = _read_tip(by_id, warnings)
    _check_merchant(by_id, warnings)
    crc = by_id["63"].value
    return QrisPayload(
        payload=text,
        merchant_name=by_id["59"].value,
        merchant_city=by_id["60"].value,
        mcc=by_id["52"].value,
        currency=by_id["53"].value,
        country=by_id["58"].value,
        postal_code=by_id["61"].value if "61" in by_id else None,
        amount=amount,
        point_of_initiation=point,
        bill_number=_sub(by_id, "62", "01"),
        reference_label=_sub(by_id, "62", "05"),
        terminal_label=_sub(by_id, "62", "07"),
        crc=crc,
        crc_ok=crc.upper() == _crc_hex(text[:-4]),
        fields=tuple(fields),
        warnings=warnings,
        **accounts,
        **tip,
    )


def describe(qris: QrisPayload) -> list[tuple[str, str]]:
    """The payload as (label, value) rows a learner understands, in Bahasa Indonesia."""
    kind = {
        "static": "statis (satu kode untuk semua pembelian)",
        "dynamic": "dinamis (khusus satu pembelian)",
    }
    rows = [
        ("Nama toko", qris.merchant_name),
        ("Kota", qris.merchant_city),
        ("Kode pos", qris.postal_code),
        ("Nomor NMID", qris.nmid),
        (
            "Jenis usaha",
            qris.criteria and f"{qris.criteria} ({CRITERIA.get(qris.criteria, 'tidak dikenal')})",
        ),
        ("Kategori usaha (MCC)", qris.mcc),
        ("Jenis kode", kind[qris.point_of_initiation]),
        (
            "Nominal",
            format_rupiah(qris.amount)
            if qris.amount is not None
            else "diketik pembeli saat membayar",
        ),
    ]
    if qris.tip_indicator:
        tip = {
            "01": "diisi pembeli",
            "02": qris.tip_fixed is not None and f"tetap {format_rupiah(qris.tip_fixed)}",
            "03": qris.tip_percentage is not None
            and f"{str(qris.tip_percentage).replace('.', ',')}% dari nominal",
        }.get(qris.tip_indicator) or qris.tip_indicator
        rows.append(("Tip", tip))
    rows += [
        ("Nomor tagihan", qris.bill_number),
        ("Label referensi", qris.reference_label),
        ("Label terminal", qris.terminal_label),
        ("Penyelenggara", qris.acquirer_guid),
        ("Mata uang", "360 (Rupiah)"),
        ("Negara", "ID (Indonesia)"),
        ("Kode pemeriksa (CRC)", f"{qris.crc} ({'cocok' if qris.crc_ok else 'TIDAK cocok'})"),
    ]
    return [(label, value) for label, value in rows if value]


def _tlv(tag: str, value: str, label: str) -> str:
    if len(value) > 99:
        raise _error("too_long", "field_too_long", label=label, limit=99, length=len(value))
    return f"{tag}{len(value):02d}{value}"


def _checked(value: str | None, label: str, limit: int, *, required: bool = False) -> str | None:
    if not value:
        if required:
            raise _error("missing_field", "required", label=label)
        return None
    if not all(" " <= ch <= "~" for ch in value):
        raise _error("bad_format", "not_printable", label=label)
    if len(value) > limit:
        raise _error("too_long", "field_too_long", label=label, limit=limit, length=len(value))
    return value


def _money(value: Decimal | int | float | str, label: str) -> str:
    """Write an amount for the payload: ``15000`` or ``15000.50``, at most 13 characters."""
    bad = _error("bad_format", "e_amount", label=label, value=value)
    if isinstance(value, bool):
        raise bad
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise bad from None
    # "15.000" is fifteen thousand to an Indonesian; refusing 3 decimals stops it becoming Rp15.
    if not number.is_finite() or number <= 0 or number.as_tuple().exponent < -2:
        raise bad
    text = f"{number:.0f}" if number == number.to_integral_value() else f"{number:.2f}"
    if len(text) > 13:
        raise _error("too_long", "field_too_long", label=label, limit=13, length=len(text))
    return text


def encode(
    merchant_name: str,
    merchant_city: str,
    nmid: str,
    *,
    criteria: str = "UMI",
    mcc: str = "5499",
    postal_code: str | None = None,
    amount: Decimal | int | str | None = None,
    tip_indicator: str | None = None,
    tip_fixed: Decimal | int | str | None = None,
    tip_percentage: Decimal | int | str | None = None,
    bill_number: str | None = None,
    reference_label: str | None = None,
    terminal_label: str | None = None,
    acquirer_guid: str | None = None,
    merchant_pan: str | None = None,
    merchant_id: str | None = None,
    country: str = "ID",
    currency: str = "360",
) -> str:
    """Build a QRIS payload strictly per the specification; raise :class:`QrisError` otherwise.

    Static (01=11) when ``amount`` is None, dynamic (01=12) with it. Field 51 carries
    ``ID.CO.QRIS.WWW``, the NMID and the criteria; ``acquirer_guid`` (e.g. ``ID.CO.BANK.WWW``)
    adds a provider template 26 with the optional ``merchant_pan`` and ``merchant_id``. Tips:
    ``tip_indicator`` "01" (buyer types it), or ``tip_fixed`` / ``tip_percentage`` (indicator
    "02"/"03" implied). ``country``/``currency`` other than ID/360 are allowed only so lessons can
    build counter-examples; :func:`decode` refuses them. The CRC is appended last as ``6304XXXX``.
    """
    name = _checked(merchant_name, "Nama toko", 25, required=True)
    city = _checked(merchant_city, "Kota", 15, required=True)
    nmid = _checked(nmid, "Nomor NMID", 30, required=True)
    if not re.fullmatch(r"ID[A-Z0-9]+", nmid):
        raise _error("bad_format", "e_nmid")
    if criteria not in CRITERIA:
        raise _error("bad_format", "e_criteria", value=criteria)
    if not re.fullmatch(r"[0-9]{4}", mcc or ""):
        raise _error("bad_format", "e_mcc")
    if postal_code is not None and not re.fullmatch(r"[0-9]{5}", postal_code):
        raise _error("bad_format", "e_postal")
    if not re.fullmatch(r"[A-Z]{2}", country or ""):
        raise _error("bad_format", "e_country")
    if not re.fullmatch(r"[0-9]{3}", currency or ""):
        raise _error("bad_format", "e_currency")

    implied = "02" if tip_fixed is not None else "03" if tip_percentage is not None else None
    if (tip_fixed is not None and tip_percentage is not None) or (
        tip_indicator is not None and tip_indicator != (implied or "01")
    ):
        raise _error("bad_format", "e_tip")
    tip_indicator = tip_indicator or implied

    account = None
    if acquirer_guid or merchant_pan or merchant_id:
        guid = _checked(acquirer_guid, "Penyelenggara (GUID)", 32, required=True)
        pan = _checked(merchant_pan, "Nomor PAN merchant", 19)
        if pan is not None and not _is_digits(pan):
            raise _error("bad_format", "e_pan")
        mid = _checked(merchant_id, "ID merchant", 15)
        subs = [("00", guid), ("01", pan), ("02", mid), ("03", criteria)]
        account = "".join(_tlv(t, v, _ACCOUNT_LABELS[t]) for t, v in subs if v)
    qris_entry = _tlv("00", QRIS_GUID, "") + _tlv("02", nmid, "Nomor NMID")
    qris_entry += _tlv("03", criteria, "Jenis usaha")

    labels = [
        ("01", _checked(bill_number, "Nomor tagihan", 25)),
        ("05", _checked(reference_label, "Label referensi", 25)),
        ("07", _checked(terminal_label, "Label terminal", 25)),
    ]
    additional = "".join(_tlv(t, v, SUBFIELD_LABELS["62"][t]) for t, v in labels if v)

    percentage = None
    if tip_percentage is not None:
        percentage = _money(tip_percentage, "Tip persen")
        if Decimal(percentage) >= 100:
            raise _error("bad_format", "e_percentage")

    parts = [
        ("00", "01"),
        ("01", "11" if amount is None else "12"),
        ("26", account),
        ("51", qris_entry),
        ("52", mcc),
        ("53", currency),
        ("54", None if amount is None else _money(amount, "Nominal")),
        ("55", tip_indicator),
        ("56", None if tip_fixed is None else _money(tip_fixed, "Tip tetap")),
        ("57", percentage),
        ("58", country),
        ("59", name),
        ("60", city),
        ("61", postal_code),
        ("62", additional),
    ]
    # Every field has its own limit, and together they stay under the 512-character maximum.
    body = "".join(_tlv(tag, value, field_label(tag)) for tag, value in parts if value) + "6304"
    return body + _crc_hex(body)


def to_png(
    payload: str, path_or_file: str | PathLike[str] | IO[bytes], *, scale: int = 8, border: int = 4
) -> None:
    """Write ``payload`` as a QR code PNG (error correction M or better) to a path or binary file.

    The text is written as given, so lessons can also print broken or tampered codes; check it
    with :func:`decode` first when that matters.
    """
    segno.make_qr(payload, error="m").save(path_or_file, kind="png", scale=scale, border=border)


def read_qr_image(data: bytes) -> str:
    """Return the text of the one QR code in an uploaded photo or screenshot.

    Raises :class:`QrisError` with code ``too_large`` (over 10 MB or 40 megapixels, checked before
    any pixel is decoded, so decompression bombs are refused), ``bad_image`` (not an image),
    ``no_qr`` (no readable QR code) or ``many_qr`` (several different codes in one picture).
    """
    if len(data) > MAX_IMAGE_BYTES:
        raise _error("too_large", detail=f"{len(data) / 1024 / 1024:.1f} MB")
    try:
        with _warnings.catch_warnings():
            _warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
        width, height = image.size
        if width * height > MAX_IMAGE_PIXELS:
            raise _error("too_large", detail=f"{width}×{height} piksel")
        image.load()
        image = ImageOps.exif_transpose(image)
        if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
            # A transparent screenshot would turn black-on-transparent into black-on-black.
            rgba = image.convert("RGBA")
            image = Image.new("RGBA", rgba.size, "white")
            image.alpha_composite(rgba)
        image = image.convert("L")
    except QrisError:
        raise
    except (Image.DecompressionBombWarning, Image.DecompressionBombError):
        raise _error("too_large", detail="lebih dari 40 megapiksel") from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
        raise _error("bad_image") from None

    results = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
    texts = list(dict.fromkeys(r.text for r in results if r.valid and r.text))
    if not texts:
        raise _error("no_qr")
    if len(texts) > 1:
        raise _error("many_qr", count=len(texts))
    return texts[0]

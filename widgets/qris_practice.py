"""The rules behind the QRIS practice apps: sample shops and their codes, what a learner typed,
and which outcome each choice leads to (checkout, fake sticker, payment notifications, MDR).

Plain functions over :mod:`naikkelas.widgets.qris` (payloads are built with ``encode`` and read
back with ``decode``, never assembled here), so the simulators in
``naikkelas.widgets.simulators.qris`` only draw screens and route taps. Figures and dates come
from the QRIS section of FACTS.md. Learner-facing messages are Bahasa Indonesia, in
:data:`MESSAGES`.
"""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass
from datetime import time
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from .checking import parse_rupiah
from .qris import (
    CRITERIA,
    QrisError,
    QrisPayload,
    decode,
    encode,
    format_rupiah,
    read_qr_image,
    to_png,
)

MESSAGES = {
    "amount_empty": "Ketik nominalnya dulu, misalnya 15000.",
    "amount_unreadable": "Nominal tidak terbaca. Tulis angka saja, misalnya 15000 atau Rp15.000.",
    "amount_not_positive": "Nominal harus lebih dari Rp0.",
    "amount_cents": "Tulis nominal dalam rupiah penuh, tanpa sen.",
    "amount_too_large": "Untuk latihan ini, nominal paling banyak {limit}.",
    "upload_none": "Pilih dulu foto stiker QRIS Anda.",
    "upload_too_large": (
        "Foto terlalu besar ({size}). Kirim foto paling besar 5 MB, "
        "misalnya tangkapan layar atau foto biasa dari kamera HP."
    ),
    "upload_not_image": (
        "Berkas “{name}” bukan gambar. Kirim foto atau tangkapan layar (JPG atau PNG)."
    ),
}

# The MDR rule for micro merchants in force now (FACTS.md): 0% for one payment up to Rp500.000
# since 1 December 2024, 0.3% above it (the UMI rate since July 2023).
MDR_RULE_SINCE = "1 Desember 2024"
UMI_FREE_UP_TO = Decimal(500_000)
UMI_RATE = Decimal("0.003")
MAX_TYPED_AMOUNT = Decimal(100_000_000)
MAX_UPLOAD_BYTES = 5 * 1024 * 1024
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp", ".gif", ".bmp", ".heic", ".heif")


def _text(key: str, **values) -> str:
    return MESSAGES[key].format(**values)


# -- shops and their codes -------------------------------------------------------------------
@dataclass(frozen=True)
class Merchant:
    """A practice shop as registered for QRIS: what its code holds. Use made-up shops only."""

    name: str
    city: str
    nmid: str
    criteria: str = "UMI"
    postal_code: str | None = None

    def payload(self, amount: Decimal | int | None = None) -> str:
        """The shop's QRIS payload: static without ``amount``, dynamic with it."""
        return encode(
            self.name,
            self.city,
            self.nmid,
            criteria=self.criteria,
            postal_code=self.postal_code,
            amount=amount,
        )


# Made-up shops from the course's stories (NMIDs follow the format, belong to no one).
BAKSO_RAHMAT = Merchant("BAKSO PAK RAHMAT", "TANJUNGPINANG", "ID2024000012345")
BATIK_NINGSIH = Merchant("BATIK BU NINGSIH", "TEGAL", "ID2024000067890")
# A stranger's code, as on a sticker pasted over a shop's own.
TOKO_MAJU = Merchant("TOKO MAJU SENTOSA", "JAKARTA", "ID2024000098765")
BAKSO_JAYA = Merchant("BAKSO RAHMAT JAYA", "JAKARTA UTARA", "ID2024000054321")


@lru_cache(maxsize=64)
def qr_data_uri(payload: str, scale: int = 4) -> str:
    """``payload`` as a small QR code PNG (about 0.5 KB) in a ``data:`` URI for an ``<img>``."""
    buffer = io.BytesIO()
    to_png(payload, buffer, scale=scale, border=4)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def _same_text(a: str | None, b: str | None) -> bool:
    """Names as a person compares them: case and repeated spaces do not matter."""
    return " ".join((a or "").split()).casefold() == " ".join((b or "").split()).casefold()


def identity_rows(code: QrisPayload) -> list[tuple[str, str]]:
    """What identifies the shop that receives the money, in the words of the lessons."""
    return [
        ("Nama toko", code.merchant_name),
        ("Kota", code.merchant_city),
        ("NMID", code.nmid or "tidak ada"),
    ]


def differences(code: QrisPayload, shop: Merchant) -> list[str]:
    """Labels of the identity fields where ``code`` is not ``shop`` (empty when it is)."""
    pairs = [
        ("Nama toko", code.merchant_name, shop.name),
        ("Kota", code.merchant_city, shop.city),
        ("NMID", code.nmid, shop.nmid),
    ]
    return [label for label, found, wanted in pairs if not _same_text(found, wanted)]


def pays_shop(code: QrisPayload, shop: Merchant) -> bool:
    """Whether money paid with ``code`` reaches ``shop``: same name and same NMID."""
    return _same_text(code.merchant_name, shop.name) and _same_text(code.nmid, shop.nmid)


# -- amounts a learner types -----------------------------------------------------------------
def read_amount(text: object, limit: Decimal = MAX_TYPED_AMOUNT) -> tuple[Decimal | None, str]:
    """A Rupiah amount typed by a learner ("15000", "Rp15.000", "15rb") as (amount, "") or
    (None, a message saying what to type). Never raises on what a learner typed."""
    if not isinstance(text, str) or not text.strip():
        return None, _text("amount_empty")
    amount = parse_rupiah(text.strip())
    if amount is None:
        return None, _text("amount_unreadable")
    if amount <= 0:
        return None, _text("amount_not_positive")
    if amount != amount.to_integral_value():
        return None, _text("amount_cents")
    if amount > limit:
        return None, _text("amount_too_large", limit=format_rupiah(limit))
    return amount, ""


# -- checkout --------------------------------------------------------------------------------
def checkout_outcome(
    *,
    right_merchant: bool,
    price: Decimal,
    code_amount: Decimal | None,
    name_confirmed: bool,
    paid_amount: Decimal | None,
) -> str:
    """The outcome of one QRIS checkout.

    The buyer scanned a code that pays the shop in front of them (``right_merchant``) or not,
    said the name matched (``name_confirmed``) or cancelled there, then paid ``paid_amount`` or
    cancelled (None) on the payment screen. ``code_amount`` is the amount inside a dynamic code.
    """
    if not name_confirmed:
        return "cancelled_right_merchant" if right_merchant else "cancelled_wrong_merchant"
    if paid_amount is None:
        if code_amount is not None and code_amount != price:
            return "cancelled_wrong_amount"
        return "cancelled"
    if not right_merchant:
        return "wrong_merchant_paid"
    return "paid" if paid_amount == price else "wrong_amount"


# -- the morning sticker check ---------------------------------------------------------------
def sticker_outcome(*, fake: bool, scanned: bool, said_fake: bool, removed: bool) -> str:
    """The outcome of a merchant's morning check of the sticker on their stall.

    ``scanned``: they scanned it before opening; ``said_fake``: they judged it fake after
    comparing; ``removed``: they took a sticker judged fake down and called their QRIS provider.
    """
    if not scanned:
        return "not_checked"
    if not said_fake:
        return "missed_fake" if fake else "genuine_ok"
    if not fake:
        return "false_alarm"
    return "spotted_fake" if removed else "fake_left"


# -- payment notifications -------------------------------------------------------------------
@dataclass(frozen=True)
class Notification:
    """One incoming payment in the merchant's own app."""

    today: bool
    at: time
    amount: Decimal

    @property
    def when(self) -> str:
        return f"{'Hari ini' if self.today else 'Kemarin'}, pukul {clock(self.at)}"


def clock(at: time) -> str:
    """A time as Indonesians write it: ``10.42``."""
    return f"{at.hour:02d}.{at.minute:02d}"


def minutes_after(at: time, minutes: int) -> time:
    """The clock ``minutes`` after ``at`` (past midnight it starts again at 00.00)."""
    total = (at.hour * 60 + at.minute + minutes) % (24 * 60)
    return time(total // 60, total % 60)


def merchant_inbox(price: Decimal, arrived: bool, sale_at: time) -> list[Notification]:
    """The merchant's list of incoming payments, newest first, at the moment of a sale.

    It always holds a payment of the same ``price`` from yesterday, and a smaller one from this
    morning: a learner must read the day and the time, not only the amount. When ``arrived``,
    the buyer's payment is on top, one minute after ``sale_at``.
    """
    inbox = [
        Notification(True, time(9, 15), Decimal(75_000)),
        Notification(False, time(16, 20), Decimal(price)),
        Notification(False, time(11, 5), Decimal(40_000)),
    ]
    if arrived:
        inbox.insert(0, Notification(True, minutes_after(sale_at, 1), Decimal(price)))
    return inbox


def payment_arrived(inbox: list[Notification], price: Decimal, sale_at: time) -> bool:
    """Whether the inbox shows the buyer's payment: today, at or after the sale, the full price."""
    return any(n.today and n.at >= sale_at and n.amount == price for n in inbox)


def notification_outcome(*, checked_app: bool, handed_over: bool, arrived: bool) -> str:
    """The outcome of a sale paid "by screenshot": did the merchant look at their own app?"""
    if not checked_app:
        return "handed_on_screenshot" if handed_over else "held_unchecked"
    if handed_over:
        return "handed_paid" if arrived else "handed_unpaid"
    return "held_paid" if arrived else "held_unpaid"


# -- MDR -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Mdr:
    """The MDR of one QRIS payment. ``rate`` and ``fee`` are None when this course does not
    teach the rate (criteria other than UMI: the provider tells the merchant)."""

    amount: Decimal
    criteria: str
    rate: Decimal | None
    fee: Decimal | None
    explanation: str

    @property
    def net(self) -> Decimal | None:
        """What the merchant keeps."""
        return None if self.fee is None else self.amount - self.fee

    @property
    def buyer_pays(self) -> Decimal:
        """Always the price: the merchant pays the MDR, and a surcharge is prohibited."""
        return self.amount


def percent(rate: Decimal) -> str:
    """``Decimal("0.003")`` -> ``"0,3%"``."""
    text = f"{rate * 100:f}".rstrip("0").rstrip(".") or "0"
    return text.replace(".", ",") + "%"


def mdr(amount: Decimal, criteria: str) -> Mdr:
    """The MDR of one payment of ``amount`` to a merchant of ``criteria`` (UMI, UKE, UME, UBE),
    under the rule in force since 1 December 2024, rounded to the sen."""
    if criteria not in CRITERIA:
        raise ValueError(f"unknown merchant criteria {criteria!r}")
    amount = Decimal(amount)
    if criteria != "UMI":
        return Mdr(
            amount,
            criteria,
            None,
            None,
            f"Tarif MDR untuk {CRITERIA[criteria]} ({criteria}) tidak dibahas di latihan ini. "
            "Tanyakan tarifnya kepada penyedia QRIS Anda. MDR tetap ditanggung penjual.",
        )
    if amount <= UMI_FREE_UP_TO:
        return Mdr(
            amount,
            criteria,
            Decimal(0),
            Decimal(0),
            f"Usaha mikro (UMI), satu pembayaran sampai {format_rupiah(UMI_FREE_UP_TO)}: "
            f"MDR 0% sejak {MDR_RULE_SINCE}. Tidak ada potongan.",
        )
    fee = (amount * UMI_RATE).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return Mdr(
        amount,
        criteria,
        UMI_RATE,
        fee,
        f"Usaha mikro (UMI), satu pembayaran di atas {format_rupiah(UMI_FREE_UP_TO)}: "
        f"MDR {percent(UMI_RATE)}, yaitu Rp3 untuk setiap Rp1.000.",
    )


def mdr_outcome(*, merchant_pays: bool, surcharge_allowed: bool) -> str:
    """The outcome of the MDR questions: who pays it, and may it be added to the buyer's price."""
    if not merchant_pays:
        return "buyer_pays"
    return "surcharge" if surcharge_allowed else "merchant_pays"


# -- checking one's own sticker --------------------------------------------------------------
@dataclass(frozen=True)
class StickerReading:
    """What an uploaded picture of a sticker says: the decoded code, or why there is none."""

    code: QrisPayload | None
    problem: str


def read_sticker(name: object, data: bytes) -> StickerReading:
    """Read the QRIS code in an uploaded picture. Files over 5 MB and files that are not
    pictures are refused with a message; so are pictures without a readable, sound QRIS code.
    Nothing is kept: the caller drops ``data`` afterwards."""
    name = str(name or "")[:80]
    if len(data) > MAX_UPLOAD_BYTES:
        return StickerReading(None, _text("upload_too_large", size=megabytes(len(data))))
    try:
        text = _read_picture(name, data)
        return StickerReading(decode(text), "")
    except QrisError as e:
        return StickerReading(None, str(e))


def _read_picture(name: str, data: bytes) -> str:
    try:
        return read_qr_image(data)
    except QrisError as e:
        if e.code == "bad_image" and not name.lower().endswith(IMAGE_SUFFIXES):
            raise QrisError("bad_image", _text("upload_not_image", name=name)) from None
        raise


def megabytes(size: int) -> str:
    """``5_500_000`` -> ``"5,2 MB"``."""
    return f"{size / 1024 / 1024:.1f} MB".replace(".", ",")

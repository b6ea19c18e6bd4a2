"""QRIS practice apps on the merchant's money: is the payment really in (own app versus a buyer's
screenshot), and what does the MDR cost and who pays it.

Rules in :mod:`naikkelas.widgets.qris_practice`; the shared drawing in :mod:`.qris`.
"""

from __future__ import annotations

from datetime import time
from decimal import Decimal

import ipywidgets as widgets

from ..qris import CRITERIA
from ..qris_practice import (
    BATIK_NINGSIH,
    MDR_RULE_SINCE,
    Mdr,
    Merchant,
    clock,
    mdr,
    mdr_outcome,
    merchant_inbox,
    minutes_after,
    notification_outcome,
    percent,
    read_amount,
)
from ..questions import TARGET
from ..text import escape, status
from .qris import QrisApp, paragraph, rows_html, rupiah, text_input

SURCHARGE_RULE = "PBI No. 23/6/PBI/2021 pasal 52"


class PaymentNotification(QrisApp):
    """A buyer shows a "transfer berhasil" screenshot; the merchant opens their own app, reads
    the list of incoming payments (day, time, amount) and hands the goods over or holds them.
    ``arrived`` says whether the payment really came. Outcomes: see
    :func:`~naikkelas.widgets.qris_practice.notification_outcome`.
    """

    title = "Aplikasi Penjual"

    def __init__(
        self,
        question_id: str | None,
        prompt: str = "",
        *,
        shop: Merchant = BATIK_NINGSIH,
        price: int | Decimal = 250_000,
        item: str = "kain batik",
        arrived: bool = False,
        sale_at: time = time(10, 40),
    ):
        self.shop, self.price, self.item = shop, Decimal(price), item
        if self.price <= 0:
            raise ValueError("price must be above 0")
        self.arrived, self.sale_at = arrived, sale_at
        self.inbox = merchant_inbox(self.price, arrived, sale_at)
        super().__init__(question_id, prompt)

    def begin(self) -> None:
        price = rupiah(self.price)
        screenshot = (
            '<div class="nk-qris-shot" role="img" '
            f'aria-label="Foto layar dari HP pembeli: transfer berhasil {price}">'
            '<div class="nk-qris-shot-tag">Foto layar dari HP pembeli</div>'
            '<div class="nk-qris-ok">✔ Transfer berhasil</div>'
            f'<div class="nk-qris-amount">{price}</div>'
            f"<div>ke {escape(self.shop.name)}</div>"
            f"<div>Hari ini, pukul {clock(minutes_after(self.sale_at, 1))}</div></div>"
        )
        body = paragraph(
            f"Pembeli membeli {escape(self.item)} seharga <b>{price}</b>. "
            "Ia berkata: “Sudah saya bayar. Ini buktinya.”"
        )
        self.screen(
            body + screenshot,
            self.button(f"Serahkan {self.item} sekarang", lambda: self.decide(False, True)),
            self.button("Buka aplikasi penjual saya dulu", self.open_app, style="primary"),
            title="Di toko",
        )

    def open_app(self) -> None:
        items = "".join(
            '<li class="nk-qris-notif">'
            f'<span class="nk-qris-amount">+{rupiah(n.amount)}</span>'
            f"<span>Pembayaran QRIS masuk</span><span>{n.when}</span></li>"
            for n in self.inbox
        )
        now = clock(minutes_after(self.sale_at, 2))
        body = (
            paragraph(f"<b>{escape(self.shop.name)}</b>. Sekarang hari ini, pukul {now}.")
            + paragraph("Riwayat uang masuk, yang terbaru di atas:")
            + f'<ul class="nk-qris-inbox">{items}</ul>'
        )
        self.screen(
            body,
            self.button(f"Uang sudah masuk: serahkan {self.item}", lambda: self.decide(True, True)),
            self.button(f"Uang belum masuk: tahan {self.item}", lambda: self.decide(True, False)),
        )

    def decide(self, checked_app: bool, handed_over: bool) -> None:
        self.done(
            notification_outcome(
                checked_app=checked_app, handed_over=handed_over, arrived=self.arrived
            )
        )

    def outcome_screen(self, outcome: str) -> list[widgets.Widget]:
        price, item = rupiah(self.price), escape(self.item)
        came = f"{price} masuk hari ini, pukul {clock(self.inbox[0].at)}."
        old = next(n for n in self.inbox if not n.today and n.amount == self.price)
        missing = (
            f"Hari ini belum ada {price} yang masuk. "
            f"{price} di riwayat itu dari {old.when.lower()}."
        )
        texts = {
            "handed_on_screenshot": (
                "Barang sudah diserahkan, padahal Anda belum melihat aplikasi sendiri. "
                "Foto layar bisa diedit. "
                + (
                    f"Kali ini uangnya memang masuk: {came}"
                    if self.arrived
                    else f"{missing} Foto itu palsu."
                ),
                False,
            ),
            "handed_unpaid": (
                f"{missing} Barang sudah diserahkan tanpa dibayar. "
                "Baca hari dan jamnya, bukan hanya jumlahnya.",
                False,
            ),
            "held_unpaid": (
                f"Tepat! {missing} Tahan {item}. Katakan dengan sopan bahwa uangnya belum "
                "masuk. Foto layar pembeli bukan bukti.",
                True,
            ),
            "handed_paid": (f"Tepat! {came} Anda boleh menyerahkan {item}.", True),
            "held_paid": (f"Uangnya sudah ada: {came} Anda boleh menyerahkan {item}.", False),
            "held_unchecked": ("Lihat dulu aplikasi Anda: di sanalah bukti yang sah.", False),
        }
        text, right = texts.get(outcome, ("Latihan selesai.", None))
        return self.ending(text, right)


class MdrCalculator(QrisApp):
    """Type the amount of one payment and pick the merchant's criteria to see the MDR and what
    the merchant keeps; then answer who pays it and whether it may be added to the buyer's price.
    Outcomes: ``merchant_pays`` (right), ``buyer_pays``, ``surcharge``.
    """

    title = "Kalkulator MDR"

    def __init__(
        self,
        question_id: str | None,
        prompt: str = "",
        *,
        amount: int | Decimal | None = 600_000,
        criteria: str = "UMI",
    ):
        if criteria not in CRITERIA:
            raise ValueError(f"criteria must be one of {', '.join(CRITERIA)}")
        self.typed = rupiah(amount) if amount is not None else ""
        self.criteria = criteria
        self.result: Mdr | None = None
        super().__init__(question_id, prompt)

    def begin(self) -> None:
        self.result = None
        self.picker = widgets.Dropdown(
            options=[(f"{code}: {name}", code) for code, name in CRITERIA.items()],
            value=self.criteria,
            description="",
            layout=widgets.Layout(width="100%", min_height=TARGET),
        )
        self.picker.add_class("nk-input")
        self.amount_box = text_input("Contoh: 600000", self.typed)
        self.message = widgets.HTML()
        self.screen(
            paragraph(
                f"Aturan MDR sejak {MDR_RULE_SINCE}. Pilih jenis usaha, lalu ketik jumlah "
                "satu kali pembayaran."
            ),
            widgets.HTML(paragraph("<b>Jenis usaha</b>")),
            self.picker,
            widgets.HTML(paragraph("<b>Jumlah satu kali pembayaran QRIS</b>")),
            self.amount_box,
            self.message,
            self.button("Hitung MDR", self.calculate, style="primary"),
        )

    def calculate(self) -> None:
        # Keep what was typed and picked, for "Hitung lagi" (a browser could send no choice).
        self.typed = self.amount_box.value[:40]
        if self.picker.value in CRITERIA:
            self.criteria = self.picker.value
        amount, problem = read_amount(self.amount_box.value)
        if problem:
            self.message.value = status(problem)
            return
        self.result = result = mdr(amount, self.criteria)
        if result.fee is None:
            fee_rows = [("MDR", "tanyakan tarifnya kepada penyedia QRIS")]
        else:
            fee_rows = [
                (f"MDR {percent(result.rate)}", rupiah(result.fee)),
                ("Uang bersih penjual", rupiah(result.net)),
            ]
        body = (
            rows_html(
                [
                    ("Jenis usaha", f"{result.criteria}: {CRITERIA[result.criteria]}"),
                    ("Harga satu pembayaran", rupiah(result.amount)),
                    *fee_rows,
                ]
            )
            + paragraph(escape(result.explanation))
            + paragraph("<b>Siapa yang menanggung MDR ini?</b>")
        )
        self.screen(
            body,
            self.button("Penjual", self.ask_surcharge),
            self.button(
                "Pembeli",
                lambda: self.done(mdr_outcome(merchant_pays=False, surcharge_allowed=False)),
            ),
            self.button("Hitung lagi", self.begin),
        )

    def ask_surcharge(self) -> None:
        body = paragraph(
            "Teman Anda berkata: “Tambahkan saja MDR-nya ke harga untuk pembeli yang membayar "
            "dengan QRIS.” <b>Bolehkah?</b>"
        )
        self.screen(
            body,
            self.button("Boleh", lambda: self.answer(True)),
            self.button("Tidak boleh", lambda: self.answer(False)),
        )

    def answer(self, surcharge_allowed: bool) -> None:
        self.done(mdr_outcome(merchant_pays=True, surcharge_allowed=surcharge_allowed))

    def outcome_screen(self, outcome: str) -> list[widgets.Widget]:
        result = self.result
        pays = f"Pembeli membayar {rupiah(result.buyer_pays)} saja." if result else ""
        keeps = (
            f"Anda menerima {rupiah(result.net)}."
            if result is not None and result.net is not None
            else ""
        )
        rule = (
            "Menambah biaya untuk pembeli QRIS disebut surcharge, dan itu dilarang "
            f"({SURCHARGE_RULE})."
        )
        texts = {
            "merchant_pays": (f"Tepat! MDR ditanggung penjual. {pays} {keeps} {rule}", True),
            "buyer_pays": (f"Belum tepat. MDR ditanggung penjual, bukan pembeli. {pays}", False),
            "surcharge": (f"Belum tepat. {rule} {pays}", False),
        }
        text, right = texts.get(outcome, ("Latihan selesai.", None))
        return self.ending(" ".join(text.split()), right)

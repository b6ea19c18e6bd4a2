"""QRIS practice apps about the code itself: pay at a shop after checking the merchant name,
check the sticker on one's stall, and read one's own sticker from a photo. The merchant's money
(payment notifications, MDR) is in :mod:`.qris_merchant`.

The rules (outcomes, amounts) live in :mod:`naikkelas.widgets.qris_practice`, the payloads in
:mod:`naikkelas.widgets.qris`; these classes only draw the phone's screens and route taps.
Everything shown that comes from a code or a learner is escaped.
"""

from __future__ import annotations

from decimal import Decimal

import ipywidgets as widgets

from ..qris import QrisPayload, decode, describe, format_rupiah
from ..qris_practice import (
    BAKSO_JAYA,
    BAKSO_RAHMAT,
    Merchant,
    checkout_outcome,
    differences,
    identity_rows,
    pays_shop,
    qr_data_uri,
    read_amount,
    read_sticker,
    sticker_outcome,
)
from ..questions import TARGET
from ..text import escape, status
from .base import Simulator, phone_html


def rupiah(amount: Decimal | int) -> str:
    return format_rupiah(Decimal(amount))


def rows_html(rows: list[tuple[str, str]]) -> str:
    """Label/value pairs, the label above its value (room for long names on a narrow phone)."""
    items = "".join(
        f'<div class="nk-qris-row"><span class="nk-qris-label">{escape(label)}</span>'
        f'<span class="nk-qris-value">{escape(value)}</span></div>'
        for label, value in rows
    )
    return f'<div class="nk-qris-rows">{items}</div>'


def sticker_html(payload: str, printed: Merchant, *, pasted: bool = False) -> str:
    """A QRIS sticker: the real QR code of ``payload``, with ``printed``'s name and NMID printed
    under it (a fake sticker may print anything: only the scanned code tells who is paid)."""
    alt = "Kode QR pada stiker QRIS"
    if pasted:
        alt += ". Tepi stiker ini menumpuk di atas stiker lain"
    return (
        f'<div class="nk-qris-sticker{" nk-qris-pasted" if pasted else ""}">'
        '<div class="nk-qris-logo">QRIS</div>'
        f'<img class="nk-qris-code" src="{qr_data_uri(payload)}" alt="{escape(alt)}">'
        f'<div class="nk-qris-print"><b>{escape(printed.name)}</b><br>NMID: '
        f"{escape(printed.nmid)}</div></div>"
    )


def paragraph(html: str) -> str:
    return f'<p class="nk-qris-p">{html}</p>'


class QrisApp(Simulator):
    """Shared drawing: one app screen (already HTML) followed by widgets."""

    def screen(self, body: str, *children: widgets.Widget, title: str | None = None) -> None:
        self.show(widgets.HTML(phone_html(body, title or self.title)), *children)

    def ending(self, body: str, right: bool | None = None) -> list[widgets.Widget]:
        """The debrief after an outcome (``body`` is HTML); ``right`` marks it ✔ or ✘."""
        mark = {True: "✔ ", False: "✘ ", None: ""}[right]
        return [widgets.HTML(phone_html(paragraph(mark + body), "Hasil latihan"))]


def text_input(placeholder: str, value: str = "") -> widgets.Text:
    box = widgets.Text(
        value=value,
        placeholder=placeholder,
        layout=widgets.Layout(width="100%", min_height=TARGET),
        continuous_update=False,
    )
    box.add_class("nk-input")
    return box


# -- 1. checkout -----------------------------------------------------------------------------
class QrisCheckout(QrisApp):
    """Pay a shop with QRIS: scan its sticker, check the merchant name the app shows, then type
    the amount (static code) or check the amount inside the code (dynamic) and pay or cancel.

    ``code`` is the merchant the scanned code really pays (default: the shop itself; another
    merchant for a fake sticker). ``dynamic=True`` puts ``code_amount`` (default ``price``) in
    the code. Outcomes: see :func:`naikkelas.widgets.qris_practice.checkout_outcome`.
    """

    title = "Bayar QRIS"

    def __init__(
        self,
        question_id: str | None,
        prompt: str = "",
        *,
        shop: Merchant = BAKSO_RAHMAT,
        price: int | Decimal = 15_000,
        item: str = "semangkuk bakso",
        code: Merchant | None = None,
        dynamic: bool = False,
        code_amount: int | Decimal | None = None,
    ):
        if code_amount is not None and not dynamic:
            raise ValueError("code_amount is only for a dynamic code (dynamic=True)")
        self.shop, self.price, self.item = shop, Decimal(price), item
        if self.price <= 0:
            raise ValueError("price must be above 0")
        self.code_amount = Decimal(code_amount or price) if dynamic else None
        self.payload = (code or shop).payload(self.code_amount)
        self.scanned = decode(self.payload)
        self.right_merchant = pays_shop(self.scanned, shop)
        self.paid_amount: Decimal | None = None
        super().__init__(question_id, prompt)

    def begin(self) -> None:
        self.paid_amount = None
        body = (
            paragraph(
                f"Anda membeli {escape(self.item)} di <b>{escape(self.shop.name)}</b>. "
                f"Harganya <b>{rupiah(self.price)}</b>."
            )
            + sticker_html(self.payload, self.shop)
            + paragraph("Ini stiker QRIS di toko. Pindai kodenya dengan aplikasi Anda.")
        )
        self.screen(
            body, self.button("Pindai kode QR", self.scan, style="primary"), title="Di toko"
        )

    def scan(self) -> None:
        body = (
            paragraph("Aplikasi membaca kode. Uang akan dikirim ke:")
            + rows_html(identity_rows(self.scanned))
            + paragraph(
                f"Apakah nama toko ini sama dengan toko di depan Anda, "
                f"<b>{escape(self.shop.name)}</b>?"
            )
        )
        self.screen(
            body,
            self.button("Ya, namanya sama", self.confirm),
            self.button("Tidak sama. Batalkan", lambda: self.finish(False, None)),
        )

    def confirm(self) -> None:
        self.message = widgets.HTML()
        pay_to = rows_html([("Bayar ke", self.scanned.merchant_name)])
        note = paragraph("Di aplikasi sungguhan Anda lalu mengetik PIN. Di latihan ini tidak.")
        cancel = self.button("Batalkan", lambda: self.finish(True, None))
        if self.code_amount is None:
            self.amount_box = text_input("Contoh: 15000")
            body = pay_to + paragraph("Kode statis: ketik sendiri nominal yang dibayar.")
            pay = self.button("Bayar", self.pay_typed, style="primary")
            self.screen(body + note, self.amount_box, self.message, pay, cancel)
            return
        body = pay_to + rows_html([("Nominal (sudah ada di dalam kode)", rupiah(self.code_amount))])
        pay = self.button(
            f"Bayar {rupiah(self.code_amount)}",
            lambda: self.finish(True, self.code_amount),
            style="primary",
        )
        self.screen(body + note, pay, cancel)

    def pay_typed(self) -> None:
        amount, problem = read_amount(self.amount_box.value)
        if problem:
            self.message.value = status(problem)
            return
        self.finish(True, amount)

    def finish(self, name_confirmed: bool, paid_amount: Decimal | None) -> None:
        self.paid_amount = paid_amount
        self.done(
            checkout_outcome(
                right_merchant=self.right_merchant,
                price=self.price,
                code_amount=self.code_amount,
                name_confirmed=name_confirmed,
                paid_amount=paid_amount,
            )
        )

    def outcome_screen(self, outcome: str) -> list[widgets.Widget]:
        shop, payee, price = escape(self.shop.name), escape(self.scanned.merchant_name), self.price
        paid = rupiah(self.paid_amount) if self.paid_amount is not None else "uang Anda"
        texts = {
            "paid": (
                f"Pembayaran {paid} ke {payee} berhasil. Anda mencocokkan nama toko sebelum "
                "membayar. Penjual tetap mengecek uang masuk di aplikasinya sendiri.",
                True,
            ),
            "wrong_amount": (
                f"Uang terkirim ke toko yang benar, tetapi nominalnya {paid}, padahal harganya "
                f"{rupiah(price)}. Cek lagi angkanya, termasuk jumlah nol, sebelum menekan Bayar.",
                False,
            ),
            "wrong_merchant_paid": (
                f"{paid} terkirim ke {payee}, bukan ke {shop}. Nama di aplikasi tidak sama "
                "dengan toko di depan Anda. Itu tanda stiker palsu. Jangan bayar kalau nama "
                "berbeda.",
                False,
            ),
            "cancelled_wrong_merchant": (
                f"Tepat! Nama di aplikasi, {payee}, bukan {shop}. Anda tidak membayar. "
                "Beri tahu penjualnya: stikernya mungkin ditimpa stiker palsu.",
                True,
            ),
            "cancelled_right_merchant": (
                f"Anda membatalkan, padahal nama di aplikasi sama: {payee}. Kalau nama toko "
                "cocok, Anda boleh membayar.",
                False,
            ),
            "cancelled_wrong_amount": (
                f"Tepat! Kode ini berisi nominal {rupiah(self.code_amount or 0)}, padahal "
                f"harganya {rupiah(price)}. Minta penjual membuat kode yang benar.",
                True,
            ),
            "cancelled": (
                "Anda membatalkan, padahal nama toko dan nominalnya sudah benar. "
                "Anda boleh membayar.",
                False,
            ),
        }
        text, right = texts.get(outcome, ("Latihan selesai.", None))
        return self.ending(text, right)


# -- 2. the morning sticker check ------------------------------------------------------------
class FakeSticker(QrisApp):
    """A merchant's morning check: the sticker on the stall, perhaps pasted over by a fake
    (``swapped``) whose code pays ``fake``. Scan it, compare the name, city and NMID with the
    shop's own data, then decide. Outcomes: see :func:`~naikkelas.widgets.qris_practice.
    sticker_outcome`.
    """

    title = "Cek stiker pagi"

    def __init__(
        self,
        question_id: str | None,
        prompt: str = "",
        *,
        shop: Merchant = BAKSO_RAHMAT,
        fake: Merchant = BAKSO_JAYA,
        swapped: bool = True,
    ):
        self.shop, self.swapped = shop, swapped
        self.payload = (fake if swapped else shop).payload()
        self.scanned = decode(self.payload)
        if swapped and not differences(self.scanned, shop):
            raise ValueError("the fake merchant must differ from the shop")
        super().__init__(question_id, prompt)

    def begin(self) -> None:
        body = (
            paragraph("Pagi ini Anda membuka usaha. Ini data toko Anda dari penyedia QRIS:")
            + rows_html([("Nama toko", self.shop.name), ("Kota", self.shop.city)])
            + rows_html([("NMID", self.shop.nmid)])
            + paragraph("Stiker QRIS di tempat usaha Anda hari ini:")
            + sticker_html(self.payload, self.shop, pasted=self.swapped)
        )
        self.screen(
            body,
            self.button("Pindai stiker, baca namanya", self.scan, style="primary"),
            self.button("Stiker terlihat biasa. Langsung berjualan", self.skip),
        )

    def skip(self) -> None:
        self.done(sticker_outcome(fake=self.swapped, scanned=False, said_fake=False, removed=False))

    def scan(self) -> None:
        own = {"Nama toko": self.shop.name, "Kota": self.shop.city, "NMID": self.shop.nmid}
        compared = "".join(
            f'<div class="nk-qris-compare"><b>{escape(label)}</b>'
            + rows_html([("Hasil pindai", value), ("Data toko Anda", own[label])])
            + "</div>"
            for label, value in identity_rows(self.scanned)
        )
        body = paragraph("Cukup baca, jangan membayar. Bandingkan:") + compared
        self.screen(
            body,
            self.button("Sama semua: stiker asli", lambda: self.judge(False)),
            self.button("Ada yang berbeda: stiker palsu", lambda: self.judge(True)),
        )

    def judge(self, said_fake: bool) -> None:
        if not said_fake:
            self.done(
                sticker_outcome(fake=self.swapped, scanned=True, said_fake=False, removed=False)
            )
            return

        def act(removed: bool) -> None:
            self.done(
                sticker_outcome(fake=self.swapped, scanned=True, said_fake=True, removed=removed)
            )

        self.screen(
            paragraph("Anda menilai stiker ini palsu. Apa yang Anda lakukan sekarang?"),
            self.button("Lepas stiker itu, lalu hubungi penyedia QRIS", lambda: act(True)),
            self.button("Biarkan dulu, nanti saja diurus", lambda: act(False)),
        )

    def outcome_screen(self, outcome: str) -> list[widgets.Widget]:
        found = ", ".join(differences(self.scanned, self.shop)) or "tidak ada"
        payee = escape(self.scanned.merchant_name)
        texts = {
            "spotted_fake": (
                f"Tepat! Kode itu mengirim uang ke {payee}, bukan ke toko Anda. Yang berbeda: "
                f"{escape(found)}. Anda melepas stiker palsu dan menghubungi penyedia QRIS.",
                True,
            ),
            "fake_left": (
                f"Anda tahu stikernya palsu, tetapi membiarkannya. Setiap pembeli yang memindai "
                f"mengirim uang ke {payee}. Lepas sekarang, lalu hubungi penyedia QRIS.",
                False,
            ),
            "missed_fake": (
                f"Stiker ini palsu. Kodenya mengirim uang ke {payee}. Yang berbeda: "
                f"{escape(found)}. Tulisan di stiker bisa dipalsukan; percayai hasil pindai.",
                False,
            ),
            "not_checked": (
                "Anda tidak memindai stiker. Stiker palsu bisa terlihat biasa"
                + (f": yang ini mengirim uang ke {payee}." if self.swapped else ".")
                + " Pindai dan baca namanya setiap pagi.",
                False,
            ),
            "genuine_ok": (
                "Tepat! Nama toko, kota, dan NMID sama. Stiker Anda asli. Cek lagi besok pagi.",
                True,
            ),
            "false_alarm": (
                "Nama toko, kota, dan NMID sama dengan data Anda. Stiker ini asli.",
                False,
            ),
        }
        text, right = texts.get(outcome, ("Latihan selesai.", None))
        return self.ending(text, right)


# -- 3. checking one's own sticker from a photo ----------------------------------------------
class StickerCheck(QrisApp):
    """Practice with one's own sticker: upload a photo or screenshot of it and read what its
    code says (shop name, city, NMID) to answer "is this really my name and NMID?".

    Meant to be ungraded (``question_id=None``); graded, its outcomes ``mine`` and ``not_mine``
    both mean the learner checked a sticker. Pictures over 5 MB and files that are not pictures
    are refused with a message. Nothing is stored: the upload is cleared as soon as it is read.
    """

    title = "Cek stiker saya"

    def __init__(self, question_id: str | None = None, prompt: str = ""):
        self.code: QrisPayload | None = None
        super().__init__(question_id, prompt)

    def begin(self) -> None:
        self.code = None
        self.upload = widgets.FileUpload(
            accept="image/*",
            multiple=False,
            description="Pilih foto stiker",
            icon="",  # Voila's icon font would come from a CDN
            layout=widgets.Layout(width="100%", min_height=TARGET, height="auto"),
        )
        self.upload.add_class("nk-qris-upload")
        self.upload.observe(self.received, names="value")
        self.message = widgets.HTML()
        body = paragraph(
            "Foto stiker QRIS Anda dari dekat, lurus, dan cukup terang. "
            "Tangkapan layar kode QRIS juga bisa. Foto paling besar 5 MB."
        ) + paragraph(
            "Tekan tombol di bawah, lalu pilih fotonya. Foto hanya dibaca, tidak disimpan."
        )
        hint = widgets.HTML(
            paragraph("Tidak terjadi apa-apa setelah memilih foto? Tekan <b>Mulai lagi</b>.")
        )
        # A file too big for the connection never reaches the kernel, and the upload button of
        # that page then stops sending: a new button is the way out.
        again = self.button("Mulai lagi", self.begin)
        self.screen(body, self.upload, self.message, hint, again)

    def received(self, change: dict) -> None:
        upload, files = change["owner"], change["new"]
        if not files:
            return  # the upload was cleared
        first = files[0]
        try:
            name, data = first.get("name"), bytes(first.get("content") or b"")
        except (AttributeError, TypeError, ValueError):
            name, data = "", b""
        upload.value = ()  # drop the picture at once: nothing is kept
        if upload is not self.upload:
            return  # a button of a screen no longer shown
        reading = read_sticker(name, data)
        del data
        if reading.code is None:
            self.message.value = status(reading.problem)
            return
        self.show_code(reading.code)

    def show_code(self, code: QrisPayload) -> None:
        self.code = code
        wanted = ("Jenis usaha", "Jenis kode", "Nominal")
        more = [(label, value) for label, value in describe(code) if label in wanted]
        notes = "".join(f"<li>{escape(w)}</li>" for w in code.warnings)
        body = (
            paragraph("Kode di foto Anda berisi:")
            + rows_html(identity_rows(code))
            + rows_html(more)
            + (paragraph("Catatan:") + f'<ul class="nk-qris-notes">{notes}</ul>' if notes else "")
            + paragraph("<b>Apakah ini nama toko dan NMID Anda?</b>")
        )
        self.screen(
            body,
            self.button("Ya, ini toko saya", lambda: self.done("mine")),
            self.button("Bukan, ini bukan toko saya", lambda: self.done("not_mine")),
            self.button("Coba foto lain", self.begin),
        )

    def outcome_screen(self, outcome: str) -> list[widgets.Widget]:
        name = escape(self.code.merchant_name) if self.code else "nama di kode itu"
        texts = {
            "mine": (
                f"Bagus. Stiker ini mengirim uang ke {name}, toko Anda. Cek lagi setiap hari: "
                "stiker palsu bisa ditempel kapan saja.",
                True,
            ),
            "not_mine": (
                f"Jangan pakai stiker ini. Uang pembeli akan masuk ke {name}, bukan ke Anda. "
                "Lepas stiker itu, lalu hubungi penyedia QRIS Anda.",
                None,
            ),
        }
        text, right = texts.get(outcome, ("Latihan selesai.", None))
        return self.ending(text, right)

"""Marketplace simulators: build a product page, and price a product after example fees. (One
order from "pesanan baru" to the buyer's rating is `OrderFlow`, in `marketplace_orders`.)

The arithmetic and the listing score are plain functions in `naikkelas.widgets.marketplace`; these
widgets only draw the seller's app and route taps. Outcomes:

- `ListingBuilder`: "listing-good", "listing-weak", "listing-misleading"
- `PriceCalculator`: "profit", "break-even", "loss", "too-expensive" (only with `market_max`)
"""

from __future__ import annotations

import ipywidgets as widgets

from ..marketplace import (
    CATEGORIES,
    KEMEJA_BATIK,
    Breakdown,
    Draft,
    Fees,
    InputProblem,
    ListingScore,
    Photo,
    Product,
    breakdown,
    lowest_price,
    percent,
    price_outcome,
    read_percent,
    read_rupiah,
    read_target_profit,
    rupiah,
    score_listing,
)
from ..questions import TARGET
from ..text import escape, status
from .base import Simulator, phone_html

MAX_TITLE = 300  # characters kept from what the learner types (the score advises at 100)
MAX_DESCRIPTION = 2000


def _html(body: str) -> widgets.HTML:
    return widgets.HTML(body)


def _text_field(label: str, placeholder: str, value: str = "", area: bool = False):
    """A labelled full-width text box; returns (box to show, the input)."""
    kind = widgets.Textarea if area else widgets.Text
    field = kind(
        value=value,
        placeholder=placeholder,
        continuous_update=False,
        layout=widgets.Layout(width="100%", min_height="140px" if area else TARGET),
    )
    field.add_class("nk-input")
    if area:
        field.add_class("nk-market-area")
    box = widgets.VBox([_html(f'<div class="nk-market-label">{escape(label)}</div>'), field])
    return box, field


def _items(lines: list[str], css: str = "nk-market-list") -> str:
    return f'<ul class="{css}">' + "".join(f"<li>{escape(line)}</li>" for line in lines) + "</ul>"


# -- sample photos, drawn as small inline SVG -----------------------------------------------------
_SHIRT = (
    "M30 22 L42 16 Q50 25 58 16 L70 22 L85 37 L75 45 L68 40 L68 88 L32 88 L32 40 L25 45 L15 37 Z"
)
_BUSY = (
    '<rect width="100" height="100" fill="#f6c6c6"/>'
    + "".join(f'<rect x="{x}" width="6" height="100" fill="#7fb3d5"/>' for x in range(0, 100, 14))
    + "".join(
        f'<circle cx="{x}" cy="{y}" r="5" fill="#f39c12"/>' for x in (10, 45, 80) for y in (12, 60)
    )
)


def photo_svg(photo: Photo) -> str:
    """A sample product photo: the shirt from `photo.angle`, spoilt as `photo.flaw` says."""
    cloth, dots = {"filter": ("#17d4ff", "#ff3fd0"), "bukan-asli": ("#b03a2e", "#f4d03f")}.get(
        photo.flaw or "", ("#2b4f8c", "#e9d8a6")
    )
    parts = [_BUSY if photo.flaw == "ramai" else '<rect width="100" height="100" fill="#efede6"/>']
    if photo.angle == "motif":
        parts.append(f'<rect x="6" y="6" width="88" height="88" fill="{cloth}"/>')
        parts += [
            f'<circle cx="{x}" cy="{y}" r="7" fill="none" stroke="{dots}" stroke-width="3"/>'
            for x in range(20, 100, 20)
            for y in range(20, 100, 20)
        ]
    else:
        if photo.angle == "dipakai":
            parts.append('<circle cx="50" cy="9" r="8" fill="#8d5b3a"/>')
        parts.append(f'<path d="{_SHIRT}" fill="{cloth}"/>')
        parts += [
            f'<circle cx="{x}" cy="{y}" r="2.5" fill="{dots}"/>'
            for x in (38, 50, 62)
            for y in (40, 55, 70, 82)
        ]
        if photo.angle != "belakang":
            parts.append('<path d="M50 24 L50 88" stroke="#0f2340" stroke-width="1.5"/>')
    if photo.flaw == "gelap":
        parts.append('<rect width="100" height="100" fill="#000" opacity="0.65"/>')
    if photo.flaw == "bukan-asli":
        parts.append(
            '<text x="50" y="60" font-size="11" text-anchor="middle" fill="#fff" opacity="0.8" '
            'transform="rotate(-30 50 50)">© toko lain</text>'
        )
    label = escape(photo.caption)
    return (
        f'<svg class="nk-market-photo" viewBox="0 0 100 100" role="img" aria-label="{label}">'
        f"{''.join(parts)}</svg>"
    )


# -- ListingBuilder --------------------------------------------------------------------------------
class ListingBuilder(Simulator):
    """Build a product page in four steps (title, photos, description, category and weight), see a
    score out of 100 with advice, and publish. Outcome "listing-good" when the score reaches 85,
    "listing-misleading" when the page misleads buyers, else "listing-weak"."""

    title = "Toko Saya · Tambah produk"
    STEPS = ("Judul produk", "Foto produk", "Deskripsi", "Kategori dan berat")

    def __init__(self, question_id: str | None, prompt: str = "", product: Product = KEMEJA_BATIK):
        self.product = product
        self.result: ListingScore | None = None
        super().__init__(question_id, prompt)

    def begin(self) -> None:
        self.draft = Draft()
        self.result = None
        self.from_review = False
        self.step_title()

    def _step(self, index: int, body: str, *children, facts: bool = True) -> None:
        intro = f'<p class="nk-market-step">Langkah {index + 1} dari 4: {self.STEPS[index]}</p>'
        if facts:
            intro += "<p>Barang Anda:</p>" + _items(list(self.product.facts))
        self.message = _html("")
        forward = (
            ("Simpan, periksa nilai", self.review) if self.from_review else self._forward[index]
        )
        go = self.button(forward[0], lambda: self._leave(index, forward[1]), style="primary")
        self.show(_html(phone_html(intro + body, self.title)), *children, self.message, go)

    @property
    def _forward(self):
        return [
            ("Berikutnya: Foto", self.step_photos),
            ("Berikutnya: Deskripsi", self.step_description),
            ("Berikutnya: Kategori dan berat", self.step_shipping),
            ("Periksa nilai halaman", self.review),
        ]

    def _leave(self, index: int, then) -> None:
        """Keep what the learner entered on step `index`, then go on (or say what is missing)."""
        if index == 0:
            self.draft.title = str(self.title_box.value or "")[:MAX_TITLE]
            if not self.draft.title.strip():
                self.message.value = status("Tulis judul dulu. Contoh: Kemeja batik pria, L, biru.")
                return
        elif index == 2:
            self.draft.description = str(self.description_box.value or "")[:MAX_DESCRIPTION]
        elif index == 3:
            self.draft.category = str(self.category_box.value or "")
            self.draft.weight = str(self.weight_box.value or "")[:30]
        then()

    def step_title(self) -> None:
        box, self.title_box = _text_field(
            "Judul produk", "Contoh: Kemeja batik pria, ukuran L, biru", self.draft.title
        )
        tip = (
            "<p>Judul yang baik menyebut <b>apa barangnya</b>, <b>ukuran</b>, dan <b>warna</b>.</p>"
        )
        self._step(0, tip, box)

    def step_photos(self) -> None:
        rows, self.toggles = [], {}
        for photo in self.product.photos:
            toggle = self.button("", lambda p=photo: self._toggle(p))
            self.toggles[photo.key] = toggle
            self._draw_toggle(toggle, photo)
            picture = _html(photo_svg(photo))
            picture.add_class("nk-market-thumb")
            rows.append(
                widgets.HBox([picture, toggle], layout=widgets.Layout(align_items="center"))
            )
        tip = (
            "<p>Pilih foto untuk halaman produk. Foto yang baik: <b>terang</b>, <b>latar "
            "polos</b>, dari <b>beberapa sisi</b>, dan <b>barang asli</b> Anda.</p>"
        )
        self._step(1, tip, *rows, facts=False)

    def _toggle(self, photo: Photo) -> None:
        chosen = self.draft.photos
        if photo.key in chosen:
            chosen.remove(photo.key)
        else:
            chosen.append(photo.key)
        self._draw_toggle(self.toggles[photo.key], photo)

    def _draw_toggle(self, toggle: widgets.Button, photo: Photo) -> None:
        picked = photo.key in self.draft.photos
        toggle.description = f"{'☑' if picked else '☐'} {photo.caption}"
        toggle.tooltip = toggle.description
        toggle.button_style = "info" if picked else ""
        toggle.layout.flex = "1 1 auto"

    def step_description(self) -> None:
        box, self.description_box = _text_field(
            "Deskripsi", "Tulis keterangan barang", self.draft.description, area=True
        )
        add = [
            self.button(f"+ {sentence}", lambda s=sentence: self._add_sentence(s))
            for sentence in self.product.sentences
        ]
        clear = self.button(
            "Hapus semua deskripsi", lambda: setattr(self.description_box, "value", "")
        )
        tip = "<p>Tulis sendiri, atau ketuk kalimat di bawah untuk menambahkannya. Tulis jujur.</p>"
        self._step(2, tip, box, _html("<p><b>Kalimat siap pakai:</b></p>"), *add, clear)

    def _add_sentence(self, sentence: str) -> None:
        text = str(self.description_box.value or "").rstrip()
        self.description_box.value = f"{text} {sentence}".strip()[:MAX_DESCRIPTION]

    def step_shipping(self) -> None:
        options = [("— pilih kategori —", "")] + [(name, key) for key, name in CATEGORIES.items()]
        chosen = self.draft.category if self.draft.category in CATEGORIES else ""
        self.category_box = widgets.Dropdown(
            options=options, value=chosen, layout=widgets.Layout(width="100%", min_height=TARGET)
        )
        self.category_box.add_class("nk-input")
        weight, self.weight_box = _text_field(
            "Berat paket (gram)", "Contoh: 500 gram", self.draft.weight
        )
        label = _html('<div class="nk-market-label">Kategori</div>')
        tip = "<p>Berat paket = berat barang + kemasan. Ongkos kirim dihitung dari berat ini.</p>"
        self._step(3, tip, label, self.category_box, weight)

    def review(self) -> None:
        self.result = score_listing(self.draft, self.product)
        self.from_review = True
        verdict = {
            "listing-good": "Bagus! Halaman ini siap terbit.",
            "listing-weak": "Belum bagus. Perbaiki dulu:",
            "listing-misleading": "Halaman ini menyesatkan pembeli. Perbaiki dulu:",
        }[self.result.outcome]
        body = (
            self._card()
            + f'<p class="nk-market-score">Nilai: {self.result.score} dari 100</p>'
            + f"<p><b>{verdict}</b></p>"
            + _items(self.result.advice)
        )
        edit = [
            self.button(f"Ubah {name.lower()}", step)
            for name, step in zip(
                self.STEPS,
                (self.step_title, self.step_photos, self.step_description, self.step_shipping),
                strict=True,
            )
        ]
        publish = self.button("Terbitkan produk", self.publish, style="primary")
        self.show(_html(phone_html(body, "Toko Saya · Periksa halaman")), *edit, publish)

    def _card(self) -> str:
        photos = {p.key: p for p in self.product.photos}
        first = next((photos[k] for k in self.draft.photos if k in photos), None)
        picture = (
            photo_svg(first) if first else '<div class="nk-market-nophoto">Belum ada foto</div>'
        )
        name = escape(self.draft.title[:120] or "(belum ada judul)")
        return f'<div class="nk-market-card">{picture}<p><b>{name}</b></p></div>'

    def publish(self) -> None:
        self.done(score_listing(self.draft, self.product).outcome)

    def outcome_screen(self, outcome: str) -> list:
        score = self.result.score if self.result else None
        said = {
            "listing-good": "Produk Anda terbit. Pembeli mudah menemukan dan memercayai barangnya.",
            "listing-weak": (
                "Produk terbit, tapi halamannya belum bagus. Pembeli sulit menemukan barang "
                "Anda, atau ragu membeli."
            ),
            "listing-misleading": (
                "Halaman ini menyesatkan pembeli. Pembeli yang merasa tertipu bisa mengeluh dan "
                "memberi ulasan buruk."
            ),
        }.get(outcome, "Latihan selesai.")
        body = (self._card() if self.result else "") + f"<p><b>{escape(said)}</b></p>"
        if score is not None:
            body += f'<p class="nk-market-score">Nilai: {score} dari 100</p>'
            body += _items(self.result.advice[:3])
        parts = [_html(phone_html(body, "Toko Saya · Produk"))]
        if outcome != "listing-good" and self.result:
            parts.append(self.button("Perbaiki halaman produk", self.review, style="primary"))
        return parts


# -- PriceCalculator -------------------------------------------------------------------------------
class PriceCalculator(Simulator):
    """Work out the money of one sale after example marketplace fees: net received, profit, the
    break-even price (harga impas) and the price for a wanted profit. "Pasang harga ini" sets the
    price: outcome "profit", "break-even", "loss", or "too-expensive" above `market_max`.

    With `lock_costs` the cost, discount and fees are the story's (shown, not editable), so only
    the price decides the outcome; otherwise every field is the learner's to play with.
    """

    title = "Kalkulator harga (contoh)"
    FEE_FIELDS = (
        ("service_pct", "Biaya layanan (%)"),
        ("program_pct", "Biaya program gratis ongkir (%)"),
        ("payment_pct", "Biaya pembayaran (%)"),
    )

    def __init__(
        self,
        question_id: str | None,
        prompt: str = "",
        *,
        cost: int | None = None,
        fees: Fees = Fees(),  # noqa: B008 - frozen, so sharing the default is safe
        discount: int = 0,
        price: int | None = None,
        market_max: int | None = None,
        lock_costs: bool = False,
    ):
        if lock_costs and cost is None:
            raise ValueError("lock_costs needs the story's cost")
        self.cost, self.fees, self.discount = cost, fees, discount
        self.price, self.market_max, self.lock_costs = price, market_max, lock_costs
        self.sale: Breakdown | None = None
        super().__init__(question_id, prompt)

    def begin(self) -> None:
        self.sale = None
        self.inputs: dict[str, widgets.Widget] = {}
        parts: list[widgets.Widget] = []

        def add(name, label, placeholder, value):
            box, self.inputs[name] = _text_field(label, placeholder, value)
            parts.append(box)

        def amount(value):
            return rupiah(value) if value else ""

        if self.lock_costs:
            given = [f"Modal per barang: {rupiah(self.cost)}", *self._fee_lines(self.fees)]
            if self.discount:
                given.insert(1, f"Voucher atau diskon toko: {rupiah(self.discount)}")
            intro = "<p><b>Diketahui:</b></p>" + _items(given)
        else:
            intro = (
                "<p>Isi angka Anda. Biaya di bawah hanya <b>contoh</b>. Biaya sebenarnya ada di "
                "aturan aplikasi Anda.</p>"
            )
            add("cost", "Modal per barang", "Contoh: Rp19.000", amount(self.cost))
            add(
                "discount",
                "Diskon atau voucher dari toko (Rp)",
                "Kosongkan bila tidak ada",
                amount(self.discount),
            )
            for name, label in self.FEE_FIELDS:
                pct = getattr(self.fees, name)
                add(
                    name,
                    f"Contoh {label[0].lower()}{label[1:]}",
                    "Contoh: 5%",
                    percent(pct) if pct else "",
                )
            add(
                "per_order",
                "Contoh biaya per pesanan (Rp)",
                "Kosongkan bila tidak ada",
                amount(self.fees.per_order),
            )
            add(
                "shipping",
                "Ongkos kirim yang Anda tanggung (Rp)",
                "Kosongkan bila tidak ada",
                amount(self.fees.shipping),
            )
        if self.market_max:
            intro += f"<p>Harga toko lain paling mahal {rupiah(self.market_max)}.</p>"
        add("price", "Harga jual Anda", "Contoh: Rp30.000", amount(self.price))
        add("target", "Untung yang Anda mau (boleh kosong)", "Contoh: Rp5.000 atau 20%", "")
        self.result = _html("")
        count = self.button("Hitung", self.calculate)
        settle = self.button("Pasang harga ini", self.settle, style="primary")
        self.show(_html(phone_html(intro, self.title)), *parts, count, self.result, settle)

    @staticmethod
    def _fee_lines(fees: Fees) -> list[str]:
        lines = [
            f"Contoh {label.lower()}: {percent(pct)}" for label, pct in fees.percentages() if pct
        ]
        if fees.per_order:
            lines.append(f"Contoh biaya per pesanan: {rupiah(fees.per_order)}")
        if fees.shipping:
            lines.append(f"Ongkos kirim yang Anda tanggung: {rupiah(fees.shipping)}")
        return lines

    def _read(self):
        """(cost, fees, discount, price, wanted profit) from the fields; raises `InputProblem`."""
        value = {name: box.value for name, box in self.inputs.items()}
        if self.lock_costs:
            cost, fees, discount = self.cost, self.fees, self.discount
        else:
            cost = read_rupiah(value["cost"], "modal")
            discount = read_rupiah(value["discount"], "diskon", blank_is_zero=True)
            fees = Fees(
                *(
                    read_percent(value[name], label.split(" (")[0].lower())
                    for name, label in self.FEE_FIELDS
                ),
                per_order=read_rupiah(value["per_order"], "biaya per pesanan", blank_is_zero=True),
                shipping=read_rupiah(value["shipping"], "ongkos kirim", blank_is_zero=True),
            )
            if fees.total_pct >= 100:
                raise InputProblem("Jumlah semua persen harus di bawah 100%.")
        price = read_rupiah(value["price"], "harga jual")
        return cost, fees, discount, price, read_target_profit(value["target"], cost)

    def calculate(self) -> Breakdown | None:
        """Show the money of one sale at the typed price; None (saying why) on an unusable field."""
        try:
            cost, fees, discount, price, target = self._read()
            sale = breakdown(price, cost, fees, discount)
        except InputProblem as e:
            self.result.value = status(str(e))
            return None
        body = _sale_table(sale)
        even = lowest_price(cost, fees, discount)
        if even is not None:
            body += f"<p>Harga impas: <b>{rupiah(even)}</b>. Di bawah harga ini Anda rugi.</p>"
        if target:
            wanted = lowest_price(cost, fees, discount, profit=target)
            body += (
                f"<p>Untuk untung {rupiah(target)}: pasang harga paling sedikit "
                f"<b>{rupiah(wanted)}</b>.</p>"
            )
        self.result.value = f'<div class="nk-market-result">{body}</div>'
        return sale

    def settle(self) -> None:
        sale = self.calculate()
        if sale is not None:
            self.sale = sale
            self.done(price_outcome(sale, self.market_max))

    def outcome_screen(self, outcome: str) -> list:
        sale = self.sale  # None when a saved outcome is shown again: say it without amounts
        money = f" {rupiah(abs(sale.profit))}" if sale else ""
        said = {
            "profit": f"Setiap barang terjual, Anda untung{money}.",
            "break-even": "Anda tidak untung dan tidak rugi. Tenaga Anda tidak terbayar.",
            "loss": f"Setiap barang terjual, Anda rugi{money}. Naikkan harga, kurangi potongan.",
            "too-expensive": "Harga ini lebih mahal dari toko lain. Pembeli memilih toko lain.",
        }.get(outcome, "Latihan selesai.")
        head = f"<p>Harga dipasang: <b>{rupiah(sale.price)}</b></p>" if sale else ""
        body = head + f"<p><b>{escape(said)}</b></p>" + (_sale_table(sale) if sale else "")
        return [_html(phone_html(body, self.title))]


def _sale_table(sale: Breakdown) -> str:
    rows = [("Harga jual", rupiah(sale.price), "")]
    if sale.discount:
        rows.append(("Voucher atau diskon toko", rupiah(-sale.discount), ""))
    rows += [(label, rupiah(-amount), "") for label, amount in sale.lines]
    rows += [
        ("Uang bersih yang Anda terima", rupiah(sale.net), "nk-market-total"),
        ("Modal", rupiah(-sale.cost), ""),
        ("Untung" if sale.profit >= 0 else "Rugi", rupiah(abs(sale.profit)), "nk-market-total"),
    ]
    cells = "".join(
        f'<tr class="{css}"><td>{escape(label)}</td><td>{escape(money)}</td></tr>'
        for label, money, css in rows
    )
    return f'<table class="nk-market-sum">{cells}</table>'

"""Marketplace practice: Rupiah and fee arithmetic for pricing, and a listing's quality score.

Plain data and functions behind the marketplace simulators
(`naikkelas.widgets.simulators.marketplace`), testable without widgets; the order story is in
`marketplace_orders`. Every fee here is an
illustrative example ("contoh"), never a real marketplace's tariff: FACTS.md gives none. Learner
text is untrusted: readers raise `InputProblem` with a message for the learner, never anything
else, and text checks clip what they read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from .checking import parse_rupiah

MAX_AMOUNT = Decimal(1_000_000_000)  # Rp1 miliar: far above any one item in these lessons
MAX_TEXT_READ = 2000  # characters of a title or description that the checks look at


class InputProblem(ValueError):
    """Learner input that cannot be used; the message tells the learner what to write."""


# -- Rupiah --------------------------------------------------------------------------------------
def whole(amount: Decimal | int) -> int:
    """`amount` rounded to whole Rupiah, halves up (as receipts round)."""
    return int(Decimal(amount).to_integral_value(ROUND_HALF_UP))


def rupiah(amount: Decimal | int) -> str:
    """Rupiah as Indonesians write it: 15000 -> "Rp15.000", -500 -> "-Rp500"."""
    value = whole(amount)
    sign = "-" if value < 0 else ""
    return f"{sign}Rp{abs(value):,}".replace(",", ".")


def percent(value: Decimal | int) -> str:
    """A percentage with a decimal comma: 2.5 -> "2,5%", 5 -> "5%"."""
    text = f"{Decimal(value).normalize():f}".replace(".", ",")
    return f"{text}%"


def read_rupiah(text: object, label: str, *, blank_is_zero: bool = False) -> int:
    """A whole-Rupiah amount typed by a learner ("Rp15.000", "15rb", "15000").

    Raises `InputProblem` naming the field `label` when the text is empty (unless `blank_is_zero`),
    unreadable, negative or above Rp1 miliar.
    """
    if not isinstance(text, str) or not text.strip():
        if blank_is_zero:
            return 0
        raise InputProblem(f"Isi {label} dulu. Contoh: Rp15.000.")
    value = parse_rupiah(text)
    if value is None:
        raise InputProblem(
            f"{label.capitalize()} tidak bisa dibaca. Tulis seperti Rp15.000 atau 15rb."
        )
    if value < 0:
        raise InputProblem(f"{label.capitalize()} tidak boleh kurang dari nol.")
    if value > MAX_AMOUNT:
        raise InputProblem(f"{label.capitalize()} terlalu besar. Periksa lagi angkanya.")
    return whole(value)


def read_percent(text: object, label: str) -> Decimal:
    """A percentage typed by a learner ("5", "5%", "2,5 %"); empty means 0.

    Raises `InputProblem` unless it is from 0 up to (not including) 100.
    """
    if not isinstance(text, str) or not text.strip():
        return Decimal(0)
    value = parse_rupiah(text.strip().removesuffix("%").strip())
    if value is None or not 0 <= value < 100:
        raise InputProblem(
            f"{label.capitalize()} ditulis sebagai persen dari 0 sampai 99, misalnya 5%."
        )
    return value


# -- price and fees ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Fees:
    """Example costs of one sale besides the item's own cost (contoh, not a real tariff).

    Percentages are of what the buyer pays for the item, i.e. the price after the shop's own
    discount or voucher; each is rounded to whole Rupiah.
    """

    service_pct: Decimal = Decimal(5)  # biaya layanan (komisi) of the marketplace
    program_pct: Decimal = Decimal(0)  # biaya program gratis ongkir
    payment_pct: Decimal = Decimal(0)  # biaya pembayaran
    per_order: int = 0  # biaya tetap per pesanan
    shipping: int = 0  # ongkos kirim the seller pays (free shipping from the shop)

    def percentages(self) -> list[tuple[str, Decimal]]:
        return [
            ("Biaya layanan", self.service_pct),
            ("Biaya program gratis ongkir", self.program_pct),
            ("Biaya pembayaran", self.payment_pct),
        ]

    @property
    def total_pct(self) -> Decimal:
        return sum((pct for _label, pct in self.percentages()), Decimal(0))


@dataclass(frozen=True)
class Breakdown:
    """What one sale brings: the lines from price to profit, in whole Rupiah."""

    price: int
    discount: int
    lines: list[tuple[str, int]]  # (label, amount taken off) for every cost that is not zero
    net: int  # uang bersih: what reaches the seller
    cost: int  # modal
    profit: int  # untung (negative: rugi)

    @property
    def paid(self) -> int:
        return self.price - self.discount


def breakdown(price: int, cost: int, fees: Fees, discount: int = 0) -> Breakdown:
    """The money of one sale at `price`, after the shop's `discount` and the example `fees`."""
    if discount > price:
        raise InputProblem("Diskon tidak boleh lebih besar dari harga jual.")
    paid = price - discount
    lines = [
        (f"{label} ({percent(pct)})", whole(Decimal(paid) * pct / 100))
        for label, pct in fees.percentages()
        if pct
    ]
    if fees.per_order:
        lines.append(("Biaya per pesanan", fees.per_order))
    if fees.shipping:
        lines.append(("Ongkos kirim yang Anda tanggung", fees.shipping))
    net = paid - sum(amount for _label, amount in lines)
    return Breakdown(price, discount, lines, net, cost, net - cost)


def lowest_price(cost: int, fees: Fees, discount: int = 0, profit: int = 0) -> int | None:
    """The lowest whole-Rupiah price whose sale brings at least `profit` (0: harga impas, break
    even), or None when the percentages take everything (100% or more)."""
    keep = 1 - fees.total_pct / 100
    if keep <= 0:
        return None
    needed = cost + profit + fees.per_order + fees.shipping
    estimate = discount + int((Decimal(needed) / keep).to_integral_value(ROUND_HALF_UP))
    # Fees are rounded one by one, so the exact answer sits within a few Rupiah of the estimate.
    slack = len(fees.percentages()) + int(3 / keep) + 1
    price = max(discount, estimate - slack)
    while breakdown(price, cost, fees, discount).profit < profit:
        price += 1
    return price


def read_target_profit(text: object, cost: int) -> int | None:
    """The profit a learner wants per item: Rupiah ("Rp5.000") or a percentage of the cost ("20%");
    None when left empty. Raises `InputProblem`."""
    if not isinstance(text, str) or not text.strip():
        return None
    if text.strip().endswith("%"):
        return whole(Decimal(cost) * read_percent(text, "untung yang diinginkan") / 100)
    return read_rupiah(text, "untung yang diinginkan")


def price_outcome(sale: Breakdown, market_max: int | None = None) -> str:
    """The outcome of setting a price: "too-expensive" above what other shops ask (`market_max`),
    else "profit", "break-even" or "loss"."""
    if market_max is not None and sale.price > market_max:
        return "too-expensive"
    if sale.profit > 0:
        return "profit"
    return "break-even" if sale.profit == 0 else "loss"


# -- listing -------------------------------------------------------------------------------------
CATEGORIES = {
    "pakaian-pria": "Pakaian pria",
    "pakaian-wanita": "Pakaian wanita",
    "makanan": "Makanan ringan",
    "rumah": "Perlengkapan rumah",
    "kerajinan": "Kerajinan tangan",
}
GOOD_SCORE = 85
MISLEADING_CAP = 40  # a page that misleads buyers never scores well, however complete
TITLE_MIN, TITLE_MAX = 20, 100
DESCRIPTION_MIN = 80


@dataclass(frozen=True)
class Photo:
    """A sample photo the learner may pick. `flaw` is None for a good photo; `angle` is the side it
    shows. Misleading photos (not the real product, colours changed) spoil the whole page."""

    key: str
    caption: str
    angle: str
    flaw: str | None = None
    advice: str = ""
    misleading: bool = False


@dataclass(frozen=True)
class Product:
    """What the learner lists: the facts they are told, and what a good page says about them."""

    name: str
    facts: tuple[str, ...]
    keywords: tuple[str, ...]  # what it is: words buyers search for; the title needs them all
    category: str
    item_grams: int
    packing_grams: int
    photos: tuple[Photo, ...]
    sentences: tuple[str, ...] = ()  # ready sentences the learner may tap into the description
    defect: bool = False  # it has a small flaw an honest description mentions

    @property
    def package_grams(self) -> int:
        return self.item_grams + self.packing_grams


KEMEJA_BATIK = Product(
    name="Kemeja batik Tegalan pria, lengan pendek",
    facts=(
        "Kemeja batik Tegalan pria, lengan pendek, warna biru, ukuran L.",
        "Bahan katun. Lingkar dada 108 cm, panjang 72 cm.",
        "Berat kemeja 250 gram. Plastik dan kardus 100 gram.",
        "Ada sedikit benang lepas di jahitan bawah.",
    ),
    keywords=("kemeja", "batik"),
    category="pakaian-pria",
    item_grams=250,
    packing_grams=100,
    defect=True,
    photos=(
        Photo("depan", "Tampak depan, siang hari, latar kain putih", "depan"),
        Photo("belakang", "Tampak belakang, siang hari, latar kain putih", "belakang"),
        Photo("motif", "Motif dari dekat, siang hari", "motif"),
        Photo("dipakai", "Saat dipakai, di depan dinding polos", "dipakai"),
        Photo(
            "gelap",
            "Tampak depan, malam hari, lampu redup",
            "depan",
            "gelap",
            "terlalu gelap. Potret siang hari, dekat jendela.",
        ),
        Photo(
            "kasur",
            "Di atas kasur bermotif ramai",
            "depan",
            "ramai",
            "latarnya ramai, kemejanya tidak jelas. Pakai kain atau dinding polos.",
        ),
        Photo(
            "filter",
            "Pakai filter, warnanya lebih cerah dari aslinya",
            "depan",
            "filter",
            "warnanya diubah filter. Pembeli kecewa saat barang datang. Pakai warna asli.",
            misleading=True,
        ),
        Photo(
            "internet",
            "Foto kemeja mirip, diambil dari internet",
            "depan",
            "bukan-asli",
            "bukan foto barang Anda. Pakai foto barang asli Anda sendiri.",
            misleading=True,
        ),
    ),
    sentences=(
        "Kemeja batik Tegalan, motif khas Tegal.",
        "Bahan katun, adem dipakai.",
        "Ukuran L: lingkar dada 108 cm, panjang 72 cm.",
        "Cuci dengan tangan, jangan diperas. Setrika dari bagian dalam.",
        "Ada sedikit benang lepas di jahitan bawah. Lihat foto.",
        "Warna di layar HP bisa sedikit berbeda dari aslinya.",
        "Kondisi sempurna, tanpa cacat sedikit pun.",
        "Pesan lewat WA 0812 0000 0000 saja, lebih murah.",
    ),
)

_WORD = re.compile(r"[a-z0-9]+")
_SIZE = re.compile(r"\b(ukuran|size|s|m|l|xl|xxl|xxxl|allsize|\d+ ?(cm|ml|gr|gram|kg))\b")
_COLOURS = set(
    "biru merah hijau kuning hitam putih coklat cokelat ungu abu krem oranye jingga pink navy "
    "maroon emas perak tosca salem motif".split()
)
_HYPE = ("murah banget", "termurah", "dijamin", "paling murah", "best seller", "viral", "laris")
_IMITATION = ("mirip", "kw", "replika", "tiruan", "setara merek")
_MATERIAL = set("bahan katun kain rayon sutra primisima prima dobi".split())
_CARE = set("cuci setrika rawat jemur".split())
_DEFECT = set("benang noda cacat kekurangan lepas".split())
_PERFECT = ("sempurna", "tanpa cacat", "mulus")
_CONTACT = re.compile(r"(\+?62|\b0)8[0-9 .-]{7,}|\b(wa|whatsapp|wa\.me|dm|transfer langsung)\b")

# Advice per rule, shown when the rule fails; the rule's first word is the part of the page.
ADVICE = {
    "judul-kosong": "Tulis judul produk.",
    "judul-kata": "Sebut apa barangnya di judul: {missing}. Pembeli mencari dengan kata itu.",
    "judul-pendek": "Judul terlalu pendek ({length} huruf). Tambahkan ukuran dan warna.",
    "judul-panjang": (
        "Judul terlalu panjang ({length} huruf). Cukup sebut barang, ukuran, dan warna; "
        f"paling banyak {TITLE_MAX} huruf."
    ),
    "judul-ukuran": 'Sebut ukurannya di judul, misalnya "ukuran L".',
    "judul-warna": 'Sebut warna atau motif di judul, misalnya "biru".',
    "judul-teriak": (
        "Judul bukan tempat berteriak. Hindari huruf besar semua, tanda seru berderet, dan "
        'kata seperti "dijamin" atau "termurah".'
    ),
    "judul-tiruan": 'Jangan menulis "mirip" atau "KW" merek orang lain. Itu menyesatkan pembeli.',
    "foto-kurang": (
        "Anda baru punya {good} foto yang baik. Tambahkan foto dari sisi lain: depan, belakang, "
        "motif dari dekat, saat dipakai."
    ),
    "foto-ini": 'Foto "{caption}": {advice}',
    "foto-buang": "Buang foto yang gelap atau berlatar ramai.",
    "foto-kosong": "Pilih foto produk. Pembeli menilai barang dari fotonya.",
    "deskripsi-pendek": f"Deskripsi terlalu pendek. Tulis paling sedikit {DESCRIPTION_MIN} huruf.",
    "deskripsi-bahan": 'Sebut bahannya, misalnya "bahan katun".',
    "deskripsi-cm": 'Tulis ukurannya dalam sentimeter (cm), misalnya "lingkar dada 108 cm".',
    "deskripsi-rawat": "Tulis cara merawatnya, misalnya cara mencuci.",
    "deskripsi-kontak": (
        "Jangan tulis nomor HP atau ajakan bertransaksi di luar aplikasi. Di luar aplikasi, Anda "
        "dan pembeli tidak terlindungi."
    ),
    "deskripsi-kekurangan": "Tulis kekurangan kecilnya dengan jujur, supaya pembeli tidak kecewa.",
    "deskripsi-sempurna": (
        'Barang ini punya kekurangan kecil. Jangan tulis "sempurna" atau "tanpa cacat": itu '
        "tidak jujur."
    ),
    "kategori": "Pilih kategori yang tepat, supaya barang mudah dicari. Untuk barang ini: {name}.",
    "berat-kosong": "Isi berat paket dalam gram. Ongkos kirim dihitung dari berat.",
    "berat-baca": "Berat paket tidak bisa dibaca. Tulis angka dalam gram, misalnya 500.",
    "berat-kecil": (
        "Berat terlalu kecil. Barang dan kemasan ikut ditimbang: {item} + {packing} = "
        "{package} gram."
    ),
    "berat-besar": (
        "Berat terlalu besar. Pembeli membayar ongkos kirim lebih mahal. Paket Anda {package} gram."
    ),
}


@dataclass
class Draft:
    """What the learner has entered so far (all untrusted)."""

    title: str = ""
    photos: list[str] = field(default_factory=list)  # keys of chosen photos, in order chosen
    description: str = ""
    category: str = ""
    weight: str = ""


@dataclass(frozen=True)
class Check:
    """One rule of the score (an `ADVICE` key), its points, and its advice when it failed.
    A failed `misleading` rule spoils the page; a failed `required` one keeps it below "good"."""

    rule: str
    points: int
    passed: bool
    advice: str = ""
    misleading: bool = False
    required: bool = False

    @property
    def part(self) -> str:
        return self.rule.split("-")[0]


def _rule(rule: str, points: int, passed: bool, *, misleading=False, required=False, **fields):
    advice = "" if passed else ADVICE[rule].format(**fields)
    return Check(rule, points, passed, advice, misleading, required)


@dataclass(frozen=True)
class ListingScore:
    score: int
    checks: list[Check]

    @property
    def misleading(self) -> bool:
        return any(c.misleading and not c.passed for c in self.checks)

    @property
    def advice(self) -> list[str]:
        """Advice for every failed rule: misleading first, then by the points it costs."""
        failed = [c for c in self.checks if not c.passed]
        failed.sort(key=lambda c: (not c.misleading, not c.required, -c.points))
        return [c.advice for c in failed]

    @property
    def failed(self) -> list[str]:
        return [c.rule for c in self.checks if not c.passed]

    @property
    def outcome(self) -> str:
        """ "listing-misleading"; "listing-good" when the score reaches GOOD_SCORE and every
        required rule is met; else "listing-weak"."""
        if self.misleading:
            return "listing-misleading"
        required = all(c.passed for c in self.checks if c.required)
        return "listing-good" if self.score >= GOOD_SCORE and required else "listing-weak"


def _clip(text: object) -> str:
    return text[:MAX_TEXT_READ] if isinstance(text, str) else ""


def _words(text: str) -> set[str]:
    return set(_WORD.findall(text.lower()))


def _has_phrase(text: str, phrases) -> bool:
    return any(re.search(rf"\b{re.escape(p)}\b", text) for p in phrases)


def parse_grams(text: object) -> int | None:
    """A package weight as people type it ("350", "350 gram", "350gr", "0,35 kg"), in grams; None
    when unreadable, not above zero, or above 100 kg."""
    if not isinstance(text, str) or len(text) > 30:
        return None
    match = re.fullmatch(r"\s*([0-9][0-9.,]*)\s*(g|gr|gram|kg|kilo|kilogram)?\s*", text.lower())
    value = parse_rupiah(match[1]) if match else None
    if value is None:
        return None
    grams = whole(value * 1000 if match[2] in ("kg", "kilo", "kilogram") else value)
    return grams if 0 < grams <= 100_000 else None


def _title_checks(title: str, product: Product) -> list[Check]:
    text, words, length = title.lower(), _words(title), len(title.strip())
    if not length:
        return [_rule("judul-kosong", 25, False, required=True)]
    missing = " ".join(k for k in product.keywords if k not in words)
    shouting = len(re.findall(r"\b[A-Z]{4,}\b", title)) >= 2 or "!!" in title
    return [
        _rule("judul-kata", 7, not missing, missing=missing),
        _rule("judul-pendek", 5, length >= TITLE_MIN, length=length)
        if length < TITLE_MIN
        else _rule("judul-panjang", 5, length <= TITLE_MAX, length=length),
        _rule("judul-ukuran", 5, bool(_SIZE.search(text))),
        _rule("judul-warna", 4, bool(words & _COLOURS)),
        _rule("judul-teriak", 4, not (shouting or _has_phrase(text, _HYPE))),
        _rule("judul-tiruan", 0, not _has_phrase(text, _IMITATION), misleading=True),
    ]


def _photo_checks(chosen: list[str], product: Product) -> list[Check]:
    photos = {p.key: p for p in product.photos}
    picked = [photos[key] for key in dict.fromkeys(chosen) if key in photos]
    good = min(sum(p.flaw is None for p in picked), 4)
    # 6 points per good photo, up to 4: earned, plus what is still missing as a failed rule.
    checks = [Check("foto-baik", 6 * good, True)]
    checks.append(_rule("foto-kurang", 6 * (4 - good), good == 4, required=good < 3, good=good))
    for photo in (p for p in picked if p.flaw):
        checks.append(
            _rule(
                "foto-ini",
                0,
                False,
                misleading=photo.misleading,
                caption=photo.caption,
                advice=photo.advice,
            )
        )
    flawed = any(p.flaw and not p.misleading for p in picked)
    checks.append(_rule("foto-buang", 6, not flawed) if picked else _rule("foto-kosong", 6, False))
    return checks


def _description_checks(description: str, product: Product) -> list[Check]:
    text, words = description.lower(), _words(description)
    checks = [
        _rule("deskripsi-pendek", 4, len(description.strip()) >= DESCRIPTION_MIN),
        _rule("deskripsi-bahan", 4, bool(words & _MATERIAL)),
        _rule("deskripsi-cm", 4, bool(re.search(r"\d+ ?cm\b", text))),
        _rule("deskripsi-rawat", 4, bool(words & _CARE)),
        _rule("deskripsi-kontak", 0, not _CONTACT.search(text), required=True),
    ]
    if product.defect:
        checks.append(_rule("deskripsi-kekurangan", 4, bool(words & _DEFECT)))
        checks.append(
            _rule("deskripsi-sempurna", 0, not _has_phrase(text, _PERFECT), misleading=True)
        )
    else:
        checks.append(Check("deskripsi-jujur", 4, True))
    return checks


def _shipping_checks(draft: Draft, product: Product) -> list[Check]:
    grams, package = parse_grams(draft.weight), product.package_grams
    weight = str(draft.weight) if isinstance(draft.weight, str) else ""
    sizes = {"item": product.item_grams, "packing": product.packing_grams, "package": package}
    if not weight.strip():
        weight_check = _rule("berat-kosong", 15, False, required=True)
    elif grams is None:
        weight_check = _rule("berat-baca", 15, False, required=True)
    elif grams < package:
        weight_check = _rule("berat-kecil", 15, False, required=True, **sizes)
    else:  # up to a fifth above the real weight is fine: a little rounding up
        weight_check = _rule("berat-besar", 15, grams <= package * 1.2, required=True, **sizes)
    right = draft.category == product.category
    name = CATEGORIES.get(product.category, "")
    return [_rule("kategori", 10, right, required=True, name=name), weight_check]


def score_listing(draft: Draft, product: Product = KEMEJA_BATIK) -> ListingScore:
    """Score a listing 0-100 like a seller centre would, with concrete advice: title 25, photos 30,
    description 20, category 10, package weight 15. A page that misleads buyers scores at most 40;
    one that fails a required rule (category, weight, three good photos, no dealing outside the
    app) stays below GOOD_SCORE."""
    checks = [
        *_title_checks(_clip(draft.title), product),
        *_photo_checks([k for k in draft.photos if isinstance(k, str)][:20], product),
        *_description_checks(_clip(draft.description), product),
        *_shipping_checks(draft, product),
    ]
    score = sum(c.points for c in checks if c.passed)
    if any(c.required and not c.passed for c in checks):
        score = min(score, GOOD_SCORE - 1)
    if any(c.misleading and not c.passed for c in checks):
        score = min(score, MISLEADING_CAP)
    return ListingScore(score, checks)

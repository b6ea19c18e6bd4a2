"""Reading a web address the way a careful person does, for the phishing-address simulator.

`inspect_address` says who owns an address (the name registered under its ending), whether it
starts with https, and what could fool a reader: a trusted name put in front, extra words, letters
swapped for lookalikes, an @ trick, a shortened link. Parsing is `urllib.parse`; the endings that
register a name in two parts (``.co.id``) are a short list, enough for lessons, not the full
public-suffix list. Learner-facing texts are Bahasa Indonesia and live in `MESSAGES`; nothing here
raises because of what an address holds.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

MESSAGES = {
    "unreadable": "Alamat ini tidak bisa dibaca. Jangan dibuka.",
    "owner": "Pemilik alamat: {owner}.",
    "trusted": "Ini alamat resmi {brand}.",
    "https": "Diawali https (ada gembok): sambungannya terlindungi.",
    "https_not_enough": (
        "Ada https (gembok), tetapi gembok hanya melindungi sambungan. "
        "Gembok tidak membuktikan pemiliknya jujur."
    ),
    "http": "Diawali http tanpa s: tidak ada gembok. Yang Anda ketik tidak terlindungi.",
    "no_scheme": "Tidak tertulis https di depannya, jadi belum tentu ada gembok.",
    "bad_scheme": "Ini bukan alamat situs biasa (http atau https). Jangan dibuka.",
    "userinfo": "Ada tanda @. Tulisan sebelum @ hanya hiasan. Alamat sebenarnya: {host}.",
    "ip": "Alamatnya hanya deretan angka, bukan nama. Situs resmi tidak begitu.",
    "foreign_letters": "Ada huruf asing yang mirip huruf biasa. Ini tiruan.",
    "shortener": "Ini tautan pendek. Alamat tujuannya tersembunyi, jadi tidak bisa diperiksa.",
    "in_front": "“{trusted}” ditaruh di depan, tetapi pemilik sebenarnya {owner}.",
    "extra_words": "Nama “{name}” ditambah kata lain (“{extra}”). Alamat resmi tidak begitu.",
    "lookalike": "Mirip “{trusted}”, tetapi hurufnya beda: “{name}”. Ini tiruan.",
    "stranger": "{owner} bukan alamat resmi {brand}.",
    "bait": "Ada kata pancingan “{word}”.",
}
MAX_ADDRESS = 300
# Endings under which a name is registered in two parts (bank.co.id belongs to "bank").
TWO_PART_SUFFIXES = frozenset(
    "co.id go.id ac.id or.id web.id sch.id my.id biz.id net.id mil.id desa.id ponpes.id "
    "co.uk com.au com.my com.sg".split()
)
SHORTENERS = frozenset(
    "pendek.example bit.ly s.id tinyurl.com t.ly cutt.ly shorturl.at rb.gy is.gd t.co "
    "ow.ly goo.gl".split()
)
BAIT_WORDS = (
    "hadiah", "undian", "promo", "gratis", "bonus", "klaim", "menang", "verifikasi", "blokir",
    "login", "update", "aktivasi", "resmi", "official", "aman", "cs",
)  # fmt: skip
_SCHEME_ONLY = re.compile(r"[a-z][a-z0-9+-]*:(?!\d)", re.IGNORECASE)
_LOOKALIKE = str.maketrans({"0": "o", "1": "l", "i": "l", "3": "e", "5": "s"})


@dataclass(frozen=True)
class Finding:
    good: bool
    text: str
    code: str


@dataclass(frozen=True)
class AddressReport:
    """What a careful reader sees in an address: its owner (the registered name), whether it
    starts with https, and findings that explain the verdict `safe`."""

    address: str
    host: str
    owner: str
    https: bool
    findings: tuple[Finding, ...]

    @property
    def safe(self) -> bool:
        return bool(self.findings) and all(f.good for f in self.findings)


def registered_domain(host: str) -> str:
    """The part of a host name its owner registered: www.bank.co.id -> bank.co.id."""
    labels = host.lower().rstrip(".").split(".")
    take = 3 if ".".join(labels[-2:]) in TWO_PART_SUFFIXES else 2
    return ".".join(labels[-take:])


def _name_of(domain: str) -> str:
    """The owner's name without the ending: bankcontoh.example -> bankcontoh."""
    return domain.split(".")[0]


def _distance(a: str, b: str) -> int:
    """Edit distance (insertions, deletions, substitutions)."""
    row = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        previous, row[0] = row[0], i
        for j, cb in enumerate(b, 1):
            previous, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, previous + (ca != cb))
    return row[-1]


def _looks_alike(name: str, trusted: str) -> bool:
    skeleton = name.translate(_LOOKALIKE).replace("rn", "m").replace("vv", "w")
    if skeleton == trusted.translate(_LOOKALIKE).replace("rn", "m").replace("vv", "w"):
        return True
    return len(trusted) >= 5 and _distance(name, trusted) <= 2


def inspect_address(
    address: object, trusted: tuple[str, ...] = ("bankcontoh.example",), brand: str = "Bank Contoh"
) -> AddressReport:
    """Read `address` and say whether it is one of the `trusted` sites (registered names such as
    ``bankcontoh.example``), and why. Safe means: https, no @ trick, and the owner is trusted."""
    text = address.strip() if isinstance(address, str) else ""
    if not text or len(text) > MAX_ADDRESS or any(c.isspace() for c in text):
        return AddressReport(str(address)[:MAX_ADDRESS], "", "", False, (_no("unreadable"),))
    if "://" not in text and _SCHEME_ONLY.match(text):  # javascript:..., data:..., mailto:...
        return AddressReport(text, "", "", False, (_no("bad_scheme"),))
    try:
        parts = urlsplit(text if "://" in text else f"//{text}")
        host = (parts.hostname or "").rstrip(".")
    except ValueError:
        return AddressReport(text, "", "", False, (_no("unreadable"),))
    if not host:
        return AddressReport(text, "", "", False, (_no("unreadable"),))
    scheme = parts.scheme.lower()
    findings = []
    if scheme not in ("", "http", "https"):
        findings.append(_no("bad_scheme"))
    if parts.username is not None:
        findings.append(_no("userinfo", host=host))
    try:
        ipaddress.ip_address(host)
    except ValueError:
        owner = registered_domain(host)
    else:
        findings.append(_no("ip"))
        return AddressReport(text, host, host, scheme == "https", tuple(findings))
    if not host.isascii() or any(label.startswith("xn--") for label in host.split(".")):
        findings.append(_no("foreign_letters"))
    trusted_owners = {t.lower() for t in trusted}
    name = _name_of(owner)
    if owner in SHORTENERS:
        findings.append(_no("shortener"))
    elif owner in trusted_owners:
        findings.append(Finding(True, MESSAGES["trusted"].format(brand=brand), "trusted"))
    else:
        findings.append(_trusted_lookalike(host, owner, name, trusted_owners, brand))
        for word in BAIT_WORDS:
            if re.search(rf"(?<![a-z]){word}(?![a-z])", f"{host}{parts.path}".lower()):
                findings.append(_no("bait", word=word))
                break
    if scheme == "https":
        good = all(f.good for f in findings)
        findings.append(Finding(good, MESSAGES["https" if good else "https_not_enough"], "https"))
    else:
        findings.append(_no("http" if scheme == "http" else "no_scheme"))
    known = owner in trusted_owners
    findings.insert(0, Finding(known, MESSAGES["owner"].format(owner=owner), "owner"))
    return AddressReport(text, host, owner, scheme == "https", tuple(findings))


def _no(code: str, **kw) -> Finding:
    return Finding(False, MESSAGES[code].format(**kw), code)


def _trusted_lookalike(host, owner, name, trusted_owners, brand) -> Finding:
    """Why an owner that is not trusted may fool a reader: a trusted name in front, with extra
    words, or with letters swapped; else that it is simply someone else."""
    for trusted in sorted(trusted_owners):
        trusted_name = _name_of(trusted)
        if f"{trusted}." in f"{host}." and not host.endswith(trusted):
            return _no("in_front", trusted=trusted, owner=owner)
        if trusted_name in name:
            extra = name.replace(trusted_name, " ").replace("-", " ").split()
            return _no("extra_words", name=trusted_name, extra=" ".join(extra) or name)
        if _looks_alike(name, trusted_name):
            return _no("lookalike", trusted=trusted, name=name)
    return _no("stranger", owner=owner, brand=brand)


def address_outcome(answers: list[tuple[bool, bool]]) -> str:
    """The outcome of judging addresses, from (learner said safe, address is safe) pairs:
    ``trusted-fake`` if a fake one was called safe (the dangerous mistake), else
    ``doubted-real`` if the real one was called unsafe, else ``all-correct``."""
    if any(said and not really for said, really in answers):
        return "trusted-fake"
    if any(really and not said for said, really in answers):
        return "doubted-real"
    return "all-correct"

"""Printable login cards: A4, 8 per page (2 x 4, with cut marks), and the PIN rule behind them.

PINs are stored only as hashes, so a card can carry a PIN only when that PIN is new:
- `roster import --cards FILE` prints the new learners of that import with their first PINs;
- `roster cards` gives a *new* PIN to each learner it prints a card for: by default the cohort's
  roster learners who have never logged in (their old card, if any, stops working), or exactly
  the learners named with `--username` (a lost card), whether or not they have logged in.
The PINs exist in memory only until they are written into the PDF (and the CSV when asked);
the files are written before the transaction that stores the new PIN hashes commits, and put in
place only after it did, so a failure leaves the old PINs working and no file behind.

The QR code opens the hub's login page with the username filled in; the PIN is never in it.
"""

from __future__ import annotations

import csv
import io
import os
import tempfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlsplit

from sqlalchemy import select
from sqlalchemy.engine import Engine

from .accounts import Role, accounts_table, hash_secret, write_account
from .audit import record
from .profiles import profiles_table

DEFAULT_HUB_URL = "http://127.0.0.1:8000/"
CARDS_PER_PAGE = 8
COLUMNS, ROWS = 2, 4
FONT_DIRS = ("/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/dejavu")
TITLE = "NaikKelas · Kartu Masuk"
BRAND = (0.043, 0.365, 0.231)  # #0b5d3b, as the login page


class CardsError(ValueError):
    """Cards cannot be made; the message says why (one line)."""


@dataclass(frozen=True)
class Card:
    name: str
    username: str
    pin: str
    cohort: str


def normalize_hub_url(url: str) -> str:
    """The hub's public root URL, ending in '/'; only http(s) with a host."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise CardsError(f"--url {url!r} is not a web address like https://kelas.example.go.id/")
    return parts._replace(path=parts.path.rstrip("/") + "/").geturl()


def login_url(hub_url: str, username: str) -> str:
    """The login page with the username filled in (JupyterHub reads `?username=`)."""
    return f"{normalize_hub_url(hub_url)}hub/login?username={quote(username, safe='')}"


def qr_png(data: str) -> bytes:
    """A QR code as a PNG, 8 pixels per module (sharp when printed ~3 cm wide)."""
    import segno

    out = io.BytesIO()
    segno.make_qr(data, error="m").save(out, kind="png", scale=8, border=4)
    return out.getvalue()


# --- choosing learners and giving them new PINs --------------------------------------------


def learners_for_cards(
    engine: Engine, cohort: str, usernames: tuple[str, ...] = ()
) -> tuple[list[tuple[str, str]], int]:
    """(username, name) of the learners to print, and how many roster learners of the cohort
    were left out because they have logged in. Raises `CardsError` for an unknown username."""
    a, p = accounts_table.c, profiles_table.c
    query = (
        select(a.username, a.display_name, a.cohort, p.username.label("profile"), p.last_login_at)
        .select_from(accounts_table.outerjoin(profiles_table, p.username == a.username))
        .where(a.role == Role.LEARNER.value)
    )
    with engine.connect() as conn:
        if usernames:
            wanted = {u.strip().lower() for u in usernames}
            rows = list(conn.execute(query.where(a.username.in_(sorted(wanted)))))
            found = {r.username: r for r in rows}
            for name in sorted(wanted):
                row = found.get(name)
                if row is None:
                    raise CardsError(f"no learner {name!r}")
                if row.cohort != cohort:
                    raise CardsError(f"learner {name} is in cohort {row.cohort!r}, not {cohort!r}")
            return sorted((r.username, r.display_name) for r in rows), 0
        rows = list(conn.execute(query.where(a.cohort == cohort).order_by(a.display_name)))
    chosen = [(r.username, r.display_name) for r in rows if r.profile and not r.last_login_at]
    logged_in = sum(1 for r in rows if r.profile and r.last_login_at)
    if not rows:
        raise CardsError(f"cohort {cohort!r} has no learners")
    return chosen, logged_in


def reset_pins(
    engine: Engine,
    cohort: str,
    learners: list[tuple[str, str]],
    *,
    pin_length: int = 6,
    spare_logged_in: bool = True,
    before_commit=None,
    actor: str = "system",
    via: str = "cards",
) -> list[Card]:
    """Give each learner a new PIN in one transaction; `before_commit(cards)` runs inside it.
    With `spare_logged_in`, a learner who logged in since being chosen is left out."""
    from .roster import new_pin
    from .throttle import forget_failures

    cards = [Card(name, username, new_pin(pin_length), cohort) for username, name in learners]
    hashes = {c.username: hash_secret(Role.LEARNER, c.pin, pin_length) for c in cards}
    with engine.begin() as conn:
        if spare_logged_in:
            p = profiles_table.c
            since = set(
                conn.execute(
                    select(p.username).where(
                        p.username.in_(sorted(hashes)), p.last_login_at.is_not(None)
                    )
                ).scalars()
            )
            cards = [c for c in cards if c.username not in since]
        for card in cards:
            write_account(conn, card.username, Role.LEARNER, secret_hash=hashes[card.username])
            record(conn, actor, "pin_reset", card.username, cohort=cohort, via=via)
            # A learner locked out by wrong guesses can use the new PIN at once.
            forget_failures(conn, card.username)
        if before_commit is not None and cards:
            before_commit(cards)
    return cards


# --- files ---------------------------------------------------------------------------------


class PendingFiles:
    """Files written next to their destination (mode 0600: they hold PINs) and moved into
    place by `commit()`, or removed by `discard()`."""

    def __init__(self):
        self._staged: list[tuple[Path, Path]] = []

    @staticmethod
    def check_writable(path: Path | str) -> Path:
        path = Path(path)
        folder = path.absolute().parent
        if not folder.is_dir() or not os.access(folder, os.W_OK):
            raise CardsError(f"cannot write {path}: folder {folder} is missing or not writable")
        if path.is_dir():
            raise CardsError(f"cannot write {path}: it is a folder")
        return path

    def stage(self, path: Path | str, data: bytes) -> None:
        path = self.check_writable(path)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.absolute().parent)
        with os.fdopen(fd, "wb") as f:  # mkstemp makes it 0600
            f.write(data)
        self._staged.append((Path(tmp), path))

    def commit(self) -> None:
        for tmp, path in self._staged:
            os.replace(tmp, path)
        self._staged = []

    def discard(self) -> None:
        for tmp, _ in self._staged:
            tmp.unlink(missing_ok=True)
        self._staged = []


def pins_csv(cards: list[Card], hub_url: str) -> bytes:
    """The cards as CSV (UTF-8 with BOM and ';', as Indonesian Excel opens it)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(["nama", "username", "pin", "kelas", "alamat_masuk"])
    for c in cards:
        writer.writerow([c.name, c.username, c.pin, c.cohort, login_url(hub_url, c.username)])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


# --- the PDF -------------------------------------------------------------------------------


def _fonts() -> tuple[str, str, str]:
    """(regular, bold, monospace) font names: DejaVu when installed (covers far more scripts
    than the PDF standard fonts), else Helvetica/Courier."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    names = {"NK-Sans": "DejaVuSans.ttf", "NK-Bold": "DejaVuSans-Bold.ttf"}
    names["NK-Mono"] = "DejaVuSansMono-Bold.ttf"
    for folder in FONT_DIRS:
        if all((Path(folder) / f).is_file() for f in names.values()):
            for name, file in names.items():
                if name not in pdfmetrics.getRegisteredFontNames():
                    pdfmetrics.registerFont(TTFont(name, str(Path(folder) / file)))
            return "NK-Sans", "NK-Bold", "NK-Mono"
    return "Helvetica", "Helvetica-Bold", "Courier-Bold"


def _printable(text: str, font: str) -> str:
    if font.startswith("NK-"):
        return text
    # The standard fonts know Latin-1 only: drop accents, replace what is left.
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return text.encode("latin-1", "replace").decode("latin-1")


def _fit(text: str, font: str, size: float, width: float, smallest: float = 6) -> float:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    while size > smallest and stringWidth(text, font, size) > width:
        size -= 0.5
    return size


def render_cards(cards: list[Card], hub_url: str) -> bytes:
    """The cards as an A4 PDF, 8 per page (2 columns x 4 rows) with cut marks."""
    from PIL import Image
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.lib.utils import ImageReader, simpleSplit
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.pdfgen.canvas import Canvas

    hub_url = normalize_hub_url(hub_url)
    regular, bold, mono = _fonts()
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=A4, pageCompression=1)
    canvas.setTitle("NaikKelas - kartu masuk")
    canvas.setAuthor("NaikKelas")
    page_w, page_h = A4
    margin = 10 * mm
    card_w = (page_w - 2 * margin) / COLUMNS
    card_h = (page_h - 2 * margin) / ROWS
    pad = 5 * mm
    qr_size = 32 * mm

    def cut_marks():
        canvas.setStrokeColorRGB(0.35, 0.35, 0.35)
        canvas.setLineWidth(0.4)
        xs = [margin + i * card_w for i in range(COLUMNS + 1)]
        ys = [margin + j * card_h for j in range(ROWS + 1)]
        for x in xs:  # in the top and bottom margins
            canvas.line(x, 2 * mm, x, margin - 2 * mm)
            canvas.line(x, page_h - margin + 2 * mm, x, page_h - 2 * mm)
        for y in ys:  # in the left and right margins
            canvas.line(2 * mm, y, margin - 2 * mm, y)
            canvas.line(page_w - margin + 2 * mm, y, page_w - 2 * mm, y)
        for x in xs[1:-1]:  # small crosses where inner cuts meet
            for y in ys[1:-1]:
                canvas.line(x - 2 * mm, y, x + 2 * mm, y)
                canvas.line(x, y - 2 * mm, x, y + 2 * mm)

    def card(c: Card, x0: float, y0: float):
        canvas.saveState()
        top = y0 + card_h - pad
        text_w = card_w - 2 * pad - qr_size - 3 * mm
        canvas.setFillColorRGB(*BRAND)
        canvas.setFont(bold, 10)
        canvas.drawString(x0 + pad, top - 10, TITLE)
        canvas.setFillColorRGB(0.3, 0.3, 0.3)
        cohort = _printable(f"Kelas {c.cohort}", regular)
        room = card_w - 2 * pad - stringWidth(TITLE, bold, 10) - 8
        canvas.setFont(regular, _fit(cohort, regular, 8, room, 4))
        canvas.drawRightString(x0 + card_w - pad, top - 10, cohort)
        canvas.setFillColorRGB(0, 0, 0)
        name = _printable(c.name, bold)
        size = 14
        lines = simpleSplit(name, bold, size, card_w - 2 * pad)
        while len(lines) > 2 and size > 9:
            size -= 1
            lines = simpleSplit(name, bold, size, card_w - 2 * pad)
        y = top - 16 - size
        canvas.setFont(bold, size)
        for line in lines[:2]:
            canvas.drawString(x0 + pad, y, line)
            y -= size * 1.2
        y -= 4
        for label, value, big, spacing in (
            ("Nama pengguna", c.username, 17, 0),
            ("PIN", c.pin, 24, 3),
        ):
            canvas.setFont(regular, 8)
            canvas.setFillColorRGB(0.25, 0.25, 0.25)
            canvas.drawString(x0 + pad, y, label)
            canvas.setFillColorRGB(0, 0, 0)
            big = _fit(value, mono, big, text_w - spacing * len(value))
            text = canvas.beginText(x0 + pad, y - big - 1)
            text.setFont(mono, big)
            text.setCharSpace(spacing)
            text.textOut(value)
            text.setCharSpace(0)
            canvas.drawText(text)
            y -= big + 14
        qr_x, qr_y = x0 + card_w - pad - qr_size, y0 + pad + 30
        # Grey, not the RGB reportlab makes of a PNG: a third of the size, the same print.
        qr = Image.open(io.BytesIO(qr_png(login_url(hub_url, c.username)))).convert("L")
        canvas.drawImage(ImageReader(qr), qr_x, qr_y, qr_size, qr_size)
        canvas.setFont(regular, 7.5)
        canvas.drawCentredString(qr_x + qr_size / 2, qr_y - 3, "Pindai untuk masuk")
        canvas.setFont(regular, 8)
        canvas.drawString(x0 + pad, y0 + pad + 13, "Alamat:")
        address_x = x0 + pad + 32
        canvas.setFont(mono, _fit(hub_url, mono, 9, x0 + card_w - pad - address_x, 5))
        canvas.drawString(address_x, y0 + pad + 13, hub_url)
        canvas.setFillColorRGB(0.25, 0.25, 0.25)
        note = "Simpan kartu ini. Jangan beri tahu PIN ke siapa pun."
        canvas.setFont(regular, _fit(note, regular, 8, card_w - 2 * pad))
        canvas.drawString(x0 + pad, y0 + pad + 1, note)
        canvas.restoreState()

    for start in range(0, max(len(cards), 1), CARDS_PER_PAGE):
        cut_marks()
        for i, c in enumerate(cards[start : start + CARDS_PER_PAGE]):
            col, row = i % COLUMNS, i // COLUMNS
            card(c, margin + col * card_w, page_h - margin - (row + 1) * card_h)
        canvas.showPage()
    canvas.save()
    return out.getvalue()

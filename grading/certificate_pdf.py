"""The certificate as a PDF: A4 landscape, large type, a QR code to the public verification page.

Text is set in DejaVu Sans (Latin with every diacritic, Greek, Cyrillic, and more) when the
system has it. Each character is drawn in the first font that has it (`runs`), so characters
DejaVu lacks (Chinese, say) use a fallback font when one is installed (`FALLBACK_FONTS`); a
character no font has shows as a gap, and is logged. Without DejaVu the certificate uses the
PDF's built-in Helvetica, which covers only Western European characters. Right-to-left scripts
are drawn unshaped (reportlab does no text shaping).

Long names and course titles shrink, then wrap, to fit their box. The output is deterministic
(reportlab's invariant mode): the same certificate renders to the same bytes on every download.
"""

from __future__ import annotations

import io
import logging
import threading
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import segno
from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from .certificates import Certificate

log = logging.getLogger(__name__)

DEJAVU = Path("/usr/share/fonts/truetype/dejavu")
# Wider-coverage fonts used when installed (e.g. Debian's fonts-droid-fallback for Chinese,
# Japanese and Korean). TrueType outlines only: reportlab cannot embed CFF (.otf) fonts.
FALLBACK_FONTS = (Path("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf"),)

PAGE = landscape(A4)  # 841.9 x 595.3 points
BRAND = HexColor("#0b5d3b")
INK = HexColor("#1b1b1b")
SOFT = HexColor("#3d4a43")
MONTHS = (
    "Januari Februari Maret April Mei Juni Juli Agustus September Oktober November Desember"
).split()


def indonesian_date(moment: datetime, timezone: str = "Asia/Jakarta") -> str:
    """`12 Maret 2026`, the date in the deployment's time zone."""
    local = moment.astimezone(ZoneInfo(timezone))
    return f"{local.day} {MONTHS[local.month - 1]} {local.year}"


class Fonts:
    """Regular and bold faces, each a list of fonts to try in order; registered once."""

    _lock = threading.Lock()

    def __init__(self, font_dir: Path = DEJAVU, fallbacks=FALLBACK_FONTS):
        with self._lock:
            regular = self._register(Path(font_dir) / "DejaVuSans.ttf", "NK-DejaVuSans")
            bold = self._register(Path(font_dir) / "DejaVuSans-Bold.ttf", "NK-DejaVuSans-Bold")
            extra = [self._register(Path(p), f"NK-{Path(p).stem}") for p in fallbacks]
        # Bold text takes a character the bold face lacks from the regular one, then fallbacks.
        self.regular = [f for f in (regular, *extra) if f] + ["Helvetica"]
        self.bold = [f for f in (bold, regular, *extra) if f] + ["Helvetica-Bold"]

    @staticmethod
    def _register(path: Path, name: str) -> str | None:
        if not path.is_file():
            return None
        if name in pdfmetrics.getRegisteredFontNames():
            return name
        try:
            pdfmetrics.registerFont(TTFont(name, str(path)))
        except Exception as e:  # noqa: BLE001 - a broken font file must not stop certificates
            log.warning("Cannot use font %s: %s", path, e)
            return None
        return name

    def face(self, bold: bool = False) -> tuple[str, ...]:
        return tuple(self.bold if bold else self.regular)


def covers(font_name: str, ch: str) -> bool:
    """Whether `font_name` has a glyph for `ch`."""
    font = pdfmetrics.getFont(font_name)
    face = getattr(font, "face", None)
    if face is None or not hasattr(face, "charToGlyph"):
        return ord(ch) <= 0xFF  # a built-in font: its encoding covers Latin-1 (WinAnsi) only
    return ord(ch) in face.charToGlyph


def runs(text: str, face: tuple[str, ...]) -> list[tuple[str, str]]:
    """`text` cut into (font, piece) runs: each character in the first font of `face` that
    has it (spaces stay with the run they are in); a character no font has is drawn with the
    first font, as a box or a gap."""
    pieces: list[tuple[str, str]] = []
    for ch in text:
        if ch.isspace() and pieces:
            font = pieces[-1][0]
        else:
            font = next((name for name in face if covers(name, ch)), None)
            if font is None:
                log.warning("No font has %r (U+%04X); it shows as a box", ch, ord(ch))
                font = face[0]
        if pieces and pieces[-1][0] == font:
            pieces[-1] = (font, pieces[-1][1] + ch)
        else:
            pieces.append((font, ch))
    return pieces


def text_width(text: str, face: tuple[str, ...], size: float) -> float:
    return sum(pdfmetrics.stringWidth(piece, font, size) for font, piece in runs(text, face))


def draw_text(canvas: Canvas, x: float, y: float, text: str, face, size: float) -> None:
    """Draw `text` from `x` on baseline `y`, switching fonts where a character needs it."""
    for font, piece in runs(text, face):
        canvas.setFont(font, size)
        canvas.drawString(x, y, piece)
        x += pdfmetrics.stringWidth(piece, font, size)


def clean_text(text: str) -> str:
    """NFC-composed, one line, no control characters (a name as a person would write it)."""
    text = unicodedata.normalize("NFC", text or "")
    text = "".join(ch if unicodedata.category(ch)[0] != "C" else " " for ch in text)
    return " ".join(text.split())


@dataclass(frozen=True)
class Fitted:
    lines: tuple[str, ...]
    face: tuple[str, ...]
    size: float


def _wrap(text: str, face: tuple[str, ...], size: float, width: float) -> list[str]:
    """Greedy word wrap; a word wider than `width` is broken between characters."""

    def fits(s: str) -> bool:
        return text_width(s, face, size) <= width

    lines: list[str] = []
    line = ""
    for word in text.split(" "):
        candidate = f"{line} {word}" if line else word
        if fits(candidate):
            line = candidate
            continue
        if line:
            lines.append(line)
        line = ""
        for ch in word:
            if fits(line + ch):
                line += ch
            else:
                lines.append(line)
                line = ch
    if line:
        lines.append(line)
    return lines


def fit_text(
    text: str,
    face: tuple[str, ...],
    width: float,
    sizes: tuple[tuple[int, float, float], ...],
) -> Fitted:
    """Lay `text` out in the first (lines, largest size, smallest size) option that fits
    `width`, trying sizes from largest to smallest; at the last option the text is cut with
    an ellipsis if it still does not fit."""
    for max_lines, largest, smallest in sizes:
        size = largest
        while size >= smallest:
            lines = _wrap(text, face, size, width)
            if len(lines) <= max_lines:
                return Fitted(tuple(lines), face, size)
            size -= 1
    max_lines, _, smallest = sizes[-1]
    lines = _wrap(text, face, smallest, width)[:max_lines]
    last = lines[-1]
    while last and text_width(last + "…", face, smallest) > width:
        last = last[:-1]
    lines[-1] = last.rstrip() + "…"
    return Fitted(tuple(lines), face, smallest)


def _draw_centered(canvas: Canvas, fitted: Fitted, center_y: float, color=INK) -> None:
    """Draw `fitted` lines centred on the page, the block centred vertically on `center_y`."""
    leading = fitted.size * 1.2
    top = center_y + leading * (len(fitted.lines) - 1) / 2
    canvas.setFillColor(color)
    for i, line in enumerate(fitted.lines):
        x = (PAGE[0] - text_width(line, fitted.face, fitted.size)) / 2
        draw_text(canvas, x, top - i * leading - fitted.size * 0.35, line, fitted.face, fitted.size)


def _line(canvas, fonts: Fonts, text: str, size: float, y: float, bold=False, color=SOFT):
    width = PAGE[0] - 2 * 70
    fitted = fit_text(clean_text(text), fonts.face(bold), width, ((1, size, 9),))
    _draw_centered(canvas, fitted, y, color)


def draw_qr(canvas: Canvas, data: str, x: float, y: float, size: float) -> None:
    """A QR code of `data` as vector squares (sharp at any zoom), quiet zone included."""
    qr = segno.make(data, error="m", micro=False)
    matrix = [list(row) for row in qr.matrix]
    quiet = 4
    modules = len(matrix) + 2 * quiet
    cell = size / modules
    canvas.setFillColor(HexColor("#ffffff"))
    canvas.rect(x, y, size, size, stroke=0, fill=1)
    canvas.setFillColor(HexColor("#000000"))
    for r, row in enumerate(matrix):
        c = 0
        while c < len(row):
            if not row[c]:
                c += 1
                continue
            start = c
            while c < len(row) and row[c]:
                c += 1
            top = y + size - (quiet + r) * cell
            # A hair of overlap so no seams show between modules in a viewer.
            canvas.rect(x + (quiet + start) * cell, top - cell, (c - start) * cell + 0.05,
                        cell + 0.05, stroke=0, fill=1)  # fmt: skip


_render_lock = threading.Lock()


def render_certificate(
    certificate: Certificate,
    verify_url: str,
    timezone: str = "Asia/Jakarta",
    fonts: Fonts | None = None,
) -> bytes:
    """The certificate as PDF bytes (about 50 kB, some 15 ms)."""
    fonts = fonts or Fonts()
    # reportlab keeps per-document state inside shared font objects; one render at a time.
    with _render_lock:
        return _render(certificate, verify_url, timezone, fonts)


def _render(certificate: Certificate, verify_url: str, timezone: str, fonts: Fonts) -> bytes:
    width, height = PAGE
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=PAGE, invariant=1, pageCompression=1)
    name = clean_text(certificate.display_name) or certificate.username
    course = clean_text(certificate.certificate_name)
    canvas.setTitle(f"Sertifikat {course} - {name}")
    canvas.setAuthor(certificate.issuer)
    canvas.setSubject(f"Sertifikat pelatihan NaikKelas, kode {certificate.code}")
    canvas.setCreator("NaikKelas")

    # Frame.
    canvas.setStrokeColor(BRAND)
    canvas.setLineWidth(6)
    canvas.rect(18, 18, width - 36, height - 36)
    canvas.setLineWidth(1.2)
    canvas.rect(30, 30, width - 60, height - 60)

    _line(canvas, fonts, certificate.issuer.upper(), 18, height - 72, bold=True, color=BRAND)
    _line(canvas, fonts, "Program Pelatihan Digital NaikKelas", 14, height - 96)
    _line(canvas, fonts, "SERTIFIKAT", 46, height - 150, bold=True, color=BRAND)
    _line(canvas, fonts, "diberikan kepada", 17, height - 190)
    name_fit = fit_text(
        name,
        fonts.face(bold=True),
        width - 2 * 80,
        ((1, 42, 26), (2, 30, 18), (3, 18, 12)),
    )
    _draw_centered(canvas, name_fit, height - 240)
    _line(canvas, fonts, "telah menyelesaikan seluruh pelajaran pelatihan", 17, height - 292)
    course_fit = fit_text(course, fonts.face(bold=True), width - 2 * 80, ((1, 28, 18), (2, 20, 13)))
    _draw_centered(canvas, course_fit, height - 330, color=BRAND)
    below = height - 330 - course_fit.size * 0.6 * len(course_fit.lines) - 22
    title = clean_text(certificate.course_title)
    if title and title != course:
        _line(canvas, fonts, f"(kursus {title})", 13, below)
        below -= 22
    _line(canvas, fonts, f"Lama pelatihan: {certificate.hours} jam", 17, below - 6)

    # Bottom: who issued it and when (left), how to check it (right).
    date = indonesian_date(certificate.issued_at, timezone)
    left = 70
    canvas.setFillColor(INK)
    for text, size, y, bold in (
        (f"Diterbitkan pada {date}", 15, 128, False),
        ("oleh", 13, 108, False),
        (certificate.issuer, 16, 88, True),
        (f"Kode sertifikat: {certificate.code}", 13, 60, True),
        (f"Periksa di {verify_url}", 9, 44, False),
    ):
        fitted = fit_text(clean_text(text), fonts.face(bold), 480, ((1, size, 8),))
        draw_text(canvas, left, y, fitted.lines[0], fitted.face, fitted.size)
    qr_size = 118
    qr_x, qr_y = width - 48 - qr_size, 44
    draw_qr(canvas, verify_url, qr_x, qr_y, qr_size)
    canvas.setFillColor(SOFT)
    for text, y in (("Pindai kode QR untuk", 70), ("memeriksa keaslian", 57)):
        draw_text(canvas, qr_x - 8 - text_width(text, fonts.face(), 10), y, text, fonts.face(), 10)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()

"""Server-side SVG charts for the officials' dashboard: plain functions from numbers to markup.

Every chart is inline SVG with `role="img"`, a `<title>` and a `<desc>` that says the figures in
words, and every figure also written as a text label, so a chart reads without colour and without
a script. Sizes are in viewBox units (about one CSS pixel on a 360 px phone); CSS scales them.
No inline styles or scripts (the pages run under a strict Content-Security-Policy): colours are
presentation attributes. Every text that comes from data is escaped here.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

WIDTH = 320
SUPPRESSED = "< 5"
# Brand green, a blue and a dark orange: each at least 4.5:1 against white; lines also differ by
# dash pattern, bars by label, so nothing depends on colour alone.
COLOURS = ("#0b5d3b", "#1f5fa8", "#9a4a00", "#6b3fa0")
TRACK = "#e6ebe8"
INK = "#1b1b1b"


def number(value) -> str:
    """A count as Indonesians write it (1.234), or "< 5" when suppressed."""
    if missing(value):
        return SUPPRESSED
    return f"{int(round(float(value))):,}".replace(",", ".")


def percent(value) -> str:
    """A 0-1 rate as a whole percentage ("64%"), or "< 5" when suppressed."""
    if missing(value):
        return SUPPRESSED
    return f"{round(float(value) * 100)}%"


def score(value) -> str:
    """A 0-100 score with one decimal, Indonesian style ("78,5"), or "–" when there is none."""
    if missing(value):
        return "–"
    return f"{float(value):.1f}".replace(".", ",")


def missing(value) -> bool:
    if value is None:
        return True
    try:
        return math.isnan(float(value))
    except (TypeError, ValueError):
        return True


def _svg(chart_id: str, title: str, desc: str, height: float, body: list[str]) -> Markup:
    t, d = f"{chart_id}-judul", f"{chart_id}-uraian"
    # Every piece of data in `body` went through `escape` (see _text); the rest is ours.
    return Markup(  # noqa: S704
        f'<svg class="nk-chart" id="{escape(chart_id)}" role="img" aria-labelledby="{t} {d}" '
        f'viewBox="0 0 {WIDTH} {height:.0f}" width="{WIDTH}" height="{height:.0f}" '
        f'xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{t}">{escape(title)}</title><desc id="{d}">{escape(desc)}</desc>'
        + "".join(body)
        + "</svg>"
    )


def _text(x: float, y: float, text: str, size: int = 14, anchor: str = "start", bold=False):
    weight = ' font-weight="700"' if bold else ""
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" fill="{INK}" '
        f'text-anchor="{anchor}"{weight}>{escape(text)}</text>'
    )


def _bar(y: float, fraction: float, colour: str, height: float = 16) -> str:
    width = max(0.0, min(1.0, fraction)) * WIDTH
    track = f'<rect x="0" y="{y:.1f}" width="{WIDTH}" height="{height}" fill="{TRACK}"/>'
    if width <= 0:
        return track
    return track + (
        f'<rect x="0" y="{y:.1f}" width="{width:.1f}" height="{height}" fill="{colour}"/>'
    )


def _hatch(y: float, height: float = 16) -> str:
    """A suppressed bar: an outlined empty track, so it cannot be read as zero."""
    return (
        f'<rect x="0.5" y="{y + 0.5:.1f}" width="{WIDTH - 1}" height="{height - 1}" fill="none" '
        f'stroke="#6b7570" stroke-dasharray="4 3"/>'
    )


FUNNEL_STEPS = (
    ("enrolled", "Terdaftar"),
    ("started", "Mulai belajar"),
    ("finished", "Selesai semua pelajaran"),
    ("certified", "Bersertifikat"),
)


def funnel_chart(funnel: dict, chart_id: str = "nk-corong") -> Markup:
    """Enrolled → started → finished → certified as four bars against the enrolled total."""
    total = funnel.get("enrolled")
    rows, words = [], []
    y = 0.0
    for i, (key, label) in enumerate(FUNNEL_STEPS):
        value = funnel.get(key)
        share = (
            ""
            if i == 0 or missing(value) or missing(total) or not total
            else (f" ({percent(float(value) / float(total))})")
        )
        line = f"{label}: {number(value)}{share}"
        words.append(line)
        rows.append(_text(0, y + 15, line))
        if missing(value):
            rows.append(_hatch(y + 22, 20))
        else:
            fraction = float(value) / float(total) if not missing(total) and total else 0.0
            rows.append(_bar(y + 22, fraction, COLOURS[0], 20))
        y += 52
    return _svg(chart_id, "Corong peserta", "; ".join(words) + ".", y - 8, rows)


@dataclass(frozen=True)
class GroupBar:
    """One group in a by-group chart: its label, a 0-1 rate, and the lines under it."""

    label: str
    rate: float | None
    value_text: str
    detail: str = ""


def group_chart(bars: Sequence[GroupBar], title: str, chart_id: str) -> Markup:
    """One bar per group (0-100 %), the group's name above its bar, figures beside it."""
    rows, words = [], []
    y = 0.0
    for bar in bars:
        heading = f"{bar.label}: {bar.value_text}"
        words.append(heading + (f" ({bar.detail})" if bar.detail else ""))
        rows.append(_text(0, y + 15, heading))
        if missing(bar.rate):
            rows.append(_hatch(y + 21))
        else:
            rows.append(_bar(y + 21, float(bar.rate), COLOURS[1]))
        y += 39
        if bar.detail:
            rows.append(_text(0, y + 12, bar.detail, size=12))
            y += 16
        y += 8
    if not bars:
        rows.append(_text(0, 18, "Belum ada data."))
        words.append("Belum ada data")
        y = 30
    return _svg(chart_id, title, "; ".join(words) + ".", max(y, 30), rows)


@dataclass(frozen=True)
class Series:
    label: str
    values: Sequence[float | None]  # one per week; None where suppressed


DASHES = ("", ' stroke-dasharray="7 4"', ' stroke-dasharray="2 3"', ' stroke-dasharray="9 3 2 3"')


def _segments(points: Sequence[tuple[float, float] | None]) -> list[list[tuple[float, float]]]:
    """Runs of consecutive known points (a suppressed week breaks the line)."""
    runs: list[list[tuple[float, float]]] = [[]]
    for point in points:
        if point is None:
            runs.append([])
        else:
            runs[-1].append(point)
    return [run for run in runs if run]


def _spread(ys: list[float], gap: float, low: float, high: float) -> list[float]:
    """Move label positions apart (at least `gap`), keeping their order and the bounds."""
    order = sorted(range(len(ys)), key=lambda i: ys[i])
    placed = list(ys)
    previous = low - gap
    for i in order:
        placed[i] = min(max(placed[i], previous + gap), high)
        previous = placed[i]
    return placed


def line_chart(weeks: Sequence[str], series: Sequence[Series], title: str, chart_id: str) -> Markup:
    """Weekly lines (e.g. learners who had started / finished by each week), drawn with
    distinct colours and dash patterns, the last figure of each line written at its end."""
    if not weeks:
        return _svg(chart_id, title, "Belum ada data.", 30, [_text(0, 18, "Belum ada data.")])
    top, plot_h, plot_w = 8.0, 150.0, WIDTH - 72.0
    high = max((float(v) for s in series for v in s.values if not missing(v)), default=0) or 1
    n = len(weeks)

    def x(i: int) -> float:
        return plot_w * (i / (n - 1) if n > 1 else 0.5)

    def y(v) -> float:
        return top + plot_h * (1 - float(v) / high)

    axis = top + plot_h
    body = [
        f'<line x1="0" y1="{axis}" x2="{plot_w}" y2="{axis}" stroke="#6b7570"/>',
        f'<line x1="0" y1="{top}" x2="{plot_w}" y2="{top}" stroke="{TRACK}"/>',
        _text(0, top + 12, f"{number(high)}", size=12),
        _text(0, axis + 16, weeks[0], size=12),
    ]
    if n > 1:
        body.append(_text(plot_w, axis + 16, weeks[-1], size=12, anchor="end"))
    words, ends = [], []
    for k, s in enumerate(series):
        colour, dash = COLOURS[k % len(COLOURS)], DASHES[k % len(DASHES)]
        points = [None if missing(v) else (x(i), y(v)) for i, v in enumerate(s.values)]
        for run in _segments(points):
            if len(run) == 1:
                cx, cy = run[0]
                body.append(f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="3" fill="{colour}"/>')
            else:
                coords = " ".join(f"{px:.1f},{py:.1f}" for px, py in run)
                body.append(
                    f'<polyline points="{coords}" fill="none" stroke="{colour}" '
                    f'stroke-width="3"{dash}/>'
                )
        last = next((v for v in reversed(s.values) if not missing(v)), None)
        ends.append((number(last), y(last) + 4 if last is not None else axis))
        words.append(f"{s.label}: {number(last)} pada minggu {weeks[-1]}")
    placed = _spread([end[1] for end in ends], 14, top + 10, axis)
    for (text, _), label_y in zip(ends, placed, strict=True):
        body.append(_text(plot_w + 6, label_y, text, size=12, bold=True))
    legend_y = axis + 36
    for k, s in enumerate(series):
        colour, dash = COLOURS[k % len(COLOURS)], DASHES[k % len(DASHES)]
        lx = k * 160
        body.append(
            f'<line x1="{lx}" y1="{legend_y - 4}" x2="{lx + 24}" y2="{legend_y - 4}" '
            f'stroke="{colour}" stroke-width="3"{dash}/>'
        )
        body.append(_text(lx + 30, legend_y, s.label, size=12))
    return _svg(chart_id, title, "; ".join(words) + ".", legend_y + 8, body)

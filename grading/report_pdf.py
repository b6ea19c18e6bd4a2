"""The completion report as a one- or two-page A4 PDF (reportlab) a head of office can attach to a
letter: title, period, key figures, a chart, the table of the largest groups, generated date."""

from __future__ import annotations

import io
from datetime import UTC

from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from .certificate_pdf import Fonts
from .report_export import COUNTS, LABELS, SUPPRESSED, TITLE, Report, _cells, group_label

TABLE_ROWS = 30  # the largest groups; the rest are in the CSV and workbook
CHART_ROWS = 12
BLUE = colors.HexColor("#1F5C99")


def _percent(value) -> str:
    return "" if value is None else f"{100 * value:.1f}%".replace(".", ",")


def _number(value) -> str:
    if value is None or value == SUPPRESSED:
        return SUPPRESSED
    return f"{int(value):,}".replace(",", ".")


def _score(value) -> str:
    return "" if value is None else f"{value:.1f}".replace(".", ",")


def shown_rows(report: Report):
    """The groups the PDF lists: the largest by enrolment (suppressed ones last)."""
    table = _cells(report.table)
    size = table["enrolled"].map(lambda v: -1 if v == SUPPRESSED else int(v))
    order = size.sort_values(ascending=False, kind="stable").index
    return table.loc[order].head(TABLE_ROWS), len(table)


def _chart(report: Report, font: str, width: float) -> Drawing | None:
    table = report.table[~report.table["suppressed"]]
    if table.empty or not report.by:
        return None
    table = table.sort_values("enrolled", ascending=False, key=lambda s: s.astype(float))
    table = table.head(CHART_ROWS).iloc[::-1]
    names = [group_label(row, report.by)[:38] for _, row in table.iterrows()]
    height = 14 * len(names) + 40
    drawing = Drawing(width, height)
    chart = HorizontalBarChart()
    chart.x, chart.y = 150, 20
    chart.width, chart.height = width - 180, height - 40
    chart.data = [[100 * float(v) for v in table["completion_rate"]]]
    chart.valueAxis.valueMin, chart.valueAxis.valueMax = 0, 100
    chart.valueAxis.labelTextFormat = "%d%%"
    chart.valueAxis.labels.fontName = font
    chart.categoryAxis.categoryNames = names
    chart.categoryAxis.labels.fontName, chart.categoryAxis.labels.fontSize = font, 7
    chart.categoryAxis.labels.boxAnchor = "e"
    chart.bars[0].fillColor = BLUE
    drawing.add(chart)
    drawing.add(String(0, height - 10, "Tingkat penyelesaian, kelompok terbesar", fontName=font,
                       fontSize=9))  # fmt: skip
    return drawing


def _utc(moment) -> str:
    return moment.astimezone(UTC).strftime("%d-%m-%Y %H:%M") + " UTC"


def render_pdf(report: Report) -> bytes:
    fonts = Fonts()
    regular, bold = fonts.face()[0], fonts.face(bold=True)[0]
    base = ParagraphStyle("base", fontName=regular, fontSize=9, leading=12)
    title = ParagraphStyle("title", parent=base, fontName=bold, fontSize=15, leading=19)
    heading = ParagraphStyle("heading", parent=base, fontName=bold, fontSize=11, leading=15)
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out, pagesize=A4, leftMargin=15 * mm, rightMargin=15 * mm, topMargin=15 * mm,
        bottomMargin=15 * mm, title=TITLE, author="NaikKelas",
    )  # fmt: skip
    generated = report.generated.strftime("%d-%m-%Y %H:%M") + " UTC"
    story = [
        Paragraph(TITLE, title),
        Paragraph(f"Periode: {report.period}", base),
        Paragraph(f"Peserta: {report.selection}", base),
        Paragraph(f"Dibuat: {generated}", base),
        *(
            [Paragraph(f"Data per: {_utc(report.data_as_of)}", base)]
            if report.data_as_of is not None
            else []
        ),
        Spacer(1, 5 * mm),
        Paragraph("Angka utama", heading),
    ]
    totals = report.totals
    rate = None
    if totals["enrolled"] and totals["finished"] is not None:
        rate = totals["finished"] / totals["enrolled"]
    key = Table(
        [
            [LABELS[n] for n in COUNTS] + [LABELS["completion_rate"]],
            [_number(totals[n]) for n in COUNTS] + [_percent(rate)],
        ],
        colWidths=[doc.width / 5] * 5,
    )
    key.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, 0), regular, 8),
                ("FONT", (0, 1), (-1, 1), bold, 14),
                ("TEXTCOLOR", (0, 1), (-1, 1), BLUE),
                ("ALIGN", (0, 0), (-1, -1), "CENTER"),
                ("BOX", (0, 0), (-1, -1), 0.5, colors.grey),
            ]
        )
    )
    story += [key, Spacer(1, 4 * mm)]
    chart = _chart(report, regular, doc.width)
    if chart is not None:
        story += [chart, Spacer(1, 3 * mm)]
    rows, total = shown_rows(report)
    by = report.by
    what = ", ".join(LABELS[n].lower() for n in by) if by else "semua peserta"
    story.append(Paragraph(f"Rincian per {what}", heading))
    head = ["Kelompok", *(LABELS[n] for n in COUNTS), "Penyelesaian", "Nilai"]
    body = [
        [
            group_label(row, by)[:48],
            *(_number(row[n]) for n in COUNTS),
            _percent(row["completion_rate"]),
            _score(row["average_score"]),
        ]
        for _, row in rows.iterrows()
    ]
    widths = [doc.width * 0.34] + [doc.width * 0.66 / 6] * 6
    table = Table([head, *body], colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, 0), bold, 7.5),
                ("FONT", (0, 1), (-1, -1), regular, 7.5),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#E3ECF5")),
                ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
                ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.lightgrey),
            ]
        )
    )
    story.append(table)
    notes = [
        f"Angka '< {SUPPRESSED[2:]}' disamarkan: kelompok dengan kurang dari {SUPPRESSED[2:]} "
        "peserta, atau angka yang bisa dihitung dari angka lain, tidak ditampilkan.",
        "Terdaftar, mulai, selesai dan bersertifikat dihitung per peserta per kursus. "
        "Nilai: rata-rata nilai buku nilai (0-100).",
    ]
    if total > len(rows):
        notes.insert(0, f"Ditampilkan {len(rows)} kelompok terbesar dari {total}; semua "
                        "kelompok ada di berkas CSV dan Excel.")  # fmt: skip
    story += [Spacer(1, 3 * mm), *(Paragraph(n, base) for n in notes)]
    doc.build(story)
    return out.getvalue()

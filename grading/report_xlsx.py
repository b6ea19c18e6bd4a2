"""The completion report as an Excel workbook (openpyxl): a formatted summary sheet with a native
bar chart, one detail sheet per dimension, and the data dictionary. Opens in Excel and
LibreOffice; numbers are numbers (percentages formatted as such), suppressed counts read '< 5'."""

from __future__ import annotations

import io
from datetime import UTC

import pandas as pd
from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from .report_export import (
    COUNTS,
    LABELS,
    SUPPRESSED,
    TITLE,
    Report,
    _cells,
    dictionary_rows,
    group_label,
)

HEAD_FILL = PatternFill("solid", fgColor="1F5C99")
HEAD_FONT = Font(bold=True, color="FFFFFF")
CHART_ROWS = 20  # groups in the summary chart (the largest)
SHEET_NAMES = {
    "kota": "Per kota", "kecamatan": "Per kecamatan", "kelurahan": "Per kelurahan",
    "sector": "Per sektor", "gender": "Per jenis kelamin", "age_group": "Per umur",
    "cohort": "Per kelas", "course": "Per kursus",
}  # fmt: skip


def _write_table(ws, table: pd.DataFrame, first_row: int) -> int:
    """Write `table` with a header at `first_row`; returns the last row written."""
    shown = _cells(table.drop(columns=["suppressed"]))
    columns = list(shown.columns)
    for c, name in enumerate(columns, start=1):
        cell = ws.cell(first_row, c, LABELS.get(name, name))
        cell.fill, cell.font = HEAD_FILL, HEAD_FONT
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    formats = {"completion_rate": "0.0%", "average_score": "0.0"}
    for r, row in enumerate(shown.itertuples(index=False, name=None), start=first_row + 1):
        for c, (name, value) in enumerate(zip(columns, row, strict=True), start=1):
            cell = ws.cell(r, c, value)
            if name in formats:
                cell.number_format = formats[name]
            if value == SUPPRESSED:
                cell.alignment = Alignment(horizontal="right")
    for c, name in enumerate(columns, start=1):
        width = max(len(str(LABELS.get(name, name))), *(len(str(v)) for v in shown[name][:500]), 6)
        ws.column_dimensions[get_column_letter(c)].width = min(width + 2, 45)
    ws.freeze_panes = ws.cell(first_row + 1, 1)
    return first_row + len(shown)


def _summary(ws, report: Report) -> None:
    ws["A1"] = TITLE
    ws["A1"].font = Font(bold=True, size=14)
    ws["A2"] = f"Periode: {report.period}"
    ws["A3"] = f"Peserta: {report.selection}"
    ws["A4"] = f"Dibuat: {report.generated.strftime('%Y-%m-%d %H:%M')} UTC"
    if report.data_as_of is not None:
        ws["A5"] = f"Data per: {report.data_as_of.astimezone(UTC).strftime('%Y-%m-%d %H:%M')} UTC"
    ws["A6"] = "Angka utama"
    ws["A6"].font = Font(bold=True)
    totals = report.totals
    for i, name in enumerate(COUNTS):
        ws.cell(7, i + 1, LABELS[name]).font = Font(bold=True)
        value = totals[name]
        ws.cell(8, i + 1, SUPPRESSED if value is None else int(value))
    rate = None
    if totals["enrolled"] and totals["finished"] is not None:
        rate = totals["finished"] / totals["enrolled"]
    ws.cell(7, 5, LABELS["completion_rate"]).font = Font(bold=True)
    ws.cell(8, 5, rate).number_format = "0.0%"
    ws["A10"] = "Rincian per " + ", ".join(LABELS[name].lower() for name in report.by or [])
    ws["A10"].font = Font(bold=True)
    last = _write_table(ws, report.table, 11)
    ws.freeze_panes = None
    _chart(ws, report, 11, last)


def _chart(ws, report: Report, header: int, last: int) -> None:
    """A bar chart of completion rate by group (the largest groups), from a helper range."""
    table = report.table
    shown = table[~table["suppressed"]].copy()
    if shown.empty or not report.by:
        return
    shown["_label"] = [group_label(row, report.by) for _, row in shown.iterrows()]
    shown = shown.sort_values("enrolled", ascending=False, key=lambda s: s.astype(float))
    shown = shown.head(CHART_ROWS)
    # Chart data lives in its own columns to the right (labels and rates of the charted groups).
    col = len(table.columns) + 3
    ws.cell(header, col, "Kelompok")
    ws.cell(header, col + 1, LABELS["completion_rate"])
    for r, (name, rate) in enumerate(zip(shown["_label"], shown["completion_rate"], strict=True)):
        ws.cell(header + 1 + r, col, name)
        ws.cell(header + 1 + r, col + 1, float(rate)).number_format = "0.0%"
    chart = BarChart()
    chart.type = "bar"
    chart.title = "Tingkat penyelesaian (kelompok terbesar)"
    chart.y_axis.title = LABELS["completion_rate"]
    chart.y_axis.numFmt = "0%"
    chart.legend = None
    n = len(shown)
    data = Reference(ws, min_col=col + 1, min_row=header, max_row=header + n)
    labels = Reference(ws, min_col=col, min_row=header + 1, max_row=header + n)
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(labels)
    chart.height, chart.width = max(7.5, 0.6 * n + 3), 16
    ws.add_chart(chart, f"{get_column_letter(col + 3)}{header}")


def render_xlsx(report: Report) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "Ringkasan"
    _summary(ws, report)
    for name, table in report.details.items():
        sheet = wb.create_sheet(SHEET_NAMES.get(name, name)[:31])
        _write_table(sheet, table, 1)
    ws = wb.create_sheet("Kamus data")
    ws.append(["Kolom (CSV)", "Label", "Arti"])
    for cell in ws[1]:
        cell.fill, cell.font = HEAD_FILL, HEAD_FONT
    columns = dict.fromkeys(c for t in [report.table, *report.details.values()] for c in t.columns)
    for row in dictionary_rows(columns):
        ws.append(list(row))
    ws.column_dimensions["A"].width, ws.column_dimensions["B"].width = 18, 30
    ws.column_dimensions["C"].width = 90
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()

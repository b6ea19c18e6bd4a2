"""Completion reports as files an official can send on: CSV (+ data dictionary), XLSX, PDF.

`build_report(facts, by, filters)` computes everything once (already suppressed, see `reports`);
`csv_bytes`/`xlsx_bytes`/`pdf_bytes` render it, `export_csv`/`export_xlsx`/`export_pdf` write
files. Labels are Bahasa Indonesia (officials read them); CSV column names are stable English
identifiers, explained in the data dictionary. A suppressed count is written `< 5`.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from .reports import COUNTS, DIMENSIONS, MIN_GROUP, Filters, completion, funnel

SUPPRESSED = f"< {MIN_GROUP}"
TITLE = "Laporan Penyelesaian Pelatihan Digital UMKM — NaikKelas"
LABELS = {
    "kota": "Kota/Kabupaten",
    "kota_code": "Kode Kota (Kemendagri)",
    "kecamatan": "Kecamatan",
    "kecamatan_code": "Kode Kecamatan (Kemendagri)",
    "kelurahan": "Kelurahan/Desa",
    "kelurahan_code": "Kode Kelurahan (Kemendagri)",
    "sector": "Sektor usaha",
    "gender": "Jenis kelamin",
    "age_group": "Kelompok umur",
    "cohort": "Kelas",
    "course": "Kursus",
    "course_title": "Judul kursus",
    "enrolled": "Terdaftar",
    "started": "Mulai belajar",
    "finished": "Selesai",
    "certified": "Bersertifikat",
    "completion_rate": "Tingkat penyelesaian",
    "average_score": "Nilai rata-rata",
    "suppressed": "Disamarkan",
}
MEANINGS = {
    "kota": "Nama kota/kabupaten peserta menurut daftar peserta.",
    "kota_code": "Kode wilayah Kemendagri kota/kabupaten (contoh 64.72).",
    "kecamatan": "Nama kecamatan peserta menurut daftar peserta.",
    "kecamatan_code": "Kode wilayah Kemendagri kecamatan (contoh 64.72.04).",
    "kelurahan": "Nama kelurahan/desa peserta menurut daftar peserta.",
    "kelurahan_code": "Kode wilayah Kemendagri kelurahan/desa (contoh 64.72.04.1001).",
    "sector": "Sektor usaha peserta (kuliner, fesyen, kerajinan, jasa, ...).",
    "gender": "Jenis kelamin: L (laki-laki) atau P (perempuan).",
    "age_group": "Kelompok umur: <30, 30-39, 40-49, 50-59, 60+.",
    "cohort": "Kelas (angkatan) tempat peserta terdaftar.",
    "course": "Kode kursus.",
    "course_title": "Judul kursus.",
    "enrolled": "Jumlah peserta-kursus: peserta terdaftar di kelas yang menerima kursus itu.",
    "started": "Dari yang terdaftar, yang sudah mengerjakan paling sedikit satu langkah.",
    "finished": "Dari yang terdaftar, yang sudah menyelesaikan semua pelajaran kursus.",
    "certified": "Dari yang terdaftar, yang sudah mengunduh sertifikat yang masih berlaku.",
    "completion_rate": "Selesai dibagi terdaftar, 0 sampai 1.",
    "average_score": "Rata-rata nilai (0-100) dari buku nilai nbgrader, bagi yang sudah dinilai.",
    "suppressed": f"true bila kelompok disamarkan: kurang dari {MIN_GROUP} peserta, atau angkanya "
    "bisa dihitung dari angka lain. Angka yang disamarkan ditulis '< 5' atau kosong.",
}
AGREE_FIELDS = (*COUNTS, "completion_rate", "average_score")


@dataclass
class Report:
    by: list[str]
    filters: Filters
    table: pd.DataFrame
    totals: dict
    details: dict[str, pd.DataFrame] = field(default_factory=dict)
    generated: datetime = field(default_factory=lambda: datetime.now(UTC))
    # When the facts were read, if earlier than `generated` (the dashboard's cached facts).
    data_as_of: datetime | None = None

    @property
    def period(self) -> str:
        since, until = self.filters.since, self.filters.until
        if since is None and until is None:
            return "Seluruh waktu"
        return f"{_day(since) if since else 'awal'} s.d. {_day(until) if until else 'sekarang'}"

    @property
    def selection(self) -> str:
        parts = [f"{LABELS[k]}: {', '.join(v)}" for k, v in self.filters.active().items() if v]
        return "; ".join(parts) or "Semua peserta"


MONTHS = "Januari Februari Maret April Mei Juni Juli Agustus September Oktober November Desember"


def _day(day) -> str:
    return f"{day.day} {MONTHS.split()[day.month - 1]} {day.year}"


def _with_titles(table: pd.DataFrame, facts: pd.DataFrame) -> pd.DataFrame:
    if "course" in table:
        titles = facts.drop_duplicates("course").set_index("course")["course_title"]
        titled = table["course"].map(titles)
        table.insert(table.columns.get_loc("course") + 1, "course_title", titled)
    return table


def build_report(
    facts: pd.DataFrame,
    by: list[str],
    filters: Filters | None = None,
    *,
    details: tuple[str, ...] = DIMENSIONS,
    now: datetime | None = None,
    data_as_of: datetime | None = None,
) -> Report:
    """The report of `completion(facts, by, filters)` with its key figures, and one detail table
    per dimension in `details` (for the workbook)."""
    filters = filters or Filters()
    table = _with_titles(completion(facts, by, filters), facts)
    generated = now or datetime.now(UTC)
    report = Report(
        list(by),
        filters,
        table,
        funnel(facts, filters),
        generated=generated,
        data_as_of=data_as_of,
    )
    for name in details:
        report.details[name] = (
            table if [name] == list(by) else _with_titles(completion(facts, [name], filters), facts)
        )
    return report


def _cells(table: pd.DataFrame) -> pd.DataFrame:
    """The table as shown: suppressed counts as '< 5', missing rates and averages empty."""
    shown = table.copy()
    for name in COUNTS:
        if name in shown:
            shown[name] = [SUPPRESSED if v is None else int(v) for v in shown[name]]
    for name in ("completion_rate", "average_score"):
        if name in shown:
            shown[name] = [None if pd.isna(v) else float(v) for v in shown[name]]
    return shown


# -- CSV --------------------------------------------------------------------------------------
def csv_bytes(report: Report) -> bytes:
    """The report table as CSV, UTF-8 with a byte-order mark (so Excel reads it as UTF-8)."""
    out = io.StringIO()
    shown = _cells(report.table)
    shown["suppressed"] = shown["suppressed"].map(lambda v: "true" if v else "false")
    shown.to_csv(out, index=False, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def dictionary_rows(columns) -> list[tuple[str, str, str]]:
    return [(name, LABELS[name], MEANINGS[name]) for name in columns]


def dictionary_csv_bytes(report: Report) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["column", "label", "description"])
    writer.writerows(dictionary_rows(report.table.columns))
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def dictionary_path(path: Path) -> Path:
    """Where `export_csv` puts the data dictionary: `laporan.csv` -> `laporan.dictionary.csv`."""
    path = Path(path)
    return path.with_name(f"{path.stem}.dictionary.csv")


def export_csv(report: Report, path: Path) -> list[Path]:
    """Write the CSV and its data dictionary beside it; returns both paths."""
    path = Path(path)
    path.write_bytes(csv_bytes(report))
    dictionary_path(path).write_bytes(dictionary_csv_bytes(report))
    return [path, dictionary_path(path)]


# -- XLSX and PDF (in their own modules, imported lazily: openpyxl and reportlab are heavy) -----
def xlsx_bytes(report: Report) -> bytes:
    from .report_xlsx import render_xlsx

    return render_xlsx(report)


def export_xlsx(report: Report, path: Path) -> list[Path]:
    Path(path).write_bytes(xlsx_bytes(report))
    return [Path(path)]


def pdf_bytes(report: Report) -> bytes:
    from .report_pdf import render_pdf

    return render_pdf(report)


def export_pdf(report: Report, path: Path) -> list[Path]:
    Path(path).write_bytes(pdf_bytes(report))
    return [Path(path)]


def label(name: str) -> str:
    return LABELS.get(name, name)


def group_label(row: pd.Series, by: list[str]) -> str:
    """A row's group as people read it ("Sungai Kunjang · P")."""
    parts = []
    for name in by:
        value = row.get("course_title") if name == "course" else row.get(name)
        parts.append(str(value) if value not in (None, "") else "(tidak diisi)")
    return " · ".join(parts) or "Semua"

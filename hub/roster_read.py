"""Reading a city's roster spreadsheet (CSV or XLSX) into checked learner rows.

Spreadsheets come as cities keep them: a title above the table, merged header cells, a second
header row under "Alamat", a row of column numbers, blank rows, trailing spaces, Indonesian or
English headers, `;`-separated CSV from Indonesian Excel with or without a BOM. `read_roster`
finds the header, maps columns to fields, and checks every row; it never raises on a bad row but
returns every problem with the row number the user sees in their spreadsheet program.

A NIK (national ID) column is dropped as soon as it is recognised and never reaches the caller.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from .profiles import age_group

# Normalised header text -> field. Headers are compared case-, accent- and punctuation-
# insensitively, with anything in parentheses dropped ("Jenis Kelamin (L/P)").
HEADER_ALIASES = {
    "name": "nama|nama lengkap|nama peserta|nama pelaku usaha|nama pemilik|nama pemilik usaha|"
    "name|full name|learner name",
    "username": "username|user name|nama pengguna|akun|user id",
    "kelurahan": "kelurahan|kel|desa|desa kelurahan|kelurahan desa|urban village|village",
    "kecamatan": "kecamatan|kec|district|subdistrict",
    "kota": "kota|kabupaten|kab|kab kota|kota kab|kota kabupaten|kabupaten kota|city|regency|"
    "city regency|regency city",
    "region_code": "kode wilayah|kode kelurahan|kode desa|kode kemendagri|kode wilayah kemendagri|"
    "region code|kemendagri code",
    "sector": "sektor usaha|sektor|bidang usaha|jenis usaha|kategori usaha|business sector|sector",
    "gender": "jenis kelamin|jk|l p|kelamin|gender|sex",
    "age": "umur|usia|age",
    "birth_year": "tahun lahir|thn lahir|birth year|year of birth",
    "birth_date": "tanggal lahir|tgl lahir|tempat tanggal lahir|tempat tgl lahir|ttl|"
    "date of birth|birth date|dob",
    "phone": "no hp|nomor hp|hp|no telp|no telepon|nomor telepon|telepon|telp|no wa|nomor wa|"
    "whatsapp|wa|no hp wa|phone|phone number|mobile|mobile phone",
    "cohort": "kelas|angkatan|kohort|cohort|batch|kelompok",
    "nik": "nik|no nik|nomor nik|ktp|no ktp|nomor ktp|nomor induk kependudukan|national id",
    "_index": "no|no urut|nomor|nomor urut|#",
}
FIELD_FOR_HEADER = {
    alias: name for name, aliases in HEADER_ALIASES.items() for alias in aliases.split("|")
}
FIELD_LABELS = {
    "name": "name (Nama)",
    "kelurahan": "kelurahan",
    "gender": "gender (Jenis Kelamin)",
}
REQUIRED_FIELDS = ("name", "kelurahan", "gender")
AGE_FIELDS = ("birth_year", "age", "birth_date")
HEADER_SEARCH_ROWS = 30

GENDERS = {
    **dict.fromkeys(["l", "lk", "laki", "laki laki", "pria", "male", "m", "man"], "L"),
    **dict.fromkeys(["p", "pr", "perempuan", "wanita", "female", "f", "w", "woman"], "P"),
}
MIN_AGE, MAX_AGE = 15, 100
COHORT_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
REGION_RE = re.compile(r"^\d{2}(\.\d{2}(\.\d{2}(\.\d{4})?)?)?$")
NIK_RUN = re.compile(r"\d{16}")
NAME_FORBIDDEN = re.compile(r"[<>{}\[\]|\\@#$%^*=+~`\"]")
MAX_TEXT = 100


class RosterError(ValueError):
    """The file as a whole cannot be read as a roster; the message says why (one line)."""


@dataclass(frozen=True)
class RowProblem:
    row: int  # as the spreadsheet program shows it (1 = first row)
    message: str


@dataclass
class LearnerRow:
    """One learner as the spreadsheet gives them, checked and normalised."""

    row: int
    name: str
    cohort: str
    username: str = ""  # only from an explicit username column
    kelurahan: str = ""
    kecamatan: str = ""
    kota: str = ""
    region_code: str = ""
    sector: str = ""
    gender: str = ""
    age_group: str = ""
    birth_year: int | None = None
    phone: str = ""

    def profile(self) -> dict:
        return {
            "kelurahan": self.kelurahan,
            "kecamatan": self.kecamatan,
            "kota": self.kota,
            "region_code": self.region_code,
            "sector": self.sector,
            "gender": self.gender,
            "age_group": self.age_group,
            "birth_year": self.birth_year,
            "phone": self.phone,
        }


@dataclass
class RosterFile:
    """What `read_roster` found: checked rows, problems, and notes for the summary."""

    path: Path
    rows: list[LearnerRow] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    # Fields the file has a column for: a field without a column keeps its stored value.
    columns: set[str] = field(default_factory=set)


# --- cells and headers ---------------------------------------------------------------------


def clean(value) -> str:
    """A cell as text: None/NaN empty, whitespace (incl. non-breaking) collapsed, integral
    numbers without '.0'."""
    if value is None:
        return ""
    if isinstance(value, float):
        if value != value:  # NaN
            return ""
        if value.is_integer():
            return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat()
    return " ".join(str(value).replace("\xa0", " ").split())


# Latin letters that do not decompose into a base letter and an accent.
LATIN_EXTRA = str.maketrans({"ı": "i", "ø": "o", "đ": "d", "ł": "l", "ß": "ss", "æ": "ae"})


def fold(text: str) -> str:
    """Lower-case ASCII letters and digits with single spaces: for comparing, not storing."""
    text = unicodedata.normalize("NFKD", text.casefold().translate(LATIN_EXTRA))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.replace("'", "").replace("\u2019", "").replace("`", "")
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


def header_field(value) -> str | None:
    text = re.sub(r"\(.*?\)", " ", clean(value))
    return FIELD_FOR_HEADER.get(fold(text)) if text else None


def _is_numbering_row(cells: list[str]) -> bool:
    """A row of column numbers under the header: (1) (2) (3) ... as government forms have."""
    values = [c.strip("()") for c in cells if c]
    return (
        len(values) >= 3 and all(v.isdigit() for v in values) and values == sorted(values, key=int)
    )


def find_header(grid: list[list]) -> tuple[int, int, dict[int, str], list[str]] | None:
    """Locate the header: (first header row index, first data row index, column -> field,
    ignored header texts), or None. A second header row (the one under a merged "Alamat") is
    used for columns the first leaves blank or unrecognised."""
    best = None
    for r in range(min(HEADER_SEARCH_ROWS, len(grid))):
        row = grid[r]
        columns = {c: f for c in range(len(row)) if (f := header_field(row[c])) is not None}
        if not columns:
            continue
        # A sub-header row (under a merged "Alamat") has text only where the header row has
        # none it knows, and all of it is header text; a data row fails this.
        below = grid[r + 1] if r + 1 < len(grid) else []
        sub = {c: header_field(below[c]) for c in range(len(below)) if clean(below[c])}
        used_below = bool(sub) and all(f is not None and c not in columns for c, f in sub.items())
        if used_below:
            columns.update(sub)
        fields = {f for f in columns.values() if f != "_index"}
        if "name" not in fields or len(fields) < 2:
            continue
        if best is None or len(fields) > best[0]:
            ignored = [
                clean(row[c])
                for c in range(len(row))
                if c not in columns and clean(row[c]) and header_field(row[c]) is None
            ]
            best = (len(fields), r, r + (2 if used_below else 1), columns, ignored)
    if best is None:
        return None
    _, header_row, data_row, columns, ignored = best
    if data_row < len(grid) and _is_numbering_row([clean(v) for v in grid[data_row]]):
        data_row += 1
    return header_row, data_row, columns, ignored


# --- reading files -------------------------------------------------------------------------


def _read_csv(path: Path) -> tuple[list[tuple[str, list[list]]], list[str]]:
    import pandas as pd

    raw = path.read_bytes()
    notes = []
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Excel on Windows saves "CSV" (not "CSV UTF-8") in the ANSI code page.
        text = raw.decode("cp1252", errors="replace")
        notes.append("The file is not UTF-8; it was read as Windows-1252 (ANSI).")
    sample = text[:20000]
    widths = {}
    for sep in (";", ",", "\t"):
        records = list(csv.reader(io.StringIO(sample), delimiter=sep))[:40]
        widths[sep] = max((len(r) for r in records), default=0)
    sep = max(widths, key=lambda s: widths[s])  # ties: ';' first (Indonesian Excel)
    width = max((len(r) for r in csv.reader(io.StringIO(text), delimiter=sep)), default=0)
    if width == 0:
        return [], notes
    frame = pd.read_csv(
        io.StringIO(text),
        sep=sep,
        header=None,
        names=list(range(width)),
        dtype=str,
        keep_default_na=False,
        skip_blank_lines=False,
        engine="python",
    )
    return [("", frame.values.tolist())], notes


def _read_xlsx(path: Path) -> list[tuple[str, list[list]]]:
    import zipfile

    import pandas as pd

    try:
        sheets = pd.read_excel(path, sheet_name=None, header=None, dtype=object, engine="openpyxl")
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as e:
        raise RosterError(f"{path.name} could not be read as an Excel workbook ({e})") from None
    # Row i of each frame is spreadsheet row i + 1 (pandas keeps leading blank rows).
    return [(name, frame.values.tolist()) for name, frame in sheets.items()]


def read_grid(path: Path) -> tuple[str, list[list], list[str]]:
    """The cells of the roster's table: (sheet name, rows of raw cells, notes)."""
    suffix = path.suffix.lower()
    if not path.is_file():
        raise RosterError(f"{path} does not exist")
    if suffix == ".csv":
        sheets, notes = _read_csv(path)
    elif suffix in (".xlsx", ".xlsm"):
        sheets, notes = _read_xlsx(path), []
    elif suffix == ".xls":
        raise RosterError(f"{path.name} is in the old .xls format: save it as .xlsx or CSV")
    else:
        raise RosterError(f"{path.name}: a roster is a .csv or .xlsx file")
    for name, grid in sheets:
        if find_header(grid) is not None:
            return name, grid, notes
    raise RosterError(
        f"{path.name}: no header row found (the table needs a column named like 'Nama' and, "
        "for example, 'Kelurahan' and 'Jenis Kelamin' within its first 30 rows)"
    )


# --- checking one row ----------------------------------------------------------------------


def _year_of(value, today: date, label: str) -> int:
    """A birth year from a year, a date cell or a date text ("Samarinda, 12-05-1980")."""
    if isinstance(value, datetime | date):
        return value.year
    text = clean(value)
    found = re.findall(r"(?<!\d)(\d{4})(?!\d)", text)
    if re.fullmatch(r"\d{1,4}", text):
        year = int(text)
    elif len(found) == 1 or (found and label == "birth date"):
        year = int(found[-1])
    else:
        raise ValueError(f"{label} {text[:40]!r} has no four-digit year")
    if not today.year - MAX_AGE <= year <= today.year - MIN_AGE:
        raise ValueError(
            f"birth year {year} is impossible (a learner is {MIN_AGE} to {MAX_AGE} years old)"
        )
    return year


def _age_of(value) -> int:
    text = clean(value)
    match = re.fullmatch(r"(\d{1,3})(\.0)?( ?(th|thn|tahun|years?))?", text.casefold())
    if not match:
        raise ValueError(f"age {text!r} is not a number of years")
    age = int(match.group(1))
    if not MIN_AGE <= age <= MAX_AGE:
        raise ValueError(f"age {age} is impossible (a learner is {MIN_AGE} to {MAX_AGE})")
    return age


def normalize_phone(text: str) -> str:
    digits = re.sub(r"[\s().-]", "", text)
    if digits.startswith("+"):
        digits = digits[1:]
    if not digits.isdigit():
        raise ValueError(f"phone {text!r} is not a phone number")
    if len(digits) == 16:
        raise ValueError("phone has 16 digits: that looks like a NIK, not a phone number")
    if digits.startswith("62"):
        digits = "0" + digits[2:]
    elif digits.startswith("8"):  # Excel drops the leading 0 of a number cell
        digits = "0" + digits
    if not re.fullmatch(r"0\d{8,13}", digits):
        raise ValueError(f"phone {text!r} is not an Indonesian phone number (08.., +628..)")
    return digits


def normalize_region_code(text: str) -> str:
    compact = text.replace(" ", "")
    if re.fullmatch(r"\d{10}", compact):
        compact = f"{compact[:2]}.{compact[2:4]}.{compact[4:6]}.{compact[6:]}"
    if not REGION_RE.fullmatch(compact):
        raise ValueError(
            f"region code {text!r} is not a Kemendagri code like 64.71.03.1001 "
            "(if Excel turned it into a number, format the column as Text)"
        )
    return compact


def check_cohort(text: str) -> str:
    if not COHORT_RE.fullmatch(text):
        suggestion = "-".join(fold(text).split())[:64] or "kelas-1"
        raise ValueError(
            f"cohort {text!r} is not a cohort name: use lowercase letters, digits and '-', "
            f"e.g. {suggestion!r}"
        )
    return text


def _text(value, label: str) -> str:
    text = clean(value)
    if NIK_RUN.search(re.sub(r"[\s.-]", "", text)):
        raise ValueError(f"{label} holds a 16-digit number (a NIK?); a NIK must not be stored")
    if len(text) > MAX_TEXT:
        raise ValueError(f"{label} is longer than {MAX_TEXT} characters")
    return text


def check_row(
    number: int, cells: dict[str, object], cohort: str | None, today: date
) -> tuple[LearnerRow | None, list[str]]:
    """One row's learner, or the reasons it is bad (plain words, one per problem)."""
    reasons = []
    values: dict[str, object] = {}

    def take(key, fn):
        try:
            values[key] = fn()
        except ValueError as e:
            reasons.append(str(e))

    name = clean(cells.get("name"))
    if not name:
        reasons.append("name is empty")
    elif not any(ch.isalpha() for ch in name):
        reasons.append(f"name {name!r} has no letters")
    elif any(unicodedata.category(ch)[0] == "C" for ch in name):
        reasons.append("name has a hidden control character (retype it)")
    elif NAME_FORBIDDEN.search(name):
        # Named, so the trainer knows what to remove (a nickname in quotes, an e-mail address).
        found = " ".join(dict.fromkeys(NAME_FORBIDDEN.findall(name)))
        reasons.append(f"name has characters a name does not have: {found}")
    else:
        take("name", lambda: _text(name, "name"))
    for key in ("kelurahan", "kecamatan", "kota", "sector"):
        if key in cells:
            take(key, lambda key=key: _text(cells[key], key))
    if "kelurahan" in cells and not clean(cells["kelurahan"]):
        reasons.append("kelurahan is empty")
    if "gender" in cells:
        raw = clean(cells["gender"])
        if fold(raw) in GENDERS:
            values["gender"] = GENDERS[fold(raw)]
        elif not raw:
            reasons.append("gender is empty (write L or P)")
        else:
            reasons.append(f"gender {raw!r} is not L/P (laki-laki/perempuan)")
    year_cell = clean(cells.get("birth_year")) and cells["birth_year"]
    date_cell = clean(cells.get("birth_date")) and cells["birth_date"]
    age_cell = clean(cells.get("age")) and cells["age"]
    if year_cell or date_cell:
        label = "birth year" if year_cell else "birth date"
        take("birth_year", lambda: _year_of(year_cell or date_cell, today, label))
        if "birth_year" in values:
            values["age_group"] = age_group(today.year - values["birth_year"])
    elif age_cell:
        take("age_group", lambda: age_group(_age_of(age_cell)))
    else:
        reasons.append("age or birth year is empty")
    if clean(cells.get("phone")):
        take("phone", lambda: normalize_phone(clean(cells["phone"])))
    if clean(cells.get("region_code")):
        take("region_code", lambda: normalize_region_code(clean(cells["region_code"])))
    if clean(cells.get("username")):
        from .accounts import AccountError, check_username, normalize_username

        try:
            values["username"] = check_username(normalize_username(clean(cells["username"])))
        except AccountError:
            reasons.append(
                f"username {clean(cells['username'])[:40]!r} is not valid: 2-32 characters, "
                "a-z, 0-9, '-' or '_', starting with a letter"
            )
    row_cohort = clean(cells.get("cohort"))
    if row_cohort and cohort and row_cohort != cohort:
        reasons.append(f"cohort {row_cohort!r} here, but --cohort {cohort} was given")
    elif row_cohort or cohort:
        take("cohort", lambda: check_cohort(row_cohort or cohort))
    else:
        reasons.append("cohort is empty (fill it in, or give --cohort)")
    if reasons:
        return None, reasons
    return LearnerRow(row=number, **values), []


def _header_text(grid: list[list], header_row: int, column: int) -> str:
    for row in grid[header_row : header_row + 2]:
        if column < len(row) and clean(row[column]):
            return clean(row[column])
    return f"column {column + 1}"


def read_roster(path: Path | str, cohort: str | None = None, today: date | None = None):
    """Read and check a whole roster file; returns a `RosterFile` (rows, problems, notes).

    Raises `RosterError` when the file as a whole is unusable (unreadable, no header, a
    required column missing, no cohort at all)."""
    path = Path(path)
    today = today or date.today()
    if cohort is not None:
        try:
            check_cohort(cohort)
        except ValueError as e:
            raise RosterError(f"--cohort: {e}") from None
    sheet, grid, notes = read_grid(path)
    header_row, data_row, columns, ignored = find_header(grid)
    result = RosterFile(path=path, notes=notes)
    where = f"sheet {sheet!r}, " if sheet else ""
    result.notes.insert(0, f"Read {path.name} ({where}header on row {header_row + 1}).")
    seen: dict[str, int] = {}
    for c, f in columns.items():
        if f in seen and f not in ("nik", "_index"):
            labels = [_header_text(grid, header_row, i) for i in (seen[f], c)]
            raise RosterError(
                f"{path.name}: columns {labels[0]!r} and {labels[1]!r} both look like "
                f"the {f.replace('_', ' ')}; keep one"
            )
        seen[f] = c
    nik_columns = [c for c, f in columns.items() if f == "nik"]
    if nik_columns:
        result.notes.append(
            "The NIK column (national ID numbers) was ignored: NaikKelas never stores a NIK."
        )
    if ignored:
        result.notes.append(f"Ignored columns: {', '.join(ignored)}.")
    present = set(columns.values()) - {"nik", "_index"}
    missing = [FIELD_LABELS[f] for f in REQUIRED_FIELDS if f not in present]
    if not present & set(AGE_FIELDS):
        missing.append("age or birth year (Umur / Tahun Lahir)")
    if missing:
        raise RosterError(f"{path.name}: missing column(s): {', '.join(missing)}")
    if "cohort" not in present and not cohort:
        raise RosterError(f"{path.name} has no cohort column (Kelas/Angkatan): give --cohort NAME")
    result.columns = present
    fields = {c: f for c, f in columns.items() if f not in ("nik", "_index")}
    for index in range(data_row, len(grid)):
        raw = grid[index]
        cells = {f: raw[c] if c < len(raw) else None for c, f in fields.items()}
        if not any(clean(v) for v in cells.values()):
            continue  # blank row, or a pre-numbered template row with nothing filled in
        learner, reasons = check_row(index + 1, cells, cohort, today)
        if learner is not None:
            result.rows.append(learner)
        result.problems += [RowProblem(index + 1, reason) for reason in reasons]
    if not result.rows and not result.problems:
        raise RosterError(f"{path.name} has a header but no learners under it")
    return result

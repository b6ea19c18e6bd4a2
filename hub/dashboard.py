"""What the officials' dashboard shows, as plain data: filters read from a query string, the
learner facts cached per process, and the figures of one view (funnel, groups, weeks, hardest
questions). No tornado here; `officials` renders it.

Every figure comes from `naikkelas.grading.reports`, which applies small-group suppression; this
module adds no figure of its own, so the page, the charts and the exports agree.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import pandas as pd
from sqlalchemy.engine import Engine

from naikkelas.grading import reports

from .facts_cache import (  # noqa: F401 - the dashboard's cache, re-exported
    MAX_FACTS_AGE,
    FactsCache,
    Snapshot,
    change_marker,
    load_in_subprocess,
    released_marker,
)

DIMENSIONS: tuple[str, ...] = tuple(reports.DIMENSIONS)
LABELS = {
    "kota": "Kota/kabupaten",
    "kecamatan": "Kecamatan",
    "kelurahan": "Kelurahan",
    "sector": "Sektor usaha",
    "gender": "Jenis kelamin",
    "age_group": "Kelompok umur",
    "cohort": "Kelas",
    "course": "Kursus",
}
GENDERS = {"L": "Laki-laki", "P": "Perempuan"}
EMPTY_LABEL = "(tidak diisi)"
DEFAULT_BY = "kecamatan"
MAX_VALUES = 50  # per dimension in one query string
MAX_VALUE_LENGTH = 200
# Groups drawn in a by-group chart; the table below it lists them all.
CHART_GROUPS = 15
HARDEST_PER_COURSE = 5


class FilterError(ValueError):
    """A filter value the dashboard cannot use; the message (Indonesian) is safe to show."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Query:
    """One view of the dashboard: its filters and the dimension groups are shown by."""

    filters: reports.Filters = field(default_factory=reports.Filters)
    by: str = DEFAULT_BY

    def params(self, **change) -> list[tuple[str, str]]:
        """The query string pairs of this view (with `change` applied), for links and forms."""
        query = replace(self, **change) if change else self
        pairs = [(name, v) for name in DIMENSIONS for v in getattr(query.filters, name)]
        if query.filters.since:
            pairs.append(("since", query.filters.since.isoformat()))
        if query.filters.until:
            pairs.append(("until", query.filters.until.isoformat()))
        pairs.append(("by", query.by))
        return pairs

    def url(self, base: str, **change) -> str:
        return f"{base}?{urlencode(self.params(**change))}"


def value_label(dimension: str, value, titles: Mapping[str, str] | None = None) -> str:
    """How a group's value reads on the page: gender letters spelt out, course titles."""
    if value is None or (isinstance(value, float) and pd.isna(value)) or value == "":
        return EMPTY_LABEL
    text = str(value)
    if dimension == "gender":
        return GENDERS.get(text, text)
    if dimension == "course" and titles:
        return titles.get(text, text)
    return text


def _date(raw: str, which: str) -> date:
    try:
        if len(raw) != 10:
            raise ValueError
        return date.fromisoformat(raw)
    except ValueError:
        raise FilterError(
            f"Tanggal {which} “{raw[:40]}” tidak bisa dibaca. Tulis seperti 2026-01-31."
        ) from None


def parse_query(args: Mapping[str, Sequence[str]], options: Mapping[str, Sequence[str]]) -> Query:
    """The view a query string asks for. Values must be among `options` (what the data holds);
    anything else raises FilterError with a message for the official. Empty values mean "all"."""
    chosen: dict[str, tuple[str, ...]] = {}
    for name in DIMENSIONS:
        values = [v.strip() for v in args.get(name, ()) if v.strip()]
        if len(values) > MAX_VALUES:
            raise FilterError(f"Terlalu banyak pilihan {LABELS[name].lower()} sekaligus.")
        known = set(options.get(name, ()))
        for value in values:
            if len(value) > MAX_VALUE_LENGTH or value not in known:
                raise FilterError(
                    f"{LABELS[name]} “{value[:60]}” tidak ada dalam data. Pilih dari daftar."
                )
        chosen[name] = tuple(dict.fromkeys(values))
    dates = {}
    for name, which in (("since", "awal"), ("until", "akhir")):
        raw = next((v.strip() for v in reversed(args.get(name, ())) if v.strip()), "")
        dates[name] = _date(raw, which) if raw else None
    if dates["since"] and dates["until"] and dates["since"] > dates["until"]:
        raise FilterError("Tanggal awal jatuh sesudah tanggal akhir. Tukar keduanya.")
    by = next((v for v in reversed(args.get("by", ())) if v), DEFAULT_BY)
    if by not in DIMENSIONS:
        raise FilterError("Rincian yang diminta tidak dikenal. Pilih dari daftar.")
    return Query(reports.Filters(**chosen, **dates), by)


def describe(query: Query, titles: Mapping[str, str]) -> str:
    """The filters in words ("Kecamatan: A, B; sejak 2026-01-01"), for the page and exports."""
    parts = []
    for name in DIMENSIONS:
        values = getattr(query.filters, name)
        if values:
            shown = ", ".join(value_label(name, v, titles) for v in values)
            parts.append(f"{LABELS[name]}: {shown}")
    since, until = query.filters.since, query.filters.until
    if since and until:
        parts.append(f"{since.isoformat()} s.d. {until.isoformat()}")
    elif since:
        parts.append(f"sejak {since.isoformat()}")
    elif until:
        parts.append(f"sampai {until.isoformat()}")
    return "; ".join(parts) or "Semua peserta"


def options_of(facts: pd.DataFrame) -> dict[str, list[str]]:
    """The values each filter offers: what the data holds (blank values are not offered)."""
    out = {}
    for name in DIMENSIONS:
        if name not in facts.columns:
            out[name] = []
            continue
        values = facts[name].dropna().astype(str).unique().tolist()
        out[name] = sorted(v for v in values if v != "")
    return out


def course_titles(facts: pd.DataFrame) -> dict[str, str]:
    if facts.empty or "course_title" not in facts.columns:
        return {}
    pairs = facts[["course", "course_title"]].drop_duplicates("course")
    return dict(zip(pairs["course"], pairs["course_title"], strict=True))


@dataclass
class GroupRow:
    label: str
    enrolled: float | None
    started: float | None
    finished: float | None
    certified: float | None
    completion_rate: float | None
    average_score: float | None
    region_code: str = ""
    suppressed: bool = False


@dataclass
class View:
    """Everything one dashboard page shows."""

    query: Query
    description: str
    funnel: dict
    groups: list[GroupRow]
    weeks: pd.DataFrame
    hardest: list[tuple[str, pd.DataFrame]]
    titles: dict[str, str]
    suppressed: bool


def _num(value):
    return None if value is None or pd.isna(value) else value


def group_rows(table: pd.DataFrame, by: str, titles: Mapping[str, str]) -> list[GroupRow]:
    """`reports.completion` rows as labelled groups, largest first (suppressed ones last)."""
    rows = []
    for record in table.to_dict("records"):
        code = record.get(f"{by}_code") or ""
        rows.append(
            GroupRow(
                label=value_label(by, record.get(by), titles),
                enrolled=_num(record.get("enrolled")),
                started=_num(record.get("started")),
                finished=_num(record.get("finished")),
                certified=_num(record.get("certified")),
                completion_rate=_num(record.get("completion_rate")),
                average_score=_num(record.get("average_score")),
                region_code="" if code is None or pd.isna(code) else str(code),
                suppressed=bool(record.get("suppressed")) or _num(record.get("enrolled")) is None,
            )
        )
    rows.sort(key=lambda r: (r.suppressed, -(r.enrolled or 0), r.label))
    return rows


def build_view(engine: Engine, facts: pd.DataFrame, derived: dict, query: Query) -> View:
    """The figures of one dashboard view, all through `reports` (suppression included)."""
    if "titles" not in derived:
        derived["titles"] = course_titles(facts)
    titles = derived["titles"]
    filters = query.filters
    funnel = reports.funnel(facts, filters)
    shown = funnel["enrolled"] is not None  # weekly and hardest questions need not ask again
    groups = group_rows(reports.completion(facts, [query.by], filters), query.by, titles)
    weeks = reports.weekly(facts, filters, shown=shown)
    courses = list(filters.course) or sorted(titles, key=lambda c: titles[c])
    hardest = []
    for course in courses:
        key = ("hardest", course, query.filters)
        if key not in derived:
            # Each learner's answer counts are read once per facts; a filter then only picks
            # learners from them.
            if ("answers", course) not in derived:
                derived[("answers", course)] = reports.answer_counts(engine, course)
            table = reports.hardest_questions(
                engine,
                course,
                filters,
                facts=facts,
                answers=derived[("answers", course)],
                shown=shown,
            )
            derived[key] = table.head(HARDEST_PER_COURSE) if table is not None else None
        if derived[key] is not None and not derived[key].empty:
            hardest.append((titles.get(course, course), derived[key]))
    suppressed = any(_num(v) is None for v in funnel.values()) or any(r.suppressed for r in groups)
    return View(query, describe(query, titles), funnel, groups, weeks, hardest, titles, suppressed)


def prepare_facts(engine: Engine, facts: pd.DataFrame, derived: dict) -> None:
    """What every page needs from a new version of the facts, computed by the background
    reload before the facts are shown: filter choices, course titles, each course's answer
    counts (the hardest questions) and the unfiltered view. So the first page after a reload
    is as fast as any later one. What the loader already computed (`load_in_subprocess`) is
    kept."""
    if "options" not in derived:
        derived["options"] = options_of(facts)
    if "titles" not in derived:
        derived["titles"] = course_titles(facts)
    for course in derived["titles"]:
        if ("answers", course) not in derived:
            derived[("answers", course)] = reports.answer_counts(engine, course)
    derived[("view", Query())] = build_view(engine, facts, derived, Query())


MONTHS_SHORT = "Jan Feb Mar Apr Mei Jun Jul Agu Sep Okt Nov Des".split()


def data_time(moment: datetime, zone: ZoneInfo) -> str:
    """When figures were taken, as officials read it: "23 Nov 2026 18.05 WIB"."""
    local = moment.astimezone(zone)
    name = {"Asia/Jakarta": "WIB", "Asia/Makassar": "WITA", "Asia/Jayapura": "WIT"}
    return (
        f"{local.day} {MONTHS_SHORT[local.month - 1]} {local.year} "
        f"{local:%H.%M} {name.get(zone.key, local.tzname() or zone.key)}"
    )

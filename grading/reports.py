"""Completion reports for officials: learner-course facts, aggregates, and small-group suppression.

`load_facts` reads NaikKelas's tables and nbgrader's gradebook (same database) into one pandas
frame, one row per (learner, course released to the learner's cohort). `completion`, `funnel`,
`weekly` and `hardest_questions` aggregate it; what they return is safe to show an official:

- **Primary suppression.** A group of fewer than `MIN_GROUP` learners shows no figures (None).
  An average score needs `MIN_GROUP` learners with a score.
- **Filters cannot be subtracted.** A filtered figure minus the unfiltered one (or two filters that
  differ by one value) would reveal the learners the filter left out. So a group is suppressed when
  any piece of it — split by each selected filter value and by "everything the filter leaves out" —
  holds 1 to 4 learners (see `_small_pieces`).
- **Complementary suppression.** Totals are always available (`funnel`, or a coarser region), so a
  lone suppressed group in a line (same values of the other grouping fields, same parent region)
  could be recovered by subtraction; the next smallest group of that line is suppressed too,
  repeated until no line has exactly one suppressed group.
"""

from __future__ import annotations

import weakref
from collections.abc import Sequence
from dataclasses import dataclass, fields, replace
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
from sqlalchemy import and_, case, func, or_, select, union
from sqlalchemy.engine import Engine

from naikkelas.hub.accounts import Role, accounts_table
from naikkelas.hub.profiles import profiles_table

from .certificates import certificates_table
from .gradebook import SEPARATOR
from .progress import events_table, state_table
from .submissions import GRADED, submissions_table

DIMENSIONS = ("kota", "kecamatan", "kelurahan", "sector", "gender", "age_group", "cohort", "course")
MIN_GROUP = 5
TIMEZONE = "Asia/Jakarta"
# A region is named by its code where the roster gave one: names repeat across kecamatan.
REGION_CODE_LENGTH = {"kota": 5, "kecamatan": 8, "kelurahan": 13}  # 64.72 / 64.72.01 / …1001
REGION_PARENT = {"kelurahan": "kecamatan", "kecamatan": "kota"}
COUNTS = ("enrolled", "started", "finished", "certified")
FACT_COLUMNS = [
    "username", "cohort", "kota", "kecamatan", "kelurahan", "region_code", "sector",
    "gender", "age_group", "course", "course_title", "lessons", "enrolled_at", "started",
    "started_at", "finished", "finished_at", "certified", "certified_at", "score",
]  # fmt: skip


class ReportError(ValueError):
    """Bad report input (unknown field, bad date range); the message is one English line."""


@dataclass(frozen=True)
class Filters:
    kota: tuple[str, ...] = ()
    kecamatan: tuple[str, ...] = ()
    kelurahan: tuple[str, ...] = ()
    sector: tuple[str, ...] = ()
    gender: tuple[str, ...] = ()
    age_group: tuple[str, ...] = ()
    cohort: tuple[str, ...] = ()
    course: tuple[str, ...] = ()
    since: date | None = None  # activity/enrolment range, inclusive, Asia/Jakarta dates
    until: date | None = None

    def active(self) -> dict[str, tuple[str, ...]]:
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name in DIMENSIONS}


# -- loading ----------------------------------------------------------------------------------
def _local_date(series: pd.Series) -> pd.Series:
    """UTC timestamps (naive from SQLite, aware from PostgreSQL) as Asia/Jakarta dates."""
    stamps = pd.to_datetime(series, utc=True)
    return stamps.dt.tz_convert(TIMEZONE).dt.normalize().dt.tz_localize(None)


def _read(engine: Engine, query) -> pd.DataFrame:
    with engine.connect() as conn:
        result = conn.execute(query)
        keys = list(result.keys())
        columns = list(zip(*result.fetchall(), strict=True)) or [()] * len(keys)
    return pd.DataFrame({key: list(values) for key, values in zip(keys, columns, strict=True)})


def released_courses(engine: Engine, released_root: Path | None) -> pd.DataFrame:
    """cohort, course, course_title, lesson: what is released to which cohort. Without
    `released_root`, every course in nbgrader's gradebook counts as released to every cohort
    (cohort "*")."""
    rows = []
    if released_root is not None and Path(released_root).is_dir():
        from .courses import COURSE_FILE, CourseError, read_course

        read: dict[Path, object] = {}  # cohorts may share one released copy (linked)
        for cohort_dir in sorted(Path(released_root).iterdir()):
            if not cohort_dir.is_dir() or cohort_dir.name.startswith("."):
                continue
            for folder in sorted(cohort_dir.iterdir()):
                if folder.name.startswith(".") or not (folder / COURSE_FILE).is_file():
                    continue
                real = folder.resolve()
                if real not in read:
                    try:
                        read[real] = read_course(folder)
                    except CourseError:
                        read[real] = None
                course = read[real]
                if course is None:
                    continue
                rows += [
                    (cohort_dir.name, folder.name, course.title, lesson.slug)
                    for lesson in course.lessons
                ]
    else:
        from nbgrader.api import Assignment

        for (name,) in _read(engine, select(Assignment.name)).itertuples(index=False):
            course, _, lesson = name.partition(SEPARATOR)
            if lesson:
                rows.append(("*", course, course, lesson))
    return pd.DataFrame(rows, columns=["cohort", "course", "course_title", "lesson"])


def _per_course(engine: Engine, lessons: pd.DataFrame) -> pd.DataFrame:
    """username, course, lessons_done, finished_at, score, first_touch: each learner's released
    lessons of a course, aggregated in the database (one row per learner and course read, not
    one per lesson). A lesson is done by the course home's rule (its state says finished, or it
    was submitted without a state); its score is the gradebook's, else the best graded attempt;
    first_touch is the earliest lesson state."""
    from nbgrader.api import Assignment, Grade, GradeCell, SubmittedAssignment, SubmittedNotebook

    columns = ["username", "course", "lessons_done", "finished_at", "score", "first_touch"]
    if lessons.empty:
        return pd.DataFrame(columns=columns)
    s, t = state_table, submissions_table
    released = [(course, lesson) for course, lesson in lessons.itertuples(index=False)]

    def is_released(table):
        return or_(*(and_(table.c.course == c, table.c.lesson == x) for c, x in released))

    keys = union(
        select(s.c.username, s.c.course, s.c.lesson).where(is_released(s)),
        select(t.c.username, t.c.course, t.c.lesson).where(is_released(t)),
    ).subquery("k")
    subs = (
        select(
            t.c.username,
            t.c.course,
            t.c.lesson,
            func.min(t.c.submitted_at).label("submitted_at"),
            func.max(case((t.c.status == GRADED, t.c.score))).label("best"),
            func.max(case((t.c.status == GRADED, t.c.max_score))).label("best_max"),
        )
        .group_by(t.c.username, t.c.course, t.c.lesson)
        .subquery("b")
    )
    grades = (
        select(
            SubmittedAssignment.student_id.label("username"),
            Assignment.name.label("assignment"),
            func.sum(Grade.score).label("score"),
            func.sum(GradeCell.max_score).label("max_score"),
        )
        .select_from(Grade)
        .join(GradeCell, GradeCell.id == Grade.cell_id)
        .join(SubmittedNotebook, SubmittedNotebook.id == Grade.notebook_id)
        .join(SubmittedAssignment, SubmittedAssignment.id == SubmittedNotebook.assignment_id)
        .join(Assignment, Assignment.id == SubmittedAssignment.assignment_id)
        .group_by(SubmittedAssignment.student_id, Assignment.name)
        .subquery("g")
    )

    def percent(score, max_score):
        return case((max_score > 0, 100.0 * score / max_score))

    no_state = s.c.updated_at.is_(None)
    done = or_(s.c.finished.is_(True), and_(no_state, subs.c.submitted_at.is_not(None)))
    score = func.coalesce(
        percent(grades.c.score, grades.c.max_score), percent(subs.c.best, subs.c.best_max)
    )
    query = (
        select(
            keys.c.username,
            keys.c.course,
            func.sum(case((done, 1), else_=0)).label("lessons_done"),
            func.max(case((done, func.coalesce(subs.c.submitted_at, s.c.updated_at)))).label(
                "finished_at"
            ),
            func.avg(score).label("score"),
            func.min(s.c.updated_at).label("first_touch"),
        )
        .select_from(
            keys.outerjoin(
                s,
                and_(
                    s.c.username == keys.c.username,
                    s.c.course == keys.c.course,
                    s.c.lesson == keys.c.lesson,
                ),
            )
            .outerjoin(
                subs,
                and_(
                    subs.c.username == keys.c.username,
                    subs.c.course == keys.c.course,
                    subs.c.lesson == keys.c.lesson,
                ),
            )
            .outerjoin(
                grades,
                and_(
                    grades.c.username == keys.c.username,
                    grades.c.assignment == keys.c.course + SEPARATOR + keys.c.lesson,
                ),
            )
        )
        .group_by(keys.c.username, keys.c.course)
    )
    frame = _read(engine, query)
    if frame.empty:
        return pd.DataFrame(columns=columns)
    for name in ("finished_at", "first_touch"):  # text from SQLite, timestamps from PostgreSQL
        frame[name] = pd.to_datetime(frame[name], utc=True, format="ISO8601")
    frame["score"] = frame["score"].astype(float)
    return frame[columns]


def load_facts(engine: Engine, released_root: Path | None = None) -> pd.DataFrame:
    """One row per (learner, course released to their cohort); see the module and
    docs/reports.md for the columns. Pass `released_root` (`Settings.released_path`) so only
    courses released to each cohort count; without it every course of the gradebook does."""
    from .gradebook import ensure_gradebook

    ensure_gradebook(engine.url.render_as_string(hide_password=False))
    a, p = accounts_table, profiles_table
    learners = _read(
        engine,
        select(
            a.c.username,
            a.c.cohort,
            a.c.created_at.label("enrolled_at"),
            *(
                func.coalesce(p.c[name], "").label(name)
                for name in ("kota", "kecamatan", "kelurahan", "region_code", "sector")
            ),
            func.coalesce(p.c.gender, "").label("gender"),
            func.coalesce(p.c.age_group, "").label("age_group"),
        )
        .select_from(a.outerjoin(p, p.c.username == a.c.username))
        .where(a.c.role == Role.LEARNER.value),
    )
    released = released_courses(engine, released_root)
    if released.empty:  # nothing released yet: no learner-course rows
        return pd.DataFrame(columns=FACT_COLUMNS)
    lessons = released[["course", "lesson"]].drop_duplicates()
    by_course = _per_course(engine, lessons)
    e = events_table
    first = _read(
        engine,
        select(e.c.username, e.c.course, func.min(e.c.created_at).label("started_at")).group_by(
            e.c.username, e.c.course
        ),
    )
    c = certificates_table
    certs = _read(
        engine,
        select(c.c.username, c.c.course, func.min(c.c.issued_at).label("certified_at"))
        .where(c.c.revoked_at.is_(None))
        .group_by(c.c.username, c.c.course),
    )
    titles = released.groupby(["cohort", "course"]).agg(
        course_title=("course_title", "first"), lessons=("lesson", "nunique")
    )
    titles = titles.reset_index()
    if (released["cohort"] == "*").any():
        facts = learners.merge(titles.drop(columns="cohort"), how="cross")
    else:
        facts = learners.merge(titles, on="cohort")
    facts = facts.merge(by_course, on=["username", "course"], how="left")
    facts = facts.merge(first, on=["username", "course"], how="left")
    facts = facts.merge(certs, on=["username", "course"], how="left")
    started_at = pd.to_datetime(facts["started_at"], utc=True)
    facts["started_at"] = started_at.fillna(pd.to_datetime(facts["first_touch"], utc=True))
    facts["started"] = facts["started_at"].notna() | (facts["lessons_done"].fillna(0) > 0)
    facts["finished"] = facts["lessons_done"].fillna(0).astype(int) >= facts["lessons"]
    facts["finished_at"] = pd.to_datetime(facts["finished_at"], utc=True).where(facts["finished"])
    facts["certified_at"] = pd.to_datetime(facts["certified_at"], utc=True)
    facts["certified"] = facts["certified_at"].notna()
    facts["enrolled_at"] = pd.to_datetime(facts["enrolled_at"], utc=True)
    facts["score"] = facts["score"].astype(float)
    facts["lessons"] = facts["lessons"].astype(int)
    return facts[FACT_COLUMNS].sort_values(["username", "course"], ignore_index=True)


# -- filtering --------------------------------------------------------------------------------
def _dimension_values(facts: pd.DataFrame, dimension: str) -> pd.Series:
    """The values a dimension groups by: regions by their code prefix where there is one."""
    if dimension in REGION_CODE_LENGTH:
        code = facts["region_code"].str.slice(0, REGION_CODE_LENGTH[dimension])
        full = facts["region_code"].str.len() >= REGION_CODE_LENGTH[dimension]
        return (code + "|" + facts[dimension]).where(full, "|" + facts[dimension])
    return facts[dimension]


class _Prepared:
    """What every aggregate of one facts frame needs, computed once per frame: integer codes
    for learners and for each dimension (grouping and filtering compare integers, not text),
    local dates, and the rows each filter selects. Facts are not changed after loading; a frame
    is recognised by identity (and forgotten with it)."""

    MAX_SELECTIONS = 8  # a dated filter keeps a copy of the facts

    def __init__(self, facts: pd.DataFrame):
        self.facts = weakref.ref(facts)
        self.uid, self.learners = pd.factorize(facts["username"])
        self._learner_codes: dict[int, tuple[weakref.ref, np.ndarray]] = {}
        self._groups: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self._values: dict[str, tuple[np.ndarray, pd.Index]] = {}
        self._dates: dict[str, pd.Series] | None = None
        self._selections: dict[Filters, tuple] = {}

    def _frame(self) -> pd.DataFrame:
        facts = self.facts()
        assert facts is not None
        return facts

    def groups(self, dimension: str) -> tuple[np.ndarray, np.ndarray]:
        """(codes, values): the grouping values of a dimension, codes in sorted value order."""
        if dimension not in self._groups:
            codes, uniques = pd.factorize(
                _dimension_values(self._frame(), dimension), sort=True, use_na_sentinel=False
            )
            self._groups[dimension] = (codes, np.asarray(uniques, dtype=object))
        return self._groups[dimension]

    def values(self, dimension: str) -> tuple[np.ndarray, pd.Index]:
        """(codes, values) of the raw column a filter compares with."""
        if dimension not in self._values:
            codes, uniques = pd.factorize(self._frame()[dimension], use_na_sentinel=False)
            self._values[dimension] = (codes, pd.Index(uniques))
        return self._values[dimension]

    def learner_codes(self, frame: pd.DataFrame) -> np.ndarray:
        """The learner code of each row of `frame` (by its username; -1 when not a learner of
        these facts), kept while `frame` lives (the dashboard keeps answer counts)."""
        key = id(frame)
        hit = self._learner_codes.get(key)
        if hit is None or hit[0]() is not frame:
            codes = pd.Index(self.learners).get_indexer(frame["username"])
            hit = self._learner_codes[key] = (weakref.ref(frame), codes)
            weakref.finalize(frame, self._learner_codes.pop, key, None)
        return hit[1]

    def dates(self) -> dict[str, pd.Series]:
        if self._dates is None:
            facts = self._frame()
            self._dates = {n: _local_date(facts[f"{n}_at"]) for n in ("enrolled", *COUNTS[1:])}
        return self._dates

    def selection(self, filters: Filters) -> tuple[np.ndarray, pd.DataFrame, dict]:
        """(chosen rows, the facts as at the end of the period, {filter: bucket codes}) — a
        bucket code is the row's value code when selected, else -1 (everything left out)."""
        try:
            hit = self._selections.get(filters)
        except TypeError:  # filter values given as lists: fine, but not kept
            listed = {name: tuple(values) for name, values in filters.active().items()}
            hit, filters = None, replace(filters, **listed)
        if hit is not None:
            return hit
        facts = self._frame()
        inside, period_facts = _period(facts, filters, self)
        buckets = {}
        chosen = inside.to_numpy(dtype=bool, copy=True)
        for name, wanted in filters.active().items():
            if wanted:
                codes, uniques = self.values(name)
                picked = np.flatnonzero(uniques.isin(wanted))
                selected = np.isin(codes, picked)
                buckets[name] = np.where(selected, codes, -1)
                chosen &= selected
        if not inside.all():
            buckets["_period"] = inside.to_numpy(dtype=np.int64)
        if len(self._selections) >= self.MAX_SELECTIONS:
            self._selections.clear()
        hit = self._selections[filters] = (chosen, period_facts, buckets)
        return hit


_PREPARED: dict[int, _Prepared] = {}


def _prepared(facts: pd.DataFrame) -> _Prepared:
    key = id(facts)
    prepared = _PREPARED.get(key)
    if prepared is None or prepared.facts() is not facts:
        prepared = _PREPARED[key] = _Prepared(facts)
        weakref.finalize(facts, _PREPARED.pop, key, None)
    return prepared


def _period(
    facts: pd.DataFrame, filters: Filters, prepared: _Prepared | None = None
) -> tuple[pd.Series, pd.DataFrame]:
    """(rows in the period, the facts as they stood at its end).

    A row is in the period when the learner was enrolled by its end and was enrolled, started,
    finished or was certified within it; counts are as at the end of the period."""
    if filters.since is None and filters.until is None:
        return pd.Series(True, index=facts.index), facts
    since = pd.Timestamp(filters.since or date.min)
    until = pd.Timestamp(filters.until or date.max)
    if prepared is not None:
        dates = prepared.dates()
    else:
        dates = {name: _local_date(facts[f"{name}_at"]) for name in ("enrolled", *COUNTS[1:])}
    within = pd.Series(False, index=facts.index)
    for when in dates.values():
        within |= (when >= since) & (when <= until)
    inside = within & (dates["enrolled"] <= until)
    facts = facts.copy()
    for name in COUNTS[1:]:
        facts[name] = facts[name] & (dates[name] <= until)
    return inside, facts


def chosen_rows(facts: pd.DataFrame, filters: Filters) -> tuple[np.ndarray, pd.DataFrame]:
    """(the rows the filters choose, as a boolean array; the facts as at the end of the
    period). Computed once per facts and filters and shared by every aggregate."""
    chosen, period_facts, _ = _prepared(facts).selection(filters)
    return chosen, period_facts


def check_filters(filters: Filters) -> None:
    if filters.since and filters.until and filters.since > filters.until:
        raise ReportError(f"--since {filters.since} is after --until {filters.until}")


# -- aggregation with suppression ---------------------------------------------------------------
def _small_pieces(uid: np.ndarray, keys: pd.DataFrame, buckets: dict[str, np.ndarray]) -> set:
    """Groups (by `keys`, as codes) one of whose pieces — split by every filter bucket — has 1
    to 4 learners: such a piece could be recovered by subtracting two shown figures."""
    if not buckets:
        return set()
    # Bucket columns renamed: a view may group by the very field it filters on.
    parts = keys.copy()
    for name, bucket in buckets.items():
        parts[f"_bucket_{name}"] = bucket
    columns = list(parts.columns)
    parts["_uid"] = uid
    counts = parts.drop_duplicates().groupby(columns, sort=False).size()
    small = counts[counts < MIN_GROUP]
    width = keys.shape[1]
    return {tuple(key[:width]) if isinstance(key, tuple) else () for key in small.index}


def _complement(table: pd.DataFrame, by: list[str]) -> None:
    """Complementary suppression in place: no line holds exactly one suppressed group."""
    if table.empty:
        return
    lines = []
    for dimension in by:
        others = [d for d in by if d != dimension]
        parent = REGION_PARENT.get(dimension)
        if parent and parent not in by:
            others = [*others, f"_parent_{dimension}"]
        lines.append(others)
    while True:
        changed = False
        for others in lines:
            hidden = table["_suppressed"]
            if others:
                line_of = table.groupby(others, sort=False, dropna=False).ngroup()
            else:
                line_of = pd.Series(0, index=table.index)
            per_line = hidden.groupby(line_of).agg(["sum", "size"])
            lone = per_line.index[(per_line["sum"] == 1) & (per_line["size"] > 1)]
            if len(lone) == 0:
                continue
            # In each such line, the smallest shown group (the first of equals) goes too.
            shown = table[line_of.isin(lone) & ~hidden]
            smallest = shown.groupby(line_of[shown.index], sort=False)["_learners"].idxmin()
            table.loc[smallest.to_numpy(), "_suppressed"] = True
            changed = True
        if not changed:
            return


def _aggregate(facts: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    grouped = facts.groupby(keys, dropna=False, sort=True) if keys else None
    if grouped is None:
        one = facts.assign(_all=0).groupby("_all")
        grouped = one
    table = grouped.agg(
        _learners=("_uid", "nunique"),
        enrolled=("_uid", "size"),
        started=("started", "sum"),
        finished=("finished", "sum"),
        certified=("certified", "sum"),
        _scored=("score", "count"),
        average_score=("score", "mean"),
    )
    return table.reset_index(drop=not keys)


def completion(
    facts: pd.DataFrame, by: Sequence[str] = (), filters: Filters = Filters()
) -> pd.DataFrame:
    """Aggregates by `by` (subset of DIMENSIONS; empty = one overall row), suppressed.

    Columns: the `by` fields (regions with `<region>_code`), enrolled, started, finished,
    certified (learner-course counts), completion_rate (finished/enrolled, 0-1), average_score
    (0-100). Suppressed figures are None/NaN; `suppressed` says which rows."""
    by = list(dict.fromkeys(by))
    unknown = [name for name in by if name not in DIMENSIONS]
    if unknown:
        raise ReportError(f"unknown field {unknown[0]!r}; choose from {', '.join(DIMENSIONS)}")
    check_filters(filters)
    prepared = _prepared(facts)
    chosen, period_facts, buckets = prepared.selection(filters)
    # Grouping by integer codes (in the sorted order of the values): the same groups, in the
    # same order, as grouping by the values themselves.
    keys = pd.DataFrame(index=facts.index)
    decode = {}
    for name in by:
        keys[name], decode[name] = prepared.groups(name)
        parent = REGION_PARENT.get(name)
        if parent and parent not in by:
            keys[f"_parent_{name}"], decode[f"_parent_{name}"] = prepared.groups(parent)
    small = _small_pieces(prepared.uid, keys, buckets)
    rows = keys.copy()
    rows["_uid"] = prepared.uid
    for name in (*COUNTS[1:], "score"):
        rows[name] = period_facts[name].to_numpy()
    table = _aggregate(rows[chosen], list(keys.columns))
    group_keys = list(keys.columns)
    if not group_keys and table.empty:  # nobody at all: zeros are safe to show
        table = pd.DataFrame([{"_learners": MIN_GROUP, **dict.fromkeys(COUNTS, 0), "_scored": 0}])
        table["average_score"] = np.nan
    flagged = np.array(
        [tuple(row) in small for row in table[group_keys].itertuples(index=False, name=None)],
        dtype=bool,
    )
    table["_suppressed"] = (table["_learners"] < MIN_GROUP) | flagged
    for name in group_keys:
        table[name] = decode[name][table[name].to_numpy(dtype=np.int64)]
    if group_keys:
        _complement(table, by)
    return _present(table, by)


def _present(table: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    out = pd.DataFrame(index=table.index)
    for name in by:
        values = table[name].astype(str)
        if name in REGION_CODE_LENGTH and values.empty:  # nobody in the filtered view
            out[name], out[f"{name}_code"] = values, values
        elif name in REGION_CODE_LENGTH:
            code, _, label = values.str.partition("|").iloc[:, [0, 1, 2]].T.values
            out[name], out[f"{name}_code"] = label, code
        else:
            out[name] = values
    hidden = table["_suppressed"].to_numpy()
    for name in COUNTS:
        values = [None if gone else int(v) for v, gone in zip(table[name], hidden, strict=True)]
        out[name] = pd.Series(values, index=table.index, dtype=object)
    enrolled = table["enrolled"].astype(float)
    rate = (table["finished"].astype(float) / enrolled.where(enrolled > 0)).round(4)
    out["completion_rate"] = rate.where(~hidden)
    score_ok = ~hidden & (table["_scored"] >= MIN_GROUP)
    out["average_score"] = table["average_score"].astype(float).round(1).where(score_ok)
    out["suppressed"] = hidden
    return out.reset_index(drop=True)


def funnel(facts: pd.DataFrame, filters: Filters = Filters()) -> dict:
    """{"enrolled", "started", "finished", "certified"}: learner-course counts, None when
    suppressed."""
    row = completion(facts, [], filters).iloc[0]
    return {name: row[name] for name in COUNTS}


def weekly(
    facts: pd.DataFrame, filters: Filters = Filters(), *, shown: bool | None = None
) -> pd.DataFrame:
    """week (Monday, Asia/Jakarta), started_new, finished_new, started, finished (cumulative).
    Empty when the filtered population is suppressed (`shown`: whether `funnel` shows it, when
    the caller already knows)."""
    columns = ["week", "started_new", "finished_new", "started", "finished"]
    if shown is None:
        shown = funnel(facts, filters)["enrolled"] is not None
    if not shown:
        return pd.DataFrame(columns=columns)
    chosen, period_facts = chosen_rows(facts, filters)
    dates = _prepared(facts).dates()
    series = {}
    for name in ("started", "finished"):
        days = dates[name][chosen & period_facts[name].to_numpy(dtype=bool)].dropna()
        weeks = days - pd.to_timedelta(days.dt.day_of_week, unit="D")
        series[f"{name}_new"] = weeks.value_counts()
    table = pd.DataFrame(series).fillna(0).astype(int).sort_index()
    if table.empty:
        return pd.DataFrame(columns=columns)
    full = pd.date_range(table.index.min(), table.index.max(), freq="7D")
    table = table.reindex(full, fill_value=0)
    for name in ("started", "finished"):
        table[name] = table[f"{name}_new"].cumsum()
    table.index.name = "week"
    out = table.reset_index()
    out["week"] = out["week"].dt.date
    return out[columns]


def answer_counts(engine: Engine, course: str) -> pd.DataFrame:
    """username, lesson, question, attempts, wrong: each learner's answers to each question of
    a course, counted in the database (read once per facts version; filters apply after)."""
    e = events_table
    return _read(
        engine,
        select(
            e.c.username,
            e.c.lesson,
            e.c.question,
            func.count().label("attempts"),
            func.sum(case((e.c.correct.is_(False), 1), else_=0)).label("wrong"),
        )
        .where(e.c.course == course, e.c.kind == "answer", e.c.question.is_not(None))
        .group_by(e.c.username, e.c.lesson, e.c.question),
    )


def hardest_questions(
    engine: Engine,
    course: str,
    filters: Filters = Filters(),
    facts: pd.DataFrame | None = None,
    *,
    answers: pd.DataFrame | None = None,
    shown: bool | None = None,
) -> pd.DataFrame:
    """course, lesson, question, attempts, learners, wrong_rate (wrong answers / answers), the
    hardest first; questions answered by fewer than MIN_GROUP learners are left out. Filters on
    learners' groups use `facts` (from `load_facts`; loaded here when not given). `answers`:
    `answer_counts(engine, course)` when the caller keeps it; `shown`: whether `funnel` shows
    the filtered population, when the caller already knows."""
    if answers is None:
        answers = answer_counts(engine, course)
    columns = ["course", "lesson", "question", "attempts", "learners", "wrong_rate"]
    if facts is None and (any(filters.active().values()) or filters.since or filters.until):
        facts = load_facts(engine)
    if facts is not None:
        if shown is None:
            shown = funnel(facts, filters)["enrolled"] is not None
        if not shown:
            return pd.DataFrame(columns=columns)
        chosen, _ = chosen_rows(facts, filters)
        # Only the chosen learners' answers (never a trainer's, nor a course not released),
        # picked by learner code: answers of learners not in the facts have code -1.
        prepared = _prepared(facts)
        picked = np.zeros(len(prepared.learners) + 1, dtype=bool)
        picked[prepared.uid[chosen]] = True
        learner = prepared.learner_codes(answers)
        answers = answers.assign(username=learner)[picked[learner]]
    table = answers.groupby(["lesson", "question"]).agg(
        attempts=("attempts", "sum"), learners=("username", "nunique"), wrong=("wrong", "sum")
    )
    table = table[table["learners"] >= MIN_GROUP].reset_index()
    table["wrong_rate"] = (table["wrong"] / table["attempts"]).round(4)
    table["course"] = course
    table = table.sort_values(["wrong_rate", "learners"], ascending=[False, False])
    return table[columns].reset_index(drop=True)

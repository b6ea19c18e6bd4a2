"""Enrolling learners from a city's roster: plan an import, then apply it in one transaction.

`plan_import` reads and checks the file (`roster_read`), matches each row to an existing learner
or a new account, and makes usernames; it writes nothing. `apply_import` hashes the new
learners' PINs (slow, before the transaction) and writes accounts and profiles in one
transaction. A plan with any problem must not be applied: the caller lists the problems.

Matching rule (a re-import updates, never duplicates):
- a row with a username (a `username` / `nama pengguna` column) is that account;
- otherwise a row is the learner *of the same cohort* with the same name and kelurahan (compared
  ignoring case, accents, apostrophes and titles such as "Ibu"/"Hj.") whose birth year and phone
  do not contradict the row's (a value missing on either side does not contradict).
  Two such learners -> the row is ambiguous and refused: add a username column.
Within one file, a row that repeats an earlier one exactly is imported once; a row with the same
name and kelurahan but other details is refused unless a birth year or phone tells them apart.
An update never changes a PIN; a column missing from the file keeps the stored values.
"""

from __future__ import annotations

import secrets
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.engine import Engine

from .accounts import Role, accounts_table, hash_secret, write_account
from .audit import record
from .profiles import PROFILE_FIELDS, age_group, profiles_table
from .roster_read import AGE_FIELDS, LearnerRow, RosterError, RowProblem, fold, read_roster

__all__ = ["RosterError", "RowProblem", "plan_import", "apply_import", "make_username", "new_pin"]

# Titles that are not part of a name (only at the start), and what follows a comma (degrees).
TITLES = {"ibu", "bu", "bapak", "bpk", "pak", "sdr", "sdri", "hj", "h", "dr", "drs", "dra", "ir"}
TITLES |= {"ny", "tn", "nn"}
# Names a generated username never takes (they are roles or look official).
RESERVED_USERNAMES = {"admin", "root", "pelatih", "pejabat", "operator", "hub", "api"}
USERNAME_BASE_MAX = 14
# Digits that read like letters (0/o, 1/l) never appear in a generated suffix.
SUFFIX_DIGITS = set("23456789")
WEAK_PINS = {d * 6 for d in "0123456789"} | {"123456", "654321", "012345", "123123", "112233"}


def name_words(name: str) -> list[str]:
    """The words of a name without leading titles and trailing degrees, folded to a-z/0-9."""
    words = fold(name.split(",")[0]).split()
    while len(words) > 1 and words[0] in TITLES:
        words = words[1:]
    return words


def name_key(name: str) -> str:
    return " ".join(name_words(name))


def username_base(name: str) -> str:
    """Letters of the name, easy to type on a phone: "Siti Nur'aini" -> "sitinuraini"."""
    letters = ["".join(ch for ch in w if "a" <= ch <= "z") for w in name_words(name)]
    letters = [w for w in letters if w]
    base = letters[0][:USERNAME_BASE_MAX] if letters else ""
    for word in letters[1:]:
        if len(base) + len(word) > USERNAME_BASE_MAX:
            break
        base += word
    return base if len(base) >= 3 else "peserta"


def make_username(name: str, taken: set[str]) -> str:
    """A unique username from a name: "sitiaminah", then "sitiaminah2", "sitiaminah3", ...
    (suffixes never contain 0 or 1). Adds the result to `taken`."""
    base = username_base(name)
    candidate, n = base, 1
    while candidate in taken or candidate in RESERVED_USERNAMES:
        n += 1
        while not set(str(n)) <= SUFFIX_DIGITS:
            n += 1
        candidate = f"{base}{n}"
    taken.add(candidate)
    return candidate


def new_pin(length: int = 6) -> str:
    """A random PIN from the OS's secure generator, never a trivially guessable one."""
    while True:
        pin = f"{secrets.randbelow(10**length):0{length}d}"
        if pin not in WEAK_PINS:
            return pin


@dataclass
class Existing:
    username: str
    display_name: str
    cohort: str
    profile: dict | None  # None: an account without a roster profile


@dataclass
class PlannedLearner:
    row: LearnerRow
    username: str
    action: str  # create | update | unchanged
    moved_from: str = ""
    profile: dict = field(default_factory=dict)


@dataclass
class ImportPlan:
    path: Path
    learners: list[PlannedLearner] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def counts(self) -> dict[str, Counter]:
        """Per cohort: how many rows create, update or leave unchanged a learner."""
        result: dict[str, Counter] = defaultdict(Counter)
        for learner in self.learners:
            result[learner.row.cohort][learner.action] += 1
        return dict(sorted(result.items()))

    @property
    def created(self) -> list[PlannedLearner]:
        return [p for p in self.learners if p.action == "create"]


def _compatible(a_year, a_phone, b_year, b_phone) -> bool:
    """Nothing known about two people says they differ (birth year, phone)."""
    if a_year is not None and b_year is not None and a_year != b_year:
        return False
    return not (a_phone and b_phone and a_phone != b_phone)


def _merged_profile(old: dict | None, row: LearnerRow, columns: set[str], today: date) -> dict:
    """The profile after an import: the row's values for the columns the file has, the stored
    values for the others."""
    profile = dict(old or dict.fromkeys(PROFILE_FIELDS, ""))
    if old is None:
        profile["birth_year"] = None
    new = row.profile()
    for key in ("kelurahan", "kecamatan", "kota", "region_code", "sector", "gender", "phone"):
        if key in columns:
            profile[key] = new[key]
    if columns & set(AGE_FIELDS):
        if row.birth_year is not None:
            profile["birth_year"] = row.birth_year
        elif profile.get("birth_year") is not None:
            # Only an age given: keep a stored birth year if it agrees with the new age group.
            stored_group = age_group(today.year - profile["birth_year"])
            if stored_group != row.age_group:
                profile["birth_year"] = None
        profile["age_group"] = row.age_group
    return profile


def _load_existing(engine: Engine, cohorts: set[str], usernames: set[str]):
    """All usernames (any role), learners of `cohorts`, and the accounts named in the file."""
    j = accounts_table.outerjoin(
        profiles_table, profiles_table.c.username == accounts_table.c.username
    )
    columns = [accounts_table.c[k] for k in ("username", "role", "display_name", "cohort")]
    columns += [profiles_table.c[k] for k in PROFILE_FIELDS]
    columns.append(profiles_table.c.created_at)
    by_username: dict[str, tuple[str, Existing]] = {}
    with engine.connect() as conn:
        taken = set(conn.execute(select(accounts_table.c.username)).scalars())
        wanted = accounts_table.c.cohort.in_(sorted(cohorts)) & (
            accounts_table.c.role == Role.LEARNER.value
        )
        if usernames:
            wanted = wanted | accounts_table.c.username.in_(sorted(usernames))
        for r in conn.execute(select(*columns).select_from(j).where(wanted)):
            profile = None
            if r.created_at is not None:
                profile = {k: getattr(r, k) for k in PROFILE_FIELDS}
            by_username[r.username] = (
                r.role,
                Existing(r.username, r.display_name, r.cohort, profile),
            )
    return taken, by_username


def plan_import(
    engine: Engine, path: Path | str, cohort: str | None = None, today: date | None = None
) -> ImportPlan:
    """Read, check and match a roster; writes nothing. Raises `RosterError` for a file that is
    unusable as a whole; row problems are in `plan.problems` (a plan with problems must not be
    applied)."""
    today = today or date.today()
    roster = read_roster(path, cohort=cohort, today=today)
    plan = ImportPlan(path=roster.path, problems=list(roster.problems), notes=list(roster.notes))
    explicit = {r.username for r in roster.rows if r.username}
    taken, existing = _load_existing(engine, {r.cohort for r in roster.rows}, explicit)
    by_key: dict[tuple, list[Existing]] = defaultdict(list)
    for role, e in existing.values():
        if role == Role.LEARNER.value and e.profile is not None:
            by_key[(e.cohort, name_key(e.display_name), fold(e.profile["kelurahan"]))].append(e)
    claimed: dict[str, int] = {}  # username -> row that updates it
    accepted: dict[tuple, list[LearnerRow]] = defaultdict(list)
    matches: list[tuple[LearnerRow, Existing | None]] = []

    def problem(row: LearnerRow, message: str) -> None:
        plan.problems.append(RowProblem(row.row, message))

    for row in roster.rows:
        if row.username:
            if row.username in claimed:
                problem(row, f"username {row.username} is also on row {claimed[row.username]}")
                continue
            role, found = existing.get(row.username, (None, None))
            if role is not None and role != Role.LEARNER.value:
                problem(row, f"username {row.username} belongs to a {role} account, not a learner")
                continue
            if role is None and row.username in RESERVED_USERNAMES:
                problem(row, f"username {row.username} is kept for staff; choose another")
                continue
            claimed[row.username] = row.row
            matches.append((row, found))
            continue
        key = (row.cohort, name_key(row.name), fold(row.kelurahan))
        earlier = [
            a
            for a in accepted[key]
            if _compatible(a.birth_year, a.phone, row.birth_year, row.phone)
        ]
        if earlier:
            first = earlier[0]
            if first.profile() == row.profile() and first.name == row.name:
                plan.notes.append(f"Row {row.row} repeats row {first.row}: imported once.")
            else:
                problem(
                    row,
                    f"same name and kelurahan as row {first.row} but other details: if they are "
                    "two people, give each a birth year or phone; if one, delete a row",
                )
            continue
        accepted[key].append(row)
        candidates = [
            e
            for e in by_key[key]
            if _compatible(e.profile["birth_year"], e.profile["phone"], row.birth_year, row.phone)
        ]
        if len(candidates) > 1:
            names = ", ".join(sorted(e.username for e in candidates))
            problem(row, f"could be any of the learners {names}: add a username column")
            continue
        found = candidates[0] if candidates else None
        if found is not None:
            if found.username in claimed:
                problem(
                    row,
                    f"is learner {found.username}, whom row {claimed[found.username]} "
                    "already updates",
                )
                continue
            claimed[found.username] = row.row
        matches.append((row, found))

    taken |= explicit
    for row, found in matches:
        profile = _merged_profile(found.profile if found else None, row, roster.columns, today)
        if found is None:
            username = row.username or make_username(row.name, taken)
            plan.learners.append(PlannedLearner(row, username, "create", profile=profile))
            continue
        same = (found.profile, found.display_name, found.cohort) == (profile, row.name, row.cohort)
        plan.learners.append(
            PlannedLearner(
                row,
                found.username,
                "unchanged" if same else "update",
                moved_from=found.cohort if found.cohort != row.cohort else "",
                profile=profile,
            )
        )
    plan.problems.sort(key=lambda p: p.row)
    plan.learners.sort(key=lambda p: p.row.row)
    return plan


@dataclass
class ImportResult:
    created: dict[str, str]  # username -> PIN, for the cards of this run only
    counts: dict[str, Counter]


def apply_import(
    engine: Engine,
    plan: ImportPlan,
    *,
    pin_length: int = 6,
    before_commit: Callable[[list[tuple[PlannedLearner, str]]], None] | None = None,
    progress: Callable[[int, int], None] | None = None,
    actor: str = "system",
) -> ImportResult:
    """Write a problem-free plan in one transaction. New learners get random PINs, hashed
    before the transaction starts. `before_commit(new learners with their PINs)` runs inside
    the transaction (it writes the cards); if it raises, nothing is stored."""
    if plan.problems:
        raise RosterError(f"{len(plan.problems)} bad rows: nothing to import")
    creates = plan.created
    pins = {p.username: new_pin(pin_length) for p in creates}
    hashes = {}
    for i, p in enumerate(creates, 1):
        hashes[p.username] = hash_secret(Role.LEARNER, pins[p.username], pin_length)
        if progress:
            progress(i, len(creates))
    now = datetime.now(UTC)
    with engine.begin() as conn:
        if creates:
            clash = conn.execute(
                select(accounts_table.c.username).where(accounts_table.c.username.in_(sorted(pins)))
            ).first()
            if clash:
                raise RosterError(
                    f"account {clash.username} was created while importing; run the import again"
                )
        have_profile = set(
            conn.execute(
                select(profiles_table.c.username).where(
                    profiles_table.c.username.in_([p.username for p in plan.learners])
                )
            ).scalars()
        )
        for p in plan.learners:
            if p.action == "unchanged":
                continue
            write_account(
                conn,
                p.username,
                Role.LEARNER,
                secret_hash=hashes.get(p.username),
                display_name=p.row.name,
                cohort=p.row.cohort,
            )
            if p.username in have_profile:
                conn.execute(
                    profiles_table.update()
                    .where(profiles_table.c.username == p.username)
                    .values(**p.profile, updated_at=now)
                )
            else:
                conn.execute(
                    profiles_table.insert().values(
                        username=p.username, **p.profile, created_at=now, updated_at=now
                    )
                )
        counts = plan.counts()
        record(
            conn,
            actor,
            "roster_import",
            file=plan.path.name,
            cohorts=sorted(counts),
            created=sum(c["create"] for c in counts.values()),
            updated=sum(c["update"] for c in counts.values()),
            unchanged=sum(c["unchanged"] for c in counts.values()),
        )
        if before_commit is not None:
            before_commit([(p, pins[p.username]) for p in creates])
    return ImportResult(created=pins, counts=plan.counts())


def summary_lines(plan: ImportPlan, applied: bool = True) -> list[str]:
    """The import's summary in plain words: notes, then per cohort and in total."""
    lines = list(plan.notes)
    verb = "" if applied else "would be "
    totals: Counter = Counter()
    for cohort, counts in plan.counts().items():
        totals.update(counts)
        lines.append(
            f"cohort {cohort}: {counts['create']} {verb}created, {counts['update']} {verb}"
            f"updated, {counts['unchanged']} unchanged"
        )
    moved = [p for p in plan.learners if p.moved_from]
    for p in moved:
        lines.append(f"{p.username} {verb}moved from cohort {p.moved_from} to {p.row.cohort}.")
    lines.append(
        f"Total: {totals['create']} {verb}created, {totals['update']} {verb}updated, "
        f"{totals['unchanged']} unchanged."
    )
    return lines

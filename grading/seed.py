"""`naikkelas demo seed`: synthetic learners with progress, submissions, grades and certificates.

Learner `i` of seed `S` is `sintetis-S-<i>` and everything about them comes from a random
generator seeded with `(S, i)`, so seeding is repeatable: learners that exist are skipped, and
seeding 300 then 1,000 adds the 700 missing. Learners come in blocks of `COHORT_SIZE` (one cohort,
`sintetis-S-<block>`, one kecamatan, one track of courses, one start date).

Rows are written through the recording modules' own row builders and bulk writers
(`progress.insert_many`, `submissions.insert_graded_many`, `gradebook.add_graded_many`,
`certificates.certificate_row`), one transaction per batch of learners: no kernel runs, but the
tables hold what real learners' answers, "Kirim" and autograde would leave, nbgrader's gradebook
included. Synthetic accounts have no usable secret (nobody can log in as one), and seeding refuses
to touch an account or cohort that is not synthetic.

Cohorts share one released copy of each course (`released/.sintetis/<course>`, linked from each
cohort's folder): 100,000 learners make thousands of cohorts.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from naikkelas.hub.accounts import Role, accounts_table
from naikkelas.hub.profiles import age_group, profiles_table
from naikkelas.widgets.checking import extract_key

from . import progress, submissions
from .certificates import certificate_row, certificates_table
from .courses import Course, list_courses
from .gradebook import add_graded_many, assignment_id, assignment_layout, ensure_gradebook
from .regions import places

SYNTHETIC_SECRET = "!synthetic"  # noqa: S105 - not an Argon2 hash: no login can match it
COHORT_SIZE = 30
BATCH = 500
MAX_LEARNERS = 1_000_000
SHARED_RELEASE = ".sintetis"
STAFF_COURSES = ("mengenal-naikkelas", "tanda-tangan-elektronik", "layanan-publik-online")
SECTORS = {
    "kuliner": 38, "fesyen": 14, "perdagangan": 14, "jasa": 12, "kerajinan": 10,
    "pertanian": 7, "perikanan": 5,
}  # fmt: skip
WOMEN = ["Siti", "Sri", "Dewi", "Rina", "Nur", "Wahyuni", "Lestari", "Fitri", "Yuliana", "Ani"]
MEN = ["Budi", "Agus", "Made", "Joko", "Rudi", "Hendra", "Arif", "Slamet", "Andi", "Yusuf"]
FAMILY = ["Aminah", "Santoso", "Wirawan", "Lestari", "Hidayat", "Rahmawati", "Saputra", "Handayani"]


class SeedError(ValueError):
    """Seeding refused; the message is one English line for the operator."""


@dataclass(frozen=True)
class SeedResult:
    added: int
    existing: int
    cohorts: int


@dataclass(frozen=True)
class LessonPlan:
    course: Course
    lesson: str
    number: int  # of the lesson among all courses
    key: dict
    hardness: dict  # question -> how much less often it is right first time (same every seed)


def username(seed: int, index: int) -> str:
    return f"sintetis-{seed}-{index:06d}"


def cohort(seed: int, block: int) -> str:
    return f"sintetis-{seed}-{block:05d}"


def _rng(*parts) -> random.Random:
    return random.Random(":".join(str(p) for p in parts))


def _pick(rng: random.Random, weights: dict):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


# -- one learner --------------------------------------------------------------------------------
class Population:
    """Generates learners of one seed over given courses, deterministically."""

    def __init__(self, seed: int, courses: list[Course], now: datetime, issuer: str):
        self.seed, self.now, self.issuer = seed, now, issuer
        self.courses = courses
        self.plans = {}
        for course in courses:
            self.plans[course.slug] = []
            for lesson in course.lessons:
                key = extract_key(json.loads(lesson.path.read_text(encoding="utf-8")))
                hardness = {
                    q: _rng("question", course.slug, lesson.slug, q).uniform(0.0, 0.5) for q in key
                }
                number = sum(len(p) for p in self.plans.values())
                self.plans[course.slug].append(
                    LessonPlan(course, lesson.slug, number, key, hardness)
                )
        staff = [c for c in courses if c.slug in STAFF_COURSES]
        umkm = [c for c in courses if c.slug != "tanda-tangan-elektronik"]
        self.tracks = {"umkm": umkm or courses, "staf": staff or courses}
        self.places = places()
        # Kelurahan differ in how many learners they send, the same way for every seed.
        self.village_weight = {p[3]: _rng("village", p[3]).paretovariate(1.5) for p in self.places}

    def block(self, block: int) -> dict:
        rng = _rng(self.seed, "block", block)
        kota = rng.choices(["Kota Samarinda", "Kota Surabaya"], weights=[55, 45])[0]
        districts = sorted({p[1] for p in self.places if p[0] == kota})
        kecamatan = rng.choice(districts)
        return {
            "cohort": cohort(self.seed, block),
            "villages": [p for p in self.places if p[0] == kota and p[1] == kecamatan],
            "track": "staf" if rng.random() < 0.12 else "umkm",
            "start": self.now - timedelta(days=rng.uniform(3, 150)),
        }

    def learner(self, index: int, block: dict) -> dict:
        rng = _rng(self.seed, index)
        staff = block["track"] == "staf"
        villages = block["villages"]
        kota, kecamatan, kelurahan, code = rng.choices(
            villages, weights=[self.village_weight[v[3]] for v in villages]
        )[0]
        gender = "P" if rng.random() < (0.45 if staff else 0.68) else "L"
        age = int(rng.triangular(22, 66, 52 if staff else 42))
        first = rng.choice(WOMEN if gender == "P" else MEN)
        return {
            "username": username(self.seed, index),
            "cohort": block["cohort"],
            "name": f"{'Ibu' if gender == 'P' else 'Bapak'} {first} {rng.choice(FAMILY)}",
            "kota": kota, "kecamatan": kecamatan, "kelurahan": kelurahan, "region_code": code,
            "sector": "pemerintahan" if staff else _pick(rng, SECTORS),
            "gender": gender, "age": age,
            "enrolled_at": block["start"] - timedelta(days=rng.uniform(0, 6)),
            "engagement": rng.betavariate(2.2, 2.0),
            "rng": rng,
        }  # fmt: skip

    def activity(self, person: dict, track: str, rows: dict) -> None:
        """Append the learner's progress, submissions, grades and certificates to `rows`."""
        rng, who, e = person["rng"], person["username"], person["engagement"]
        when = person["enrolled_at"] + timedelta(hours=rng.uniform(2, 72))
        for k, course in enumerate(self.tracks[track]):
            if rng.random() > (0.95 if k == 0 else 0.85) * (0.6 + 0.4 * e):
                return
            for plan in self.plans[course.slug]:
                when += timedelta(days=rng.expovariate(1 / 2.5), minutes=rng.uniform(5, 600))
                if when > self.now:
                    return
                quits = rng.random() > 0.86 + 0.13 * e
                if not self._lesson(person, plan, when, quits, rows):
                    return
            issued = when + timedelta(hours=rng.uniform(1, 60))
            if rng.random() < 0.75 and issued <= self.now:
                rows["certificates"].append(
                    certificate_row(who, course, person["name"], self.issuer, issued)
                )

    def _lesson(self, person, plan: LessonPlan, when: datetime, quits: bool, rows) -> bool:
        rng, who, e = person["rng"], person["username"], person["engagement"]
        course, lesson = plan.course.slug, plan.lesson
        prefix = f"seed-{who}-{plan.number}"  # unique per learner and lesson, < 64 characters
        state = progress.LessonState()
        questions = list(plan.key.items())
        if quits:
            questions = questions[: rng.randrange(len(questions) + 1)]
        t = when
        for number, (question, entry) in enumerate(questions):
            hardness = plan.hardness[question]
            right = min(0.97, max(0.2, 0.85 - hardness + 0.3 * (e - 0.5)))
            allowed = entry.get("attempts") or 3
            worth = float(entry.get("points", 1))
            for attempt in range(1, allowed + 1):
                t += timedelta(seconds=rng.uniform(8, 60))
                correct = rng.random() < (right if attempt == 1 else 0.45)
                points = worth if correct else 0.0
                rows["events"].append(
                    progress.event_row(
                        who, course, lesson, f"{prefix}-{number}-{attempt}",
                        "answer", question, None, correct, points, t,
                    )
                )  # fmt: skip
                record = {"correct": correct, "attempts": attempt, "points": points}
                state.answers[question] = record | {"max_points": worth}
                if correct:
                    break
            state.step = number + 1
        state.finished = not quits
        if state.finished:
            t += timedelta(seconds=rng.uniform(5, 30))
            rows["events"].append(
                progress.event_row(who, course, lesson, f"{prefix}-done",
                                   "finish", created_at=t)
            )  # fmt: skip
        rows["states"].append(progress.state_row(who, course, lesson, state, t))
        if state.finished and rng.random() < 0.95:
            total = sum(float(entry.get("points", 1)) for entry in plan.key.values()) or 1.0
            earned = sum(record["points"] for record in state.answers.values())
            fraction = earned / total
            sent, graded = t + timedelta(seconds=20), t + timedelta(seconds=40)
            layout = rows["layout"][assignment_id(course, lesson)]
            max_score = sum(m for _, grade_cells, _ in layout for _, m in grade_cells)
            answers = {q: r["correct"] for q, r in state.answers.items()}
            rows["submissions"].append(
                submissions.graded_row(
                    who, course, lesson, answers, round(fraction * max_score, 4), max_score,
                    sent, graded,
                )
            )  # fmt: skip
            rows["gradebook"].append((who, assignment_id(course, lesson), sent, fraction))
        return state.finished


# -- the whole run ------------------------------------------------------------------------------
def prepare_courses(settings, courses: list[Course]) -> None:
    """Make sure each course is in nbgrader's gradebook (generate, once) and released to the
    shared folder the synthetic cohorts link to."""
    from nbgrader.api import Assignment

    from .release import release_course

    engine_url = settings.naikkelas_db_url
    ensure_gradebook(engine_url)
    from naikkelas.hub.db import engine_for

    with engine_for(engine_url).connect() as conn:
        known = set(conn.execute(select(Assignment.name)).scalars())
    shared = settings.released_path / SHARED_RELEASE
    for course in courses:
        needed = {assignment_id(course.slug, lesson.slug) for lesson in course.lessons}
        grading = None if needed <= known else settings.grading()
        if grading is not None or not (shared / course.slug).is_dir():
            release_course(
                course.path, settings.released_path, SHARED_RELEASE, settings.source_path, grading
            )


def _link_cohort(released: Path, name: str, courses: list[Course]) -> None:
    folder = released / name
    folder.mkdir(parents=True, exist_ok=True)
    for course in courses:
        link = folder / course.slug
        if not link.exists() and not link.is_symlink():
            link.symlink_to(Path("..") / SHARED_RELEASE / course.slug)


def check_untouched(engine, seed: int, count: int) -> set[str]:
    """The synthetic learners of this seed that exist already; `SeedError` when an account or
    cohort the run would write belongs to real people."""
    prefix = f"sintetis-{seed}-"
    a = accounts_table
    with engine.connect() as conn:
        rows = conn.execute(
            select(a.c.username, a.c.cohort, a.c.secret_hash, a.c.role).where(
                a.c.username.like(f"{prefix}%") | a.c.cohort.like(f"{prefix}%")
            )
        ).all()
    real = [r for r in rows if r.secret_hash != SYNTHETIC_SECRET]
    if real:
        raise SeedError(
            f"refusing to seed: {len(real)} real account(s) use synthetic names or cohorts "
            f"(e.g. {real[0].username!r} in cohort {real[0].cohort!r}); choose another --seed"
        )
    return {r.username for r in rows}


def seed(
    settings,
    learners: int,
    seed: int = 1,
    *,
    courses_dir: Path,
    on_progress: Callable[[int, int], None] | None = None,
    now: datetime | None = None,
) -> SeedResult:
    """Seed `learners` synthetic learners of `seed` into the platform of `settings`."""
    from naikkelas.hub.db import engine_for, insert_many

    if not 1 <= learners <= MAX_LEARNERS:
        raise SeedError(f"--learners must be between 1 and {MAX_LEARNERS:,}")
    if seed < 0 or seed > 10**9:
        raise SeedError("--seed must be between 0 and 1000000000")
    courses = [c for c in list_courses(Path(courses_dir)) if c.lessons]
    if not courses:
        raise SeedError(f"no courses in {courses_dir}")
    settings.data_path.mkdir(parents=True, exist_ok=True)
    engine = engine_for(settings.naikkelas_db_url)
    existing = check_untouched(engine, seed, learners)
    now = now or datetime.now(UTC)
    settings.released_path.mkdir(parents=True, exist_ok=True)
    prepare_courses(settings, courses)
    population = Population(seed, courses, now, settings.certificate_issuer)
    with engine.connect() as conn:
        layout = {aid: nbs for c in courses for aid, nbs in assignment_layout(conn, c.slug).items()}
    todo = [i for i in range(learners) if username(seed, i) not in existing]
    blocks: dict[int, dict] = {}
    done = 0
    for start in range(0, len(todo), BATCH):
        rows = {k: [] for k in ("events", "states", "submissions", "gradebook", "certificates")}
        rows["layout"] = layout
        accounts, profiles = [], []
        for index in todo[start : start + BATCH]:
            number = index // COHORT_SIZE
            block = blocks.get(number) or blocks.setdefault(number, population.block(number))
            person = population.learner(index, block)
            accounts.append(
                {
                    "username": person["username"], "role": Role.LEARNER.value,
                    "secret_hash": SYNTHETIC_SECRET, "display_name": person["name"],
                    "cohort": person["cohort"], "created_at": person["enrolled_at"],
                    "updated_at": person["enrolled_at"],
                }
            )  # fmt: skip
            profiles.append(
                {
                    **{k: person[k] for k in ("kota", "kecamatan", "kelurahan", "region_code")},
                    "username": person["username"], "sector": person["sector"],
                    "gender": person["gender"], "age_group": age_group(person["age"]),
                    "birth_year": person["enrolled_at"].year - person["age"], "phone": "",
                    "created_at": person["enrolled_at"], "updated_at": person["enrolled_at"],
                }
            )  # fmt: skip
            population.activity(person, block["track"], rows)
        students = sorted({who for who, *_ in rows["gradebook"]})
        with engine.begin() as conn:
            insert_many(conn, accounts_table, accounts)
            insert_many(conn, profiles_table, profiles)
            progress.insert_many(conn, rows["events"], rows["states"])
            submissions.insert_graded_many(conn, rows["submissions"])
            add_graded_many(conn, layout, students, rows["gradebook"])
            insert_many(conn, certificates_table, rows["certificates"])
        done += len(accounts)
        if on_progress:
            on_progress(done, len(todo))
    names = {cohort(seed, i // COHORT_SIZE) for i in range(learners)}
    for number in sorted({i // COHORT_SIZE for i in range(learners)}):
        block = blocks.get(number) or population.block(number)
        _link_cohort(settings.released_path, block["cohort"], population.tracks[block["track"]])
    return SeedResult(added=len(todo), existing=learners - len(todo), cohorts=len(names))

"""Trainer views with 1,000 learners × 20 lessons in the gradebook: the NaikKelas cohort view and
nbgrader's formgrader data (scoped to one cohort, as trainers get it) against nbgrader's stock
formgrader data calls, side by side on the same database. Run from the project root:

    /opt/naikkelas/venv/bin/python -m bench.cohort_view [--learners 1000] [--lessons 20]

Seeding writes accounts, lesson state and submissions in bulk, and nbgrader's submissions with
nbgrader's own `Gradebook.add_submission` (the rows autograde would leave). Learners are spread
over cohorts of 40. Figures are in-process (no HTTP): the data work a page waits for;
the cohort view's is the median of 5 calls, nbgrader's (slow at this size) one call each.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import nbformat

from naikkelas.grading import formgrader_scope
from naikkelas.grading.cohort import cohort_overview
from naikkelas.grading.courses import read_course
from naikkelas.grading.gradebook import Grading, assignment_id
from naikkelas.grading.progress import state_table
from naikkelas.grading.submissions import submissions_table
from naikkelas.hub.accounts import Role, accounts_table
from naikkelas.hub.db import engine_for

ROOT = Path(__file__).resolve().parent.parent
COHORT_SIZE = 40


def make_course(base: Path, lessons: int) -> Path:
    folder = base / "courses" / "besar"
    folder.mkdir(parents=True)
    (folder / "course.yml").write_text("title: Kursus Besar\norder: 1\n")
    demo = nbformat.read(ROOT / "courses/mengenal-naikkelas/01-cara-menjawab.ipynb", as_version=4)
    for i in range(1, lessons + 1):
        nbformat.write(demo, folder / f"{i:02d}-pelajaran.ipynb")
    return folder


def seed(engine, db_url: str, grading: Grading, course, learners: int) -> None:
    now = datetime.now(UTC)
    names = [f"peserta{i:05d}" for i in range(learners)]
    lessons = [lesson.slug for lesson in course.lessons]
    with engine.begin() as conn:
        conn.execute(
            accounts_table.insert(),
            [
                {
                    "username": n,
                    "role": Role.LEARNER.value,
                    "secret_hash": "bench",
                    "display_name": f"Peserta {i}",
                    "cohort": f"kelas{i // COHORT_SIZE:03d}",
                    "created_at": now,
                    "updated_at": now,
                }
                for i, n in enumerate(names)
            ],
        )
        conn.execute(
            state_table.insert(),
            [
                {
                    "username": n,
                    "course": course.slug,
                    "lesson": lesson,
                    "step": 3,
                    "answers": json.dumps({"q": {"correct": False, "attempts": 2}}),
                    "finished": (i + j) % 3 == 0,
                    "updated_at": now,
                }
                for i, n in enumerate(names)
                for j, lesson in enumerate(lessons)
            ],
        )
        conn.execute(
            submissions_table.insert(),
            [
                {
                    "username": n,
                    "course": course.slug,
                    "lesson": lesson,
                    "attempt": 1,
                    "submitted_at": now,
                    "notebook": "{}",
                    "answers": "{}",
                    "status": "graded",
                    "tries": 1,
                    "score": 5.0,
                    "max_score": 7.0,
                }
                for n in names
                for lesson in lessons
            ],
        )
    from nbgrader.api import Gradebook

    with Gradebook(db_url, course.slug) as gb:
        for n in names:
            gb.add_student(n)
        for lesson in lessons:
            aid = assignment_id(course.slug, lesson)
            for n in names:
                gb.add_submission(aid, n)


def median_ms(fn, runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--learners", type=int, default=1000)
    parser.add_argument("--lessons", type=int, default=20)
    parser.add_argument(
        "--skip-stock-submissions",
        action="store_true",
        help="leave out nbgrader's stock per-lesson submissions call (> 9 min at 1,000 x 20)",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        db_url = f"sqlite:///{base / 'nk.sqlite'}"
        engine = engine_for(db_url)
        grading = Grading(base / "nbgrader", db_url)
        course = read_course(make_course(base, args.lessons))
        grading.generate(course)
        start = time.perf_counter()
        seed(engine, db_url, grading, course, args.learners)
        print(
            f"seeded {args.learners} learners × {args.lessons} lessons "
            f"in {time.perf_counter() - start:.0f} s"
        )
        lessons = [lesson.slug for lesson in course.lessons]
        api = grading.api(course.slug)
        aid = assignment_id(course.slug, lessons[0])

        def report(name, fn, runs):
            print(f"{name:<66} {median_ms(fn, runs):10.1f} ms (median of {runs})", flush=True)

        report(
            "NaikKelas cohort view (one cohort of 40)",
            lambda: cohort_overview(engine, "kelas000", course.slug, lessons),
            5,
        )
        # nbgrader's own calls take long at this size: one run each.
        report("stock formgrader: students page (api.get_students)", api.get_students, 1)
        if not args.skip_stock_submissions:
            report(
                "stock formgrader: one lesson's submissions (api.get_submissions)",
                lambda: api.get_submissions(aid),
                1,
            )
        formgrader_scope.install()
        formgrader_scope._visible.set(frozenset(f"peserta{i:05d}" for i in range(COHORT_SIZE)))
        report("NaikKelas formgrader: students page, scoped to the cohort", api.get_students, 1)
        report(
            "NaikKelas formgrader: one lesson's submissions, scoped",
            lambda: api.get_submissions(aid),
            1,
        )


if __name__ == "__main__":
    main()

"""`naikkelas demo seed`: a thin shell over naikkelas.grading.seed (for operators; English).

Exit status: 0 on success, 1 with a one-line reason on stderr when seeding is refused or fails,
2 on usage errors (argparse).
"""

from __future__ import annotations

import argparse
import os
import sys
import time


def _progress_printer(stream=sys.stderr):
    """A callback printing "seeded N/M learners (P%)" on one line, about twice a second."""
    shown = {"at": 0.0}

    def report(done: int, total: int) -> None:
        now = time.monotonic()
        if done < total and now - shown["at"] < 0.5:
            return
        shown["at"] = now
        end = "\n" if done >= total else ""
        print(f"\rseeded {done:,}/{total:,} learners ({100 * done // max(total, 1)}%)",
              end=end, file=stream, flush=True)  # fmt: skip

    return report


def cmd_seed(args: argparse.Namespace) -> int:
    from naikkelas.grading.courses import CourseError
    from naikkelas.grading.seed import SeedError, seed

    from .cli import settings_from

    settings = settings_from(args)
    start = time.monotonic()
    try:
        result = seed(
            settings,
            args.learners,
            args.seed,
            courses_dir=args.courses_dir,
            on_progress=_progress_printer(),
        )
    except (SeedError, CourseError, OSError) as e:
        print(f"naikkelas: {' '.join(str(e).split())}", file=sys.stderr)
        return 1
    print(
        f"{result.added:,} synthetic learners added, {result.existing:,} already there, "
        f"{result.cohorts:,} cohorts (seed {args.seed}) in {time.monotonic() - start:.1f} s"
    )
    return 0


def add_demo_commands(subparsers, global_options) -> None:
    parser = subparsers.add_parser("demo", help="synthetic data for demos, tests and benchmarks")
    sub = parser.add_subparsers(dest="demo_command", required=True, metavar="COMMAND")
    p = sub.add_parser(
        "seed", help="add N synthetic learners with progress, grades and certificates"
    )
    global_options(p)
    p.add_argument("--learners", type=int, required=True, metavar="N", help="how many learners")
    p.add_argument("--seed", type=int, default=1, metavar="S", help="random seed (default 1)")
    p.add_argument(
        "--courses-dir",
        default=os.environ.get("NAIKKELAS_COURSES_DIR", "courses"),
        help="course sources (env NAIKKELAS_COURSES_DIR, default courses/)",
    )
    p.set_defaults(func=cmd_seed)

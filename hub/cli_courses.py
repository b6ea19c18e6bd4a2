"""`naikkelas courses validate|release`: thin shells over naikkelas.grading."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def cmd_validate(args: argparse.Namespace) -> int:
    from naikkelas.grading.courses import COURSE_FILE
    from naikkelas.grading.validate import validate_courses

    root = Path(args.courses_dir)
    dirs = [Path(d) for d in args.course_dirs] or sorted(
        p for p in root.iterdir() if (p / COURSE_FILE).is_file()
    )
    if not dirs:
        print(f"naikkelas: no courses found in {root}", file=sys.stderr)
        return 1
    reports = validate_courses(dirs)
    problems = [p for r in reports for p in r.problems]
    for report in reports:
        print(
            f"{report.path}: {report.screens} screens, {report.questions} questions, "
            f"about {report.minutes:.1f} minutes, "
            f"{len(report.problems)} problems, {len(report.warnings)} warnings"
        )
        for line in report.problems:
            print(f"  PROBLEM {line}")
        if args.warnings:
            for line in report.warnings:
                print(f"  warning {line}")
    lessons = sum(report.path.suffix == ".ipynb" for report in reports)
    print(f"{lessons} lessons checked, {len(problems)} problems")
    if problems:
        print(f"naikkelas: {len(problems)} problems in the courses", file=sys.stderr)
        return 1
    return 0


def cmd_release(args: argparse.Namespace) -> int:
    from naikkelas.grading.courses import CourseError
    from naikkelas.grading.release import release_course

    from .cli import settings_from

    settings = settings_from(args)
    root = Path(args.courses_dir)
    names = args.courses or sorted(p.name for p in root.iterdir() if (p / "course.yml").is_file())
    grading = settings.grading()
    try:
        for name in names:
            release_course(
                root / name, settings.released_path, args.cohort, settings.source_path, grading
            )
            print(f"released {name} to cohort {args.cohort}")
    except (CourseError, FileNotFoundError) as e:
        print(f"naikkelas: {e}", file=sys.stderr)
        return 1
    return 0


def add_courses_commands(subparsers, global_options) -> None:
    courses = subparsers.add_parser("courses", help="validate and release courses")
    sub = courses.add_subparsers(dest="courses_command", required=True, metavar="COMMAND")
    p = sub.add_parser("validate", help="check every lesson before release (runs each one)")
    p.add_argument("course_dirs", nargs="*", metavar="COURSE_DIR")
    p.add_argument("--courses-dir", default="courses", help="where to look when none is given")
    p.add_argument("--warnings", action="store_true", help="also print plain-language advice")
    p.set_defaults(func=cmd_validate)
    p = sub.add_parser("release", help="release courses to a cohort's learners")
    global_options(p)
    p.add_argument("courses", nargs="*", metavar="COURSE")
    p.add_argument("--courses-dir", default="courses")
    p.add_argument("--cohort", default="demo", help="cohort to release to (default demo)")
    p.set_defaults(func=cmd_release)

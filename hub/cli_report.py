"""`naikkelas report completion`: completion figures as CSV (+ data dictionary), XLSX or PDF.

A thin shell over naikkelas.grading.reports and report_export. Everything is checked before
anything is read or written. Exit status: 0 on success, 1 with a one-line reason on stderr for bad
input (unknown field, bad date, unwritable path, no database), 2 on usage errors (argparse).
"""

from __future__ import annotations

import argparse
import os
import sys
from datetime import date
from pathlib import Path

FORMATS = ("csv", "xlsx", "pdf")
FILTERS = ("kota", "kecamatan", "kelurahan", "sector", "gender", "age_group", "cohort", "course")


class BadInput(ValueError):
    pass


def _fail(reason: str) -> int:
    print(f"naikkelas: {' '.join(reason.split())}", file=sys.stderr)
    return 1


def _date(text: str | None, option: str) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise BadInput(f"{option} {text!r} is not a date (YYYY-MM-DD)") from None


def _values(text: str | None) -> tuple[str, ...]:
    return tuple(v.strip() for v in (text or "").split(",") if v.strip())


def _target(path: str, fmt: str | None) -> tuple[Path, str]:
    target = Path(path)
    fmt = fmt or target.suffix.lower().lstrip(".") or "csv"
    if fmt not in FORMATS:
        raise BadInput(f"unknown format {fmt!r}; choose csv, xlsx or pdf (or use --format)")
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise BadInput(f"cannot write {target}: folder {folder} does not exist")
    if target.is_dir():
        raise BadInput(f"cannot write {target}: it is a folder")
    if not os.access(folder, os.W_OK) or (target.exists() and not os.access(target, os.W_OK)):
        raise BadInput(f"cannot write {target}: permission denied")
    return target, fmt


def cmd_completion(args: argparse.Namespace) -> int:
    from naikkelas.grading.reports import DIMENSIONS, Filters, ReportError, check_filters

    try:
        by = list(_values(args.by))
        unknown = [name for name in by if name not in DIMENSIONS]
        if unknown:
            raise BadInput(f"unknown field {unknown[0]!r}; choose from {', '.join(DIMENSIONS)}")
        filters = Filters(
            **{name: _values(getattr(args, name)) for name in FILTERS},
            since=_date(args.since, "--since"),
            until=_date(args.until, "--until"),
        )
        check_filters(filters)
        target, fmt = _target(args.output, args.format)
    except (BadInput, ReportError) as e:
        return _fail(str(e))
    from .cli_certificates import _engine

    engine = _engine(args)
    if engine is None:
        return 1
    from naikkelas.grading import report_export
    from naikkelas.grading.reports import load_facts

    from .cli import settings_from

    facts = load_facts(engine, settings_from(args).released_path)
    report = report_export.build_report(
        facts, by, filters, details=DIMENSIONS if fmt == "xlsx" else ()
    )
    try:
        written = getattr(report_export, f"export_{fmt}")(report, target)
    except OSError as e:
        return _fail(f"cannot write {target}: {e.strerror or e}")
    shown = int((~report.table["suppressed"]).sum())
    print(
        f"wrote {', '.join(str(p) for p in written)}: {len(report.table)} groups "
        f"({len(report.table) - shown} suppressed)"
    )
    return 0


def add_report_commands(subparsers, global_options) -> None:
    parser = subparsers.add_parser("report", help="completion reports for officials")
    sub = parser.add_subparsers(dest="report_command", required=True, metavar="COMMAND")
    p = sub.add_parser(
        "completion",
        help="enrolled, started, finished, certified, completion rate and score by group",
        description="Small groups (< 5 learners) are suppressed; see docs/reports.md.",
    )
    global_options(p)
    p.add_argument(
        "--by", metavar="FIELD[,FIELD]", help=f"group by these fields: {', '.join(FILTERS)}"
    )
    p.add_argument(
        "--format", choices=FORMATS, help="csv (with FILE.dictionary.csv), xlsx or pdf "
        "(default: from the file name, else csv)"
    )  # fmt: skip
    p.add_argument("-o", "--output", required=True, metavar="FILE", help="file to write")
    p.add_argument("--since", metavar="YYYY-MM-DD", help="period start (Asia/Jakarta date)")
    p.add_argument("--until", metavar="YYYY-MM-DD", help="period end, inclusive")
    for name in FILTERS:
        p.add_argument(
            f"--{name.replace('_', '-')}", dest=name, metavar="V[,V]", help=f"only these {name}"
        )
    p.set_defaults(func=cmd_completion)

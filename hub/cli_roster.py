"""`naikkelas roster import|cards`: thin shells over naikkelas.hub.roster and .cards.

Exit status: 0 on success, 1 on bad input (the bad rows listed on stdout, one line
`naikkelas: <reason>` on stderr), 2 on usage errors (argparse). PINs are printed only into the
cards PDF and the --pins-csv file, never on the terminal.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

from sqlalchemy.exc import SQLAlchemyError

from .audit import cli_actor


def _fail(reason: str) -> int:
    print(f"naikkelas: {reason}", file=sys.stderr)
    return 1


def _reason(error: Exception) -> str:
    return str(getattr(error, "orig", None) or error).splitlines()[0]


def _engine(settings):
    """NaikKelas's database (the data directory is made, private, when missing)."""
    from .db import engine_for

    if not settings.db_url:
        settings.data_path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return engine_for(settings.naikkelas_db_url)


def _progress(label: str):
    """Progress on stderr while PINs are hashed (about 8 per second per core, on purpose)."""
    state = {"last": 0.0}

    def report(done: int, total: int) -> None:
        now = time.monotonic()
        if total >= 20 and (done == total or now - state["last"] > 2):
            state["last"] = now
            print(f"{label}: {done}/{total}", file=sys.stderr, flush=True)

    return report


def cmd_import(args: argparse.Namespace) -> int:
    from .cards import Card, CardsError, PendingFiles, normalize_hub_url, pins_csv, render_cards
    from .cli import settings_from
    from .roster import RosterError, apply_import, plan_import, summary_lines

    settings = settings_from(args)
    try:
        url = normalize_hub_url(args.url)
        for path in (args.cards, args.pins_csv):
            if path:
                PendingFiles.check_writable(path)
        engine = _engine(settings)
        plan = plan_import(engine, args.file, cohort=args.cohort)
    except (RosterError, CardsError) as e:
        return _fail(str(e))
    except SQLAlchemyError as e:
        return _fail(f"cannot use the database {settings.naikkelas_db_url}: {_reason(e)}")
    if plan.problems:
        for line in plan.notes:
            print(line)
        for problem in plan.problems:
            print(f"row {problem.row}: {problem.message}")
        rows = len({p.row for p in plan.problems})
        noun = "row" if rows == 1 else "rows"
        return _fail(f"{rows} bad {noun} in {plan.path.name}; nothing was imported (list above)")
    if args.dry_run:
        print("\n".join(summary_lines(plan, applied=False)))
        print("Dry run: nothing was changed.")
        return 0

    pending = PendingFiles()

    def write_cards(created) -> None:
        cards = [Card(p.row.name, p.username, pin, p.row.cohort) for p, pin in created]
        if cards and args.cards:
            pending.stage(args.cards, render_cards(cards, url))
        if cards and args.pins_csv:
            pending.stage(args.pins_csv, pins_csv(cards, url))

    try:
        result = apply_import(
            engine,
            plan,
            pin_length=settings.pin_length,
            before_commit=write_cards,
            progress=_progress("hashing new PINs"),
            actor=cli_actor(),
        )
    except (RosterError, CardsError, OSError) as e:
        pending.discard()
        return _fail(f"nothing was imported: {e}")
    pending.commit()
    print("\n".join(summary_lines(plan)))
    created = len(result.created)
    outputs = [p for p in (args.cards, args.pins_csv) if p]
    if created and outputs:
        print(f"The {created} new learners' PINs are in {' and '.join(outputs)} (keep it safe).")
    elif created:
        cohorts = sorted({p.row.cohort for p in plan.created})
        print(
            f"The {created} new learners have no PIN on paper yet: print their login cards with "
            + " and ".join(f"`naikkelas roster cards --cohort {c} -o cards.pdf`" for c in cohorts)
        )
    elif outputs:
        print("No new learners, so no cards were written.")
    return 0


def cmd_cards(args: argparse.Namespace) -> int:
    from .cards import (
        CARDS_PER_PAGE,
        CardsError,
        PendingFiles,
        learners_for_cards,
        normalize_hub_url,
        pins_csv,
        render_cards,
        reset_pins,
    )
    from .cli import settings_from
    from .roster_read import check_cohort

    settings = settings_from(args)
    try:
        check_cohort(args.cohort)
        url = normalize_hub_url(args.url)
        for path in (args.output, args.pins_csv):
            if path:
                PendingFiles.check_writable(path)
        engine = _engine(settings)
        learners, logged_in = learners_for_cards(engine, args.cohort, tuple(args.username or ()))
    except (ValueError, CardsError) as e:
        return _fail(str(e))
    except SQLAlchemyError as e:
        return _fail(f"cannot use the database {settings.naikkelas_db_url}: {_reason(e)}")
    if not learners:
        return _fail(
            f"every roster learner of cohort {args.cohort} has logged in already "
            f"({logged_in}); to replace a lost card, name the learner with --username"
        )
    pending = PendingFiles()

    def write(cards) -> None:
        pending.stage(args.output, render_cards(cards, url))
        if args.pins_csv:
            pending.stage(args.pins_csv, pins_csv(cards, url))

    try:
        cards = reset_pins(
            engine,
            args.cohort,
            learners,
            pin_length=settings.pin_length,
            spare_logged_in=not args.username,
            before_commit=write,
            actor=cli_actor(),
        )
    except (CardsError, OSError) as e:
        pending.discard()
        return _fail(f"no PIN was changed: {e}")
    pending.commit()
    if not cards:
        return _fail(f"the learners of cohort {args.cohort} logged in meanwhile; no card written")
    pages = -(-len(cards) // CARDS_PER_PAGE)
    print(f"Wrote {len(cards)} login cards ({pages} A4 page(s)) to {args.output}.")
    print(
        f"Each of these {len(cards)} learners has a NEW PIN: cards printed for them before no "
        "longer work."
    )
    if logged_in:
        print(
            f"{logged_in} learners of cohort {args.cohort} have logged in already and kept "
            "their PIN (no card); use --username NAME for a lost card."
        )
    return 0


def _url_option(p: argparse.ArgumentParser) -> None:
    """Where a card's QR code and address point: the platform's public URL, as everywhere."""
    from .cards import DEFAULT_HUB_URL

    p.add_argument(
        "--url",
        "--public-url",
        dest="url",
        default=os.environ.get("NAIKKELAS_PUBLIC_URL") or DEFAULT_HUB_URL,
        help=f"public address of the platform (env NAIKKELAS_PUBLIC_URL, else {DEFAULT_HUB_URL})",
    )


def add_roster_commands(subparsers, global_options) -> None:
    roster = subparsers.add_parser("roster", help="enrol learners and print their login cards")
    sub = roster.add_subparsers(dest="roster_command", required=True, metavar="COMMAND")

    p = sub.add_parser(
        "import",
        help="create or update learners from a city's spreadsheet (.csv or .xlsx)",
        description="Checks every row first: if any row is bad, nothing is imported and every "
        "bad row is listed. A re-import updates learners instead of duplicating them.",
    )
    global_options(p)
    p.add_argument("file", metavar="FILE", help="the roster: FILE.csv or FILE.xlsx")
    p.add_argument("--cohort", metavar="NAME", help="cohort of every row (else a cohort column)")
    p.add_argument("--cards", metavar="PDF", help="write the new learners' login cards here")
    p.add_argument("--pins-csv", metavar="CSV", help="also write new learners' PINs as CSV")
    _url_option(p)
    p.add_argument("--dry-run", action="store_true", help="check and summarise, change nothing")
    p.set_defaults(func=cmd_import)

    p = sub.add_parser(
        "cards",
        help="print login cards (A4, 8 per page) with NEW PINs",
        description="Gives a new PIN to, and prints a card for, every roster learner of the "
        "cohort who has not logged in yet, or only the learners named with --username.",
    )
    global_options(p)
    p.add_argument("--cohort", required=True, metavar="NAME")
    p.add_argument("-o", "--output", required=True, metavar="PDF", help="cards PDF to write")
    p.add_argument(
        "--username",
        action="append",
        metavar="NAME",
        help="only this learner (repeatable); resets the PIN even after a login",
    )
    p.add_argument("--pins-csv", metavar="CSV", help="also write the PINs as CSV")
    _url_option(p)
    p.set_defaults(func=cmd_cards)

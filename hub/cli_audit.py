"""`naikkelas audit list`: the audit log for operators (thin shell over naikkelas.hub.audit).

One tab-separated line per entry, oldest first: when (UTC), actor, action, subject, details.
Exit status: 0 on success, 1 with a one-line reason on stderr for bad input, 2 on usage errors.
"""

from __future__ import annotations

import argparse
import json
import sys


def _fail(reason: str) -> int:
    print(f"naikkelas: {reason}", file=sys.stderr)
    return 1


def cmd_list(args: argparse.Namespace) -> int:
    from .audit import AuditError, entries, parse_since
    from .cli_certificates import _engine

    try:
        since = parse_since(args.since) if args.since else None
        engine = _engine(args)
        if engine is None:
            return 1
        found = entries(engine, since=since, action=args.action, about=args.subject)
    except AuditError as e:
        return _fail(str(e))
    for entry in found:
        if args.json:
            print(json.dumps(entry.to_json(), ensure_ascii=False, sort_keys=True))
        else:
            print(entry.line())
    return 0


def add_audit_commands(subparsers, global_options) -> None:
    from .audit import ACTIONS

    parser = subparsers.add_parser("audit", help="read the audit log (logins, exports, erasures)")
    sub = parser.add_subparsers(dest="audit_command", required=True, metavar="COMMAND")
    p = sub.add_parser(
        "list",
        help="list audit entries, oldest first",
        description="One line per entry: when (UTC), actor, action, subject, details (JSON). "
        f"Actions: {', '.join(ACTIONS)}.",
    )
    global_options(p)
    p.add_argument("--since", metavar="DATE", help="only entries at or after DATE (2026-11-23)")
    p.add_argument("--action", metavar="A", help="only this action")
    p.add_argument("--subject", metavar="USER", help="only entries by or about this username")
    p.add_argument("--json", action="store_true", help="one JSON object per line")
    p.set_defaults(func=cmd_list)

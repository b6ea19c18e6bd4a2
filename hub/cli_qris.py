"""`naikkelas qris decode|encode`: thin command-line shells over naikkelas.widgets.qris.

Exit status: 0 on success, 1 on a bad payload or bad input with one line `naikkelas: <reason>` on
stderr (the reason is Bahasa Indonesia, as learners see it), 2 on usage errors (argparse).
"""

from __future__ import annotations

import argparse
import json
import sys

# Same as naikkelas.widgets.qris.CRITERIA; that module is imported only when a qris command runs
# because the widgets package pulls in ipywidgets, which would slow down every `naikkelas` call.
CRITERIA = ("UMI", "UKE", "UME", "UBE")


def _fail(reason: str) -> int:
    print(f"naikkelas: {' '.join(reason.split())}", file=sys.stderr)
    return 1


def cmd_qris_decode(args: argparse.Namespace) -> int:
    """Print a payload's fields as `label: value` lines (warnings last), or as JSON."""
    from naikkelas.widgets import qris

    payload = sys.stdin.read() if args.payload == "-" else args.payload
    try:
        decoded = qris.decode(payload)
    except qris.QrisError as e:
        return _fail(str(e))
    if args.json:
        print(json.dumps(decoded.to_json_dict(), ensure_ascii=False, indent=2))
        return 0
    for label, value in qris.describe(decoded):
        print(f"{label}: {value}")
    for warning in decoded.warnings:
        print(f"Peringatan: {warning}")
    return 0


def cmd_qris_encode(args: argparse.Namespace) -> int:
    """Print a new payload; with --png also write it as a QR code image."""
    from naikkelas.widgets import qris

    try:
        payload = qris.encode(
            args.merchant_name,
            args.merchant_city,
            args.nmid,
            criteria=args.criteria,
            mcc=args.mcc,
            postal_code=args.postal_code,
            amount=args.amount,
        )
        if args.png:
            qris.to_png(payload, args.png)
    except qris.QrisError as e:
        return _fail(str(e))
    except OSError as e:
        return _fail(f"tidak bisa menulis {args.png}: {e.strerror or e}")
    print(payload)
    return 0


def add_qris_commands(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add `qris decode` and `qris encode` to a parser's subparsers; return the `qris` parser."""
    parser = subparsers.add_parser("qris", help="read and make QRIS payment codes")
    actions = parser.add_subparsers(dest="qris_command", required=True, metavar="ACTION")

    p = actions.add_parser("decode", help="show the fields of a QRIS payload")
    p.add_argument("payload", metavar="PAYLOAD", help="the payload text, or - to read stdin")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(func=cmd_qris_decode)

    p = actions.add_parser("encode", help="make a QRIS payload (static, or dynamic with --amount)")
    p.add_argument("--merchant-name", required=True, metavar="N", help="at most 25 characters")
    p.add_argument("--merchant-city", required=True, metavar="C", help="at most 15 characters")
    p.add_argument("--nmid", required=True, metavar="ID", help="National Merchant ID (ID...)")
    p.add_argument("--criteria", choices=CRITERIA, default="UMI")
    p.add_argument("--mcc", default="5499", help="merchant category code (default 5499)")
    p.add_argument("--postal-code", metavar="P", help="5-digit postal code")
    p.add_argument("--amount", metavar="A", help="makes a dynamic code: 15000 or 15000.50")
    p.add_argument("--png", metavar="FILE", help="also write the QR code as a PNG image")
    p.set_defaults(func=cmd_qris_encode)
    return parser

"""`naikkelas certificate verify|revoke|list`: thin shells over naikkelas.grading.certificates.

For operators (whoever can run this holds the database): English, one line per certificate.
Exit status: 0 on success (`verify`: the certificate is valid), 1 with a one-line reason on
stderr for an unknown or revoked code or bad input, 2 on usage errors (argparse).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def _fail(reason: str) -> int:
    print(f"naikkelas: {' '.join(reason.split())}", file=sys.stderr)
    return 1


def _engine(args: argparse.Namespace):
    """NaikKelas's database, or None (after saying why) when there is none to read."""
    from sqlalchemy.engine import make_url

    from .cli import settings_from
    from .db import engine_for

    url = settings_from(args).naikkelas_db_url
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and not Path(parsed.database or "").is_file():
        _fail(f"no NaikKelas database at {parsed.database} (check --data-dir or --db-url)")
        return None
    return engine_for(url)


def _describe(certificate) -> str:
    return (
        f"{certificate.code} {certificate.display_name!r} ({certificate.username}), "
        f"{certificate.certificate_name!r}, {certificate.hours} h, "
        f"issued {certificate.issued_at.date().isoformat()} by {certificate.issuer}"
    )


def cmd_verify(args: argparse.Namespace) -> int:
    from naikkelas.grading import certificates as certs

    engine = _engine(args)
    if engine is None:
        return 1
    status, certificate = certs.verify(engine, args.code)
    if status == certs.UNKNOWN:
        return _fail("unknown certificate code")
    if status == certs.REVOKED:
        return _fail(
            f"certificate {certificate.code} was revoked on "
            f"{certificate.revoked_at.date().isoformat()}: {certificate.revoked_reason}"
        )
    print(f"valid: {_describe(certificate)}")
    return 0


def cmd_revoke(args: argparse.Namespace) -> int:
    from naikkelas.grading import certificates as certs

    from .audit import cli_actor

    engine = _engine(args)
    if engine is None:
        return 1
    try:
        certificate = certs.revoke(
            engine, args.code, args.reason, allow_new=args.allow_new, actor=cli_actor()
        )
    except certs.CertificateError as e:
        return _fail(str(e))
    print(f"revoked: {_describe(certificate)}")
    if args.allow_new:
        print(f"{certificate.username} gets a new certificate at their next download")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    from naikkelas.grading import certificates as certs

    engine = _engine(args)
    if engine is None:
        return 1
    for certificate in certs.certificates(engine, args.username, args.course):
        print(
            "\t".join(
                (
                    certificate.code,
                    certificate.status,
                    certificate.username,
                    certificate.course,
                    certificate.issued_at.date().isoformat(),
                    certificate.display_name,
                )
            )
        )
    return 0


def add_certificate_commands(subparsers, global_options) -> None:
    parser = subparsers.add_parser("certificate", help="verify, revoke and list certificates")
    sub = parser.add_subparsers(dest="certificate_command", required=True, metavar="COMMAND")

    p = sub.add_parser("verify", help="check a certificate code (exit 1 if unknown or revoked)")
    global_options(p)
    p.add_argument("code", metavar="CODE", help="as printed (any case; spaces or dashes ignored)")
    p.set_defaults(func=cmd_verify)

    p = sub.add_parser("revoke", help="revoke a certificate (its page then says revoked)")
    global_options(p)
    p.add_argument("code", metavar="CODE")
    p.add_argument("--reason", required=True, metavar="TEXT", help="why (kept, not shown publicly)")
    p.add_argument(
        "--allow-new",
        action="store_true",
        help="let the learner download a new certificate (new code), e.g. after a name fix",
    )
    p.set_defaults(func=cmd_revoke)

    p = sub.add_parser("list", help="list certificates: code, status, user, course, date, name")
    global_options(p)
    p.add_argument("--username", metavar="U", help="only this learner's")
    p.add_argument("--course", metavar="C", help="only this course's")
    p.set_defaults(func=cmd_list)

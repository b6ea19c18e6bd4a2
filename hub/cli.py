"""The `naikkelas` command line (contract in docs/architecture.md).

Exit status: 0 on success, 1 on bad input with a one-line reason on stderr, 2 on usage errors.
"""

from __future__ import annotations

import argparse
import os
import sys

from traitlets import TraitError

from .cli_audit import add_audit_commands
from .cli_backup import add_backup_commands
from .cli_certificates import add_certificate_commands
from .cli_courses import add_courses_commands
from .cli_demo import add_demo_commands
from .cli_deploy import add_deploy_commands
from .cli_learner import add_learner_commands
from .cli_qris import add_qris_commands
from .cli_report import add_report_commands
from .cli_roster import add_roster_commands
from .settings import Settings


def _global_options(parser: argparse.ArgumentParser) -> None:
    """--data-dir and --db-url, accepted before the command and after it. Only the top-level
    parser has their defaults: a subcommand's own default would replace a value given before
    the command (`naikkelas --data-dir /srv/nk backup` must back up /srv/nk, not var/)."""
    parser.add_argument(
        "--data-dir",
        default=argparse.SUPPRESS,
        help="data directory (env NAIKKELAS_DATA_DIR, default var/)",
    )
    parser.add_argument(
        "--db-url",
        default=argparse.SUPPRESS,
        help="NaikKelas database URL (env NAIKKELAS_DB_URL, default SQLite in the data dir)",
    )


def settings_from(args: argparse.Namespace, **extra) -> Settings:
    return Settings(data_dir=args.data_dir, db_url=args.db_url, **extra)


def cmd_run(args: argparse.Namespace) -> int:
    from .run import StartError, run

    given = {
        name: value
        for name, value in (
            ("public_url", args.public_url),
            ("ssl_cert", args.ssl_cert),
            ("ssl_key", args.ssl_key),
        )
        if value is not None
    }
    try:
        settings = settings_from(
            args,
            ip=args.ip,
            port=args.port,
            demo=args.demo,
            demo_synthetic_learners=args.synthetic_learners,
            courses_dir=args.courses_dir,
            public_dir=args.public_dir,
            **given,
        )
    except TraitError as e:
        print(f"naikkelas: {e}", file=sys.stderr)
        return 1
    try:
        run(settings)
    except StartError as e:
        print(f"naikkelas: {e}", file=sys.stderr)
        return 1
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="naikkelas", description="NaikKelas digital-skills training platform"
    )
    _global_options(parser)
    parser.set_defaults(
        data_dir=os.environ.get("NAIKKELAS_DATA_DIR", "var"),
        db_url=os.environ.get("NAIKKELAS_DB_URL", ""),
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("run", help="start the whole platform on this machine")
    _global_options(p)
    p.add_argument("--demo", action="store_true", help="seed demo accounts and bundled courses")
    p.add_argument(
        "--synthetic-learners",
        type=int,
        default=300,
        metavar="N",
        help="with --demo, also seed N synthetic learners for the reports (default 300; 0: none)",
    )
    p.add_argument(
        "--ip",
        default=os.environ.get("NAIKKELAS_IP", "127.0.0.1"),
        help="address to listen on (env NAIKKELAS_IP, default 127.0.0.1)",
    )
    p.add_argument(
        "--port",
        type=int,
        default=os.environ.get("NAIKKELAS_PORT", "8000"),
        help="port to listen on (env NAIKKELAS_PORT, default 8000)",
    )
    p.add_argument(
        "--courses-dir",
        default=os.environ.get("NAIKKELAS_COURSES_DIR", "courses"),
        help="course sources (env NAIKKELAS_COURSES_DIR, default courses/)",
    )
    p.add_argument(
        "--public-dir",
        default=os.environ.get("NAIKKELAS_PUBLIC_DIR", ""),
        help="folder learners' servers read (default: chosen from the data dir)",
    )
    p.add_argument(
        "--public-url",
        metavar="URL",
        help="address people reach NaikKelas at, in every link that leaves the machine "
        "(env NAIKKELAS_PUBLIC_URL, default http://IP:PORT)",
    )
    p.add_argument(
        "--ssl-cert",
        metavar="FILE",
        help="TLS certificate (PEM) to serve HTTPS with (env NAIKKELAS_SSL_CERT)",
    )
    p.add_argument(
        "--ssl-key", metavar="FILE", help="its private key (PEM) (env NAIKKELAS_SSL_KEY)"
    )
    p.set_defaults(func=cmd_run)

    add_qris_commands(sub)
    add_courses_commands(sub, _global_options)
    add_certificate_commands(sub, _global_options)
    add_deploy_commands(sub)
    add_demo_commands(sub, _global_options)
    add_report_commands(sub, _global_options)
    add_roster_commands(sub, _global_options)
    add_audit_commands(sub, _global_options)
    add_learner_commands(sub, _global_options)
    add_backup_commands(sub, _global_options)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())

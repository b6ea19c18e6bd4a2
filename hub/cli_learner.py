"""`naikkelas learner export|erase`: one learner's personal data, for operators (UU PDP).

Thin shells over naikkelas.hub.learners and .hub_users. Exit status: 0 on success, 1 with a
one-line reason on stderr for bad input or a refusal (nothing changed), 2 on usage errors.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError


def _fail(reason: str) -> int:
    print(f"naikkelas: {' '.join(reason.split())}", file=sys.stderr)
    return 1


def cmd_export(args: argparse.Namespace) -> int:
    from .audit import cli_actor
    from .cli_certificates import _engine
    from .learners import LearnerError, write_export

    output = Path(args.output)
    if not output.absolute().parent.is_dir():
        return _fail(f"cannot write {output}: folder {output.absolute().parent} is missing")
    engine = _engine(args)
    if engine is None:
        return 1
    try:
        data = write_export(engine, args.username, output, cli_actor())
    except LearnerError as e:
        return _fail(str(e))
    except OSError as e:
        return _fail(f"cannot write {output}: {e.strerror}")
    counts = ", ".join(
        f"{key} {len(value)}" for key, value in data.items() if isinstance(value, list)
    )
    print(f"Wrote everything stored about {data['username']} to {output} ({counts}).")
    print("It holds personal data: hand it only to the learner, and delete your copy.")
    return 0


def _confirm(username: str, name: str, cohort: str) -> bool:
    print(
        f"This erases learner {username} ({name}, cohort {cohort or '-'}): account, profile, "
        "progress, answers, submissions, grades, preferences, their hub user and server files. "
        "Certificates stay only as an anonymous count. It cannot be undone.",
        file=sys.stderr,
    )
    try:
        typed = input(f"Type the username ({username}) to erase: ")
    except EOFError:
        return False
    return typed.strip().lower() == username


def cmd_erase(args: argparse.Namespace) -> int:
    from .accounts import Role, get_account, normalize_username
    from .audit import cli_actor
    from .cli import settings_from
    from .cli_certificates import _engine
    from .hub_users import HubUserError, HubUsers, remove_system_user
    from .learners import LearnerError, erase

    settings = settings_from(args)
    engine = _engine(args)
    if engine is None:
        return 1
    username = normalize_username(args.username)
    account = get_account(engine, username)
    if account is None:
        return _fail(f"no account {username!r}")
    if account.role is not Role.LEARNER:
        return _fail(f"{username} is a {account.role.value} account, not a learner (peserta)")
    hub = HubUsers(
        args.hub_url,
        token=args.hub_token or os.environ.get("JUPYTERHUB_API_TOKEN", ""),
        hub_db_url=settings.jupyterhub_db_url,
    )
    try:
        how = hub.check()
    except HubUserError as e:
        return _fail(str(e))
    if not args.yes and not _confirm(username, account.display_name, account.cohort):
        return _fail("not confirmed; nothing was erased")
    removed = {}

    def remove_hub_user() -> None:
        removed["hub"] = hub.remove(username, how)

    try:
        result = erase(
            engine,
            username,
            cli_actor(),
            nbgrader_root=settings.nbgrader_path,
            home_dirs=(settings.homes_path / username,),
            before_commit=remove_hub_user,
        )
        unix_user = remove_system_user(settings.system_user_prefix, username)
    except (LearnerError, HubUserError) as e:
        return _fail(str(e))
    except SQLAlchemyError as e:
        return _fail(f"nothing was erased: {str(getattr(e, 'orig', e)).splitlines()[0]}")
    deleted = ", ".join(f"{k} {v}" for k, v in result.deleted.items() if v)
    print(f"Erased learner {username} (audit entries now say {result.pseudonym}).")
    print(f"Deleted rows: {deleted or 'none'}.")
    print(f"Certificates kept as an anonymous count (revoked, no name): {result.certificates}.")
    hub_line = {
        "api": "removed through the hub's API" if removed.get("hub") else "had none",
        "database": "removed from the hub's database" if removed.get("hub") else "had none",
        "none": "no hub database found",
    }[how]
    print(f"JupyterHub user: {hub_line}.")
    if unix_user:
        print(f"Unix user {unix_user} and its home folder removed.")
    for folder in result.files:
        print(f"Removed {folder}")
    return 0


def add_learner_commands(subparsers, global_options) -> None:
    from .cards import DEFAULT_HUB_URL

    parser = subparsers.add_parser(
        "learner", help="export or erase everything stored about one learner (UU PDP)"
    )
    sub = parser.add_subparsers(dest="learner_command", required=True, metavar="COMMAND")

    p = sub.add_parser(
        "export",
        help="write everything stored about one learner to a JSON file",
        description="Account (without the PIN hash), profile, progress and answers, "
        "submissions, nbgrader grades and comments, certificates, preferences and the audit "
        "entries about them. The export itself is written to the audit log.",
    )
    global_options(p)
    p.add_argument("username", metavar="USERNAME")
    p.add_argument("-o", "--output", required=True, metavar="FILE.json")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser(
        "erase",
        help="erase one learner completely (asks to confirm)",
        description="Deletes the learner's account, profile, progress, submissions, gradebook "
        "entries, preferences, hub user and server files in one go; certificates stay only as "
        "an anonymous count. While the hub runs, needs an admin's API token to remove the hub "
        "user; nothing is erased without it.",
    )
    global_options(p)
    p.add_argument("username", metavar="USERNAME")
    p.add_argument("--yes", action="store_true", help="do not ask to confirm")
    p.add_argument("--hub-url", default=DEFAULT_HUB_URL, help=f"the hub ({DEFAULT_HUB_URL})")
    p.add_argument(
        "--hub-token",
        default="",
        metavar="TOKEN",
        help="an admin account's JupyterHub API token (env JUPYTERHUB_API_TOKEN)",
    )
    p.set_defaults(func=cmd_erase)

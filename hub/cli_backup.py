"""`naikkelas backup -o FILE.tar.gz` and `naikkelas restore FILE.tar.gz [--force]`."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path


def _settings(args: argparse.Namespace):
    from .cli import settings_from

    return settings_from(args, public_dir=args.public_dir)


def cmd_backup(args: argparse.Namespace) -> int:
    from .backup import BackupError, backup

    try:
        manifest = backup(_settings(args), Path(args.output))
    except BackupError as e:
        print(f"naikkelas: {e}", file=sys.stderr)
        return 1
    db = manifest["database"]
    print(
        f"backup written to {args.output}: {sum(db['tables'].values())} rows in "
        f"{len(db['tables'])} tables ({db['dialect']}), {len(manifest['files'])} files"
    )
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from .backup import BackupError, restore

    settings = _settings(args)
    try:
        manifest = restore(settings, Path(args.archive), force=args.force)
    except BackupError as e:
        print(f"naikkelas: {e}", file=sys.stderr)
        return 1
    db = manifest["database"]
    print(
        f"restored the backup of {manifest['created_at']} (NaikKelas "
        f"{manifest['naikkelas_version']}): {sum(db['tables'].values())} rows, "
        f"{len(manifest['files'])} files, into {settings.data_path}"
    )
    for name, value in manifest["settings"].items():
        if value != getattr(settings, name):
            variable = f"NAIKKELAS_{name.upper()}"
            print(f"note: the backed-up platform had {variable}={value!r}; set it here too")
    return 0


def add_backup_commands(sub, global_options) -> None:
    public_dir = {
        "default": os.environ.get("NAIKKELAS_PUBLIC_DIR", ""),
        "help": "folder learners' servers read (default: chosen from the data dir, as `run`)",
    }
    p = sub.add_parser(
        "backup", help="write databases, released courses and learners' records to one archive"
    )
    global_options(p)
    p.add_argument("-o", "--output", required=True, help="archive to write (.tar.gz)")
    p.add_argument("--public-dir", **public_dir)
    p.set_defaults(func=cmd_backup)

    p = sub.add_parser("restore", help="bring a backup back onto an empty machine")
    global_options(p)
    p.add_argument("archive", help="archive written by `naikkelas backup`")
    p.add_argument("--public-dir", **public_dir)
    p.add_argument(
        "--force",
        action="store_true",
        help="restore over existing data (folders are kept aside, database tables replaced)",
    )
    p.set_defaults(func=cmd_restore)

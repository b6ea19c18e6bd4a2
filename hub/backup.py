"""`naikkelas backup` / `naikkelas restore`: one archive holds what a platform needs to come
back on an empty machine.

The archive (a gzipped tar, mode 0600: it holds PIN hashes and the cookie secret)::

    manifest.json          format, versions, schema revisions, row counts, settings, and every
                           other file's size and SHA-256
    db/<table>.jsonl       NaikKelas's database, nk_ tables and nbgrader's gradebook, as a
                           portable dump (`naikkelas.hub.backup_db`): SQLite and PostgreSQL alike
    db/jupyterhub.sqlite   JupyterHub's own database, when it is SQLite (online backup API)
    data/...               from the data directory: course sources with answer keys (source/),
                           nbgrader's course folders (nbgrader/), the cookie secret,
                           jupyterhub_config.py
    released/...           the released lessons, one folder per cohort

Consistent while the platform runs: the databases are read from snapshots. Files are copied as
they are: a course released during the backup may be missing from it; nothing a learner did is
(progress, answers and submissions are in the database).

`restore` reads and checks the whole archive (safe names, manifest, sizes and checksums, schema
revisions this NaikKelas knows) into a staging folder beside the data directory before it changes
anything; refuses a non-empty data directory, released folder or database without `force`;
builds the database; and only then moves the folders into place. With `force`, the folders that
were there are kept aside (`<name>.before-restore-<time>`); database tables are replaced.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import tarfile
import tempfile
import zlib
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath

from sqlalchemy import create_engine

from . import migrate
from .backup_db import (
    BackupError,
    dump_database,
    forget_running_servers,
    load_database,
    sqlite_path,
    sqlite_snapshot,
    tables_with_rows,
)
from .settings import Settings

__all__ = ["BackupError", "backup", "restore", "read_archive"]

FORMAT = "naikkelas-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
DATA_ITEMS = ("jupyterhub_config.py", "jupyterhub_cookie_secret", "source", "nbgrader")
TOP_LEVEL = {"db", "data", "released"}
SETTINGS_KEPT = ("public_url", "certificate_issuer", "timezone")
CHUNK = 1 << 20


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("naikkelas")
    except PackageNotFoundError:
        return "unknown"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _copy_tree(source: Path, target: Path) -> None:
    """Regular files and folders only (a symlink in a data folder is not followed)."""
    if source.is_symlink():
        return
    if source.is_file():
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target)
    elif source.is_dir():
        target.mkdir(parents=True, exist_ok=True)
        for child in sorted(source.iterdir()):
            _copy_tree(child, target / child.name)


# -- backup --------------------------------------------------------------------------------------
def backup(settings: Settings, output: Path) -> dict:
    """Write the archive to `output` (atomically, mode 0600); returns its manifest."""
    output = Path(output).absolute()
    if not output.parent.is_dir():
        raise BackupError(f"folder {output.parent} does not exist")
    if not settings.data_path.is_dir():
        raise BackupError(f"data directory {settings.data_path} does not exist")
    with tempfile.TemporaryDirectory(prefix=".naikkelas-backup-", dir=output.parent) as tmp:
        stage = Path(tmp) / "stage"
        db = dump_database(settings.naikkelas_db_url, stage / "db")
        hub_db = sqlite_path(settings.jupyterhub_db_url)
        if hub_db is not None and hub_db.exists():
            sqlite_snapshot(hub_db, stage / "db" / "jupyterhub.sqlite")
            forget_running_servers(stage / "db" / "jupyterhub.sqlite")
        for item in DATA_ITEMS:
            _copy_tree(settings.data_path / item, stage / "data" / item)
        _copy_tree(settings.released_path, stage / "released")
        files = {
            path.relative_to(stage).as_posix(): {
                "size": path.stat().st_size,
                "sha256": _sha256(path),
            }
            for path in sorted(stage.rglob("*"))
            if path.is_file()
        }
        manifest = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "naikkelas_version": _version(),
            "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "database": db,
            "jupyterhub_database": "db/jupyterhub.sqlite" in files,
            "settings": {name: getattr(settings, name) for name in SETTINGS_KEPT},
            "files": files,
        }
        (stage / MANIFEST).write_text(json.dumps(manifest, indent=1, ensure_ascii=False))
        partial = Path(tmp) / "archive.tar.gz"
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz") as tar:
            tar.add(stage / MANIFEST, arcname=MANIFEST)
            for top in sorted(TOP_LEVEL):
                if (stage / top).exists():
                    tar.add(stage / top, arcname=top)
        partial.replace(output)
    return manifest


# -- reading an archive --------------------------------------------------------------------------
def _safe_name(name: str) -> PurePosixPath:
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or not path.parts:
        raise BackupError(f"archive member {name!r} has an unsafe path")
    if path.parts[0] not in TOP_LEVEL and name != MANIFEST:
        raise BackupError(f"archive member {name!r} is not part of a NaikKelas backup")
    return path


def read_archive(archive: Path, into: Path) -> dict:
    """Unpack `archive` into the empty folder `into`, checking everything; returns the manifest.
    Raises `BackupError` on any damage, leaving only `into` to remove."""
    archive = Path(archive)
    if not archive.is_file():
        raise BackupError(f"{archive} is not a file")
    try:
        with tarfile.open(archive, mode="r:gz") as tar:
            for member in tar:
                path = _safe_name(member.name)
                target = into.joinpath(*path.parts)
                if member.isdir():
                    target.mkdir(parents=True, exist_ok=True)
                    continue
                if not member.isfile():
                    raise BackupError(f"archive member {member.name!r} is not a regular file")
                target.parent.mkdir(parents=True, exist_ok=True)
                source = tar.extractfile(member)
                with open(target, "wb") as out:
                    shutil.copyfileobj(source, out, CHUNK)
                os.chmod(target, member.mode & 0o777)  # as it was (no set-id bits)
    except (tarfile.TarError, EOFError, zlib.error) as e:
        raise BackupError(f"{archive} is damaged or truncated ({e}); nothing was changed") from None
    manifest = _check_manifest(into)
    found = {p.relative_to(into).as_posix() for p in into.rglob("*") if p.is_file()} - {MANIFEST}
    listed = set(manifest["files"])
    if found != listed:
        extra, missing = sorted(found - listed), sorted(listed - found)
        raise BackupError(
            f"{archive} does not match its manifest (missing: {missing[:3]}, "
            f"unlisted: {extra[:3]}); nothing was changed"
        )
    for name, expected in manifest["files"].items():
        path = into / name
        if path.stat().st_size != expected["size"] or _sha256(path) != expected["sha256"]:
            raise BackupError(
                f"{archive}: {name} is damaged (checksum differs); nothing was changed"
            )
    return manifest


def _check_manifest(folder: Path) -> dict:
    path = folder / MANIFEST
    if not path.is_file():
        raise BackupError("the archive has no manifest.json: not a NaikKelas backup")
    try:
        manifest = json.loads(path.read_text())
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise BackupError("the archive's manifest.json is damaged") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError("the archive is not a NaikKelas backup")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(
            f"backup format {manifest.get('format_version')} is not supported by this NaikKelas "
            f"(format {FORMAT_VERSION})"
        )
    known = {rev.revision for rev in migrate.script_directory().walk_revisions()}
    unknown = set(manifest["database"]["naikkelas_revisions"]) - known
    if unknown:
        raise BackupError(
            f"the backup's database schema ({', '.join(sorted(unknown))}) comes from a newer "
            f"NaikKelas ({manifest.get('naikkelas_version')}): upgrade this one first"
        )
    nbgrader_revision = manifest["database"].get("nbgrader_revision")
    if nbgrader_revision:
        from naikkelas.grading.gradebook import _nbgrader_schema_head

        if nbgrader_revision != _nbgrader_schema_head():
            raise BackupError(
                f"the backup's gradebook is at nbgrader schema {nbgrader_revision}, this "
                f"NaikKelas's nbgrader at {_nbgrader_schema_head()}"
            )
    return manifest


# -- restore -------------------------------------------------------------------------------------
def _occupied(path: Path) -> bool:
    return path.is_dir() and any(path.iterdir())


def restore(settings: Settings, archive: Path, force: bool = False) -> dict:
    """Bring the backup in `archive` back into the (empty) data directory, released folder and
    database of `settings`; returns the manifest. Stop the platform first."""
    data, released = settings.data_path, settings.released_path
    if data.exists() and not data.is_dir():
        raise BackupError(f"{data} is not a directory")
    data.parent.mkdir(parents=True, exist_ok=True)
    db_in_data_dir = not settings.db_url
    hub_db_in_data_dir = not settings.hub_db_url
    with tempfile.TemporaryDirectory(prefix=f".{data.name}.restore-", dir=data.parent) as tmp:
        unpacked = Path(tmp) / "archive"
        unpacked.mkdir()
        manifest = read_archive(archive, unpacked)
        # Everything is checked; now the targets.
        busy = [str(p) for p in (data, released) if _occupied(p)]
        external = None
        if not db_in_data_dir:
            external = create_engine(settings.naikkelas_db_url)
            try:
                if tables_with_rows(external):
                    busy.append("the database at --db-url")
            finally:
                external.dispose()
        if busy and not force:
            raise BackupError(
                f"{', '.join(busy)} not empty: restore only onto an empty machine, or give "
                "--force (folders are kept aside, database tables are replaced)"
            )
        new_data = Path(tmp) / "data"
        (unpacked / "data").replace(new_data) if (unpacked / "data").exists() else new_data.mkdir()
        db_url = (
            f"sqlite:///{new_data / 'naikkelas.sqlite'}"
            if db_in_data_dir
            else settings.naikkelas_db_url
        )
        load_database(db_url, unpacked / "db", manifest["database"])
        if manifest["jupyterhub_database"] and hub_db_in_data_dir:
            (unpacked / "db" / "jupyterhub.sqlite").replace(new_data / "jupyterhub.sqlite")
        stamp = datetime.now(UTC).strftime("%Y%m%d%H%M%S")
        _put_in_place(new_data, data, stamp, mode=0o700)
        new_released = unpacked / "released"
        if not new_released.exists():
            new_released.mkdir()
        _put_in_place(new_released, released, stamp, mode=0o755)
    return manifest


def _put_in_place(source: Path, target: Path, stamp: str, mode: int) -> None:
    if target.exists() or target.is_symlink():
        if _occupied(target):
            target.rename(target.with_name(f"{target.name}.before-restore-{stamp}"))
        else:
            with contextlib.suppress(OSError):
                target.rmdir()
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.move(str(source), str(target))
    os.chmod(target, mode)
    if mode == 0o755:
        for folder in [target, *(p for p in target.rglob("*") if p.is_dir())]:
            os.chmod(folder, 0o755)  # noqa: S103 - learners read released lessons

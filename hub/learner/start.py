"""Start a learner's server in a Kubernetes pod: fetch the cohort's lessons, then serve them.

On one machine a learner's server reads released lessons from the shared public folder. A pod
shares no filesystem with the hub, so the pod's command (`python -m naikkelas.hub.learner.start`,
set by `naikkelas.hub.config.spawner` on Kubernetes) first downloads the lessons released to the
learner's cohort from the NaikKelas service (`GET api/released`, with the server's own token)
into `$NAIKKELAS_LESSONS_DIR`, then replaces itself with the single-user server
(`python -m naikkelas.hub.singleuser`, JupyterHub's `jupyterhub-singleuser`) and its arguments.
Staff servers (no `NAIKKELAS_LESSONS_DIR`) start directly.

Lessons released while a learner's server runs appear at its next start (the idle culler stops
servers after `cull_idle_seconds`).
"""

from __future__ import annotations

import io
import os
import sys
import tarfile
import urllib.request
from pathlib import Path

from jupyter_server.utils import url_path_join

FETCH_TIMEOUT = 30
MAX_ARCHIVE = 256 * 1024 * 1024


class FetchError(RuntimeError):
    """The lessons could not be fetched; the message says why (one line, English)."""


def fetch_lessons(service_url: str, token: str, dest: Path) -> list[str]:
    """Download the caller's released lessons into `dest` (made when missing); returns the
    course folders now in it. Existing files are replaced; nothing outside `dest` is written."""
    request = urllib.request.Request(  # noqa: S310 - the service URL comes from the hub
        url_path_join(service_url, "api/released"),
        headers={"Authorization": f"token {token}"},
    )
    try:
        with urllib.request.urlopen(request, timeout=FETCH_TIMEOUT) as response:  # noqa: S310
            kind = response.headers.get_content_type()
            body = response.read(MAX_ARCHIVE + 1)
    except OSError as e:
        raise FetchError(f"cannot fetch lessons from {service_url}: {e}") from None
    if kind != "application/gzip":
        # A refused token ends on the hub's login page.
        raise FetchError(f"cannot fetch lessons from {service_url}: got {kind}, not lessons")
    if len(body) > MAX_ARCHIVE:
        raise FetchError("the lessons archive is larger than allowed")
    dest.mkdir(parents=True, exist_ok=True)
    try:
        with tarfile.open(fileobj=io.BytesIO(body), mode="r:gz") as tar:
            _extract(tar, dest)
    except (tarfile.TarError, OSError) as e:
        raise FetchError(f"cannot unpack the lessons: {e}") from None
    return sorted(p.name for p in dest.iterdir() if p.is_dir() and not p.name.startswith("."))


def _extract(tar: tarfile.TarFile, dest: Path) -> None:
    """Plain files and folders only, each inside `dest` (Debian's Python 3.11.2 predates
    tarfile's extraction filters)."""
    root = dest.resolve()
    for member in tar.getmembers():
        target = (root / member.name).resolve()
        if not (member.isfile() or member.isdir()) or not target.is_relative_to(root):
            raise tarfile.TarError(f"refused archive member {member.name!r}")
        if member.isdir():
            target.mkdir(parents=True, exist_ok=True)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        source = tar.extractfile(member)
        tmp = target.with_name(f".{target.name}.part")
        with source, open(tmp, "wb") as out:
            out.write(source.read())
        tmp.replace(target)


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    lessons_dir = os.environ.get("NAIKKELAS_LESSONS_DIR")
    if lessons_dir:
        try:
            courses = fetch_lessons(
                os.environ["NAIKKELAS_SERVICE_URL"],
                os.environ["JUPYTERHUB_API_TOKEN"],
                Path(lessons_dir),
            )
            print(f"naikkelas: lessons of {len(courses)} courses in {lessons_dir}", flush=True)
        except (FetchError, KeyError) as e:
            # The course home then says there are no lessons yet; a restart fetches again.
            Path(lessons_dir).mkdir(parents=True, exist_ok=True)
            print(f"naikkelas: WARNING: {e}", file=sys.stderr, flush=True)
    # JupyterHub's single-user server, without the modules it never uses (naikkelas.hub.singleuser).
    command = [sys.executable, "-m", "naikkelas.hub.singleuser", *args]
    os.execv(sys.executable, command)  # noqa: S606


if __name__ == "__main__":
    main()

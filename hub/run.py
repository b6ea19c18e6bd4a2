"""`naikkelas run`: prepare the data directory and start the hub, its proxy and services."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import sys
from pathlib import Path

from traitlets import TraitError
from traitlets.config import Config

from naikkelas.grading.courses import list_courses
from naikkelas.grading.release import release_course

from .config import apply_config
from .db import engine_for
from .demo import DEMO_COHORT, banner, seed_demo_accounts
from .headers import LESSON_CSP, settings_headers
from .lockdown import MIGRATED_MARKER, learner_config_files
from .settings import Settings

SHARED_MODE_WARNING = (
    "WARNING: not running as root, so every learner's server runs as this Unix user and learners "
    "are not isolated from each other. Use this mode for trying and authoring, never for a class."
)


OVERRIDES_HEADER = """\
# Extra JupyterHub settings for this deployment, read after NaikKelas's own configuration.
# Prefer NaikKelas's options; settings made here are not carried to Kubernetes.
"""


class StartError(RuntimeError):
    """The platform cannot start; the message says why (one line)."""


def prepare(settings: Settings) -> None:
    """Create the data and public folders and write the learner servers' configuration."""
    data = settings.data_path
    data.mkdir(parents=True, exist_ok=True)
    if settings.as_root:
        # Databases and secrets are the hub's alone; learners read only the public folder.
        os.chmod(data, 0o700)
    public = settings.public_path
    for folder in (public, settings.released_path, settings.learner_config_path):
        folder.mkdir(parents=True, exist_ok=True)
        os.chmod(folder, 0o755)  # noqa: S103 - learners must read it
    files = learner_config_files(
        kernel_cull_idle_seconds=settings.kernel_cull_idle_seconds,
        kernel_cull_disconnected_seconds=settings.kernel_cull_disconnected_seconds,
        headers=settings_headers(settings, LESSON_CSP),
        lesson_frontend=settings.lesson_frontend,
    )
    for name, text in files.items():
        target = settings.learner_config_path / name
        if name == MIGRATED_MARKER and target.exists():
            continue
        tmp = target.with_name(f".{name}.tmp")
        tmp.write_text(text)
        os.chmod(tmp, 0o644)
        tmp.replace(target)
    if not settings.as_root:
        settings.homes_path.mkdir(parents=True, exist_ok=True)
    overrides = data / "jupyterhub_config.py"
    if not overrides.exists():
        overrides.write_text(OVERRIDES_HEADER)


def check_proxy(settings: Settings) -> None:
    command = settings.proxy_path
    if not (shutil.which(command) or Path(command).is_file()):
        raise StartError(
            f"configurable-http-proxy not found at {command!r}; run `make install` "
            "or set NAIKKELAS_PROXY"
        )


def check_ports_free(settings: Settings) -> None:
    """Refuse to start beside another platform (it would take over the running one's proxy)."""
    ports = (settings.port, settings.port + 1, settings.port + 2, settings.service_port)
    for port in (*ports, settings.formgrader_port):
        with socket.socket() as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            host = settings.ip if port == settings.port else "127.0.0.1"
            try:
                probe.bind((host, port))
            except OSError:
                raise StartError(
                    f"port {port} on {host} is already in use (is NaikKelas already running?)"
                ) from None


def seed_demo(settings: Settings) -> list[str]:
    """Demo accounts and the bundled courses released to the demo cohort."""
    seed_demo_accounts(engine_for(settings.naikkelas_db_url))
    released = []
    grading = settings.grading()
    for course in list_courses(Path(settings.courses_dir)):
        release_course(
            course.path, settings.released_path, DEMO_COHORT, settings.source_path, grading
        )
        released.append(course.slug)
    if settings.demo_synthetic_learners > 0:
        from naikkelas.grading.seed import seed

        result = seed(
            settings, settings.demo_synthetic_learners, 1, courses_dir=Path(settings.courses_dir)
        )
        print(
            f"Synthetic learners for reports: {result.added + result.existing} "
            f"in {result.cohorts} cohorts 'sintetis-1-*'",
            flush=True,
        )
    return released


def run(settings: Settings, config: Config | None = None) -> None:
    """Prepare and start the platform; returns when the hub has shut down."""
    from jupyterhub.app import JupyterHub

    check_proxy(settings)
    check_ports_free(settings)
    try:
        settings.timezone  # noqa: B018 - settings read from the environment are checked here
        settings.public_url  # noqa: B018
        settings.check_tls()
    except TraitError as e:
        raise StartError(str(e)) from None
    prepare(settings)
    # Started in the background by a shell, SIGINT arrives ignored; Ctrl-C and `kill -INT`
    # must still stop the platform cleanly.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    url = f"{'https' if settings.tls else 'http'}://{settings.ip}:{settings.port}/"
    if settings.demo:
        released = seed_demo(settings)
        print(banner(url), flush=True)
        print(f"Released to cohort '{DEMO_COHORT}': {', '.join(released) or 'no courses'}")
    if not settings.as_root:
        print(SHARED_MODE_WARNING, file=sys.stderr, flush=True)
    c = apply_config(config or Config(), settings)
    # Operators may add JupyterHub settings here; it is read after ours.
    c.JupyterHub.config_file = str(settings.data_path / "jupyterhub_config.py")
    print(f"NaikKelas: open {url} in a browser", flush=True)
    print(f"NaikKelas: public address (links, QR codes): {settings.public_base_url}/", flush=True)
    JupyterHub.instance(config=c)
    JupyterHub.launch_instance([])

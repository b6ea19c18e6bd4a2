"""JupyterHub configuration as pure functions.

Each function takes a traitlets `Config` (and NaikKelas `Settings`) and fills in one concern. The
embedded run (`naikkelas run`) and the Kubernetes values (`naikkelas deploy kubernetes`) both call
`apply_config`, so nothing is configured twice. None of these functions touches the disk.
"""

from __future__ import annotations

import sys
from pathlib import Path

from traitlets.config import Config

from .settings import SERVICE_NAME, Settings

HERE = Path(__file__).parent


def hub_basics(c: Config, settings: Settings) -> None:
    """Where the hub listens and keeps its state."""
    c.JupyterHub.ip = settings.ip
    c.JupyterHub.port = settings.port
    c.JupyterHub.hub_ip = "127.0.0.1"
    # The proxy's API takes port + 1 (JupyterHub's default); the hub itself port + 2.
    c.JupyterHub.hub_port = settings.port + 2
    c.JupyterHub.db_url = settings.jupyterhub_db_url
    c.JupyterHub.cookie_secret_file = str(settings.data_path / "jupyterhub_cookie_secret")
    c.JupyterHub.template_paths = [str(HERE / "templates")]
    c.JupyterHub.template_vars = {"product": "NaikKelas"}
    # Learners always land in their server (course home); no JupyterHub home page in between.
    c.JupyterHub.default_url = "/hub/spawn"
    # A learner whose server was stopped (culled, restarted) gets it started again at once
    # instead of a "server not running" page with a button.
    c.JupyterHub.implicit_spawn_seconds = 0.5
    # Stop every server when the hub stops, so Ctrl-C leaves no orphans.
    c.JupyterHub.cleanup_servers = True
    c.JupyterHub.cleanup_proxy = True
    c.JupyterHub.log_datefmt = "%Y-%m-%d %H:%M:%S"


def proxy(c: Config, settings: Settings) -> None:
    """The npm configurable-http-proxy, started and stopped by the hub."""
    c.ConfigurableHTTPProxy.command = [settings.proxy_path]
    # Explicit, or it is 8001 whatever the public port, and two platforms on one machine clash.
    c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{settings.port + 1}"
    c.ConfigurableHTTPProxy.pid_file = str(settings.data_path / "proxy.pid")
    c.ConfigurableHTTPProxy.should_start = True


def authenticator(c: Config, settings: Settings) -> None:
    c.JupyterHub.authenticator_class = "naikkelas.hub.auth.NaikKelasAuthenticator"
    c.NaikKelasAuthenticator.db_url = settings.naikkelas_db_url
    c.Authenticator.admin_users = set()  # admins come from the account store's role


def spawner(c: Config, settings: Settings) -> None:
    """Own Unix user per learner as root; one shared account otherwise."""
    if settings.as_root:
        c.JupyterHub.spawner_class = "naikkelas.hub.spawners.SystemUserSpawner"
        c.SystemUserSpawner.system_user_prefix = settings.system_user_prefix
    else:
        c.JupyterHub.spawner_class = "naikkelas.hub.spawners.SharedUserSpawner"
        c.SharedUserSpawner.home_root = str(settings.homes_path)
    # The environment's own single-user command, so learners run what the hub runs.
    c.Spawner.cmd = [str(Path(sys.executable).with_name("jupyterhub-singleuser"))]
    c.Spawner.default_url = "/naikkelas"
    c.Spawner.start_timeout = 60
    c.Spawner.http_timeout = 60
    # Shut down quickly on hub exit: servers are stopped in parallel, each within a few seconds.
    c.Spawner.interrupt_timeout = 3
    c.Spawner.term_timeout = 3
    c.Spawner.kill_timeout = 3
    c.JupyterHub.shutdown_on_logout = False
    c.Spawner.environment = {
        "PYTHONNOUSERSITE": "1",
        # Lesson kernels check answers and save progress through the NaikKelas service.
        "NAIKKELAS_SERVICE_URL": settings.service_url,
    }
    # The server's token (inherited by its kernels) may call the NaikKelas service.
    c.Spawner.server_token_scopes = [
        "users:activity!user",
        "access:servers!server",
        f"access:services!service={SERVICE_NAME}",
    ]
    # Where the authenticator's pre-spawn step roots and configures learners' servers.
    c.NaikKelasAuthenticator.released_dir = str(settings.released_path)
    c.NaikKelasAuthenticator.learner_config_dir = str(settings.learner_config_path)


def roles(c: Config) -> None:
    """JupyterHub RBAC roles. Operators are JupyterHub admins (the authenticator sets `admin`
    from the account's role); every other account reaches only its own server."""
    c.JupyterHub.load_roles = [
        *c.JupyterHub.get("load_roles", []),
        {
            "name": "user",
            "description": "Every account: its own server only.",
            # The services check the account's role themselves (the formgrader refuses
            # everyone but trainers and operators).
            "scopes": [
                "self",
                f"access:services!service={SERVICE_NAME}",
                "access:services!service=formgrader",
            ],
        },
    ]


def services(c: Config, settings: Settings) -> None:
    """The NaikKelas service (answer checking, progress, certificates and their public
    verification page) and the grader, beside the hub."""
    c.JupyterHub.services = [
        *c.JupyterHub.get("services", []),
        {
            "name": SERVICE_NAME,
            "url": f"http://127.0.0.1:{settings.service_port}",
            "command": [sys.executable, "-m", "naikkelas.hub.service"],
            "environment": {
                "NAIKKELAS_DATA_DIR": str(settings.data_path),
                "NAIKKELAS_DB_URL": settings.naikkelas_db_url,
                "NAIKKELAS_PUBLIC_DIR": str(settings.public_path),
                # The course library trainers release from (their "Buka untuk kelas" button).
                "NAIKKELAS_COURSES_DIR": str(Path(settings.courses_dir).absolute()),
                # What certificates say and where their QR codes point.
                "NAIKKELAS_PUBLIC_URL": settings.public_base_url,
                "NAIKKELAS_CERTIFICATE_ISSUER": settings.certificate_issuer,
                "NAIKKELAS_TIMEZONE": settings.timezone,
            },
            "display": False,
            # Trainers' pages log in through the hub; no "authorize this app" page in between.
            "oauth_no_confirm": True,
        },
        {
            # nbgrader's formgrader for trainers, one course at a time, scoped to their cohort.
            "name": "formgrader",
            "url": f"http://127.0.0.1:{settings.formgrader_port}",
            "command": [sys.executable, "-m", "naikkelas.grading.formgrader"],
            "environment": {
                "NAIKKELAS_DATA_DIR": str(settings.data_path),
                "NAIKKELAS_DB_URL": settings.naikkelas_db_url,
                "NAIKKELAS_PUBLIC_DIR": str(settings.public_path),
            },
            "display": True,
            "oauth_no_confirm": True,
        },
        {
            # Autogrades submissions with nbgrader as they arrive (restarted by the hub).
            "name": "grader",
            "command": [sys.executable, "-m", "naikkelas.grading.grader"],
            "environment": {
                "NAIKKELAS_DATA_DIR": str(settings.data_path),
                "NAIKKELAS_DB_URL": settings.naikkelas_db_url,
                "NAIKKELAS_GRADING_CELL_TIMEOUT": str(settings.grading_cell_timeout),
                "NAIKKELAS_GRADING_LEASE_SECONDS": str(settings.grading_lease_seconds),
            },
            "display": False,
        },
    ]


def culling(c: Config, settings: Settings) -> None:
    """Stop idle servers with jupyterhub-idle-culler as a hub-managed service."""
    c.JupyterHub.services = [
        *c.JupyterHub.get("services", []),
        {
            "name": "idle-culler",
            "command": [
                sys.executable,
                "-m",
                "jupyterhub_idle_culler",
                f"--timeout={settings.cull_idle_seconds}",
            ],
        },
    ]
    c.JupyterHub.load_roles = [
        *c.JupyterHub.get("load_roles", []),
        {
            "name": "idle-culler",
            "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"],
            "services": ["idle-culler"],
        },
    ]


def apply_config(c: Config, settings: Settings) -> Config:
    """Fill `c` with the whole NaikKelas hub configuration."""
    hub_basics(c, settings)
    proxy(c, settings)
    authenticator(c, settings)
    spawner(c, settings)
    roles(c)
    services(c, settings)
    culling(c, settings)
    return c

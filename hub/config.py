"""JupyterHub configuration as pure functions.

Each function takes a traitlets `Config` (and NaikKelas `Settings`) and fills in one concern. The
embedded run (`naikkelas run`) and the Kubernetes values (`naikkelas deploy kubernetes`) both call
`apply_config`, so nothing is configured twice. None of these functions touches the disk.
"""

from __future__ import annotations

import sys
from pathlib import Path

from traitlets.config import Config

from .accounts import Role
from .settings import Settings

HERE = Path(__file__).parent
SERVICE_NAME = "naikkelas"


def hub_basics(c: Config, settings: Settings) -> None:
    """Where the hub listens and keeps its state."""
    c.JupyterHub.ip = settings.ip
    c.JupyterHub.port = settings.port
    c.JupyterHub.hub_ip = "127.0.0.1"
    c.JupyterHub.db_url = settings.jupyterhub_db_url
    c.JupyterHub.cookie_secret_file = str(settings.data_path / "jupyterhub_cookie_secret")
    c.JupyterHub.template_paths = [str(HERE / "templates")]
    c.JupyterHub.template_vars = {"product": "NaikKelas"}
    # Learners always land in their server (course home); no JupyterHub home page in between.
    c.JupyterHub.default_url = "/hub/spawn"
    # Stop every server when the hub stops, so Ctrl-C leaves no orphans.
    c.JupyterHub.cleanup_servers = True
    c.JupyterHub.cleanup_proxy = True
    c.JupyterHub.log_datefmt = "%Y-%m-%d %H:%M:%S"


def proxy(c: Config, settings: Settings) -> None:
    """The npm configurable-http-proxy, started and stopped by the hub."""
    c.ConfigurableHTTPProxy.command = [settings.proxy_path]
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
    c.Spawner.pre_spawn_hook = pre_spawn_hook
    c.Spawner.environment = {
        "NAIKKELAS_RELEASED_DIR": str(settings.released_path),
        "NAIKKELAS_LEARNER_CONFIG_DIR": str(settings.learner_config_path),
        "PYTHONNOUSERSITE": "1",
    }


def pre_spawn_hook(spawner) -> None:
    """Lock a learner's server down and root it in their cohort's released lessons."""
    groups = {g.name for g in spawner.user.groups}
    env = spawner.environment
    if Role.LEARNER.value in groups:
        cohorts = sorted(g.removeprefix("cohort-") for g in groups if g.startswith("cohort-"))
        cohort = cohorts[0] if cohorts else "_none"
        spawner.notebook_dir = str(Path(env["NAIKKELAS_RELEASED_DIR"]) / cohort)
        spawner.environment = {
            **env,
            # The learner server reads only this config dir and the environment's own.
            "JUPYTER_CONFIG_DIR": env["NAIKKELAS_LEARNER_CONFIG_DIR"],
            "NAIKKELAS_ROLE": Role.LEARNER.value,
            "NAIKKELAS_COHORT": cohort,
            # Voila finds the `naikkelas` lesson template here.
            "JUPYTER_PATH": str(HERE / "learner"),
        }
        spawner.default_url = "/naikkelas"
    else:
        spawner.default_url = "/lab"


def roles(c: Config) -> None:
    """JupyterHub RBAC roles. Operators are JupyterHub admins (the authenticator sets `admin`
    from the account's role); every other account reaches only its own server."""
    c.JupyterHub.load_roles = [
        *c.JupyterHub.get("load_roles", []),
        {
            "name": "user",
            "description": "Every account: its own server only.",
            "scopes": ["self"],
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
    culling(c, settings)
    return c

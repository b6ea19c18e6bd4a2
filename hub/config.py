"""JupyterHub configuration as pure functions.

Each function takes a traitlets `Config` (and NaikKelas `Settings`) and fills in one concern. The
embedded run (`naikkelas run`) and the Kubernetes values (`naikkelas deploy kubernetes`) both call
`apply_config`, so nothing is configured twice. None of these functions touches the disk.
"""

from __future__ import annotations

import sys
from pathlib import Path

from traitlets.config import Config

from .headers import HUB_CSP, settings_headers
from .settings import SERVICE_NAME, Settings

HERE = Path(__file__).parent
# Where the Zero to JupyterHub chart's proxy pod reaches the hub from (pod networks).
KUBERNETES_PROXY_NETWORKS = ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fd00::/8")


OFFICIALS_PAGE = f"/services/{SERVICE_NAME}/pejabat/"


def landing_url(handler) -> str:
    """Where `/hub/` and a login without `next` lead (JupyterHub calls this with its request
    handler): officials to their dashboard, everyone else to their own server (a learner's
    course home, a trainer's JupyterLab)."""
    user = handler.current_user
    groups = {group.name for group in getattr(user, "groups", None) or ()}
    if "pejabat" in groups:
        return OFFICIALS_PAGE
    spawner = getattr(user, "spawner", None)
    if spawner is not None and spawner.ready:
        # Already running: straight there, a learner to the course home, without /hub/spawn
        # and the server's redirect to its default page (two round trips, ~0.3 s on 3G).
        return user.url.rstrip("/") + "/naikkelas" if "peserta" in groups else user.url
    return "/hub/spawn"


def hub_basics(c: Config, settings: Settings) -> None:
    """Where the hub listens and keeps its state, and how it looks."""
    c.JupyterHub.db_url = settings.jupyterhub_db_url
    c.JupyterHub.template_paths = [str(HERE / "templates")]
    c.JupyterHub.template_vars = {"product": "NaikKelas"}
    # Learners land in their server (course home), officials on their dashboard; no
    # JupyterHub home page in between.
    c.JupyterHub.default_url = landing_url
    # A learner whose server was stopped (culled, restarted) gets it started again at once
    # instead of a "server not running" page with a button.
    c.JupyterHub.implicit_spawn_seconds = 0.5
    c.JupyterHub.log_datefmt = "%Y-%m-%d %H:%M:%S"
    # traitlets leaves an application's logger at DEBUG and filters at its handler, so every
    # debug line JupyterHub (and tornado, which follows its level) does not print still builds
    # a log record: a few per request and per proxy check. The logger filters instead.
    c.JupyterHub.logging_config = {
        "loggers": {"JupyterHub": {"level": c.JupyterHub.get("log_level", "INFO")}}
    }
    # Operators see learners' work through NaikKelas's pages, never inside a learner's server.
    c.JupyterHub.admin_access = False
    if settings.public_url:
        # JupyterHub's own absolute URLs and redirects use the operator's public address, and
        # its cookies are marked Secure when that address is https.
        c.JupyterHub.public_url = settings.public_base_url + "/"
    # Security headers of every hub page (the login page has a stricter policy of its own).
    c.JupyterHub.tornado_settings = {
        **c.JupyterHub.get("tornado_settings", {}),
        "headers": settings_headers(settings, HUB_CSP),
    }
    if settings.on_kubernetes:
        # Addresses, the cookie secret and the proxy are the chart's; learners' pods outlive
        # a hub restart (the chart's choice, kept).
        return
    c.JupyterHub.ip = settings.ip
    c.JupyterHub.port = settings.port
    if settings.tls:
        # The proxy serves the public port with the operator's certificate; everything behind
        # it (hub, proxy API, services, learners' servers) stays plain HTTP on loopback.
        c.JupyterHub.ssl_cert = settings.ssl_cert
        c.JupyterHub.ssl_key = settings.ssl_key
    c.JupyterHub.hub_ip = "127.0.0.1"
    # The proxy's API takes port + 1 (JupyterHub's default); the hub itself port + 2.
    c.JupyterHub.hub_port = settings.port + 2
    c.JupyterHub.cookie_secret_file = str(settings.data_path / "jupyterhub_cookie_secret")
    # After an upgrade of JupyterHub, its own database is migrated at start (a copy of an
    # SQLite file is kept beside it first), as NaikKelas's own tables are.
    c.JupyterHub.upgrade_db = True
    # Stop every server when the hub stops, so Ctrl-C leaves no orphans.
    c.JupyterHub.cleanup_servers = True
    c.JupyterHub.cleanup_proxy = True


def proxy(c: Config, settings: Settings) -> None:
    """The npm configurable-http-proxy, started and stopped by the hub (on Kubernetes the
    chart runs it in a pod of its own and configures the hub for it)."""
    if settings.on_kubernetes:
        return
    c.ConfigurableHTTPProxy.command = [settings.proxy_path]
    # Explicit, or it is 8001 whatever the public port, and two platforms on one machine clash.
    c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{settings.port + 1}"
    c.ConfigurableHTTPProxy.pid_file = str(settings.data_path / "proxy.pid")
    c.ConfigurableHTTPProxy.should_start = True


def authenticator(c: Config, settings: Settings) -> None:
    c.JupyterHub.authenticator_class = "naikkelas.hub.auth.NaikKelasAuthenticator"
    c.NaikKelasAuthenticator.db_url = settings.naikkelas_db_url
    c.Authenticator.admin_users = set()  # admins come from the account store's role
    c.NaikKelasAuthenticator.login_lock_seconds = settings.login_lock_seconds
    c.NaikKelasAuthenticator.login_delay_seconds = settings.login_delay_seconds
    if settings.on_kubernetes:
        # The chart's proxy pod reaches the hub from the cluster's private pod network.
        c.NaikKelasAuthenticator.trusted_proxies = list(KUBERNETES_PROXY_NETWORKS)


def spawner(c: Config, settings: Settings) -> None:
    """One pod per learner on Kubernetes; on one machine, an own Unix user per learner as root
    and one shared account otherwise."""
    if settings.on_kubernetes:
        c.JupyterHub.spawner_class = "kubespawner.KubeSpawner"
        # The learner image's start step fetches the cohort's lessons from the NaikKelas
        # service, then runs the single-user server (`naikkelas.hub.learner.start`).
        c.Spawner.cmd = ["python", "-m", "naikkelas.hub.learner.start"]
        # Learner pods reach the hub by the Service's cluster IP: their network policy
        # allows no DNS.
        c.KubeSpawner.hub_connect_url = f"http://{settings.hub_host}:8081"
    else:
        if settings.as_root:
            c.JupyterHub.spawner_class = "naikkelas.hub.spawners.SystemUserSpawner"
            c.SystemUserSpawner.system_user_prefix = settings.system_user_prefix
        else:
            c.JupyterHub.spawner_class = "naikkelas.hub.spawners.SharedUserSpawner"
            c.SharedUserSpawner.home_root = str(settings.homes_path)
        # The environment's own single-user server, so learners run what the hub runs (through
        # `naikkelas.hub.singleuser`, which leaves out what the server never uses).
        c.Spawner.cmd = [sys.executable, "-m", "naikkelas.hub.singleuser"]
        c.Spawner.start_timeout = 60
        # Shut down quickly on hub exit: servers are stopped in parallel, each within seconds.
        c.LocalProcessSpawner.interrupt_timeout = 3
        c.LocalProcessSpawner.term_timeout = 3
        c.LocalProcessSpawner.kill_timeout = 3
    c.Spawner.default_url = "/naikkelas"
    c.Spawner.http_timeout = 60
    c.JupyterHub.shutdown_on_logout = False
    # The chart sets KubeSpawner.environment (from singleuser.extraEnv), which would hide a
    # Spawner-level setting: on Kubernetes, add to it.
    section = c.KubeSpawner if settings.on_kubernetes else c.Spawner
    section.environment = {
        **section.get("environment", {}),
        "PYTHONNOUSERSITE": "1",
        "MALLOC_ARENA_MAX": "2",
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
    c.NaikKelasAuthenticator.released_dir = str(settings.learner_released_path)
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


def _service_environment(settings: Settings, **extra: str) -> dict[str, str]:
    env = {
        "NAIKKELAS_DATA_DIR": str(settings.data_path),
        "NAIKKELAS_DB_URL": settings.naikkelas_db_url,
        **extra,
    }
    if settings.on_kubernetes:
        # Services in the hub pod speak to the hub on the pod's loopback, as the chart's own
        # culler does (the hub's network policy admits only labelled pods on its Service).
        env["JUPYTERHUB_API_URL"] = "http://127.0.0.1:8081/hub/api"
    return env


def services(c: Config, settings: Settings) -> None:
    """The NaikKelas service (answer checking, progress, the HTTP exchange, trainers' pages,
    certificates and their public verification page), the formgrader and the grader, beside the
    hub: in the hub pod on Kubernetes."""
    service_env = {
        "NAIKKELAS_PUBLIC_DIR": str(settings.public_path),
        # The course library trainers release from (their "Buka untuk kelas" button).
        "NAIKKELAS_COURSES_DIR": str(Path(settings.courses_dir).absolute()),
        # What certificates say and where their QR codes point.
        "NAIKKELAS_PUBLIC_URL": settings.public_base_url,
        "NAIKKELAS_CERTIFICATE_ISSUER": settings.certificate_issuer,
        "NAIKKELAS_TIMEZONE": settings.timezone,
        # How often the officials' dashboard may reload its figures.
        "NAIKKELAS_DASHBOARD_RELOAD_SECONDS": str(settings.dashboard_reload_seconds),
    }
    if settings.on_kubernetes:
        # Learner pods and the proxy reach it through the hub pod's address.
        service_env["NAIKKELAS_SERVICE_BIND_IP"] = "0.0.0.0"  # noqa: S104 - inside the pod
    c.JupyterHub.services = [
        *c.JupyterHub.get("services", []),
        {
            "name": SERVICE_NAME,
            "url": f"http://{settings.service_host}:{settings.service_port}",
            "command": [sys.executable, "-m", "naikkelas.hub.service"],
            "environment": _service_environment(settings, **service_env),
            "display": False,
            # Trainers' pages log in through the hub; no "authorize this app" page in between.
            "oauth_no_confirm": True,
        },
        {
            # nbgrader's formgrader for trainers, one course at a time, scoped to their cohort.
            "name": "formgrader",
            "url": f"http://{settings.service_host}:{settings.formgrader_port}",
            "command": [sys.executable, "-m", "naikkelas.grading.formgrader"],
            "environment": _service_environment(settings, **service_env),
            "display": True,
            "oauth_no_confirm": True,
        },
        *([grader_service(settings)] if settings.grader_in_hub else []),
    ]


def grader_service(settings: Settings) -> dict:
    """The grader: autogrades submissions with nbgrader as they arrive. A hub-managed service
    (restarted by the hub), or on Kubernetes optionally a Deployment of its own built from this
    same definition (`naikkelas.hub.kubernetes_grader`)."""
    return {
        "name": "grader",
        "command": [sys.executable, "-m", "naikkelas.grading.grader"],
        "environment": _service_environment(
            settings,
            NAIKKELAS_GRADING_CELL_TIMEOUT=str(settings.grading_cell_timeout),
            NAIKKELAS_GRADING_LEASE_SECONDS=str(settings.grading_lease_seconds),
        ),
        "display": False,
    }


# jupyterhub-idle-culler's permissions (its README's minimum).
CULLER_SCOPES = ["list:users", "read:users:activity", "read:servers", "delete:servers"]


def culler_options(settings: Settings) -> dict[str, int]:
    """How idle servers are stopped, in jupyterhub-idle-culler's own option names: the
    embedded run passes them on its command line, the Kubernetes values as the chart's `cull`
    section."""
    timeout = settings.cull_idle_seconds
    # The culler's own default interval, stated so both platforms check equally often.
    return {"timeout": timeout, "cull-every": max(timeout // 2, 1)}


def culling(c: Config, settings: Settings) -> None:
    """Stop idle servers with jupyterhub-idle-culler as a hub-managed service. On Kubernetes
    the chart starts the same culler from its `cull` values (see `culler_options`)."""
    if settings.on_kubernetes:
        return
    c.JupyterHub.services = [
        *c.JupyterHub.get("services", []),
        {
            "name": "idle-culler",
            "command": [
                sys.executable,
                "-m",
                "jupyterhub_idle_culler",
                *(f"--{name}={value}" for name, value in culler_options(settings).items()),
            ],
        },
    ]
    c.JupyterHub.load_roles = [
        *c.JupyterHub.get("load_roles", []),
        {"name": "idle-culler", "scopes": list(CULLER_SCOPES), "services": ["idle-culler"]},
    ]


def apply_config(c: Config, settings: Settings) -> Config:
    """Fill `c` with the whole NaikKelas hub configuration (embedded or Kubernetes, by
    `settings.platform`)."""
    hub_basics(c, settings)
    proxy(c, settings)
    authenticator(c, settings)
    spawner(c, settings)
    roles(c)
    services(c, settings)
    culling(c, settings)
    return c

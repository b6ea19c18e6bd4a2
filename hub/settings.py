"""NaikKelas's own options, as traitlets, and the paths derived from them.

Nothing here touches the disk at import time; `Settings` only computes paths.
"""

from __future__ import annotations

import hashlib
import os
import socket
import sys
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from traitlets import Bool, Enum, Float, Integer, TraitError, Unicode, default, validate
from traitlets.config import Configurable

SERVICE_NAME = "naikkelas"

# On Kubernetes the NaikKelas service listens on this port in the hub pod (exposed through the
# chart's `hub` Service as an extra port), so learner pods and the proxy reach it.
KUBERNETES_SERVICE_PORT = 8181
KUBERNETES_FORMGRADER_PORT = 8182  # the formgrader service, beside it
# Paths inside a learner's pod on Kubernetes: the lessons fetched at start and the lockdown
# configuration mounted from the chart's `singleuser.extraFiles`.
KUBERNETES_LESSONS_DIR = "/srv/naikkelas/lessons"
KUBERNETES_LEARNER_CONFIG_DIR = "/etc/naikkelas/learner-config"


def _checked_public_url(url: str) -> str:
    if not url:
        return ""
    try:
        parts = urlsplit(url)
        usable = parts.port is None or parts.port > 0  # .port raises on one out of range
    except ValueError:
        usable = False
    usable = usable and not any(c.isspace() or not c.isprintable() for c in url)
    if (
        not usable
        or parts.scheme not in ("http", "https")
        or not parts.hostname
        or parts.query
        or parts.fragment
    ):
        raise TraitError(
            f"public URL {url!r} is not a web address like https://kelas.example.go.id"
        )
    return url


def _known_timezone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise TraitError(f"unknown time zone {name!r} (e.g. Asia/Jakarta)") from None
    return name


class Settings(Configurable):
    """Options of a NaikKelas deployment (embedded run and Kubernetes alike)."""

    data_dir = Unicode(
        "var",
        help="""Directory for NaikKelas's data: databases, released courses, learners' homes
        (when not running as root), logs. Created when missing.""",
    ).tag(config=True)

    db_url = Unicode(
        "",
        help="""SQLAlchemy URL of NaikKelas's own data (accounts, progress, gradebook).
        Empty means an SQLite file `naikkelas.sqlite` in the data directory.""",
    ).tag(config=True)

    hub_db_url = Unicode(
        "",
        help="""JupyterHub's own state database. Empty means `jupyterhub.sqlite` in the data
        directory.""",
    ).tag(config=True)

    platform = Enum(
        ["embedded", "kubernetes"],
        default_value="embedded",
        help="""Where the platform runs. `embedded`: `naikkelas run` starts the hub, the proxy
        and the services on this machine and spawns learners' servers as local processes.
        `kubernetes`: the hub runs in the Zero to JupyterHub chart's hub pod (its proxy is the
        chart's), learners' servers are KubeSpawner pods running as the image's unprivileged
        user, and the services listen in the hub pod for learner pods to reach.""",
    ).tag(config=True)

    hub_host = Unicode(
        "hub",
        help="""Kubernetes only: the address learner pods and the proxy use to reach the hub pod
        (the chart's `hub` Service). The hub passes the Service's cluster IP, so learner pods
        need no DNS.""",
    ).tag(config=True)

    ip = Unicode("127.0.0.1", help="Address the public proxy listens on.").tag(config=True)
    port = Integer(
        8000,
        min=1,
        max=65535 - 3,  # the proxy API, the hub and the service take the next three
        help="Port the public proxy listens on (the next three are used on loopback).",
    ).tag(config=True)

    public_dir = Unicode(
        "",
        help="""Directory learners' servers read from (released lessons, their server
        configuration). It must be readable by learners' system users. Empty means
        `public/` inside the data directory for an ordinary user, and
        `/var/lib/naikkelas/<hash of the data directory>` as root.""",
    ).tag(config=True)

    courses_dir = Unicode(
        "courses",
        help="Directory holding the course sources (one folder per course).",
    ).tag(config=True)

    proxy_command = Unicode(
        "",
        help="""Path of the npm `configurable-http-proxy`. Empty means $NAIKKELAS_PROXY, then
        the one installed beside the virtual environment, then the one on PATH.""",
    ).tag(config=True)

    system_user_prefix = Unicode(
        "nk-",
        help="""Prefix of the Unix account made for each learner when running as root
        (`nk-peserta1`).""",
    ).tag(config=True)

    pin_length = Integer(6, help="Number of digits in a learner's PIN.").tag(config=True)

    demo = Bool(False, help="Seed the demo accounts and courses at start.").tag(config=True)

    demo_synthetic_learners = Integer(
        300,
        help="""With `demo`, also seed this many synthetic learners (`naikkelas demo seed`, seed 1,
        cohorts `sintetis-1-*`, never the demo accounts' cohort) so the officials' reports have
        data. 0 seeds none.""",
    ).tag(config=True)

    cull_idle_seconds = Integer(
        1800, help="Stop a learner's server after this many seconds without activity."
    ).tag(config=True)

    kernel_cull_idle_seconds = Integer(
        600,
        help="""Shut down a lesson kernel idle this long, even with a tab still connected
        (every Voila page load starts a kernel; closed tabs would leave them running).""",
    ).tag(config=True)

    lesson_frontend = Enum(
        ["light", "voila"],
        help="""The page a lesson is shown in. "light": NaikKelas's own small page (ipywidgets'
        widgets over the lesson kernel's websocket, built from frontend/ by `make install`),
        about a third of Voila's bytes and far less work for a cheap phone. "voila": Voila's
        JupyterLab-based page, the fallback. $NAIKKELAS_LESSON_FRONTEND sets the default
        ("light"). See docs/performance.md.""",
    ).tag(config=True)

    @default("lesson_frontend")
    def _default_lesson_frontend(self):
        return os.environ.get("NAIKKELAS_LESSON_FRONTEND", "light")

    kernel_cull_disconnected_seconds = Integer(
        help="""Shut down a lesson kernel whose page has been gone (no websocket connected, no
        message) this long; 0 leaves it to `kernel_cull_idle_seconds`. A page that comes back
        later reloads into the same step with a new kernel.
        $NAIKKELAS_KERNEL_CULL_DISCONNECTED_SECONDS sets the default (120).""",
    ).tag(config=True)

    @default("kernel_cull_disconnected_seconds")
    def _default_kernel_cull_disconnected(self):
        return int(os.environ.get("NAIKKELAS_KERNEL_CULL_DISCONNECTED_SECONDS", "120"))

    grading_cell_timeout = Integer(
        20, help="Seconds one cell of a lesson may run while it is autograded."
    ).tag(config=True)

    grading_lease_seconds = Integer(
        help="""How long a grader holds a submission without a sign of life before another
        grader (or the same one, restarted) takes it over. $NAIKKELAS_GRADING_LEASE_SECONDS
        sets the default (30)."""
    ).tag(config=True)

    grader_in_hub = Bool(
        True,
        help="""Run the grader as a hub-managed service. On Kubernetes it may run as its own
        Deployment instead (`naikkelas deploy kubernetes --grader-manifest`), with its own
        network policy; then the hub does not start one.""",
    ).tag(config=True)

    @default("grading_lease_seconds")
    def _default_lease(self):
        return int(os.environ.get("NAIKKELAS_GRADING_LEASE_SECONDS", "30"))

    dashboard_reload_seconds = Float(
        help="""The officials' dashboard reloads its figures in the background when the data
        changes, at most once per this many seconds (a reload of 100,000 learners costs about a
        minute of CPU); pages meanwhile show the previous figures with their time.
        $NAIKKELAS_DASHBOARD_RELOAD_SECONDS sets the default (120)."""
    ).tag(config=True)

    @default("dashboard_reload_seconds")
    def _default_dashboard_reload(self):
        return float(os.environ.get("NAIKKELAS_DASHBOARD_RELOAD_SECONDS", "120"))

    login_lock_seconds = Float(
        help="""How long a username is locked after 10 wrong PINs or passwords (each wrong one
        after that locks it twice as long, up to 96 times this). An address is locked after 300.
        $NAIKKELAS_LOGIN_LOCK_SECONDS sets the default (900)."""
    ).tag(config=True)

    @default("login_lock_seconds")
    def _default_lock(self):
        return float(os.environ.get("NAIKKELAS_LOGIN_LOCK_SECONDS", "900"))

    login_delay_seconds = Float(
        help="""Wait imposed after the 4th wrong PIN of a username, doubling with each further
        one up to 64 times this. $NAIKKELAS_LOGIN_DELAY_SECONDS sets the default (2)."""
    ).tag(config=True)

    @default("login_delay_seconds")
    def _default_delay(self):
        return float(os.environ.get("NAIKKELAS_LOGIN_DELAY_SECONDS", "2"))

    hsts_seconds = Integer(
        31536000,
        help="""max-age of the Strict-Transport-Security header, sent only when `public_url`
        is https (0: never sent).""",
    ).tag(config=True)

    public_url = Unicode(
        help="""Address people reach this NaikKelas at (`https://naikkelas.example.go.id`), as
        printed in certificates' QR codes and verification links. $NAIKKELAS_PUBLIC_URL sets
        the default; without it, `http://<ip>:<port>` of this server (on loopback only
        useful for a demo: set it for a class)."""
    ).tag(config=True)

    @default("public_url")
    def _default_public_url(self):
        return _checked_public_url(os.environ.get("NAIKKELAS_PUBLIC_URL", ""))

    @validate("public_url")
    def _check_public_url(self, proposal):
        return _checked_public_url(proposal["value"])

    ssl_cert = Unicode(
        help="""The operator's TLS certificate (PEM, with its chain) for the public port; with
        `ssl_key` the platform serves HTTPS only. $NAIKKELAS_SSL_CERT sets the default.
        Traffic inside the machine (hub, proxy API, services, learners' servers) stays on
        loopback HTTP."""
    ).tag(config=True)

    @default("ssl_cert")
    def _default_ssl_cert(self):
        return os.environ.get("NAIKKELAS_SSL_CERT", "")

    ssl_key = Unicode(
        help="The private key of `ssl_cert` (PEM). $NAIKKELAS_SSL_KEY sets the default."
    ).tag(config=True)

    @default("ssl_key")
    def _default_ssl_key(self):
        return os.environ.get("NAIKKELAS_SSL_KEY", "")

    @property
    def tls(self) -> bool:
        """Whether the platform itself serves HTTPS (with the operator's certificate)."""
        return bool(self.ssl_cert and self.ssl_key)

    def check_tls(self) -> None:
        """Refuse a half or broken TLS setting (raises TraitError with a one-line reason)."""
        if bool(self.ssl_cert) != bool(self.ssl_key):
            raise TraitError("give both --ssl-cert and --ssl-key (or neither)")
        if not self.tls:
            return
        import ssl

        for path in (self.ssl_cert, self.ssl_key):
            if not os.access(path, os.R_OK):
                raise TraitError(f"cannot read {path}")
        try:
            ssl.create_default_context(ssl.Purpose.CLIENT_AUTH).load_cert_chain(
                self.ssl_cert, self.ssl_key
            )
        except ssl.SSLError as e:
            raise TraitError(
                f"{self.ssl_cert} and {self.ssl_key} are not a PEM certificate and its key "
                f"({e.reason or e})"
            ) from None

    certificate_issuer = Unicode(
        help="""The office that issues certificates, as printed on them and on the verification
        page. $NAIKKELAS_CERTIFICATE_ISSUER sets the default ("Dinas Koperasi dan UKM")."""
    ).tag(config=True)

    @default("certificate_issuer")
    def _default_issuer(self):
        return os.environ.get("NAIKKELAS_CERTIFICATE_ISSUER", "") or "Dinas Koperasi dan UKM"

    timezone = Unicode(
        help="""Time zone of dates shown to people (certificates): Asia/Jakarta (WIB),
        Asia/Makassar (WITA) or Asia/Jayapura (WIT). $NAIKKELAS_TIMEZONE sets the default
        (Asia/Jakarta)."""
    ).tag(config=True)

    @default("timezone")
    def _default_timezone(self):
        return _known_timezone(os.environ.get("NAIKKELAS_TIMEZONE", "") or "Asia/Jakarta")

    @validate("timezone")
    def _check_timezone(self, proposal):
        return _known_timezone(proposal["value"])

    as_root = Bool(help="Whether the hub runs as root (then learners get their own Unix users).")

    @default("as_root")
    def _default_as_root(self):
        # On Kubernetes isolation comes from pods, never from system users.
        return os.geteuid() == 0 and self.platform == "embedded"

    @property
    def on_kubernetes(self) -> bool:
        return self.platform == "kubernetes"

    # derived paths -------------------------------------------------------------------------
    @property
    def data_path(self) -> Path:
        return Path(self.data_dir).absolute()

    @property
    def public_path(self) -> Path:
        if self.public_dir:
            return Path(self.public_dir).absolute()
        if not self.as_root:
            return self.data_path / "public"
        # As root the data directory is private (0700); learners read from a public place.
        digest = hashlib.sha256(str(self.data_path).encode()).hexdigest()[:12]
        return Path("/var/lib/naikkelas") / digest

    @property
    def released_path(self) -> Path:
        """Where released lessons live, one folder per cohort."""
        return self.public_path / "released"

    @property
    def source_path(self) -> Path:
        """Trainers' source lessons as released (with answer keys): private to the hub."""
        return self.data_path / "source"

    @property
    def nbgrader_path(self) -> Path:
        """nbgrader's course directories (sources, submissions, graded copies): private."""
        return self.data_path / "nbgrader"

    def grading(self, **kwargs):
        """nbgrader's generate and autograde steps on this platform's database."""
        from naikkelas.grading.gradebook import Grading

        self.data_path.mkdir(mode=0o700, parents=True, exist_ok=True)
        return Grading(self.nbgrader_path, self.naikkelas_db_url, **kwargs)

    @property
    def service_port(self) -> int:
        """The NaikKelas hub service listens on loopback, three ports above the public one
        (on Kubernetes: in the hub pod, on `KUBERNETES_SERVICE_PORT`)."""
        return KUBERNETES_SERVICE_PORT if self.on_kubernetes else self.port + 3

    @property
    def service_host(self) -> str:
        """Where the hub, the proxy and learners' servers reach the NaikKelas service."""
        return self.hub_host if self.on_kubernetes else "127.0.0.1"

    @property
    def formgrader_port(self) -> int:
        """The formgrader service (trainers' grading) listens on loopback, four above the public
        port (on Kubernetes: in the hub pod, on `KUBERNETES_FORMGRADER_PORT`)."""
        return KUBERNETES_FORMGRADER_PORT if self.on_kubernetes else self.port + 4

    @property
    def service_url(self) -> str:
        return f"http://{self.service_host}:{self.service_port}/services/{SERVICE_NAME}/"

    @property
    def learner_released_path(self) -> Path:
        """Released lessons as a learner's server sees them, one folder per cohort: the
        shared public folder on one machine; a folder of the learner's own pod, filled from
        the NaikKelas service at start, on Kubernetes."""
        return Path(KUBERNETES_LESSONS_DIR) if self.on_kubernetes else self.released_path

    @property
    def public_base_url(self) -> str:
        """`public_url` without a trailing slash, or this server's own address: every link
        that leaves the machine (certificates' QR codes and verification links, login cards'
        default, JupyterHub's own absolute URLs) starts with it."""
        if self.public_url:
            return self.public_url.rstrip("/")
        host = self.ip if self.ip not in ("", "0.0.0.0", "::") else socket.getfqdn()  # noqa: S104
        return f"{'https' if self.tls else 'http'}://{host}:{self.port}"

    def certificate_url(self, code: str) -> str:
        """The public verification page of a certificate (what its QR code holds)."""
        return f"{self.public_base_url}/services/{SERVICE_NAME}/sertifikat/{code}"

    @property
    def learner_config_path(self) -> Path:
        """JUPYTER_CONFIG_DIR of every learner server."""
        if self.on_kubernetes:
            return Path(KUBERNETES_LEARNER_CONFIG_DIR)
        return self.public_path / "learner-config"

    @property
    def homes_path(self) -> Path:
        """Learners' home directories when all learners share the hub's Unix account."""
        return self.data_path / "homes"

    @property
    def naikkelas_db_url(self) -> str:
        return self.db_url or f"sqlite:///{self.data_path / 'naikkelas.sqlite'}"

    @property
    def jupyterhub_db_url(self) -> str:
        return self.hub_db_url or f"sqlite:///{self.data_path / 'jupyterhub.sqlite'}"

    @property
    def proxy_path(self) -> str:
        """The proxy to start: this option, $NAIKKELAS_PROXY, the one `make install` puts
        beside the virtual environment, or `configurable-http-proxy` on PATH."""
        beside_venv = Path(sys.prefix).parent / "node/node_modules/.bin/configurable-http-proxy"
        return (
            self.proxy_command
            or os.environ.get("NAIKKELAS_PROXY")
            or (str(beside_venv) if beside_venv.exists() else "configurable-http-proxy")
        )

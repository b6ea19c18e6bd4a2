"""Helm values for the Zero to JupyterHub chart, from the same configuration as `naikkelas run`.

The hub image has NaikKelas installed, so the values do not copy the hub configuration: the
chart runs `hub.extraConfig.naikkelas`, which calls `naikkelas.hub.config.apply_config` with
Kubernetes settings (`Settings.platform = "kubernetes"`) inside the hub pod, after the chart's
own configuration. Database URLs reach the hub pod as environment variables read from a
Kubernetes Secret; they are never written into the values. The values carry only what is the
chart's business (images, resources, culling, network policy, volumes), and the parts of the
built configuration the chart itself reads (`hub.config`, `singleuser.cmd`, `defaultUrl`), taken
from a Config built by the same functions.

The chart validates values by deep-merging them over its defaults and checking the result
against its JSON schema; `tests/unit/test_deploy_kubernetes.py` does the same.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version

from traitlets.config import Config

from .config import apply_config, culler_options
from .headers import LESSON_CSP, settings_headers
from .lockdown import learner_config_files
from .settings import KUBERNETES_FORMGRADER_PORT, KUBERNETES_SERVICE_PORT, Settings

# Where the hub pod keeps NaikKelas's files (course sources with answer keys, nbgrader's course
# folders, released lessons): a PersistentVolumeClaim the operator creates.
HUB_DATA_DIR = "/srv/naikkelas"
# The database URLs: Settings option, environment variable of the hub pod, key in the Secret.
DB_URLS = (
    ("db_url", "NAIKKELAS_DB_URL", "naikkelas-db-url"),
    ("hub_db_url", "NAIKKELAS_HUB_DB_URL", "jupyterhub-db-url"),
)
# Settings the hub pod sets itself (secrets, addresses) or that only the embedded run uses.
RUNTIME_SETTINGS = {"db_url", "hub_db_url", "hub_host"}
EMBEDDED_ONLY_SETTINGS = {
    "ip",
    "port",
    "proxy_command",
    "public_dir",
    "system_user_prefix",
    "demo",
    "courses_dir",
}
# Label every pod of the chart that may reach the hub carries (the proxy, learners' pods).
HUB_ACCESS_LABEL = {"hub.jupyter.org/network-access-hub": "true"}
HUB_POD = {"podSelector": {"matchLabels": {"component": "hub"}}}


def _version() -> str:
    try:
        return version("naikkelas")
    except PackageNotFoundError:  # pragma: no cover - running from a checkout
        return "0.0.0"


class DeployError(ValueError):
    """Options that cannot make a working deployment; the message says why (one line)."""


@dataclass(frozen=True)
class KubernetesOptions:
    """What only Kubernetes needs: images, per-learner resources, names of the operator's
    Kubernetes objects."""

    hub_image: str = f"registry.example.org/naikkelas/hub:{_version()}"
    learner_image: str = f"registry.example.org/naikkelas/learner:{_version()}"
    db_secret: str = "naikkelas-db"  # noqa: S105 - the name of a Secret, not a secret
    data_claim: str = "naikkelas-data"
    db_port: int = 5432  # the only port a separate grader's pods may reach (with DNS)
    # Per learner pod: a learner server (155-179 MB) and one lesson kernel (53-96 MB), measured
    # on the embedded platform; see docs/kubernetes.md for the method. The limit leaves room for
    # a second kernel (a reloaded page starts one before the old one is culled).
    memory_guarantee: str = "320M"
    memory_limit: str = "768M"
    cpu_guarantee: float = 0.05
    cpu_limit: float = 1.0


def split_image(image: str) -> dict[str, str]:
    """`name:tag` as the chart's `{name, tag}`; a tag is required (no `latest`)."""
    if not image or any(c.isspace() for c in image):
        raise DeployError(f"image {image!r} is not an image name (name:tag, no spaces)")
    name, sep, tag = image.rpartition(":")
    if not sep or not name or not tag or "/" in tag:
        raise DeployError(f"image {image!r} needs an explicit tag (name:tag)")
    return {"name": name, "tag": tag}


def kubernetes_settings(settings: Settings | None = None, **overrides) -> Settings:
    """The hub pod's settings: `settings`' options (culling, grading, PIN length) on the
    Kubernetes platform, with the hub pod's data directory."""
    values = {}
    if settings is not None:
        values = {name: getattr(settings, name) for name in settings.trait_names(config=True)}
    values.update(platform="kubernetes", data_dir=HUB_DATA_DIR, **overrides)
    return Settings(**values)


def hub_settings_arguments(settings: Settings) -> dict:
    """The Settings arguments written into the hub's extraConfig (no secrets, no addresses)."""
    skip = RUNTIME_SETTINGS | EMBEDDED_ONLY_SETTINGS
    return {
        name: getattr(settings, name)
        for name in sorted(settings.trait_names(config=True))
        if name not in skip
    }


def hub_extra_config(settings: Settings) -> str:
    """The Python the chart runs in the hub pod after its own configuration."""
    arguments = "".join(
        f"        {name}={value!r},\n" for name, value in hub_settings_arguments(settings).items()
    )
    env = ",\n".join(f'        {option}=os.environ["{name}"]' for option, name, _key in DB_URLS)
    return f"""\
# NaikKelas (generated by `naikkelas deploy kubernetes`): the same configuration functions as
# `naikkelas run`, from the naikkelas package installed in the hub image. Database URLs come from
# the hub pod's environment (a Kubernetes Secret); learner pods reach the hub by its cluster IP.
import os

from naikkelas.hub.config import apply_config
from naikkelas.hub.settings import Settings

apply_config(
    c,  # noqa: F821 - the chart's traitlets config
    Settings(
{env},
        hub_host=os.environ.get("HUB_SERVICE_HOST", "hub"),
{arguments}    ),
)
"""


def built_config(settings: Settings) -> Config:
    """The hub configuration as the hub pod builds it (database URLs left at placeholders)."""
    return apply_config(Config(), settings)


def helm_values(settings: Settings, options: KubernetesOptions | None = None) -> dict:
    """Helm values for the Zero to JupyterHub chart (to merge over the chart's defaults)."""
    options = options or KubernetesOptions()
    if not settings.on_kubernetes:
        raise DeployError("settings are not for the kubernetes platform")
    c = built_config(settings)
    culler = culler_options(settings)
    learner_files = learner_config_files(
        kernel_cull_idle_seconds=settings.kernel_cull_idle_seconds,
        kernel_cull_disconnected_seconds=settings.kernel_cull_disconnected_seconds,
        headers=settings_headers(settings, LESSON_CSP),
        lesson_frontend=settings.lesson_frontend,
    )
    service_port = {"port": KUBERNETES_SERVICE_PORT, "protocol": "TCP"}
    formgrader_port = {"port": KUBERNETES_FORMGRADER_PORT, "protocol": "TCP"}
    return {
        "hub": {
            "image": split_image(options.hub_image),
            "db": {"type": "postgres", "upgrade": True},
            "extraEnv": {
                name: {"valueFrom": {"secretKeyRef": {"name": options.db_secret, "key": key}}}
                for _option, name, key in DB_URLS
            },
            "config": {
                "JupyterHub": {
                    # The chart's defaults (a dummy authenticator, admin access to every
                    # server) replaced by NaikKelas's, as the configuration functions set them.
                    "authenticator_class": c.JupyterHub.authenticator_class,
                    "admin_access": c.JupyterHub.admin_access,
                }
            },
            "extraConfig": {"naikkelas": hub_extra_config(settings)},
            "extraVolumes": [
                {
                    "name": "naikkelas-data",
                    "persistentVolumeClaim": {"claimName": options.data_claim},
                }
            ],
            "extraVolumeMounts": [{"name": "naikkelas-data", "mountPath": str(settings.data_path)}],
            # The NaikKelas service listens in the hub pod; learner pods and the proxy reach it.
            "service": {
                "extraPorts": [
                    {
                        "name": "naikkelas",
                        "port": KUBERNETES_SERVICE_PORT,
                        "targetPort": KUBERNETES_SERVICE_PORT,
                    },
                    {
                        "name": "formgrader",
                        "port": KUBERNETES_FORMGRADER_PORT,
                        "targetPort": KUBERNETES_FORMGRADER_PORT,
                    },
                ]
            },
            "networkPolicy": {
                "enabled": True,
                "ingress": [
                    {
                        "from": [{"podSelector": {"matchLabels": HUB_ACCESS_LABEL}}, HUB_POD],
                        "ports": [service_port, formgrader_port],
                    }
                ],
                # The hub pod (hub, NaikKelas service, grader) reaches the Kubernetes API, the
                # database, the proxy and learners' pods, all on private addresses: never the
                # internet, never the cloud's metadata server.
                "egressAllowRules": {
                    "cloudMetadataServer": False,
                    "dnsPortsCloudMetadataServer": False,
                    "dnsPortsKubeSystemNamespace": True,
                    "dnsPortsPrivateIPs": True,
                    "nonPrivateIPs": False,
                    "privateIPs": True,
                },
            },
        },
        "singleuser": {
            "image": split_image(options.learner_image),
            "cmd": list(c.Spawner.cmd),
            "defaultUrl": c.Spawner.default_url,
            # Everything a learner does is in the database: no volume per learner.
            "storage": {"type": "none"},
            "memory": {"guarantee": options.memory_guarantee, "limit": options.memory_limit},
            "cpu": {"guarantee": options.cpu_guarantee, "limit": options.cpu_limit},
            # The learner-server lockdown, mounted read-only where JUPYTER_CONFIG_DIR points.
            "extraFiles": {
                name: {
                    "mountPath": f"{settings.learner_config_path}/{name}",
                    "stringData": text,
                    "mode": 0o444,
                }
                for name, text in learner_files.items()
            },
            # Learner pods reach the hub (8081, the chart's own rule) and the NaikKelas service
            # in the hub pod, nothing else: no internet, no DNS, no cluster.
            "networkPolicy": {
                "enabled": True,
                "egress": [{"to": [HUB_POD], "ports": [service_port]}],
                "egressAllowRules": {
                    "cloudMetadataServer": False,
                    "dnsPortsCloudMetadataServer": False,
                    "dnsPortsKubeSystemNamespace": False,
                    "dnsPortsPrivateIPs": False,
                    "nonPrivateIPs": False,
                    "privateIPs": False,
                },
            },
        },
        "cull": {
            "enabled": True,
            "timeout": culler["timeout"],
            "every": culler["cull-every"],
        },
    }

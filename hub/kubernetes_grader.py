"""The grader as its own Kubernetes Deployment, with its own network policy.

By default the grader is a hub-managed service in the hub pod. With `naikkelas deploy kubernetes
--grader-manifest grader.yaml` it runs in pods of its own instead: the hub's configuration drops
it (`Settings.grader_in_hub = False`) and this module writes the Deployment and NetworkPolicy,
from the same service definition the hub would have started (`config.grader_service`).

The grader needs only the database and the data volume (nbgrader's course folders): no hub API,
no learner pods. Its pods therefore accept no connections at all and may connect only to DNS and
to the database port on private addresses. Several replicas are safe: each submission is claimed
under a lease (`grading.submissions.claim`). The data volume is usually ReadWriteOnce, so grader
pods are scheduled on the hub pod's node (pod affinity), where they may mount it too.
"""

from __future__ import annotations

from .config import grader_service
from .kubernetes import DB_URLS, KubernetesOptions, split_image
from .settings import Settings

GRADER_LABELS = {"app.kubernetes.io/name": "naikkelas", "component": "naikkelas-grader"}
PRIVATE_RANGES = ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16")
# Set in the pod from the Secret or by Kubernetes itself, never from the hub's view of things.
NOT_COPIED = {"NAIKKELAS_DB_URL", "JUPYTERHUB_API_URL"}


def grader_settings(settings: Settings) -> Settings:
    """The hub pod's settings when the grader runs in its own pods."""
    values = {name: getattr(settings, name) for name in settings.trait_names(config=True)}
    values["grader_in_hub"] = False
    return Settings(**values)


def grader_container(settings: Settings, options: KubernetesOptions) -> dict:
    service = grader_service(settings)
    secret_key = dict((name, key) for _option, name, key in DB_URLS)["NAIKKELAS_DB_URL"]
    env = [
        {"name": name, "value": value}
        for name, value in sorted(service["environment"].items())
        if name not in NOT_COPIED
    ]
    env.append(
        {
            "name": "NAIKKELAS_DB_URL",
            "valueFrom": {"secretKeyRef": {"name": options.db_secret, "key": secret_key}},
        }
    )
    image = split_image(options.hub_image)
    return {
        "name": "grader",
        "image": f"{image['name']}:{image['tag']}",
        # The image's Python, not the one that wrote the manifest.
        "command": ["python", *service["command"][1:]],
        "env": env,
        "volumeMounts": [{"name": "naikkelas-data", "mountPath": str(settings.data_path)}],
        "resources": {
            "requests": {"cpu": "250m", "memory": "512Mi"},
            # One lesson kernel at a time plus nbgrader; the sandbox limits each kernel itself.
            "limits": {"cpu": "1", "memory": "2Gi"},
        },
        "securityContext": {
            "allowPrivilegeEscalation": False,
            "capabilities": {"drop": ["ALL"]},
            "runAsNonRoot": True,
            "runAsUser": 1000,
        },
    }


def grader_manifest(settings: Settings, options: KubernetesOptions, replicas: int = 1) -> list:
    """The Deployment and NetworkPolicy of the grader, as Kubernetes objects."""
    if replicas < 1:
        raise ValueError("replicas must be at least 1")
    deployment = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "naikkelas-grader", "labels": GRADER_LABELS},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": GRADER_LABELS},
            "template": {
                "metadata": {"labels": GRADER_LABELS},
                "spec": {
                    "automountServiceAccountToken": False,
                    "securityContext": {
                        "fsGroup": 1000,
                        "seccompProfile": {"type": "RuntimeDefault"},
                    },
                    "affinity": {
                        "podAffinity": {
                            "requiredDuringSchedulingIgnoredDuringExecution": [
                                {
                                    "labelSelector": {"matchLabels": {"component": "hub"}},
                                    "topologyKey": "kubernetes.io/hostname",
                                }
                            ]
                        }
                    },
                    # A lease outlives a killed grader by `grading_lease_seconds`: let a stopping
                    # pod finish the lesson it is grading.
                    "terminationGracePeriodSeconds": max(30, settings.grading_lease_seconds),
                    "containers": [grader_container(settings, options)],
                    "volumes": [
                        {
                            "name": "naikkelas-data",
                            "persistentVolumeClaim": {"claimName": options.data_claim},
                        }
                    ],
                },
            },
        },
    }
    dns = [{"port": 53, "protocol": "UDP"}, {"port": 53, "protocol": "TCP"}]
    policy = {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "NetworkPolicy",
        "metadata": {"name": "naikkelas-grader", "labels": GRADER_LABELS},
        "spec": {
            "podSelector": {"matchLabels": GRADER_LABELS},
            "policyTypes": ["Ingress", "Egress"],
            # Nothing connects to the grader: it takes its work from the database.
            "ingress": [],
            "egress": [
                {
                    "to": [
                        {
                            "namespaceSelector": {
                                "matchLabels": {"kubernetes.io/metadata.name": "kube-system"}
                            }
                        }
                    ],
                    "ports": dns,
                },
                {
                    "to": [{"ipBlock": {"cidr": cidr}} for cidr in PRIVATE_RANGES],
                    "ports": [{"port": options.db_port, "protocol": "TCP"}],
                },
            ],
        },
    }
    return [deployment, policy]

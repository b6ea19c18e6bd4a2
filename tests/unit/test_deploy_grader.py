"""`naikkelas deploy kubernetes --grader-manifest`: the grader in pods of its own, with a network
policy that lets it reach only DNS and the database, built from the hub's own grader definition."""

import json

import yaml

from naikkelas.hub import config
from naikkelas.hub.kubernetes import KubernetesOptions, helm_values, kubernetes_settings
from naikkelas.hub.kubernetes_grader import grader_manifest, grader_settings
from tests.unit.test_deploy_kubernetes import (
    DB_URL,
    SECRET,
    chart_errors,
    hub_pod_config,
    run_cli,
)


def write(tmp_path, capsys, *extra):
    values, grader = tmp_path / "values.yaml", tmp_path / "grader.yaml"
    status, out, err = run_cli(
        capsys,
        ["--db-url", DB_URL, "deploy", "kubernetes", "-o", str(values)]
        + ["--grader-manifest", str(grader), *extra],
    )
    assert status == 0, err
    assert "grader.yaml" in out
    return yaml.safe_load(values.read_text()), list(yaml.safe_load_all(grader.read_text()))


def test_the_hub_starts_no_grader_when_it_has_its_own_pods(tmp_path, capsys, monkeypatch):
    values, _objects = write(tmp_path, capsys)
    assert chart_errors(values) == []
    names = [s["name"] for s in hub_pod_config(values, monkeypatch).JupyterHub.services]
    assert names == ["jupyterhub-idle-culler", "naikkelas", "formgrader"]
    # Without the option the hub pod keeps its grader.
    default = hub_pod_config(helm_values(kubernetes_settings()), monkeypatch)
    assert [s["name"] for s in default.JupyterHub.services][-1] == "grader"


def test_the_grader_pod_runs_what_the_hub_would_have_run(tmp_path, capsys):
    _values, (deployment, _policy) = write(tmp_path, capsys, "--grader-replicas", "3")
    assert deployment["kind"] == "Deployment" and deployment["spec"]["replicas"] == 3
    pod = deployment["spec"]["template"]["spec"]
    (container,) = pod["containers"]
    service = config.grader_service(grader_settings(kubernetes_settings()))
    assert container["command"] == ["python", *service["command"][1:]]
    env = {e["name"]: e for e in container["env"]}
    for name, value in service["environment"].items():
        if name not in ("NAIKKELAS_DB_URL", "JUPYTERHUB_API_URL"):
            assert env[name]["value"] == value
    # The grader needs no hub: it takes its work from the database.
    assert "JUPYTERHUB_API_URL" not in env and "JUPYTERHUB_API_TOKEN" not in env
    ref = env["NAIKKELAS_DB_URL"]["valueFrom"]["secretKeyRef"]
    assert ref == {"name": "naikkelas-db", "key": "naikkelas-db-url"}
    # The hub pod's data volume, on the hub pod's node (a ReadWriteOnce claim).
    assert pod["volumes"][0]["persistentVolumeClaim"]["claimName"] == "naikkelas-data"
    (term,) = pod["affinity"]["podAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"]
    assert term["labelSelector"]["matchLabels"] == {"component": "hub"}
    assert container["securityContext"]["runAsNonRoot"] is True
    assert container["securityContext"]["capabilities"] == {"drop": ["ALL"]}
    assert pod["automountServiceAccountToken"] is False


def test_the_grader_accepts_no_connection_and_reaches_only_dns_and_the_database(tmp_path, capsys):
    _values, (deployment, policy) = write(tmp_path, capsys, "--db-port", "6432")
    spec = policy["spec"]
    assert policy["kind"] == "NetworkPolicy"
    assert spec["podSelector"] == deployment["spec"]["selector"]
    assert spec["policyTypes"] == ["Ingress", "Egress"] and spec["ingress"] == []
    ports = sorted((p["port"], p["protocol"]) for rule in spec["egress"] for p in rule["ports"])
    assert ports == [(53, "TCP"), (53, "UDP"), (6432, "TCP")]
    blocks = [t["ipBlock"]["cidr"] for r in spec["egress"] for t in r["to"] if "ipBlock" in t]
    assert "0.0.0.0/0" not in blocks and blocks, "private addresses only, never the internet"


def test_no_secret_reaches_the_grader_manifest(tmp_path, capsys):
    write(tmp_path, capsys)
    text = (tmp_path / "grader.yaml").read_text()
    assert SECRET not in text and "db.internal" not in text
    settings = kubernetes_settings(db_url=DB_URL)
    assert SECRET not in json.dumps(grader_manifest(settings, KubernetesOptions()))


def test_bad_grader_options_exit_1_and_write_nothing(tmp_path, capsys):
    for extra in (["--grader-replicas", "0"], ["--db-port", "70000"]):
        status, _out, err = run_cli(
            capsys,
            ["deploy", "kubernetes", "-o", str(tmp_path / "v.yaml")]
            + ["--grader-manifest", str(tmp_path / "g.yaml"), *extra],
        )
        assert status == 1 and len(err.strip().splitlines()) == 1
    assert not list(tmp_path.iterdir())

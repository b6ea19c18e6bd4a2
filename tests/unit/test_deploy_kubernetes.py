"""`naikkelas deploy kubernetes`: Helm values the Zero to JupyterHub chart accepts, built from the
same configuration functions as the embedded run, with no secret and no internet for learners."""

import asyncio
import concurrent.futures
import copy
import json
import os
from pathlib import Path

import jsonschema
import kubespawner
import pytest
import yaml
from traitlets.config import Config

from naikkelas.hub import config, lockdown
from naikkelas.hub.auth import NaikKelasAuthenticator
from naikkelas.hub.cli import main
from naikkelas.hub.kubernetes import (
    DeployError,
    KubernetesOptions,
    helm_values,
    kubernetes_settings,
)
from naikkelas.hub.run import prepare
from naikkelas.hub.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = Path(os.environ.get("NAIKKELAS_REFERENCE_DIR", ROOT.parent / "shared" / "reference"))
SECRET = "s3cr3t-Passw0rd"
DB_URL = f"postgresql+psycopg://naikkelas:{SECRET}@db.internal/naikkelas"
HUB_DB_URL = f"postgresql+psycopg://jupyterhub:{SECRET}@db.internal/jupyterhub"
CLUSTER_IP = "10.43.7.9"


def reference(name: str) -> Path:
    path = REFERENCE / name
    if not path.is_file():
        pytest.fail(f"chart reference {path} missing (set NAIKKELAS_REFERENCE_DIR)")
    return path


def deep_merge(base, override):
    """Helm's merge of user values over the chart's defaults: maps merge, the rest replaces."""
    if isinstance(base, dict) and isinstance(override, dict):
        merged = dict(base)
        for key, value in override.items():
            merged[key] = deep_merge(base[key], value) if key in base else value
        return merged
    return copy.deepcopy(override)


def chart_errors(values: dict) -> list[str]:
    """What the chart's schema says about `values` merged over the chart's defaults."""
    defaults = yaml.safe_load(reference("z2jh-values.yaml").read_text())
    schema = json.loads(reference("z2jh-values.schema.json").read_text())
    validator = jsonschema.validators.validator_for(schema)(schema)
    merged = deep_merge(defaults, values)
    errors = validator.iter_errors(merged)
    return [f"{'.'.join(map(str, e.absolute_path))}: {e.message}" for e in errors]


def run_cli(capsys, argv):
    status = main(argv)
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def hub_pod_config(values: dict, monkeypatch) -> Config:
    """Run the values' hub.extraConfig as the chart's hub pod does: after the chart's own
    configuration (here: its culler service and KubeSpawner), with the Secret's URLs and the hub
    Service's address in the environment."""
    monkeypatch.setenv("NAIKKELAS_DB_URL", DB_URL)
    monkeypatch.setenv("NAIKKELAS_HUB_DB_URL", HUB_DB_URL)
    monkeypatch.setenv("HUB_SERVICE_HOST", CLUSTER_IP)
    merged = deep_merge(yaml.safe_load(reference("z2jh-values.yaml").read_text()), values)
    single = merged["singleuser"]
    c = Config()
    c.JupyterHub.spawner_class = "kubespawner.KubeSpawner"
    c.JupyterHub.services = [{"name": "jupyterhub-idle-culler", "command": ["python3"]}]
    c.JupyterHub.load_roles = []
    # What the chart sets from singleuser values before extraConfig runs (a selection).
    c.KubeSpawner.environment = single["extraEnv"]
    c.KubeSpawner.start_timeout = single["startTimeout"]
    c.KubeSpawner.mem_limit = single["memory"]["limit"]
    c.KubeSpawner.mem_guarantee = single["memory"]["guarantee"]
    c.KubeSpawner.uid = single["uid"]
    c.Spawner.cmd = single["cmd"]
    c.Spawner.default_url = single["defaultUrl"]
    for _key, source in sorted(values["hub"]["extraConfig"].items()):
        exec(compile(source, "extraConfig", "exec"), {"c": c})  # noqa: S102 - as the chart does
    return c


@pytest.fixture
def values():
    return helm_values(kubernetes_settings())


# -- the chart accepts them -----------------------------------------------------------------------
def test_values_validate_against_the_chart_schema(values):
    assert chart_errors(values) == []


def test_schema_check_catches_a_misspelt_key(values):
    values["singleuser"]["memmory"] = {"limit": "1G"}
    assert any("memmory" in e for e in chart_errors(values))


def test_values_written_by_the_command_validate(tmp_path, capsys):
    status, out, err = run_cli(capsys, ["deploy", "kubernetes", "-o", str(tmp_path / "v.yaml")])
    assert status == 0, err
    written = yaml.safe_load((tmp_path / "v.yaml").read_text())
    assert chart_errors(written) == []
    assert written == helm_values(kubernetes_settings())


# -- one source of truth --------------------------------------------------------------------------
def test_hub_pod_runs_the_same_configuration_functions(values, monkeypatch, tmp_path):
    k8s = hub_pod_config(values, monkeypatch)
    embedded = config.apply_config(Config(), Settings(data_dir=str(tmp_path / "data")))
    assert k8s.JupyterHub.spawner_class == "kubespawner.KubeSpawner"
    assert k8s.JupyterHub.authenticator_class == embedded.JupyterHub.authenticator_class
    assert k8s.JupyterHub.template_paths == embedded.JupyterHub.template_paths
    assert k8s.Spawner.server_token_scopes == embedded.Spawner.server_token_scopes
    assert k8s.Spawner.default_url == embedded.Spawner.default_url == "/naikkelas"
    user_role = [r for r in k8s.JupyterHub.load_roles if r["name"] == "user"]
    assert user_role == [r for r in embedded.JupyterHub.load_roles if r["name"] == "user"]
    # The chart's services stay; NaikKelas's are added by the same `services` function.
    names = [s["name"] for s in k8s.JupyterHub.services]
    assert names == ["jupyterhub-idle-culler", "naikkelas", "formgrader", "grader"]
    # The databases come from the Secret, through the hub pod's environment.
    assert k8s.JupyterHub.db_url == HUB_DB_URL
    assert k8s.NaikKelasAuthenticator.db_url == DB_URL
    for service in k8s.JupyterHub.services[1:]:
        assert service["environment"]["NAIKKELAS_DB_URL"] == DB_URL
    # Learner pods reach the service and the hub by the hub Service's cluster IP.
    assert k8s.KubeSpawner.environment["NAIKKELAS_SERVICE_URL"].startswith(
        f"http://{CLUSTER_IP}:8181/"
    )
    assert k8s.KubeSpawner.hub_connect_url == f"http://{CLUSTER_IP}:8081"


def test_a_change_to_a_configuration_function_shows_in_both(values, monkeypatch, tmp_path):
    original = config.roles

    def roles_with_extra_scope(c):
        original(c)
        c.JupyterHub.load_roles[-1]["scopes"].append("read:users:name")

    monkeypatch.setattr(config, "roles", roles_with_extra_scope)
    k8s = hub_pod_config(helm_values(kubernetes_settings()), monkeypatch)
    embedded = config.apply_config(Config(), Settings(data_dir=str(tmp_path / "data")))
    for c in (k8s, embedded):
        user = next(r for r in c.JupyterHub.load_roles if r["name"] == "user")
        assert "read:users:name" in user["scopes"]


def test_the_lockdown_is_the_embedded_one_byte_for_byte(monkeypatch, tmp_path):
    # Tighten the lockdown (no shutdown_request): both platforms' learner servers get it.
    tighter = tuple(m for m in lockdown.ALLOWED_KERNEL_MESSAGES if m != "shutdown_request")
    monkeypatch.setattr(lockdown, "ALLOWED_KERNEL_MESSAGES", tighter)
    embedded = Settings(data_dir=str(tmp_path / "data"), as_root=False, kernel_cull_idle_seconds=77)
    prepare(embedded)
    values = helm_values(kubernetes_settings(embedded))
    files = values["singleuser"]["extraFiles"]
    for name, spec in files.items():
        assert spec["stringData"] == (embedded.learner_config_path / name).read_text()
        assert spec["mountPath"] == f"/etc/naikkelas/learner-config/{name}"
    mounted = json.loads(files["jupyter_server_config.json"]["stringData"])
    kernels = mounted["MappingKernelManager"]
    assert "shutdown_request" not in kernels["allowed_message_types"]
    assert "execute_request" not in kernels["allowed_message_types"]
    assert kernels["cull_idle_timeout"] == 77
    # The authenticator points learners' servers at the mounted folder.
    k8s = hub_pod_config(values, monkeypatch)
    assert k8s.NaikKelasAuthenticator.learner_config_dir == "/etc/naikkelas/learner-config"


def test_idle_culling_is_the_embedded_culler_setting(monkeypatch, tmp_path):
    embedded = Settings(data_dir=str(tmp_path / "data"), cull_idle_seconds=1234)
    c = config.apply_config(Config(), embedded)
    culler = next(s for s in c.JupyterHub.services if s["name"] == "idle-culler")
    values = helm_values(kubernetes_settings(embedded))
    assert values["cull"]["enabled"] is True
    assert f"--timeout={values['cull']['timeout']}" in culler["command"]
    assert f"--cull-every={values['cull']['every']}" in culler["command"]
    assert values["cull"]["timeout"] == 1234
    # The chart runs the culler on Kubernetes; the configuration functions add none there.
    names = [s["name"] for s in hub_pod_config(values, monkeypatch).JupyterHub.services]
    assert "idle-culler" not in names


KUBECONFIG = """\
apiVersion: v1
kind: Config
clusters: [{name: none, cluster: {server: "https://127.0.0.1:1"}}]
users: [{name: none, user: {token: none}}]
contexts: [{name: none, context: {cluster: none, user: none}}]
current-context: none
"""


def test_a_learner_pod_gets_what_the_configuration_functions_say(values, monkeypatch, tmp_path):
    c = hub_pod_config(values, monkeypatch)
    # A real KubeSpawner resolves the configuration (it reads a kubeconfig; it contacts nothing).
    from kubernetes_asyncio.config import kube_config

    (tmp_path / "kubeconfig").write_text(KUBECONFIG)
    monkeypatch.setattr(kube_config, "KUBE_CONFIG_DEFAULT_LOCATION", str(tmp_path / "kubeconfig"))

    async def make_spawner():
        return kubespawner.KubeSpawner(config=c, _mock=True)

    # In its own thread: the session's browser keeps an event loop running in this one.
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        pod = pool.submit(asyncio.run, make_spawner()).result()
    assert pod.cmd == ["python", "-m", "naikkelas.hub.learner.start"]
    assert pod.default_url == "/naikkelas"
    assert (
        pod.environment["NAIKKELAS_SERVICE_URL"] == f"http://{CLUSTER_IP}:8181/services/naikkelas/"
    )
    assert pod.environment["PYTHONNOUSERSITE"] == "1"
    assert pod.hub_connect_url == f"http://{CLUSTER_IP}:8081"
    assert pod.server_token_scopes == c.Spawner.server_token_scopes
    assert pod.mem_limit > pod.mem_guarantee > 0
    assert pod.uid == 1000 and pod.start_timeout == 300


def test_every_spawner_and_authenticator_option_exists(values, monkeypatch):
    c = hub_pod_config(values, monkeypatch)
    spawner_traits = set(kubespawner.KubeSpawner.class_trait_names())
    for section in ("Spawner", "KubeSpawner"):
        unknown = set(c[section]) - spawner_traits
        assert not unknown, f"{section} options KubeSpawner does not have: {unknown}"
    unknown = set(c.NaikKelasAuthenticator) - set(NaikKelasAuthenticator.class_trait_names())
    assert not unknown
    assert not set(c.LocalProcessSpawner), "no local-process settings in a pod"


# -- secrets, network, resources -----------------------------------------------------------------
def test_no_secret_reaches_the_values_file(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("NAIKKELAS_DB_URL", DB_URL)
    out = tmp_path / "values.yaml"
    status, _out, err = run_cli(
        capsys, ["--db-url", DB_URL, "deploy", "kubernetes", "-o", str(out)]
    )
    assert status == 0, err
    text = out.read_text()
    assert SECRET not in text and "db.internal" not in text
    data = yaml.safe_load(text)
    assert "postgresql" not in json.dumps(data), "the only URLs are the header's placeholders"
    env = data["hub"]["extraEnv"]
    for name in ("NAIKKELAS_DB_URL", "NAIKKELAS_HUB_DB_URL"):
        assert set(env[name]) == {"valueFrom"}, f"{name} must come from a Secret"
        assert env[name]["valueFrom"]["secretKeyRef"]["name"] == "naikkelas-db"
    # Even settings holding real URLs produce none.
    settings = kubernetes_settings(db_url=DB_URL, hub_db_url=HUB_DB_URL)
    assert SECRET not in json.dumps(helm_values(settings))


def test_learner_pods_reach_only_the_hub_pod(values):
    defaults = yaml.safe_load(reference("z2jh-values.yaml").read_text())
    assert defaults["singleuser"]["networkPolicy"]["egressAllowRules"]["nonPrivateIPs"] is True
    policy = deep_merge(defaults, values)["singleuser"]["networkPolicy"]
    assert policy["enabled"] is True
    assert not any(policy["egressAllowRules"].values()), "no internet, no DNS, no cluster"
    for rule in policy["egress"]:
        assert rule["to"] == [{"podSelector": {"matchLabels": {"component": "hub"}}}]
        assert [p["port"] for p in rule["ports"]] == [8181]


def test_hub_pod_has_no_internet(values):
    defaults = yaml.safe_load(reference("z2jh-values.yaml").read_text())
    rules = deep_merge(defaults, values)["hub"]["networkPolicy"]["egressAllowRules"]
    assert rules["nonPrivateIPs"] is False
    assert rules["cloudMetadataServer"] is False
    assert rules["dnsPortsCloudMetadataServer"] is False


def test_each_learner_pod_has_requests_and_limits(tmp_path, capsys):
    out = tmp_path / "v.yaml"
    argv = ["deploy", "kubernetes", "-o", str(out), "--memory-guarantee", "300M"]
    status, _, err = run_cli(capsys, [*argv, "--memory-limit", "1G", "--cpu-limit", "2"])
    assert status == 0, err
    single = yaml.safe_load(out.read_text())["singleuser"]
    assert single["memory"] == {"guarantee": "300M", "limit": "1G"}
    assert single["cpu"]["limit"] == 2 and 0 < single["cpu"]["guarantee"] <= 2
    assert single["storage"] == {"type": "none"}


def test_kubernetes_memory_units_are_written_as_kubespawner_reads_them(tmp_path, capsys):
    """KubeSpawner takes K/M/G/T (powers of 1024): an operator's 512Mi means 512M there; written
    as it is, the hub would stop at start."""
    out = tmp_path / "v.yaml"
    argv = ["deploy", "kubernetes", "-o", str(out), "--memory-guarantee", "512Mi"]
    status, _, err = run_cli(capsys, [*argv, "--memory-limit", "1.5Gi"])
    assert status == 0, err
    memory = yaml.safe_load(out.read_text())["singleuser"]["memory"]
    assert memory == {"guarantee": "512M", "limit": "1.5G"}
    traits = kubespawner.KubeSpawner.class_traits()
    assert traits["mem_guarantee"].validate(None, memory["guarantee"]) == 512 * 2**20
    assert traits["mem_limit"].validate(None, memory["limit"]) == int(1.5 * 2**30)


def test_images_need_a_tag():
    with pytest.raises(DeployError, match="tag"):
        helm_values(kubernetes_settings(), KubernetesOptions(learner_image="naikkelas/learner"))


# -- command line ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("args", "reason"),
    [
        (["-o", "{tmp}/missing/values.yaml"], "does not exist"),
        (["-o", "{tmp}"], "is a directory"),
        (["-o", "{tmp}/v.yaml", "--memory-limit", "lots"], "--memory-limit"),
        (["-o", "{tmp}/v.yaml", "--memory-limit", "512"], "--memory-limit"),
        (["-o", "{tmp}/v.yaml", "--memory-limit", "512k"], "--memory-limit"),
        (["-o", "{tmp}/v.yaml", "--memory-guarantee", "0M"], "--memory-guarantee"),
        (["-o", "{tmp}/v.yaml", "--memory-guarantee", "2G", "--memory-limit", "1G"], "at most"),
        (["-o", "{tmp}/v.yaml", "--db-secret", "Naikkelas_DB"], "--db-secret"),
        (["-o", "{tmp}/v.yaml", "--data-claim", "data claim"], "--data-claim"),
        (["-o", "{tmp}/v.yaml", "--learner-image", "naikkelas/learner: 1"], "no spaces"),
        (["-o", "{tmp}/v.yaml", "--cpu-guarantee", "3"], "--cpu-guarantee"),
        (["-o", "{tmp}/v.yaml", "--hub-image", "hub"], "tag"),
        (["-o", "{tmp}/v.yaml", "--cull-idle-seconds", "5"], "--cull-idle-seconds"),
    ],
)
def test_bad_input_exits_1_with_one_line_and_writes_nothing(tmp_path, capsys, args, reason):
    argv = ["deploy", "kubernetes", *(a.format(tmp=tmp_path) for a in args)]
    status, out, err = run_cli(capsys, argv)
    assert status == 1
    assert err.startswith("naikkelas: ") and err.count("\n") == 1 and reason in err
    assert list(tmp_path.iterdir()) == []


def test_usage_errors_exit_2(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["deploy", "kubernetes"])
    assert exit_.value.code == 2
    assert "-o" in capsys.readouterr().err


def test_values_to_stdout(capsys):
    status, out, _ = run_cli(capsys, ["deploy", "kubernetes", "-o", "-"])
    assert status == 0
    assert yaml.safe_load(out)["singleuser"]["defaultUrl"] == "/naikkelas"

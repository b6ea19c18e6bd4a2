"""deploy/naikkelas.service and its environment file: what systemd will run, and hardening that
still lets root create learners' accounts and start their servers as them."""

from __future__ import annotations

import configparser
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from naikkelas.hub.cli import build_parser
from naikkelas.hub.settings import Settings

ROOT = Path(__file__).resolve().parent.parent.parent
UNIT = ROOT / "deploy" / "naikkelas.service"
ENV = ROOT / "deploy" / "naikkelas.env.example"


def unit() -> configparser.ConfigParser:
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str
    parser.read_string(UNIT.read_text())
    return parser


def example_env() -> dict[str, str]:
    lines = ENV.read_text().splitlines()
    return dict(line.split("=", 1) for line in lines if re.match(r"^\w+=", line))


def test_the_unit_runs_naikkelas_from_the_installed_prefix_and_restarts_on_failure():
    service = unit()["Service"]
    assert service["ExecStart"] == "/opt/naikkelas/venv/bin/naikkelas run"
    assert service["EnvironmentFile"] == "/etc/naikkelas/env"
    assert service["Restart"] == "on-failure"
    assert service["User"] == "root"
    assert service["KillMode"] == "mixed", "the hub stops learners' servers itself"
    assert unit()["Install"]["WantedBy"] == "multi-user.target"


def test_hardening_leaves_what_spawning_learners_needs():
    service = unit()["Service"]
    assert service["NoNewPrivileges"] == "yes"
    assert service["ProtectSystem"] == "true", "full or strict makes /etc read-only: no useradd"
    for forbidden in ("ProtectHome", "DynamicUser", "PrivateUsers", "MemoryDenyWriteExecute"):
        assert forbidden not in service, f"{forbidden} breaks learners' accounts or the proxy"
    assert "net" in service["RestrictNamespaces"].split(), "the grader's sandbox needs it"


@pytest.mark.skipif(not shutil.which("systemd-analyze"), reason="no systemd-analyze")
def test_systemd_accepts_the_unit():
    done = subprocess.run(
        ["systemd-analyze", "verify", str(UNIT)], capture_output=True, text=True, timeout=60
    )
    # systemd-analyze reports unknown keys and bad values on stderr without failing.
    complaints = [line for line in done.stderr.splitlines() if UNIT.name in line]
    assert complaints == []


def test_the_example_environment_configures_the_run(monkeypatch):
    env = example_env()
    assert env, "no variables in the example"
    sources = "".join(p.read_text() for p in (ROOT / "hub").glob("*.py"))
    for name in env:
        assert f'"{name}"' in sources, f"{name} is read nowhere"
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    args = build_parser().parse_args(["run"])
    assert (args.ip, args.port, args.data_dir) == ("0.0.0.0", 443, "/var/lib/naikkelas/data")  # noqa: S104
    settings = Settings(data_dir=args.data_dir)
    assert settings.tls and settings.public_base_url == "https://kelas.example.go.id"


def test_a_restart_after_an_upgrade_migrates_jupyterhubs_database_too(tmp_path):
    from traitlets.config import Config

    from naikkelas.hub.config import apply_config

    c = apply_config(Config(), Settings(data_dir=str(tmp_path)))
    assert c.JupyterHub.upgrade_db is True

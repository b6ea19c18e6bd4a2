"""The container images (deploy/*.Dockerfile): small pinned base, non-root, the install step the
image-check runs, and the paths and user ids the Kubernetes values rely on.

No container runtime here: `test_install_step_in_a_fresh_venv` runs the images' install step
(deploy/install.sh) the same way in a fresh virtual environment; `make image-check` does so for
both images.
"""

import os
import re
import shlex
import subprocess
from pathlib import Path

import pytest
import yaml

from naikkelas.hub.kubernetes import HUB_DATA_DIR
from naikkelas.hub.settings import KUBERNETES_LEARNER_CONFIG_DIR, KUBERNETES_LESSONS_DIR

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = Path(os.environ.get("NAIKKELAS_REFERENCE_DIR", ROOT.parent / "shared" / "reference"))
IMAGES = {kind: ROOT / "deploy" / f"{kind}.Dockerfile" for kind in ("hub", "learner")}
PINNED_BASE = re.compile(r"^python:3\.11(\.\d+)?-slim-(bookworm|trixie)(@sha256:[0-9a-f]{64})?$")
PINNED_NODE = re.compile(r"^node:20(\.\d+)*-(bookworm|trixie)-slim(@sha256:[0-9a-f]{64})?$")
SYSTEM_PYTHON = "/usr/bin/python3"


def instructions(path: Path) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) of a Dockerfile, continuation lines joined, comments dropped."""
    text = re.sub(r"\\\n", " ", path.read_text())
    result = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            word, _, rest = line.partition(" ")
            result.append((word.upper(), rest.strip()))
    return result


def chart_defaults() -> dict:
    path = REFERENCE / "z2jh-values.yaml"
    if not path.is_file():
        pytest.fail(f"chart reference {path} missing (set NAIKKELAS_REFERENCE_DIR)")
    return yaml.safe_load(path.read_text())


@pytest.mark.parametrize("kind", sorted(IMAGES))
def test_small_pinned_base_image(kind):
    steps = instructions(IMAGES[kind])
    args = dict(a.split("=", 1) for w, a in steps if w == "ARG" and "=" in a)
    froms = [a for w, a in steps if w == "FROM"]
    assert froms[-1] == "${BASE}", "the image is built from the BASE argument"
    assert PINNED_BASE.match(args["BASE"]), f"{args['BASE']} is not a pinned python:3.11 slim"
    if kind == "learner":
        # A Node stage builds the light lesson page; only its output is copied on.
        assert froms == ["${NODE_BASE} AS frontend", "${BASE}"]
        assert PINNED_NODE.match(args["NODE_BASE"]), f"{args['NODE_BASE']} is not node:20 slim"
    else:
        assert froms == ["${BASE}"], "one stage"


def test_learner_image_carries_the_built_lesson_page():
    """The Node stage runs the same build as `make frontend` and the learner image copies its
    output where the learner extension serves it, before the install step copies the package."""
    steps = instructions(IMAGES["learner"])
    runs = [a for w, a in steps if w == "RUN"]
    assert "npm ci --no-audit --no-fund --loglevel=error" in runs
    assert "node build.mjs /frontend/out" in runs
    copies = [a for w, a in steps if w == "COPY"]
    copied = "--from=frontend /frontend/out/ hub/learner/static/"
    assert copied in copies
    install = next(i for i, (w, a) in enumerate(steps) if w == "RUN" and "install.sh" in a)
    assert steps.index(("COPY", copied)) < install
    assert '"lesson-app"' in (ROOT / "frontend" / "build.mjs").read_text()


@pytest.mark.parametrize("kind", sorted(IMAGES))
def test_runs_as_the_charts_non_root_uid(kind):
    users = [a for w, a in instructions(IMAGES[kind]) if w == "USER"]
    assert users, "no USER: the image would run as root"
    assert users[-1] not in ("0", "root") and users[-1].isdigit()
    chart = chart_defaults()
    expected = (
        chart["hub"]["containerSecurityContext"]["runAsUser"]
        if kind == "hub"
        else chart["singleuser"]["uid"]
    )
    assert int(users[-1]) == expected


@pytest.mark.parametrize("kind", sorted(IMAGES))
def test_installs_with_the_checked_install_step(kind):
    steps = instructions(IMAGES[kind])
    runs = [shlex.split(a) for w, a in steps if w == "RUN"]
    install = [r for r in runs if r[:2] == ["sh", "deploy/install.sh"]]
    assert len(install) == 1 and install[0][2:5] == [kind, "/opt/naikkelas/venv", "python3"]
    # Everything the build reads is in the build context.
    for word, rest in steps:
        if word == "COPY" and not rest.startswith("--from="):
            for source in shlex.split(rest)[:-1]:
                assert (ROOT / source).exists(), f"COPY {source}: not in the project"
    env = " ".join(a for w, a in steps if w == "ENV")
    assert "PATH=/opt/naikkelas/venv/bin:" in env


def test_learner_image_has_the_paths_the_values_mount_and_fill():
    steps = instructions(IMAGES["learner"])
    runs = " ".join(a for w, a in steps if w == "RUN")
    assert KUBERNETES_LESSONS_DIR in runs and KUBERNETES_LEARNER_CONFIG_DIR in runs
    assert not [w for w, _ in steps if w == "ENTRYPOINT"], "KubeSpawner's cmd must run as is"


def test_hub_image_keeps_data_where_the_values_mount_the_volume():
    steps = instructions(IMAGES["hub"])
    env = " ".join(a for w, a in steps if w == "ENV")
    assert f"NAIKKELAS_DATA_DIR={HUB_DATA_DIR}" in env
    assert HUB_DATA_DIR in " ".join(a for w, a in steps if w == "RUN")


@pytest.mark.image
def test_install_step_in_a_fresh_venv(tmp_path):
    """The hub image's install step (a superset of the learner's) outside a container."""
    if not Path(SYSTEM_PYTHON).exists():
        pytest.fail(f"{SYSTEM_PYTHON} is needed (Debian's python3-venv)")
    result = subprocess.run(
        ["sh", "deploy/install.sh", "hub", str(tmp_path / "venv"), SYSTEM_PYTHON],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "naikkelas hub environment ready" in result.stdout
    # The learner pod's start command (singleuser.cmd) is importable as the hub names it.
    start = subprocess.run(
        [str(tmp_path / "venv/bin/python"), "-c", "import naikkelas.hub.learner.start"],
        capture_output=True,
        text=True,
    )
    assert start.returncode == 0, start.stderr

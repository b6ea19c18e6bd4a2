"""Project-wide rules: pinned dependencies agree, notebooks carry no outputs, layout holds."""

import json
import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def _pins(reqs):
    pins = {}
    for req in reqs:
        name, _, version = req.partition("==")
        assert version, f"{req!r} is not pinned with =="
        name = name.split("[")[0]  # extras (psycopg[binary]) pin the package itself
        pins[re.sub(r"[-_.]+", "-", name.lower())] = version
    return pins


def test_environment_yml_and_pyproject_pin_the_same_runtime_dependencies():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip_section = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    assert _pins(project["dependencies"]) == _pins(pip_section)
    assert "python=3.11" in env["dependencies"]


def test_lock_agrees_with_pins():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    lines = (ROOT / "constraints.txt").read_text().splitlines()
    locked = _pins(line for line in lines if line and not line.startswith("#"))
    extras = project["optional-dependencies"]
    wanted = _pins(project["dependencies"] + extras["test"] + extras["kubernetes"])
    for name, version in wanted.items():
        assert locked.get(name) == version, f"constraints.txt has {name}=={locked.get(name)}"


def test_course_notebooks_have_no_outputs():
    notebooks = sorted((ROOT / "courses").rglob("*.ipynb"))
    assert notebooks, "no course notebooks found"
    for path in notebooks:
        nb = json.loads(path.read_text(encoding="utf-8"))
        for i, cell in enumerate(nb["cells"]):
            assert not cell.get("outputs"), f"{path.relative_to(ROOT)} cell {i} has outputs"
            assert not cell.get("execution_count"), f"{path.relative_to(ROOT)} cell {i} was run"


def test_layout_matches_design():
    for folder in ("hub", "widgets", "grading", "courses", "deploy", "tests", "docs", "bench"):
        assert (ROOT / folder).is_dir(), folder
    tool = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    assert tool["package-dir"] == {
        "naikkelas.hub": "hub",
        "naikkelas.widgets": "widgets",
        "naikkelas.grading": "grading",
    }
    # Every Python package folder is shipped.
    for init in ROOT.glob("*/**/__init__.py"):
        top = init.relative_to(ROOT).parts[0]
        if top not in tool["package-dir"].values():
            continue
        rel = init.parent.relative_to(ROOT)
        dotted = "naikkelas." + ".".join(rel.parts)
        assert dotted in tool["packages"], f"{dotted} missing from [tool.setuptools] packages"


def test_ci_runs_the_readme_test_command():
    assert "make test" in (ROOT / ".ci" / "run").read_text()
    readme = (ROOT / "README.md").read_text()
    assert "make run" in readme and "make test" in readme

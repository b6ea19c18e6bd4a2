"""Print the pinned requirements of pyproject.toml, one per line, for the Makefile.

Usage: python tools/deps.py runtime|test|kubernetes
"""

import sys
import tomllib
from pathlib import Path

project = tomllib.loads((Path(__file__).parent.parent / "pyproject.toml").read_text())["project"]
kind = sys.argv[1] if len(sys.argv) > 1 else "runtime"
reqs = project["dependencies"] if kind == "runtime" else project["optional-dependencies"][kind]
print("\n".join(reqs))

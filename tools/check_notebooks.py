"""Fail when a course notebook carries outputs or execution counts (pre-commit hook)."""

import json
import sys

bad = []
for path in sys.argv[1:]:
    with open(path, encoding="utf-8") as f:
        nb = json.load(f)
    for i, cell in enumerate(nb.get("cells", [])):
        if cell.get("outputs") or cell.get("execution_count"):
            bad.append(f"{path}: cell {i} has outputs; clear them before committing")
print("\n".join(bad), file=sys.stderr)
sys.exit(1 if bad else 0)

"""Summarise the accessibility audit of the browser tests as a Markdown table.

    python tools/axe_summary.py [test-output]

Reads every `axe-<page>--<viewport>.json` the tests in tests/browser/test_accessibility.py left
under test-output/ and prints, per page, the number of WCAG A/AA violations (counted per rule)
by impact at each viewport, then the rules involved.
"""

from __future__ import annotations

import json
import sys
from collections import Counter, defaultdict
from pathlib import Path

IMPACTS = ("critical", "serious", "moderate", "minor")


def main(folder: Path) -> int:
    counts: dict[str, dict[str, Counter]] = defaultdict(dict)
    rules: Counter = Counter()
    for path in sorted(folder.glob("*/axe-*--*.json")):
        data = json.loads(path.read_text())
        page, viewport = data["page"].rsplit("--", 1)
        impacts = Counter(v["impact"] for v in data["violations"])
        counts[page][viewport] = impacts
        rules.update(f"{v['id']} ({v['impact']})" for v in data["violations"])
    if not counts:
        print(f"no audit results under {folder}", file=sys.stderr)
        return 1
    print(
        "| page | phone 360x740: critical / serious / other "
        "| desktop 1280x800: critical / serious / other |"
    )
    print("|---|---|---|")
    for page in sorted(counts):
        cells = []
        for viewport in ("phone", "desktop"):
            c = counts[page].get(viewport)
            if c is None:
                cells.append("not run")
            else:
                cells.append(f"{c['critical']} / {c['serious']} / {c['moderate'] + c['minor']}")
        print(f"| {page} | {cells[0]} | {cells[1]} |")
    if rules:
        listed = ", ".join(f"{rule}: {n}" for rule, n in rules.most_common())
        print(f"\nRules violated (pages x viewports): {listed}")
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1] if len(sys.argv) > 1 else "test-output")))

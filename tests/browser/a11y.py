"""Accessibility helpers of the browser tests: the axe-core audit, viewports, keyboard focus.

axe-core is installed by `make install-test` from npm beside the proxy (`<prefix>/node`) and
injected into the page under test from that file, never from a CDN.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

AXE = Path(sys.prefix).parent / "node" / "node_modules" / "axe-core" / "axe.min.js"
# WCAG 2.0, 2.1 and 2.2, levels A and AA: what the issue asks the platform to pass.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
BLOCKING = ("serious", "critical")

VIEWPORTS = {
    "phone": {
        "viewport": {"width": 360, "height": 740},
        "device_scale_factor": 2,
        "is_mobile": True,
        "has_touch": True,
    },
    "desktop": {"viewport": {"width": 1280, "height": 800}},
}

_RUN_AXE = """async (tags) => {
  const result = await window.axe.run(document, {
    runOnly: {type: "tag", values: tags}, resultTypes: ["violations"],
  });
  return result.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
    nodes: v.nodes.map((n) => ({
      target: n.target, impact: n.impact, html: n.html.slice(0, 300), summary: n.failureSummary,
    })),
  }));
}"""


def new_context(browser, kind: str):
    """A browser context of the given viewport kind ("phone" or "desktop").

    bypass_csp lets the audit inject axe-core into pages whose Content-Security-Policy forbids
    inline scripts (the trainer pages); the pages themselves are unchanged.
    """
    return browser.new_context(**VIEWPORTS[kind], locale="id-ID", bypass_csp=True)


def audit(page, name: str, folder: Path) -> list[dict]:
    """Run axe-core (WCAG 2.x A/AA rules) on the page as it is now; saves the violations as
    `axe-<name>.json` in `folder` and returns them."""
    if not AXE.is_file():
        pytest.fail(f"{AXE} missing: `make install-test` installs axe-core")
    if not page.evaluate("typeof window.axe === 'object'"):
        page.add_script_tag(path=str(AXE))
    violations = page.evaluate(_RUN_AXE, WCAG_TAGS)
    (folder / f"axe-{name}.json").write_text(
        json.dumps({"page": name, "url": page.url, "violations": violations}, indent=1)
    )
    return violations


def describe(violations: list[dict]) -> str:
    """Each violation's id, impact, help and the elements it was found on."""
    lines = []
    for v in violations:
        lines.append(f"- {v['id']} ({v['impact']}): {v['help']} [{v['helpUrl']}]")
        for node in v["nodes"][:8]:
            lines.append(f"    at {' '.join(map(str, node['target']))}: {node['html'][:160]}")
            if node.get("summary"):
                lines.append("      " + node["summary"].replace("\n", " ")[:300])
        if len(v["nodes"]) > 8:
            lines.append(f"    ... and {len(v['nodes']) - 8} more")
    return "\n".join(lines)


class Audits:
    """Audits of one test: collects every page's violations and fails at the end with all the
    serious and critical ones, so one run shows everything that needs fixing."""

    def __init__(self, page, folder: Path, kind: str):
        self.page, self.folder, self.kind = page, folder, kind
        self.found: dict[str, list[dict]] = {}

    def check(self, name: str) -> list[dict]:
        violations = audit(self.page, f"{name}--{self.kind}", self.folder)
        self.found[name] = violations
        if self.kind == "phone":
            self.page.screenshot(path=self.folder / f"{name}.png", full_page=True)
        return violations

    def assert_clean(self) -> None:
        report = []
        for name, violations in self.found.items():
            blocking = [v for v in violations if v["impact"] in BLOCKING]
            if blocking:
                report.append(f"{name} at {self.kind} width:\n{describe(blocking)}")
        assert not report, "serious or critical WCAG violations:\n" + "\n".join(report)


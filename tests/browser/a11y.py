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


def screenshot(page, path: Path) -> None:
    """The whole page, also where it scrolls inside a box (Voila's lesson shell does): the window
    is made as tall as the content for the picture."""
    size = page.viewport_size
    tallest = page.evaluate(
        "Math.max(...Array.from(document.querySelectorAll('html, body, body *'))"
        ".filter((e) => ['auto', 'scroll'].includes(getComputedStyle(e).overflowY))"
        ".map((e) => e.scrollHeight), document.documentElement.scrollHeight)"
    )
    if tallest > size["height"]:
        page.set_viewport_size({"width": size["width"], "height": min(tallest, 8000)})
    try:
        page.screenshot(path=path, full_page=True)
    finally:
        page.set_viewport_size(size)


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


def assert_accessible(page, name: str, folder: Path) -> None:
    """The page as it is now has no serious or critical WCAG violation (a phone-sized page of a
    simulator, a certificate, ...); the findings are saved beside the test's screenshots."""
    blocking = [v for v in audit(page, name, folder) if v["impact"] in BLOCKING]
    assert not blocking, f"serious or critical WCAG violations on {name}:\n{describe(blocking)}"


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
            screenshot(self.page, self.folder / f"{name}.png")
        return violations

    def assert_clean(self) -> None:
        report = []
        for name, violations in self.found.items():
            blocking = [v for v in violations if v["impact"] in BLOCKING]
            if blocking:
                report.append(f"{name} at {self.kind} width:\n{describe(blocking)}")
        assert not report, "serious or critical WCAG violations:\n" + "\n".join(report)


# -- reflow (WCAG 1.4.10) and text resize (WCAG 1.4.4) -----------------------------------------

NARROW = {
    "viewport": {"width": 320, "height": 640},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}

# Text-only zoom, as Android Chrome's text scaling or Firefox's "Zoom text only" do it: every
# element's own computed font size (and a fixed line height) times `factor`, whatever unit the
# page's CSS used. (`html { font-size: 200% }` would leave every px-sized text of the lessons and
# simulators unchanged and prove nothing.) Sizes are read before any is changed, and re-applying
# first restores the page's own sizes, so new widgets (a new screen) can be scaled again.
_TEXT_ZOOM = """(factor) => {
  const all = Array.from(document.querySelectorAll("body, body *"));
  for (const el of all) {
    if (el.dataset.nkZoom) {
      el.style.removeProperty("font-size");
      el.style.removeProperty("line-height");
      delete el.dataset.nkZoom;
    }
  }
  const sizes = all.map((el) => {
    const s = getComputedStyle(el);
    return [parseFloat(s.fontSize), s.lineHeight.endsWith("px") ? parseFloat(s.lineHeight) : 0];
  });
  all.forEach((el, i) => {
    const [size, line] = sizes[i];
    if (!size) return;
    el.style.setProperty("font-size", size * factor + "px", "important");
    if (line) el.style.setProperty("line-height", line * factor + "px", "important");
    el.dataset.nkZoom = "1";
  });
}"""

# What a learner would have to scroll sideways for, or could not see at all: the page wider than
# the window; a box that scrolls sideways (only a data table may, in its own box: WCAG 1.4.10
# exempts two-dimensional tables); text or a control reaching past the window's edges; text
# clipped by a box that hides its overflow.
_OVERFLOW = """() => {
  const root = document.documentElement;
  const width = root.clientWidth;
  const problems = [];
  if (root.scrollWidth > width) problems.push(`page is ${root.scrollWidth}px wide in ${width}px`);
  const describe = (el) => {
    const text = (el.innerText || el.value || el.alt || "").trim().replace(/\\s+/g, " ");
    return `<${el.tagName.toLowerCase()} class="${el.className}"> "${text.slice(0, 50)}"`;
  };
  const scrollsSideways = (el) => {
    const o = getComputedStyle(el).overflowX;
    return (o === "auto" || o === "scroll") && el.scrollWidth > el.clientWidth + 1;
  };
  const inTableBox = (el) => {
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      if (scrollsSideways(p) && p.querySelector("table")) return true;
    }
    return false;
  };
  const ownText = (el) => Array.from(el.childNodes).some(
    (n) => n.nodeType === 3 && n.textContent.trim());
  const controls = "button, input, select, textarea, img, a";
  for (const el of document.querySelectorAll("body, body *")) {
    const s = getComputedStyle(el);
    if (s.visibility === "hidden" || s.display === "none") continue;
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    if (scrollsSideways(el) && !el.querySelector("table")) {
      const sizes = `${el.scrollWidth}px in ${el.clientWidth}px`;
      problems.push(`${describe(el)} scrolls sideways (${sizes})`);
    }
    // The text itself, not only its box: a long word can overflow a box that fits.
    let [left, right] = [r.left, r.right];
    for (const node of el.childNodes) {
      if (node.nodeType !== 3 || !node.textContent.trim()) continue;
      const range = document.createRange();
      range.selectNodeContents(node);
      const t = range.getBoundingClientRect();
      [left, right] = [Math.min(left, t.left), Math.max(right, t.right)];
    }
    const content = ownText(el) || el.matches(controls);
    if (content && (right > width + 1 || left < -1) && !inTableBox(el)) {
      problems.push(`${describe(el)} reaches ${Math.round(left)}..${Math.round(right)}px`);
    }
    const clips = ["hidden", "clip"].includes(s.overflowX);
    if (clips && ownText(el) && el.scrollWidth > el.clientWidth + 1) {
      problems.push(`${describe(el)} is cut off (${el.scrollWidth}px in ${el.clientWidth}px)`);
    }
  }
  return problems;
}"""


def text_zoom(page, factor: float) -> None:
    """Scale all text of the page as it is now by `factor` (1 restores the page's own sizes)."""
    page.evaluate(_TEXT_ZOOM, factor)


def overflow(page) -> list[str]:
    """What would need horizontal scrolling or is cut off on the page as it is now."""
    return page.evaluate(_OVERFLOW)


class Reflow:
    """Reflow checks of one test: each screen at the window's width, with the page's own text
    size and with all text at 200%; fails at the end with every problem found."""

    def __init__(self, page, folder: Path):
        self.page, self.folder = page, folder
        self.found: dict[str, list[str]] = {}

    def check(self, name: str) -> None:
        self.found[name] = overflow(self.page)
        text_zoom(self.page, 2)
        self.found[f"{name} (text 200%)"] = overflow(self.page)
        screenshot(self.page, self.folder / f"{name}-320-text200.png")
        text_zoom(self.page, 1)

    def assert_fits(self) -> None:
        report = [f"{name}:\n  " + "\n  ".join(p[:12]) for name, p in self.found.items() if p]
        assert not report, "horizontal scrolling or cut-off content at 320px:\n" + "\n".join(report)

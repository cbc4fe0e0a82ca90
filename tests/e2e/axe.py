"""Accessibility checks with axe-core (``npm ci`` puts it in ``node_modules/``).

axe is evaluated into the page or frame through the browser's debugging protocol, not
added as a ``<script>``: our pages' CSP (``script-src 'self'``) would block an inline
script, and turning CSP off (``bypass_csp``) would also hide real framing problems.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from playwright.sync_api import Frame, Page

AXE_JS = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
WCAG_21_AA = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")

_RUN = """async (tags) => {
  const result = await window.axe.run(document, {
    runOnly: { type: "tag", values: tags },
    iframes: false,
    resultTypes: ["violations"],
  });
  return result.violations;
}"""


@cache
def _axe_source() -> str:
    if not AXE_JS.is_file():
        raise FileNotFoundError(f"{AXE_JS} is missing: run `npm ci` in the project folder")
    return AXE_JS.read_text(encoding="utf-8")


def axe_violations(
    target: Page | Frame, tags: tuple[str, ...] = WCAG_21_AA
) -> list[dict[str, Any]]:
    """The WCAG 2.1 A/AA violations of the document in ``target`` (its own frames excluded:
    check each frame by itself)."""
    if not target.evaluate("() => typeof window.axe === 'object'"):
        target.evaluate(_axe_source())
    violations: list[dict[str, Any]] = target.evaluate(_RUN, list(tags))
    return violations


def describe(violations: list[dict[str, Any]]) -> str:
    """A readable list for assertion messages: rule, impact, help and where."""
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation.get('impact')}): {violation['help']}")
        for node in violation["nodes"][:5]:
            lines.append(f"    at {node['target']}: {node.get('failureSummary', '')}")
    return "\n".join(lines)

"""The pattern page (/dev/patterns) shows every component in each state, in German and
English, and is WCAG 2.1 AA clean by axe; it fits 375 px without sideways scrolling."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.axe import describe

pytestmark = pytest.mark.e2e

COMPONENTS = (
    ".breadcrumbs",
    ".button.is-hover",
    ".button.is-focus",
    ".button[disabled]",
    ".button--secondary",
    ".button--danger",
    ".field--error [aria-invalid=true]",
    ".error-summary",
    "input[disabled]",
    ".table-scroll table",
    ".card--accent",
    ".lesson-card--read",
    ".dash-card--alert",
    ".badge--overdue",
    ".notice--error",
    ".notice--ok",
    ".notice--warn",
    ".work-step",
    ".process-step",
    ".empty-state",
)


@pytest.mark.parametrize(("lang", "heading"), [("de", "Musterseite"), ("en", "Pattern page")])
def test_the_pattern_page_shows_every_component_and_is_axe_clean(
    live_stack: Any, page: Any, axe: Any, lang: str, heading: str
) -> None:
    page.set_viewport_size({"width": 1280, "height": 900})
    response = page.goto(f"{live_stack.tool_url}/dev/patterns?lang={lang}")
    assert response is not None and response.status == 200
    assert page.locator("html").get_attribute("lang") == lang
    assert page.locator("h1").inner_text() == heading
    missing = [selector for selector in COMPONENTS if page.locator(selector).count() == 0]
    assert missing == []
    violations = axe(page)
    assert violations == [], describe(violations)
    page.set_viewport_size({"width": 375, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth") <= 375

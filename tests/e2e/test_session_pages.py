"""The pages of the session rules, in Chromium inside the LMS iframe, checked with axe.

Lena is signed in inside the simulator's frame. A link carrying Tom's page token, opened in
her frame, gets the refusal page (409) that names Lena, not Tom; a page that does not exist
gets the error page with its way back; "Abmelden" ends her session and shows the signed-out
page. Each of these pages has no WCAG 2.1 A/AA violations.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from tests.e2e.axe import axe_violations, describe

pytestmark = pytest.mark.e2e

COURSE_TITLE = "Social-Media-Strategie"


def _tool_frame(page, stack):
    handle = page.locator("#contentframe").element_handle()
    frame = handle.content_frame() if handle else None
    assert frame is not None and frame.url.startswith(stack.tool_url), frame and frame.url
    return frame


def _launch(page, stack, person: str):
    page.goto(f"{stack.simulator_url}/?person={person}")
    expect(page.frame_locator("#contentframe").get_by_role("heading", level=1)).to_contain_text(
        COURSE_TITLE
    )
    return _tool_frame(page, stack)


def _no_violations(frame, what: str) -> None:
    violations = axe_violations(frame)
    assert violations == [], f"{what}:\n{describe(violations)}"


def test_the_refusal_error_and_signed_out_pages_in_the_frame(page, browser, demo_stack):
    stack = demo_stack
    tom_context = browser.new_context(locale="de-DE")
    try:
        tom_page = tom_context.new_page()
        tom_url = _launch(tom_page, stack, "tom").url
    finally:
        tom_context.close()
    [tom_token] = parse_qs(urlsplit(tom_url).query)["kt"]

    lena = _launch(page, stack, "lena")
    expect(lena.locator(".session-info__who")).to_contain_text("Lena")

    lena.goto(f"{tom_url.split('?')[0]}?kt={tom_token}")  # Tom's link, in Lena's frame
    expect(lena.get_by_role("heading", level=1)).to_be_visible()
    body = lena.locator("main").inner_text()
    assert "Lena" in body and "Tom" not in body, body
    _no_violations(lena, "refusal of another person's link")

    lena = _launch(page, stack, "lena")
    home = urlsplit(lena.url)
    lena.goto(home._replace(path=home.path.rstrip("/") + "/gibt-es-nicht").geturl())
    expect(lena.locator(".error-way-back")).to_be_visible()
    _no_violations(lena, "404 page")

    lena = _launch(page, stack, "lena")
    lena.get_by_role("button", name="Abmelden").click()
    expect(lena.get_by_role("heading", level=1)).to_have_text("Abgemeldet")
    _no_violations(lena, "signed-out page")

"""The browser harness itself, proven against the simulator (runs without the LTI and
course work): live servers on two sites, Chromium, axe, and the launch's browser hops."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
import pytest

from tests.e2e.axe import describe

pytestmark = pytest.mark.e2e

LOGIN_FIELDS = {
    "iss",
    "target_link_uri",
    "login_hint",
    "lti_message_hint",
    "client_id",
    "lti_deployment_id",
}


def _form(post_data: str | None) -> dict[str, str]:
    return {name: values[0] for name, values in parse_qs(post_data or "").items()}


def test_simulator_course_page_has_no_wcag_violations(page, live_stack, axe):
    page.goto(live_stack.simulator_url + "/")
    violations = axe(page)
    assert violations == [], describe(violations)


@pytest.mark.parametrize(
    "path",
    ["/return?lti_msg=Gespeichert", "/auth?client_id=unbekannt", "/launch/niemand"],
    ids=["return", "refused", "unknown-person"],
)
def test_simulator_side_pages_have_no_wcag_violations(page, live_stack, axe, path):
    page.goto(live_stack.simulator_url + path)
    violations = axe(page)
    assert violations == [], describe(violations)


def test_course_page_frames_the_tools_login_from_another_site(page, live_stack, axe):
    simulator = live_stack.simulator
    page.goto(live_stack.simulator_url + "/")
    page.get_by_role("radio", name=re.compile("Lena Lernende")).check()
    with page.expect_request(
        lambda r: r.url == simulator.tool_login_url and r.method == "POST"
    ) as login:
        page.get_by_role("button", name="Kurs als diese Person öffnen").click()
    request = login.value

    # The request is the iframe's navigation, not the top page's.
    assert request.is_navigation_request()
    assert request.frame.parent_frame == page.main_frame
    assert page.locator("iframe#contentframe").get_attribute("src") == "/launch/lena"
    # ... to another site: localhost frames 127.0.0.1.
    assert urlsplit(page.url).hostname == "localhost"
    assert urlsplit(request.url).hostname == "127.0.0.1"

    fields = _form(request.post_data)
    assert set(fields) == LOGIN_FIELDS
    assert fields["iss"] == live_stack.simulator_url
    assert fields["login_hint"] == simulator.person("lena").sub
    assert fields["target_link_uri"] == simulator.tool_launch_url

    violations = axe(page)
    assert violations == [], describe(violations)


def test_browser_carries_a_launch_through_both_auto_posts(page, live_stack):
    """A stand-in for the tool's ``/lti/login`` answers with the OIDC redirect; the
    browser then follows the simulator's pages on its own up to the tool's launch URL."""
    simulator = live_stack.simulator

    def tool_login(route):
        fields = _form(route.request.post_data)
        auth_request = {
            "scope": "openid",
            "response_type": "id_token",
            "response_mode": "form_post",
            "prompt": "none",
            "client_id": fields["client_id"],
            "redirect_uri": simulator.tool_launch_url,
            "login_hint": fields["login_hint"],
            "lti_message_hint": fields["lti_message_hint"],
            "state": "state-123",
            "nonce": "nonce-456",
        }
        route.fulfill(
            status=302, headers={"Location": f"{simulator.auth_url}?{urlencode(auth_request)}"}
        )

    page.route(simulator.tool_login_url, tool_login)
    with page.expect_request(
        lambda r: r.url == simulator.tool_launch_url and r.method == "POST"
    ) as launch:
        page.goto(live_stack.simulator_url + "/?person=tom")
    request = launch.value
    assert request.frame.parent_frame == page.main_frame

    fields = _form(request.post_data)
    assert set(fields) == {"id_token", "state"}
    assert fields["state"] == "state-123"
    jwks = jwt.PyJWKSet.from_dict(page.request.get(simulator.jwks_url).json())
    token = fields["id_token"]
    claims = jwt.decode(
        token,
        jwks[jwt.get_unverified_header(token)["kid"]].key,
        algorithms=["RS256"],
        audience=simulator.client_id,
        issuer=simulator.issuer,
    )
    assert claims["nonce"] == "nonce-456"
    assert claims["sub"] == simulator.person("tom").sub


def test_axe_sees_into_the_cross_site_frame_despite_its_csp(page, live_stack, axe):
    """The helper checks a tool page inside the LMS iframe, under a CSP like the tool's
    (no inline scripts): here a stand-in page with one known violation."""
    simulator = live_stack.simulator
    tool_page = (
        '<!doctype html><html lang="de"><head><meta charset="utf-8"><title>Tool</title>'
        '</head><body><main><h1>Tool</h1><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw='
        '"></main></body></html>'
    )
    page.route(
        simulator.tool_login_url,
        lambda route: route.fulfill(
            status=200,
            content_type="text/html; charset=utf-8",
            headers={
                "Content-Security-Policy": "default-src 'self'; img-src data:; script-src "
                f"'self'; frame-ancestors {live_stack.simulator_url}"
            },
            body=tool_page,
        ),
    )
    page.goto(live_stack.simulator_url + "/?person=lena")
    frame = page.frame_locator("#contentframe")
    frame.get_by_role("heading", name="Tool").wait_for()
    (tool_frame,) = [f for f in page.frames if f.url == simulator.tool_login_url]

    violations = axe(tool_frame)
    assert [v["id"] for v in violations] == ["image-alt"]
    assert page.evaluate("() => typeof window.axe") == "undefined"  # only the frame was touched

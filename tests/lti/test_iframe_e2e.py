"""The launch in a real browser: headless Chromium, the LMS page on ``localhost`` framing
the tool on ``127.0.0.1`` (cross-site, plain http on loopback), lti1p3platform as the LMS.

Shows that the partitioned state cookie comes back to ``/lti/launch`` inside the iframe
and that the partitioned session cookie rides along to the course page; and, when the
browser has no state cookie, that the fallback page is accessible and its button runs
the whole flow first-party in a new window.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse
from markupsafe import escape
from sqlmodel import Session

from kurswerk.app import create_app
from kurswerk.core.auth import SESSION_COOKIE
from kurswerk.core.settings import Settings
from tests.lti.conftest import register
from tests.lti.peer import Peer

pytestmark = pytest.mark.e2e

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
LEARNER = "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _serve(app: Any, host: str, port: int) -> uvicorn.Server:
    server = uvicorn.Server(uvicorn.Config(app, host=host, port=port, log_level="warning"))
    threading.Thread(target=server.run, daemon=True).start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError(f"server on {host}:{port} did not start")
        time.sleep(0.02)
    return server


def _platform_app(peer: Peer) -> FastAPI:
    """The LMS: a course page framing the tool, the OIDC authorisation endpoint, JWKS."""
    lms = FastAPI()

    @lms.get("/course", response_class=HTMLResponse)
    def course() -> str:
        src = escape(peer.login_initiation_url(user_id="browser-user"))
        return (
            "<!doctype html><html lang='en'><title>LMS course</title><h1>Course</h1>"
            f"<iframe id='tool' title='Kurswerk' src='{src}' width='900' height='600'></iframe>"
        )

    @lms.get("/auth", response_class=HTMLResponse)
    def authorise(request: Request) -> str:
        fields = peer.answer_authorisation(
            str(request.url), user_id="browser-user", roles=[LEARNER]
        )
        return (
            "<!doctype html><html><title>LMS</title>"
            f"<form id='f' method='post' action='{escape(fields['launch_url'])}'>"
            f"<input type='hidden' name='id_token' value='{escape(fields['id_token'])}'>"
            f"<input type='hidden' name='state' value='{escape(fields['state'])}'></form>"
            "<script>document.getElementById('f').submit()</script>"
        )

    @lms.get("/jwks")
    def jwks() -> JSONResponse:
        return JSONResponse(peer.jwks())

    return lms


@pytest.fixture
def live(database_url: str, engine, db: Session, tmp_path) -> Iterator[dict[str, Any]]:
    tool_port, lms_port = _free_port(), _free_port()
    tool_base = f"http://127.0.0.1:{tool_port}"
    lms_base = f"http://localhost:{lms_port}"
    peer = Peer(
        issuer=lms_base, client_id="browser-client", deployment_id="d1", tool_base_url=tool_base
    )
    register(
        db,
        issuer=lms_base,
        client_id="browser-client",
        deployment_id="d1",
        auth_url=lms_base + "/auth",
        keyset_url=lms_base + "/jwks",
    )
    settings = Settings(
        env="test",
        database_url=database_url,
        base_url=tool_base,
        secret_key="test-secret-key-that-is-long-enough-0123456789",  # type: ignore[arg-type]
        storage_url=f"file://{tmp_path / 'storage'}",
    )
    tool_app = create_app(settings)
    servers = [
        _serve(tool_app, "127.0.0.1", tool_port),
        _serve(_platform_app(peer), "127.0.0.1", lms_port),
    ]
    try:
        yield {"tool": tool_base, "lms": lms_base, "peer": peer}
    finally:
        for server in servers:
            server.should_exit = True
        tool_app.state.engine.dispose()


@pytest.fixture
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


def _watch(context: Any) -> dict[str, Any]:
    """Every page of the browser context: the launch's status, the course page's cookies."""
    seen: dict[str, Any] = {"launch_status": None, "course_cookie": None}

    def on_response(response: Any) -> None:
        if response.url.endswith("/lti/launch"):
            seen["launch_status"] = response.status

    def on_request(request: Any) -> None:
        if "/c/" in urlsplit(request.url).path:
            seen["course_cookie"] = request.all_headers().get("cookie", "")

    context.on("response", on_response)
    context.on("request", on_request)
    return seen


def _wait_for(page: Any, condition: Any, timeout: float = 15.0) -> None:
    """Wait by asking the browser (sync Playwright delivers events only then)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("browser did not get there in time")
        page.wait_for_timeout(50)


def test_launch_in_a_cross_site_iframe_keeps_state_and_session(live, browser):
    context = browser.new_context()
    seen = _watch(context)
    page = context.new_page()
    page.goto(live["lms"] + "/course")
    _wait_for(page, lambda: seen["launch_status"] is not None)
    assert seen["launch_status"] == 303  # the state cookie came back: no fallback page
    _wait_for(page, lambda: seen["course_cookie"] is not None)
    assert f"{SESSION_COOKIE}=" in seen["course_cookie"]  # the partitioned session cookie
    frame = page.frame_locator("#tool")
    assert frame.locator("html").get_attribute("lang") == "de"


def test_without_the_state_cookie_the_browser_gets_an_accessible_new_window_offer(live, browser):
    # The login ran elsewhere (the cookie went to another client): this browser has none.
    http = requests.Session()
    initiation = live["peer"].login_initiation_url(user_id="browser-user")
    login = http.get(initiation, allow_redirects=False, timeout=5)
    fields = live["peer"].answer_authorisation(
        login.headers["location"], user_id="browser-user", roles=[LEARNER], locale="de-DE"
    )
    context = browser.new_context(bypass_csp=True)  # to inject axe-core; CSP is not under test
    page = context.new_page()
    page.set_content(
        f"<form id='f' method='post' action='{escape(fields['launch_url'])}'>"
        f"<input type='hidden' name='id_token' value='{escape(fields['id_token'])}'>"
        f"<input type='hidden' name='state' value='{escape(fields['state'])}'></form>"
    )
    with page.expect_navigation():
        page.evaluate("document.getElementById('f').submit()")
    assert page.locator("h1").inner_text() == "Kurswerk in einem neuen Fenster öffnen"

    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']})"
    )
    assert result["violations"] == [], [v["id"] for v in result["violations"]]

    page.keyboard.press("Tab")  # skip link
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.tagName") == "BUTTON"
    seen = _watch(context)
    with page.expect_popup() as popup_info:
        page.keyboard.press("Enter")
    popup = popup_info.value
    _wait_for(popup, lambda: seen["course_cookie"] is not None)
    assert seen["launch_status"] == 303
    assert f"{SESSION_COOKIE}=" in seen["course_cookie"]
    popup.wait_for_url("**/c/**")
    assert parse_qs(urlsplit(popup.url).query).get("kt")

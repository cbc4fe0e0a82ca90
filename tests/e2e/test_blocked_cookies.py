"""The launch in Chromium when the browser refuses Kurswerk's cookies inside the LMS frame,
partitioned ones too (a per-site cookie block for the tool under the LMS), for the three
ways a platform can launch:

1. cookies work in the frame (Moodle-like and Canvas-like platforms): the launch ends in
   the frame on the course home with the session cookie;
2. cookies refused, Moodle-like platform (single-use ``lti_message_hint``): the frame
   offers a new window, which starts a fresh launch from the LMS's own launch URL and ends
   on the course home first-party, with a working session cookie;
3. cookies refused, Canvas-like platform (``lti_storage_target``): state and nonce go
   through the platform's storage (LTI client-side postMessages) and the launch ends in
   the frame with no tool cookie at all.

The LMS simulator (``localhost``) frames the tool (``127.0.0.1``): two sites.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import sys
import tempfile
import threading
import time
from dataclasses import replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from kurswerk.core.auth import SESSION_COOKIE
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS

pytestmark = pytest.mark.e2e

COURSE_TITLE = "Social-Media-Strategie"
NEW_WINDOW = "Kurswerk in einem neuen Fenster öffnen"


@pytest.fixture
def launch_style() -> str:
    return "plain"


@pytest.fixture
def stack_plan(stack_plan, launch_style):
    """The harness's stack with the simulator launching in ``launch_style``."""
    stack_plan.simulator = replace(stack_plan.simulator, launch_style=launch_style)
    return stack_plan


def _cookie_blocking_profile(folder: Path, tool: str, lms: str) -> Path:
    """A Chromium profile that refuses every cookie of ``tool`` embedded under ``lms``
    (a site exception, as a user or an administrator sets it); first-party the tool may
    keep cookies."""
    (folder / "Default").mkdir(parents=True)
    exception = {f"{tool},{lms}": {"setting": 2, "last_modified": "13370000000000000"}}
    prefs = {"profile": {"content_settings": {"exceptions": {"cookies": exception}}}}
    (folder / "Default" / "Preferences").write_text(json.dumps(prefs))
    return folder


LAUNCH_SECONDS = 20
"""How long a launch through the platform's storage may take to reach the course: two
postMessage round trips and two requests, which took over 5 s (the assertions' default)
once in a loaded run."""

HANG_SECONDS = 90
"""Far longer than a test here takes (a few seconds, ~20 on a loaded machine)."""


class BrowserHung(RuntimeError):
    """Chromium stopped answering with a persistent profile (see :func:`blocking_run`)."""


@pytest.fixture
def blocking_run(browser, demo_stack, tmp_path) -> Any:
    """``blocking_run(test)`` runs ``test(context)`` in a Chromium with a cookie-blocking
    profile.

    Chromium has been seen to stop answering with such a persistent profile: once while
    closing it (20 minutes, no renderer left), once in the middle of a launch (a call
    that never returned). Playwright's calls on a context have no timeout of their own,
    so a watchdog kills the profile's processes after ``HANG_SECONDS``: the pending call
    then fails. A run that the watchdog ended, and only such a run, is repeated once with
    a fresh profile; a failed assertion fails at once, and a second hang fails the test."""

    def run(test: Any) -> None:
        for attempt in (1, 2):
            profile = _cookie_blocking_profile(
                Path(tempfile.mkdtemp(prefix="profile-", dir=tmp_path)),
                demo_stack.tool_url,
                demo_stack.simulator_url,
            )
            hung = threading.Event()

            def kill(profile: Path = profile, hung: threading.Event = hung) -> None:
                hung.set()
                _kill_browser_of(profile)

            watchdog = threading.Timer(HANG_SECONDS, kill)
            watchdog.start()
            try:
                context = browser.browser_type.launch_persistent_context(
                    str(profile),
                    executable_path=CHROMIUM,
                    args=CHROMIUM_ARGS,
                    headless=True,
                    locale="de-DE",
                )
                context.set_default_timeout(15_000)
                try:
                    test(context)
                    return
                finally:
                    with contextlib.suppress(Exception):  # a killed browser may not close
                        context.close()
            except Exception as error:
                if not hung.is_set():
                    raise
                if attempt == 2:
                    raise BrowserHung(f"Chromium hung twice (> {HANG_SECONDS} s)") from error
            finally:
                watchdog.cancel()

    return run


def _kill_browser_of(profile: Path) -> None:
    """Kill the Chromium processes that run ``profile`` (they name it on their command line)."""
    marker = f"--user-data-dir={profile}".encode()
    for process in Path("/proc").iterdir():
        if not process.name.isdigit():
            continue
        try:
            command = (process / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if marker in command:
            with contextlib.suppress(ProcessLookupError):  # it ended meanwhile
                os.kill(int(process.name), signal.SIGKILL)


def _record(context: Any, tool_url: str) -> dict[str, list[Any]]:
    """The tool's launch answers, the Cookie header of every course page request, and
    every document answer with its time (``hops``: where a stalled launch stopped)."""
    seen: dict[str, list[Any]] = {"launches": [], "course_cookies": [], "hops": []}
    started = time.monotonic()

    def on_response(response: Any) -> None:
        if response.request.resource_type == "document":
            hop = f"{time.monotonic() - started:5.1f} s {response.status} {response.url}"
            seen["hops"].append(hop)
        if response.url == tool_url + "/lti/launch":
            seen["launches"].append(response.status)

    def on_request(request: Any) -> None:
        if request.url.startswith(tool_url + "/c/"):
            seen["course_cookies"].append(request.all_headers().get("cookie", ""))

    context.on("response", on_response)
    context.on("request", on_request)
    return seen


def _open_course_page(page: Any, stack: Any) -> Any:
    """Lena opens the course's Kurswerk link; the tool frame's locator."""
    page.goto(f"{stack.simulator_url}/?person=lena")
    return page.frame_locator("#contentframe")


def _frame_url(page: Any) -> str:
    handle = page.locator("#contentframe").element_handle()
    frame = handle.content_frame() if handle else None
    assert frame is not None
    return str(frame.url)


@pytest.mark.parametrize("launch_style", ["moodle", "canvas"])
def test_with_cookies_the_launch_ends_in_the_frame_with_a_session_cookie(
    page, demo_stack, launch_style
):
    seen = _record(page.context, demo_stack.tool_url)
    tool = _open_course_page(page, demo_stack)
    expect(tool.get_by_role("heading", level=1)).to_contain_text(COURSE_TITLE)
    assert urlsplit(_frame_url(page)).path.startswith("/c/")
    assert seen["launches"] == [303]  # the state cookie came back: one launch, no detour
    assert any(f"{SESSION_COOKIE}=" in cookie for cookie in seen["course_cookies"])


@pytest.mark.parametrize("launch_style", ["moodle"])
def test_blocked_cookies_in_moodle_new_window_starts_a_fresh_launch(
    blocking_run, demo_stack, launch_style
):
    blocking_run(lambda context: _moodle_new_window(context, demo_stack))


def _moodle_new_window(blocking_context: Any, demo_stack: Any) -> None:
    page = blocking_context.pages[0]  # the window the profile opened with
    seen = _record(blocking_context, demo_stack.tool_url)
    tool = _open_course_page(page, demo_stack)
    expect(tool.get_by_role("heading", level=1)).to_have_text(NEW_WINDOW)
    assert blocking_context.cookies(demo_stack.tool_url) == []  # refused in the frame

    with page.expect_popup() as opened:
        tool.get_by_role("button", name="Kurswerk in neuem Fenster öffnen").click()
    window = opened.value
    window.wait_for_url(f"{demo_stack.tool_url}/c/**")
    expect(window.get_by_role("heading", level=1)).to_contain_text(COURSE_TITLE)
    assert seen["launches"][-1] == 303
    # A working session, first-party: the cookie is kept and carries the next request
    # without the page token.
    names = [c["name"] for c in blocking_context.cookies(demo_stack.tool_url)]
    assert SESSION_COOKIE in names
    without_token = window.goto(demo_stack.tool_url + urlsplit(window.url).path)
    assert without_token is not None and without_token.status == 200
    expect(window.get_by_role("heading", level=1)).to_contain_text(COURSE_TITLE)
    assert f"{SESSION_COOKIE}=" in seen["course_cookies"][-1]


@pytest.mark.parametrize("launch_style", ["canvas"])
def test_blocked_cookies_in_canvas_launch_in_the_frame_through_platform_storage(
    blocking_run, demo_stack, launch_style
):
    blocking_run(lambda context: _canvas_platform_storage(context, demo_stack))


def _canvas_platform_storage(blocking_context: Any, demo_stack: Any) -> None:
    page = blocking_context.pages[0]  # the window the profile opened with
    seen = _record(blocking_context, demo_stack.tool_url)
    tool = _open_course_page(page, demo_stack)
    try:
        expect(tool.get_by_role("heading", level=1)).to_contain_text(
            COURSE_TITLE, timeout=LAUNCH_SECONDS * 1000
        )
    except AssertionError as error:
        hops = "\n".join(seen["hops"])
        raise AssertionError(f"{error}\nthe documents answered, in order:\n{hops}") from None
    assert urlsplit(_frame_url(page)).path.startswith("/c/")
    assert urlsplit(page.url).hostname == "localhost"  # still inside the LMS page
    assert seen["launches"] == [200, 303]  # read back from storage, then launched
    assert blocking_context.cookies(demo_stack.tool_url) == []  # no tool cookie at all
    assert all(SESSION_COOKIE not in cookie for cookie in seen["course_cookies"])
    assert len(page.context.pages) == 1  # no new window


def test_a_browser_that_stops_answering_is_killed_and_the_run_repeated_once(
    blocking_run, monkeypatch
):
    """The watchdog itself: a call that never returns (a promise that never settles) ends
    when the profile's browser is killed, and the run is repeated once with a fresh
    profile; hanging again fails the test with :class:`BrowserHung` instead of hanging."""
    monkeypatch.setattr(sys.modules[__name__], "HANG_SECONDS", 3)
    attempts: list[int] = []

    def hangs_the_first_time(context: Any) -> None:
        attempts.append(len(context.pages))
        if len(attempts) == 1:
            context.pages[0].evaluate("new Promise(() => {})")

    blocking_run(hangs_the_first_time)
    assert len(attempts) == 2

    with pytest.raises(BrowserHung):
        blocking_run(lambda context: context.pages[0].evaluate("new Promise(() => {})"))

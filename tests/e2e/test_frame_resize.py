"""The LMS frame fits the page (``kurswerk/static/frame-resize.js`` asks with Canvas's
``lti.frameResize`` message; the simulator honours it as Canvas does, in
``kurswerk/devplatform/static/frame_resize.js``), in Chromium:

* a long lesson in the simulator's frame ends with the frame as tall as the page (no
  scroll bar inside the frame), and the frame follows the page when it grows and shrinks;
* a page whose height follows the frame's (vh units) stops asking after two steps, and a
  page marked as built around the viewport (``data-kw-frame-fit="off"``) never asks;
* the simulator ignores the message from any window but the tool frame's own and any
  origin but the tool's;
* a lesson opened in a window of its own (the "new window" launch) sends nothing.

The LMS simulator (``localhost``) frames the tool (``127.0.0.1``): two sites.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

COURSE_TITLE = "Social-Media-Strategie"
LESSON = "Kundenbeziehungen"
GROWTH = 3000  # px of content added to the page

FITS = "() => document.documentElement.scrollHeight <= document.documentElement.clientHeight + 1"
FRAME_HEIGHT = "() => document.getElementById('contentframe').clientHeight"
TWO_FRAMES = "() => new Promise((go) => requestAnimationFrame(() => requestAnimationFrame(go)))"

RECORD_MESSAGES = """
window.__kwMessages = [];
window.addEventListener("message", (event) => {
  window.__kwMessages.push({origin: event.origin, data: event.data});
});
"""
"""Every message a window receives, in ``window.__kwMessages`` (added to every document)."""


def _open_lesson_in_frame(page: Any, stack: Any) -> Any:
    """Lena opens the course in the simulator and the lesson in its frame: the frame."""
    page.goto(f"{stack.simulator_url}/?person=lena")
    tool = page.frame_locator("#contentframe")
    expect(tool.get_by_role("heading", level=1)).to_contain_text(COURSE_TITLE)
    tool.get_by_role("link", name=LESSON).first.click()
    expect(tool.get_by_role("heading", level=1)).to_contain_text(LESSON)
    handle = page.locator("#contentframe").element_handle()
    frame = handle.content_frame() if handle else None
    assert frame is not None and frame.url.startswith(stack.tool_url), frame
    return frame


def _grow(frame: Any, px: int) -> None:
    """Content of ``px`` height added to the end of the tool's page (CSSOM: the page's CSP
    allows no inline style attribute)."""
    frame.evaluate(
        """(px) => {
          const block = document.createElement("div");
          block.id = "kw-test-growth";
          block.style.height = px + "px";
          document.querySelector("main").append(block);
        }""",
        px,
    )


def test_the_frame_fits_a_long_lesson_and_follows_it_when_it_grows_and_shrinks(page, demo_stack):
    frame = _open_lesson_in_frame(page, demo_stack)

    frame.wait_for_function(FITS, polling=100)
    fitted = page.evaluate(FRAME_HEIGHT)
    page_height = frame.evaluate("() => document.documentElement.scrollHeight")
    # The frame (56rem in the simulator's CSS) grew past the window: the LMS page scrolls.
    assert fitted > 2 * page.viewport_size["height"], fitted
    assert abs(fitted - page_height) <= 1, (fitted, page_height)
    assert page.evaluate("() => document.documentElement.scrollHeight") > fitted

    _grow(frame, GROWTH)
    page.wait_for_function(f"() => ({FRAME_HEIGHT})() >= {fitted + GROWTH}", polling=100)
    frame.wait_for_function(FITS, polling=100)

    frame.evaluate("() => document.getElementById('kw-test-growth').remove()")
    page.wait_for_function(f"() => ({FRAME_HEIGHT})() <= {fitted + 1}", polling=100)
    frame.wait_for_function(FITS, polling=100)
    # One message per real change, not a storm: load, growth, shrink (and a few for
    # fonts or layout settling), far from one per frame painted.
    assert int(page.locator("#contentframe").get_attribute("data-resized") or 0) <= 10


def test_a_page_whose_height_follows_the_frame_stops_asking(page, demo_stack):
    """A block of the viewport's height (as the PDF viewer's) grows with every taller
    frame: the page must not chase the frame up to the LMS's limit."""
    frame = _open_lesson_in_frame(page, demo_stack)
    frame.wait_for_function(FITS, polling=100)
    resized = int(page.locator("#contentframe").get_attribute("data-resized") or 0)
    frame.evaluate(
        """() => {
          const block = document.createElement("div");
          block.style.height = "100vh";
          document.querySelector("main").append(block);
        }"""
    )
    frame.wait_for_function(
        "() => document.documentElement.dataset.kwFrameFit === 'stopped'", polling=100
    )
    # The growth itself, then at most two steps after the frame before it stopped.
    after = int(page.locator("#contentframe").get_attribute("data-resized") or 0)
    assert after - resized <= 3, (resized, after)
    assert page.evaluate(FRAME_HEIGHT) < 100_000  # not up to the simulator's limit


def test_a_page_marked_as_built_around_the_viewport_keeps_the_frame(page, demo_stack):
    """``data-kw-frame-fit="off"`` (the PDF viewer's): the page grows, nothing is asked."""
    frame = _open_lesson_in_frame(page, demo_stack)
    frame.wait_for_function(FITS, polling=100)
    page.evaluate(RECORD_MESSAGES)
    before = page.evaluate(FRAME_HEIGHT)
    frame.evaluate("() => document.querySelector('main').setAttribute('data-kw-frame-fit', 'off')")
    _grow(frame, GROWTH)
    frame.evaluate(TWO_FRAMES)  # the ResizeObserver has reported by then
    frame.evaluate("() => { parent.postMessage('done', '*'); }")
    page.wait_for_function("() => window.__kwMessages.some((m) => m.data === 'done')", polling=50)
    assert page.evaluate("() => window.__kwMessages.map((m) => m.data)") == ["done"]
    assert page.evaluate(FRAME_HEIGHT) == before


def test_the_simulator_ignores_frame_resize_from_another_window_or_origin(page, demo_stack):
    frame = _open_lesson_in_frame(page, demo_stack)
    frame.wait_for_function(FITS, polling=100)
    resized = page.locator("#contentframe").get_attribute("data-resized")
    assert resized and int(resized) >= 1  # the tool's own messages were honoured

    # The frame now shows a page of the simulator's origin: its window is the frame's,
    # its origin is not the tool's.
    jwks = f"{demo_stack.simulator_url}/jwks"
    with page.expect_event("framenavigated", lambda f: f.url == jwks):
        page.evaluate("(url) => { document.getElementById('contentframe').src = url; }", jwks)
    handle = page.locator("#contentframe").element_handle()
    frame = handle.content_frame() if handle else None
    assert frame is not None and urlsplit(frame.url).hostname == "localhost", frame
    frame.wait_for_load_state("load")
    page.evaluate(RECORD_MESSAGES)
    before = page.evaluate(FRAME_HEIGHT)
    resized = page.locator("#contentframe").get_attribute("data-resized")

    fake = {"subject": "lti.frameResize", "height": before + 5000}
    frame.evaluate("(f) => { parent.postMessage(f, '*'); parent.postMessage('done', '*'); }", fake)
    page.evaluate("(f) => { postMessage(f, '*'); postMessage('done', '*'); }", fake)
    # Messages from one window arrive in order: once both "done" arrived, so did the fakes.
    page.wait_for_function(
        "() => window.__kwMessages.filter((m) => m.data === 'done').length === 2", polling=50
    )
    assert page.evaluate(FRAME_HEIGHT) == before
    assert page.locator("#contentframe").get_attribute("data-resized") == resized


def test_a_lesson_in_a_window_of_its_own_sends_nothing(page, demo_stack):
    lesson_url = _open_lesson_in_frame(page, demo_stack).url  # carries its session token
    page.context.add_init_script(RECORD_MESSAGES)
    errors: list[str] = []
    own = page.context.new_page()
    own.on("pageerror", lambda error: errors.append(str(error)))
    own.goto(lesson_url)
    expect(own.get_by_role("heading", level=1)).to_contain_text(LESSON)
    assert own.evaluate("() => window.parent === window")
    expect(own.locator("script[src*='frame-resize.js']")).to_have_count(1)  # loaded, idle
    own.wait_for_load_state("load")

    _grow(own, GROWTH)  # would make the script ask again, were it framed
    own.evaluate(TWO_FRAMES)  # the ResizeObserver has reported by then
    own.evaluate("() => { postMessage('done', '*'); }")
    own.wait_for_function("() => window.__kwMessages.some((m) => m.data === 'done')", polling=50)
    assert own.evaluate("() => window.__kwMessages.map((m) => m.data)") == ["done"]
    assert errors == []
    # The page scrolls as a page of its own.
    assert own.evaluate("() => document.documentElement.scrollHeight > innerHeight")

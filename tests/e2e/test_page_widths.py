"""Every page from 375 px to full width, in German and English (issue 15: "Every page
works from 375 px to full width without sideways scrolling of the page itself"; tables
"never clip - they reflow or scroll with a visible cue").

For each role of the demo (Carla with a coaching package, Tom the tutor, Ada the admin),
with one submission of Carla's waiting (so lists and queues have rows), the test
launches from the LMS simulator, then walks the tool's pages the way a person
does, by their links (breadth first from the course home, one page per address pattern:
``/review/7`` and ``/review/9`` are one page), top level at the width under test. Each page
is loaded once and laid out at 1280, 600 and 375 px; at each width:

* the page itself does not scroll sideways (``scrollWidth`` of the document within its
  ``clientWidth``);
* no link, button or form field is cut off: each one visible lies inside the viewport,
  or inside a box that scrolls sideways (a wide table's region), and is not hidden by a
  box that clips its overflow.

The walk follows links only (no form is sent), skips files (PDF, CSV, calendar) and the
sign-out, and stays inside the LMS course's pages. The pages found are listed in the
failure message, so a page that is not reached any more shows there.
"""

from __future__ import annotations

import re
from collections import deque
from dataclasses import replace
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest
from playwright.sync_api import expect

from tests.e2e.test_workbench_journey import _carla_has_submitted

pytestmark = pytest.mark.e2e

COURSE_TITLE = "Social-Media-Strategie"
WIDTHS = (1280, 600, 375)
MAX_PAGES = 60  # per person: a bound for the walk, far above the pages a role has
SKIPPED_PATHS = re.compile(
    r"(\.pdf|\.csv|\.ics|\.docx|\.xlsx|\.odt|\.zip|/attachment|/tutor-pdf|/file|/download"
    r"|/export|/logout|/signout|/abmelden)"
    r"(/|$|\?)",
    re.I,
)

LAYOUT_PROBLEMS = """() => {
  const problems = [];
  const root = document.documentElement;
  const width = root.clientWidth;
  if (root.scrollWidth > width + 1) {
    problems.push(`the page scrolls sideways: ${root.scrollWidth} px in ${width} px`);
  }
  const controls = document.querySelectorAll(
    "a[href], button, input:not([type=hidden]), select, textarea, summary"
  );
  const describe = (el) => {
    const text = (el.innerText || el.value || el.getAttribute("aria-label") || el.name || "")
      .trim().replace(/\\s+/g, " ").slice(0, 40);
    return `${el.tagName.toLowerCase()} "${text}"`;
  };
  for (const el of controls) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.height === 0) continue;
    const style = getComputedStyle(el);
    if (style.visibility === "hidden") continue;
    // Visually hidden on purpose (a skip link until focused, screen-reader text).
    if (box.width <= 1 && box.height <= 1) continue;
    if (el.closest(".visually-hidden, .skip-link, [aria-hidden=true]")) continue;
    let reachable = false;
    let clipped = null;
    for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
      const overflow = getComputedStyle(up).overflowX;
      if (overflow === "auto" || overflow === "scroll") {
        reachable = true;  // the box scrolls: a control beyond its edge is reached so
        break;
      }
      if (overflow === "hidden" || overflow === "clip") {
        const outer = up.getBoundingClientRect();
        if (box.left < outer.left - 1 || box.right > outer.right + 1) {
          clipped = up;
          break;
        }
      }
    }
    if (clipped) {
      const name = clipped.className || clipped.tagName;
      problems.push(`${describe(el)} is cut off by its box (${name})`);
    } else if (!reachable && (box.left < -1 || box.right > width + 1)) {
      const span = `${Math.round(box.left)}..${Math.round(box.right)} px`;
      problems.push(`${describe(el)} lies outside the page: ${span} of ${width} px`);
    }
  }
  return problems;
}"""


@pytest.fixture(params=["de-DE", "en-US"])
def language(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def stack_plan(stack_plan, language):
    """The demo's stack with the simulator launching in ``language``."""
    stack_plan.simulator = replace(stack_plan.simulator, locale=language)
    return stack_plan


def _launch(page: Any, stack: Any, person: str) -> str:
    """``person`` launches in the simulator's frame; the course home's address (with the
    page token), to be opened top level."""
    page.goto(f"{stack.simulator_url}/?person={person}")
    frame_locator = page.frame_locator("#contentframe")
    expect(frame_locator.get_by_role("heading", level=1)).to_contain_text(COURSE_TITLE)
    handle = page.locator("#contentframe").element_handle()
    frame = handle.content_frame() if handle else None
    assert frame is not None and frame.url.startswith(stack.tool_url)
    return str(frame.url)


def _pattern(path: str) -> str:
    """One page per address pattern: numbers are ids, a worksheet or exercise is one of
    its kind."""
    path = re.sub(r"/(worksheets|exercises|reading)/[^/]+", r"/\1/{slug}", path)
    return re.sub(r"/\d+(?=/|$)", "/{n}", path)


def _links(page: Any, tool_url: str, course_prefix: str) -> list[str]:
    hrefs = page.eval_on_selector_all("a[href]:not([download])", "links => links.map(a => a.href)")
    found = []
    for href in hrefs:
        parts = urlsplit(href)
        if f"{parts.scheme}://{parts.netloc}" != tool_url:
            continue
        if not parts.path.startswith(course_prefix) or SKIPPED_PATHS.search(parts.path):
            continue
        found.append(urlunsplit(("", "", parts.path, parts.query, "")))
    return found


def _walk(page: Any, home: str, tool_url: str) -> dict[str, list[str]]:
    """Each page reachable from ``home`` by links (one per pattern): its problems."""
    parts = urlsplit(home)
    course_prefix = "/".join(parts.path.split("/")[:3])  # /c/<context>
    start = urlunsplit(("", "", parts.path, parts.query, ""))
    queue, seen, problems = deque([start]), {_pattern(parts.path)}, {}
    while queue and len(problems) < MAX_PAGES:
        address = queue.popleft()
        page.set_viewport_size({"width": WIDTHS[0], "height": 900})
        response = page.goto(tool_url + address)
        assert response is not None
        path = urlsplit(address).path
        if response.status >= 400 or "text/html" not in response.headers.get("content-type", ""):
            problems[path] = [f"answered {response.status} {response.headers.get('content-type')}"]
            continue
        found = []
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            found += [f"{width} px: {problem}" for problem in page.evaluate(LAYOUT_PROBLEMS)]
        problems[path] = found
        for link in _links(page, tool_url, course_prefix):
            key = _pattern(urlsplit(link).path)
            if key not in seen:
                seen.add(key)
                queue.append(link)
    return problems


@pytest.mark.parametrize("person", ["carla", "tom", "ada"])
def test_every_page_fits_from_375_px_to_full_width(browser, demo_loop, engine, language, person):
    context = browser.new_context(locale=language)
    context.set_default_timeout(30_000)
    try:
        page = context.new_page()
        _carla_has_submitted(page, demo_loop, engine)  # rows in the lists and queues
        home = _launch(page, demo_loop, person)
        problems = _walk(page, home, demo_loop.tool_url)
    finally:
        context.close()
    assert len(problems) >= 5, f"the walk reached too few pages: {sorted(problems)}"
    failing = {path: found for path, found in problems.items() if found}
    report = "\n".join(
        f"{path}:\n  " + "\n  ".join(found) for path, found in sorted(failing.items())
    )
    summary = f"{len(failing)} of {len(problems)} pages"
    assert not failing, f"{summary}:\n{report}\n\nall: {sorted(problems)}"

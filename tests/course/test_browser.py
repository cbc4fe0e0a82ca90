"""The course pages in a real Chromium: WCAG 2.1 AA (axe-core), also the lesson with the
upload form at its end for a package holder; keyboard use, LMS iframe widths, and the forms
working without JavaScript."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import pytest
import uvicorn
from fastapi import FastAPI
from playwright.sync_api import Browser, Page, sync_playwright
from sqlmodel import Session

from tests.course.conftest import REPO, Learner, MakeLearner
from tests.uploads.submission_fixtures import give_package

pytestmark = pytest.mark.e2e

AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def live(app: FastAPI) -> Iterator[str]:
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline, "server did not start"
        time.sleep(0.02)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    assert AXE.is_file(), "run `npm ci` first: axe-core is a dev dependency"
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


def open_page(browser: Browser, url: str, *, width: int = 800, js: bool = True) -> Page:
    # bypass_csp: only so the test can inject axe-core; the app's CSP forbids inline scripts.
    context = browser.new_context(
        viewport={"width": width, "height": 900}, java_script_enabled=js, bypass_csp=True
    )
    page = context.new_page()
    response = page.goto(url)
    assert response is not None and response.ok, url
    return page


def axe_violations(page: Page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS
    )
    return [
        f"{v['id']}: {v['help']} ({len(v['nodes'])}x, e.g. {v['nodes'][0]['target']})"
        for v in result["violations"]
    ]


def pages_of(learner: Learner) -> list[str]:
    base = f"/c/{learner.context_id}"
    lesson = f"{base}/lessons/kundenbeziehungen"
    return [
        f"{base}/",
        lesson,
        f"{lesson}/exercises/leistungen-pruefen",
        f"{lesson}/exercises/leistungen-pruefen?industry=media",
        f"{lesson}/worksheets/uebersicht-kundenbeziehungen",
        f"{base}/reading/interaktion-im-social-web",
        f"{base}/lessons/gibt-es-nicht",
    ]


@pytest.mark.parametrize("locale", ["de", "en"])
def test_course_pages_pass_axe_wcag_21_aa(
    live: str, browser: Browser, make_learner: MakeLearner, loaded, locale: str
):
    learner = make_learner(locale=locale)
    for path in pages_of(learner):
        if path.endswith("gibt-es-nicht"):
            context = browser.new_context(bypass_csp=True)
            page = context.new_page()
            assert page.goto(live + learner.url(path)).status == 404  # type: ignore[union-attr]
        else:
            page = open_page(browser, live + learner.url(path))
        assert axe_violations(page) == [], path
        page.context.close()


def test_the_lesson_with_the_upload_form_passes_axe_in_english_clean_and_with_a_refused_file(
    live: str, browser: Browser, db: Session, make_learner: MakeLearner, loaded
):
    holder = make_learner(locale="en")
    give_package(db, holder)
    lesson = f"/c/{holder.context_id}/lessons/kundenbeziehungen"
    page = open_page(browser, live + holder.url(lesson))
    assert page.get_attribute("html", "lang") == "en"
    assert page.locator("#kw-upload form #kw-file").is_visible()
    assert axe_violations(page) == [], "the lesson with the upload form (en)"

    page.select_option("#kw-exercise", "art-der-kundenbeziehung")
    page.select_option("#kw-industry", "retail")
    renamed_zip = {"name": "Notes.pdf", "mimeType": "application/pdf", "buffer": b"PK\x03\x04"}
    page.set_input_files("#kw-file", files=[renamed_zip])
    with page.expect_navigation():
        page.locator("#kw-upload button[type=submit]").click()
    # refused: the form again, the error at the file field
    assert page.get_attribute("#kw-file", "aria-invalid") == "true"
    assert page.inner_text("#kw-file-error").endswith(
        "The file is not a valid PDF. Please "
        "upload your work as a PDF file – a renamed file (such as .docx or .png renamed to "
        ".pdf) is not enough."
    )
    assert axe_violations(page) == [], "the lesson's form with a refused file (en)"
    page.context.close()


@pytest.mark.parametrize("width", [600, 1280])
def test_the_lesson_fits_lms_iframe_widths_without_sideways_scrolling(
    live: str, browser: Browser, learner: Learner, width: int
):
    for path in pages_of(learner)[:6]:
        page = open_page(browser, live + learner.url(path), width=width)
        overflow = page.evaluate(
            "document.scrollingElement.scrollWidth - document.scrollingElement.clientWidth"
        )
        assert overflow <= 0, (path, width, overflow)
        page.context.close()


def test_keyboard_skip_link_and_visible_focus(live: str, browser: Browser, learner: Learner):
    page = open_page(
        browser, live + learner.url(f"/c/{learner.context_id}/lessons/kundenbeziehungen")
    )
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.tagName")
    assert focused == "A"
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"
    page.context.close()


def test_industry_picker_and_read_toggle_work_without_javascript(
    live: str, browser: Browser, learner: Learner
):
    lesson = f"/c/{learner.context_id}/lessons/kundenbeziehungen"
    page = open_page(
        browser, live + learner.url(f"{lesson}/exercises/leistungen-pruefen"), js=False
    )
    page.get_by_label("B2B").check()
    page.get_by_role("button", name="Aufgabe anzeigen").click()
    page.wait_for_load_state()
    assert "industry=b2b" in page.url
    variant = page.locator("section.variant")
    assert "Würth" in variant.inner_text() and "Liebherr" in variant.inner_text()

    page.goto(live + learner.url(lesson))
    page.get_by_role("button", name="Als gelesen markieren").click()
    page.wait_for_load_state()
    assert page.url.split("#")[0].split("?")[0].endswith(lesson)
    assert "als gelesen markiert" in page.locator("#kw-progress").inner_text()
    page.get_by_role("button", name="Als ungelesen markieren").click()
    page.wait_for_load_state()
    assert page.get_by_role("button", name="Als gelesen markieren").is_visible()
    page.context.close()


def test_no_request_leaves_the_tool(live: str, browser: Browser, learner: Learner):
    """Pages load nothing from elsewhere (CSP default-src 'self' would block it anyway)."""
    context = browser.new_context()
    page = context.new_page()
    hosts: set[str] = set()
    page.on("request", lambda request: hosts.add(request.url.split("/")[2]))
    for path in pages_of(learner)[:6]:
        page.goto(live + learner.url(path))
    assert hosts == {live.split("/")[2]}
    context.close()


def test_a_worksheet_template_is_reached_and_downloaded_with_the_keyboard(
    live: str, browser: Browser, learner: Learner
):
    lesson = f"/c/{learner.context_id}/lessons/kundenbeziehungen"
    page = open_page(browser, live + learner.url(f"{lesson}/worksheets/handlungsoptionen"))
    for _ in range(25):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent").startswith("Als Word-Dokument"):
            break
    else:
        pytest.fail("no Tab stop reaches the download of the Word template")
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"
    with page.expect_download() as started:
        page.keyboard.press("Enter")
    assert started.value.suggested_filename.endswith("Handlungsoptionen.docx")
    page.context.close()

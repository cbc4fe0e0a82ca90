"""The workbench's PDF viewer in a real Chromium (PDF.js served as our own files): the
review page shows the learner's PDF inline with selectable text, pages and zoom work with
the keyboard, pages far from the viewport give their canvas back, the page stays
axe-clean, and without JavaScript the links to the PDF are what there is."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from playwright.sync_api import Browser, Page, expect, sync_playwright

from tests.e2e.axe import axe_violations, describe
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.e2e.servers import served
from tests.feedback.helpers import claim
from tests.feedback.text_pdfs import LINES, text_pdf, use_pdf

pytestmark = pytest.mark.e2e

SHOTS = Path("/tmp/annot-client")


@pytest.fixture
def live(app: FastAPI) -> Iterator[str]:
    with served(app) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def submission(world, make_submission, db, storage):
    made = make_submission(world.learner, note="Bitte auf die Zielgruppe achten.")
    use_pdf(db, storage, made, text_pdf(pages=12))
    return made


def open_page(browser: Browser, url: str, *, js: bool = True, width: int = 1280) -> Page:
    context = browser.new_context(
        locale="de-DE", java_script_enabled=js, viewport={"width": width, "height": 900}
    )
    context.set_default_timeout(20_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on(
        "console",
        lambda message: errors.append(message.text) if message.type == "error" else None,
    )
    page.errors = errors  # type: ignore[attr-defined]
    response = page.goto(url)
    assert response is not None and response.ok, (url, response and response.status)
    return page


def review_url(world, submission) -> str:
    tutor = world.tutor
    return tutor.url(f"/c/{tutor.context_id}/review/{submission.id}")


def viewer_ready(page: Page) -> None:
    expect(page.locator("#kw-viewer[data-ready]")).to_be_attached()


def test_the_review_page_shows_the_pdf_inline_with_selectable_text(live, browser, world, submission):
    page = open_page(browser, live + review_url(world, submission))
    viewer_ready(page)
    first = page.locator(".pdf-page[data-page='1']")
    expect(first.locator("canvas")).to_be_visible()
    expect(first.locator(".textLayer")).to_contain_text(LINES[0])
    expect(page.locator("[data-page-count]")).to_have_text("von 12")
    page.screenshot(path=str(SHOTS / "review-1280.png"))
    assert page.errors == []  # type: ignore[attr-defined]

"""The feedback pages in a real Chromium: the whole review flow without JavaScript
(claim, write, preview, attach, release), WCAG 2.1 AA (axe-core) of the queue, the
review page (editing, preview, an error, a takeover confirmation) and the learner's
feedback page, in German and English, and no sideways scrolling at LMS iframe widths."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from feedback.drafts import FEEDBACK_MAX_CHARS
from kurswerk.core.auth import Role
from kurswerk.core.clock import utcnow
from tests.e2e.axe import axe_violations, describe
from tests.feedback.helpers import claim, release, save
from uploads.models import SubmissionStatus

pytestmark = pytest.mark.e2e


def open_page(browser: Browser, url: str, *, js: bool = True, width: int = 900) -> Page:
    context = browser.new_context(
        locale="de-DE", java_script_enabled=js, viewport={"width": width, "height": 900}
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    response = page.goto(url)
    assert response is not None and response.ok, (url, response and response.status)
    return page


def assert_accessible(page: Page, label: str) -> None:
    violations = axe_violations(page)
    assert violations == [], f"{label}:\n{describe(violations)}"


def test_the_review_flow_works_without_javascript(
    live, browser, world, make_submission, tmp_path: Path, pdf_for_feedback
):
    submission = make_submission(world.learner, note="Bitte auf die Zielgruppe achten.")
    tutor = world.tutor
    page = open_page(browser, live + tutor.url(f"/c/{tutor.context_id}/queue"), js=False)
    page.get_by_role("link", name=re.compile("Einreichung von Lena Lernende")).click()
    page.get_by_role("button", name="Einreichung übernehmen").click()
    assert "Sie haben die Einreichung übernommen." in page.content()

    page.get_by_label("Ihr Feedback").fill("Sehr **schlüssig**.\n\n- Zielgruppe: klar")
    page.get_by_role("button", name="Vorschau anzeigen").click()
    preview = page.locator("#kw-preview")
    assert "schlüssig" in preview.inner_text()
    assert preview.locator("strong").inner_text() == "schlüssig"

    pdf = tmp_path / "Anmerkungen.pdf"
    pdf.write_bytes(pdf_for_feedback)
    page.get_by_label("PDF-Datei").set_input_files(str(pdf))
    page.get_by_role("button", name="PDF anhängen").click()
    assert "PDF angehängt." in page.content()

    page.get_by_role("button", name="Vorschau anzeigen").click()
    page.get_by_role("link", name="Feedback freigeben …").click()
    assert "Anmerkungen.pdf" in page.locator("main").inner_text()  # the confirmation
    page.get_by_role("button", name="Feedback jetzt freigeben").click()
    assert "Feedback freigegeben." in page.content()

    learner = world.learner
    mine = open_page(
        browser, live + learner.url(f"/c/{learner.context_id}/feedback/{submission.id}"), js=False
    )
    body = mine.locator("main").inner_text()
    assert "Feedback erhalten" in body and "schlüssig" in body and "Anmerkungen.pdf" in body
    for context in (page.context, mine.context):
        context.close()


@pytest.mark.parametrize("locale", ["de", "en"])
def test_feedback_pages_pass_axe_wcag_21_aa(
    live, browser, world, make_submission, make_learner, web, locale, db
):
    tutor = make_learner(context=world.context, role=Role.TUTOR, name="Tina", locale=locale)
    admin = make_learner(context=world.context, role=Role.ADMIN, name="Adam", locale=locale)
    learner = world.learner
    base = f"/c/{learner.context_id}"
    late = make_submission(
        learner, submitted_at=utcnow() - timedelta(days=12), note="Bitte\nprüfen"
    )
    make_submission(world.learner2, submitted_at=utcnow() - timedelta(days=1))
    make_submission(world.learner2, industry="b2b", status=SubmissionStatus.FEEDBACK_RELEASED)
    claim(web, tutor, late.id)
    save(web, tutor, late.id, "## Eindruck\n\nGut, aber **kürzer** fassen.\n\n- Punkt eins")

    pages = {
        "queue": tutor.url(f"{base}/queue"),
        "queue, all": tutor.url(f"{base}/queue?status=all"),
        "review with preview": tutor.url(f"{base}/review/{late.id}?preview=1&done=saved"),
        "release confirmation": tutor.url(f"{base}/review/{late.id}/release"),
        "course home with the tutor's day": tutor.url(f"{base}/"),
        "review, held by another (admin view)": admin.url(f"{base}/review/{late.id}"),
        "learner, waiting": learner.url(f"{base}/feedback/{late.id}"),
    }
    for label, url in pages.items():
        page = open_page(browser, live + url)
        assert_accessible(page, label)
        page.context.close()

    # An error on the form, produced by the browser itself.
    page = open_page(browser, live + tutor.url(f"{base}/review/{late.id}"))
    page.get_by_role("textbox", name="Ihr Feedback" if locale == "de" else "Your feedback").fill(
        "x" * (FEEDBACK_MAX_CHARS + 1)
    )
    page.locator("button[value=save]").click()
    expect(page.locator("[role=alert]")).to_have_count(1)  # waits for the page shown again
    assert_accessible(page, "review with an error")
    page.context.close()

    # The admin's takeover confirmation.
    page = open_page(browser, live + admin.url(f"{base}/review/{late.id}"))
    page.locator("#kw-claim button").click()
    expect(page.locator("input[name=takeover_from]")).to_have_count(1)  # the next page
    assert_accessible(page, "takeover confirmation")
    page.context.close()

    # Released: the learner's page with feedback.
    assert release(web, tutor, late.id).status_code == 303
    page = open_page(browser, live + learner.url(f"{base}/feedback/{late.id}"))
    assert_accessible(page, "learner, released")
    page.context.close()


@pytest.mark.parametrize("width", [600, 1280])
def test_the_queue_and_review_fit_lms_iframe_widths(
    live, browser, world, make_submission, web, width
):
    submission = make_submission(world.learner, submitted_at=utcnow() - timedelta(days=8))
    claim(web, world.tutor, submission.id)
    base = f"/c/{world.tutor.context_id}"
    for url in (f"{base}/queue", f"{base}/review/{submission.id}?preview=1"):
        page = open_page(browser, live + world.tutor.url(url), width=width)
        overflow = page.evaluate(
            "document.scrollingElement.scrollWidth - document.scrollingElement.clientWidth"
        )
        assert overflow <= 0, (url, width, overflow)
        page.context.close()

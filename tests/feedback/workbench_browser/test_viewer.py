"""The workbench's PDF viewer in a real Chromium (PDF.js served as our own files): the
review page shows the learner's PDF inline with selectable text, pages and zoom work with
the keyboard, pages far from the viewport give their canvas back, the page stays
axe-clean, and without JavaScript the links to the PDF are what there is."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.axe import axe_violations, describe
from tests.feedback.helpers import attach, claim, release, save
from tests.feedback.workbench_browser.pages import SHOTS, open_page, review_url, viewer_ready
from tests.feedback.workbench_browser.text_pdfs import LINES, text_pdf, use_pdf, with_note

pytestmark = pytest.mark.e2e


def test_the_review_page_shows_the_pdf_inline_with_selectable_text(
    live, browser, world, submission
):
    page = open_page(browser, live + review_url(world.tutor, submission))
    viewer_ready(page)
    first = page.locator(".pdf-page[data-page='1']")
    expect(first.locator("canvas")).to_be_visible()
    expect(first.locator(".textLayer")).to_contain_text(LINES[0])
    expect(page.locator("[data-page-count]")).to_have_text("von 12")
    page.screenshot(path=str(SHOTS / "review-1280.png"))
    assert page.errors == []  # type: ignore[attr-defined]


def test_pages_and_zoom_work_with_the_keyboard(live, browser, world, submission):
    page = open_page(browser, live + review_url(world.tutor, submission))
    viewer_ready(page)
    pages = page.get_by_role("region", name="PDF: Lösung v1.pdf")
    pages.focus()
    page.keyboard.press("n")
    expect(page.get_by_label("Seite", exact=True)).to_have_value("2")
    page.keyboard.press("g")
    expect(page.get_by_label("Seite", exact=True)).to_be_focused()
    page.keyboard.type("9")
    page.keyboard.press("Enter")
    expect(page.locator(".pdf-page[data-page='9'] .textLayer")).to_contain_text("Seite 9")
    expect(pages).to_be_focused()
    fitted = page.locator("[data-zoom-value]").inner_text()
    page.keyboard.press("+")
    expect(page.locator("[data-zoom-value]")).not_to_have_text(fitted)
    expect(page.get_by_role("button", name="Seitenbreite")).to_have_attribute(
        "aria-pressed", "false"
    )
    page.keyboard.press("0")
    expect(page.get_by_role("button", name="Seitenbreite")).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(page.locator("[data-zoom-value]")).to_have_text(fitted)


def test_only_pages_near_the_viewport_keep_a_canvas(
    live, browser, world, make_submission, db, storage
):
    long = make_submission(world.learner)
    use_pdf(db, storage, long, text_pdf(pages=80))
    page = open_page(browser, live + review_url(world.tutor, long))
    viewer_ready(page)
    most = 0
    for number in (20, 40, 60, 80):
        page.get_by_label("Seite", exact=True).fill(str(number))
        page.get_by_label("Seite", exact=True).press("Enter")
        expect(page.locator(f".pdf-page[data-page='{number}'] canvas")).to_be_visible()
        most = max(most, page.locator(".pdf-page canvas").count())
    assert 1 <= most <= 12
    expect(page.locator(".pdf-page[data-page='1'] canvas")).to_have_count(0)


def test_without_javascript_the_links_to_the_pdf_remain(live, browser, world, submission):
    page = open_page(browser, live + review_url(world.tutor, submission), js=False)
    expect(page.locator("#kw-viewer")).to_be_hidden()
    pdf = page.locator("#kw-pdf")
    expect(pdf.get_by_role("link", name=re.compile("^Im Browser lesen"))).to_have_attribute(
        "href", re.compile("disposition=inline")
    )
    expect(pdf.get_by_role("link", name="Herunterladen")).to_have_attribute(
        "href", re.compile("disposition=attachment")
    )


@pytest.mark.parametrize("width", [1280, 900])
def test_the_workbench_is_axe_clean(live, browser, world, submission, web, width):
    claim(web, world.tutor, submission.id)
    page = open_page(browser, live + review_url(world.tutor, submission), width=width)
    viewer_ready(page)
    expect(page.get_by_role("toolbar", name="Werkzeuge für Anmerkungen")).to_be_visible()
    page.screenshot(path=str(SHOTS / f"review-claimed-{width}.png"))
    violations = axe_violations(page)
    assert violations == [], describe(violations)


def test_the_learner_reads_the_feedback_pdf_inline_with_its_notes(
    live, browser, world, submission, web
):
    tutor, learner = world.tutor, world.learner
    claim(web, tutor, submission.id)
    save(web, tutor, submission.id, "Gut gemacht.")
    feedback_pdf = with_note(text_pdf(pages=2), "Quelle ergänzen", "Tilda Tutorin")
    assert attach(web, tutor, submission.id, feedback_pdf, "Anmerkungen.pdf").status_code == 303
    assert release(web, tutor, submission.id).status_code == 303

    page = open_page(
        browser, live + learner.url(f"/c/{learner.context_id}/feedback/{submission.id}")
    )
    expect(page.locator("#kw-feedback-pdf[data-ready]")).to_be_attached()
    expect(page.locator(".pdf-page[data-page='1'] .textLayer")).to_contain_text(LINES[0])
    first = page.locator(".pdf-page[data-page='1']")
    expect(first.locator(".annotationLayer .textAnnotation")).to_have_count(1)
    notes = page.get_by_role("region", name="Anmerkungen im PDF")
    expect(notes.locator("li")).to_have_text(
        [re.compile("Seite 1 · Notiz von Tilda Tutorin.*Quelle ergänzen", re.S)]
    )
    expect(page.get_by_role("article").get_by_role("link", name="Herunterladen")).to_be_visible()
    page.screenshot(path=str(SHOTS / "learner-1280.png"), full_page=True)
    violations = axe_violations(page)
    assert violations == [], describe(violations)
    assert page.errors == []  # type: ignore[attr-defined]


def test_the_arrow_keys_move_along_a_toolbar(live, browser, world, submission, web):
    claim(web, world.tutor, submission.id)
    page = open_page(browser, live + review_url(world.tutor, submission))
    viewer_ready(page)
    page.get_by_role("button", name="Vorherige Seite").focus()
    page.keyboard.press("ArrowRight")
    expect(page.get_by_role("button", name="Nächste Seite")).to_be_focused()
    tools = page.get_by_role("toolbar", name="Werkzeuge für Anmerkungen")
    tools.get_by_role("button", name="Auswählen").focus()
    page.keyboard.press("ArrowLeft")  # wraps to the last enabled button
    expect(tools.get_by_role("button", name="Freihand")).to_be_focused()
    page.keyboard.press("Enter")
    expect(tools.get_by_role("button", name="Freihand")).to_have_attribute("aria-pressed", "true")


def test_a_pdf_that_cannot_be_opened_is_said_so_with_the_way_to_the_links(
    live, browser, world, submission
):
    context = browser.new_context(locale="de-DE", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(20_000)
    page = context.new_page()
    page.route("**/versions/1/file?*", lambda route: route.fulfill(status=503, body="weg"))
    page.goto(live + review_url(world.tutor, submission))
    expect(page.locator("#kw-viewer[data-failed]")).to_be_attached()
    expect(page.locator("#kw-viewer [data-viewer-status]")).to_have_text(
        "Das PDF lässt sich hier nicht anzeigen. Öffnen Sie es über „Im Browser lesen“ oder "
        "laden Sie es herunter."
    )
    context.close()


def test_a_pdf_served_without_ranges_is_shown_from_the_whole_file(live, browser, world, submission):
    """A proxy in front that drops ``Range`` answers 200 with the whole file: the viewer
    takes it once as every part instead of giving up."""
    context = browser.new_context(locale="de-DE", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(20_000)
    page = context.new_page()
    answered: list[int] = []

    def without_ranges(route):
        headers = {k: v for k, v in route.request.headers.items() if k.lower() != "range"}
        whole = route.fetch(headers=headers)
        answered.append(whole.status)
        route.fulfill(response=whole, status=200)

    page.route("**/versions/1/file?*", without_ranges)
    page.goto(live + review_url(world.tutor, submission))
    viewer_ready(page)
    expect(page.locator(".pdf-page[data-page='1'] .textLayer")).to_contain_text(LINES[0])
    expect(page.locator("#kw-viewer[data-failed]")).not_to_be_attached()
    assert answered and set(answered) == {200}
    context.close()

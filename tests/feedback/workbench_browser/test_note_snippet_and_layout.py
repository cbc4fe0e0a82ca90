"""Two promises of the workbench in Chromium (issue 13): a comment-bank snippet goes into
a note on the PDF with the keyboard, as into the written feedback; and the PDF sits
beside the feedback from about 1000 px wide, with the feedback below it on narrower
screens; and a sentence selected by dragging the mouse is highlighted."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.feedback.comment_bank.conftest import make_snippet  # noqa: F401 - a fixture
from tests.feedback.helpers import claim
from tests.feedback.workbench_browser.pages import open_page, review_url, viewer_ready
from tests.feedback.workbench_browser.text_pdfs import LINES

pytestmark = pytest.mark.e2e


def test_a_snippet_is_inserted_into_a_note_with_the_keyboard(
    live,
    browser,
    world,
    submission,
    web,
    make_snippet,  # noqa: F811 - the fixture above
):
    make_snippet(world.tutor, "Quellen angeben", "Bitte nennen Sie Ihre Quellen.", uses=3)
    make_snippet(world.tutor, "Zielgruppe", "Wen genau sprechen Sie an?", uses=1)
    claim(web, world.tutor, submission.id)
    page = open_page(browser, live + review_url(world.tutor, submission))
    viewer_ready(page)
    expect(page.locator("#kw-viewer[data-annotations='loaded']")).to_be_attached()

    page.get_by_role("button", name="Notiz", exact=True).click()
    page.locator(".pdf-page[data-page='1']").click(position={"x": 400, "y": 300})
    note = page.get_by_role("textbox", name="Text der Notiz")
    expect(note).to_be_focused()
    page.keyboard.type("//")
    search = page.get_by_role("combobox", name="Textbaustein suchen")
    expect(search).to_be_focused()
    page.keyboard.type("quell")
    expect(
        page.get_by_role("listbox", name="Gefundene Textbausteine").get_by_role("option")
    ).to_have_count(1)
    page.keyboard.press("Enter")

    expect(note).to_be_focused()
    expect(note).to_have_value("Bitte nennen Sie Ihre Quellen.")
    page.keyboard.press("Control+Enter")
    expect(page.locator("[data-annotation-items] li")).to_have_text(
        [re.compile("Notiz: Bitte nennen Sie Ihre Quellen.")]
    )
    expect(page.get_by_role("status").filter(has_text="Gespeichert")).to_have_text(
        re.compile(r"^Gespeichert \d\d:\d\d$")
    )
    assert page.errors == []  # type: ignore[attr-defined]


@pytest.mark.parametrize(("width", "beside"), [(1280, True), (1000, True), (900, False)])
def test_the_pdf_is_beside_the_feedback_from_1000_px_and_above_it_below(
    live, browser, world, submission, web, width, beside
):
    claim(web, world.tutor, submission.id)
    page = open_page(browser, live + review_url(world.tutor, submission), width=width)
    viewer_ready(page)
    document = page.locator(".workbench__doc").bounding_box()
    side = page.locator(".workbench__side").bounding_box()
    assert document is not None and side is not None
    if beside:
        assert document["x"] + document["width"] <= side["x"]  # the PDF on the left
        assert side["y"] < document["y"] + document["height"]  # at the same height
    else:
        assert side["y"] >= document["y"] + document["height"]  # the feedback below
        assert side["x"] == pytest.approx(document["x"], abs=1)
    page.context.close()


def test_a_sentence_selected_by_dragging_the_mouse_is_highlighted(
    live, browser, world, submission, web
):
    claim(web, world.tutor, submission.id)
    page = open_page(browser, live + review_url(world.tutor, submission))
    viewer_ready(page)
    expect(page.locator("#kw-viewer[data-annotations='loaded']")).to_be_attached()
    line = page.locator(".pdf-page[data-page='1'] .textLayer span", has_text=LINES[0]).first
    line.scroll_into_view_if_needed()
    box = line.bounding_box()
    assert box is not None
    middle = box["y"] + box["height"] / 2
    page.mouse.move(box["x"] + 1, middle)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] / 2, middle, steps=5)
    page.mouse.move(box["x"] + box["width"] - 1, middle, steps=5)
    page.mouse.up()
    assert LINES[0][:20] in page.evaluate("() => String(window.getSelection())")
    page.get_by_role("button", name="Markieren").click()
    expect(page.locator(".kw-annot--highlight")).to_have_count(1)
    expect(page.locator("[data-annotation-items] li")).to_have_text(
        [re.compile(f"Markierung: {re.escape(LINES[0][:20])}")]
    )
    page.context.close()

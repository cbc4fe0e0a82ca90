"""The feedback text on the review page in a real Chromium (issue 13, "a draft that
survives a reload", "two tabs saving at once"): it autosaves and is there after a reload;
leaving warns only while a change is unsaved; a tab whose save meets another tab's text
keeps its own and shows the other (axe-clean); without JavaScript the form does the same."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.axe import axe_violations, describe
from tests.feedback.helpers import claim, feedback_rows, save
from tests.feedback.workbench_browser.pages import open_page, review_url

pytestmark = pytest.mark.e2e

SAVED = re.compile(r"^Gespeichert \d\d:\d\d$")
LEAVING = """() => {
  const event = new Event("beforeunload", { cancelable: true });
  window.dispatchEvent(event);
  return event.defaultPrevented;
}"""


def editor(page: Page):
    return page.get_by_role("textbox", name="Ihr Feedback")


def draft_status(page: Page):
    return page.locator("[data-draft-status]")


def review_page(browser, live, world, submission, web, **kwargs) -> Page:
    claim(web, world.tutor, submission.id)
    page = open_page(browser, live + review_url(world.tutor, submission), **kwargs)
    expect(editor(page)).to_be_visible()
    return page


def test_the_feedback_text_autosaves_and_is_there_after_a_reload(
    live, browser, world, submission, web
):
    page = review_page(browser, live, world, submission, web)
    editor(page).fill("Die Zielgruppe ist klar beschrieben.")
    expect(draft_status(page)).to_have_text(SAVED)
    expect(page.get_by_role("status").filter(has_text="Gespeichert")).to_have_count(1)
    page.reload()
    expect(editor(page)).to_have_value("Die Zielgruppe ist klar beschrieben.")
    assert page.errors == []  # type: ignore[attr-defined]


def test_leaving_the_page_warns_only_while_the_text_is_unsaved(
    live, browser, world, submission, web
):
    page = review_page(browser, live, world, submission, web)
    assert page.evaluate(LEAVING) is False
    page.context.set_offline(True)
    editor(page).fill("Noch nicht gespeichert")
    expect(draft_status(page)).to_have_text(re.compile("^Nicht gespeichert. Ihr Text bleibt hier"))
    assert page.evaluate(LEAVING) is True
    page.context.set_offline(False)
    editor(page).press("End")
    editor(page).press_sequentially(", jetzt schon.")
    expect(draft_status(page)).to_have_text(SAVED)
    assert page.evaluate(LEAVING) is False


def test_a_tab_whose_autosave_meets_another_tabs_text_keeps_its_own(
    live, browser, world, submission, web, db
):
    first = review_page(browser, live, world, submission, web)
    second = open_page(browser, live + review_url(world.tutor, submission))
    editor(first).fill("Text aus dem ersten Tab")
    expect(draft_status(first)).to_have_text(SAVED)

    editor(second).fill("Text aus dem zweiten Tab")
    expect(draft_status(second)).to_contain_text("Inzwischen wurde ein anderer Text gespeichert")
    expect(editor(second)).to_have_value("Text aus dem zweiten Tab")
    saved_elsewhere = second.get_by_role("textbox", name=re.compile("^Zuletzt gespeichert"))
    expect(saved_elsewhere).to_have_value("Text aus dem ersten Tab")
    assert feedback_rows(db, submission.id)[0].body_markdown == "Text aus dem ersten Tab"
    violations = axe_violations(second)
    assert violations == [], describe(violations)

    # The tutor merges and saves with the button: that save builds on the first tab's.
    editor(second).fill("Text aus dem ersten Tab\n\nText aus dem zweiten Tab")
    second.get_by_role("button", name="Entwurf speichern").click()
    expect(second.get_by_role("status").filter(has_text="Entwurf gespeichert.")).to_be_visible()
    expect(editor(second)).to_have_value("Text aus dem ersten Tab\n\nText aus dem zweiten Tab")


def test_without_javascript_a_stale_save_shows_both_texts(live, browser, world, submission, web):
    page = review_page(browser, live, world, submission, web, js=False)
    save(web, world.tutor, submission.id, "Inzwischen in einem anderen Tab gespeichert")
    editor(page).fill("Mein Text in diesem Tab")
    page.get_by_role("button", name="Entwurf speichern").click()
    expect(page.get_by_role("alert")).to_contain_text("Ihr Text wurde nicht gespeichert")
    expect(editor(page)).to_have_value("Mein Text in diesem Tab")
    saved_elsewhere = page.get_by_role("textbox", name=re.compile("^Zuletzt gespeichert"))
    expect(saved_elsewhere).to_have_value("Inzwischen in einem anderen Tab gespeichert")
    expect(saved_elsewhere).to_have_attribute("readonly", "")

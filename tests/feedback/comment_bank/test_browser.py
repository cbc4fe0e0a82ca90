"""The keyboard insertion in a real Chromium: on the review page, "//" typed at the start
of a line opens the combobox, typing filters the course's snippets, Enter inserts the
chosen one at the caret in place of the "//", focus is back in the text, the insertion
is announced and counted; the page with the list open passes axe (WCAG 2.1 AA)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.axe import axe_violations, describe
from tests.feedback.helpers import claim, path

pytestmark = pytest.mark.e2e


def test_keyboard_insertion_puts_the_snippet_at_the_caret(
    live, browser, db, web, world, make_submission, make_snippet
):
    submission = make_submission(world.learner, industry="media")
    tutor = world.tutor
    claim(web, tutor, submission.id)
    wanted = make_snippet(tutor, "Quellen angeben", "Bitte nennen Sie Ihre Quellen.", uses=1)
    make_snippet(tutor, "Quellen im Handel", "Nur Handel.", industry="retail", uses=9)
    make_snippet(tutor, "Zielgruppe", "Wen genau sprechen Sie an?", uses=5)

    context = browser.new_context(locale="de-DE", viewport={"width": 1100, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.goto(live + path(tutor, f"/review/{submission.id}"))
    text = page.get_by_role("textbox", name="Ihr Feedback")
    first_line = "## Was gut funktioniert"
    expect(text).to_have_value(
        f"{first_line}\n\n\n## Was Sie ändern sollten\n\n\n## Nächster Schritt\n"
    )

    # The caret at the end of the first heading, a new line, then "//".
    text.focus()
    page.keyboard.press("Control+Home")
    page.keyboard.press("End")
    page.keyboard.press("Enter")
    page.keyboard.type("//")
    search = page.get_by_role("combobox", name="Textbaustein suchen")
    expect(search).to_be_focused()
    listbox = page.get_by_role("listbox", name="Gefundene Textbausteine")
    expect(listbox.get_by_role("option")).to_have_count(2)  # not the other industry's
    page.keyboard.type("quell")
    options = listbox.get_by_role("option")
    expect(options).to_have_count(1)
    expect(options.first).to_have_attribute("aria-selected", "true")
    expect(search).to_have_attribute("aria-expanded", "true")
    expect(search).to_have_attribute("aria-activedescendant", options.first.get_attribute("id"))
    expect(page.locator("#kw-comment-bank-status")).to_have_text("Ein Textbaustein gefunden.")
    violations = axe_violations(page)
    assert violations == [], describe(violations)

    with page.expect_response(lambda r: "/use" in r.url and r.request.method == "POST") as used:
        page.keyboard.press("Enter")
    assert used.value.status == 200

    inserted = "Bitte nennen Sie Ihre Quellen."
    expect(text).to_be_focused()
    expect(text).to_have_value(
        f"{first_line}\n{inserted}\n\n\n## Was Sie ändern sollten\n\n\n## Nächster Schritt\n"
    )
    caret = text.evaluate("t => [t.selectionStart, t.selectionEnd]")
    assert caret == [len(first_line) + 1 + len(inserted)] * 2
    expect(search).to_be_hidden()
    expect(page.locator("#kw-comment-bank-status")).to_have_text(
        "Textbaustein „Quellen angeben“ eingefügt."
    )
    db.refresh(wanted)
    assert wanted.use_count == 2
    context.close()

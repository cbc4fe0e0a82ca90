"""The release confirmation with the keyboard, in Chromium (issue 13): on the review page
"f" typed in the feedback stays text, outside the field it opens the confirmation (the
link announces it as aria-keyshortcuts, and the page lists it); the confirmation is
axe-clean (WCAG 2.1 AA) and releases with Tab and Enter."""

from __future__ import annotations

import pytest

from tests.e2e.axe import axe_violations, describe
from tests.feedback.helpers import claim, feedback_rows, mails, save

pytestmark = pytest.mark.e2e


def test_the_confirmation_then_the_release_with_the_keyboard(
    live, browser, world, make_submission, web, db
):
    submission = make_submission(world.learner)
    tutor = world.tutor
    assert claim(web, tutor, submission.id).status_code == 303
    assert save(web, tutor, submission.id, "Gut **gegliedert**.").status_code == 303
    context = browser.new_context(locale="de-DE", viewport={"width": 1100, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.goto(live + tutor.url(f"/c/{tutor.context_id}/review/{submission.id}"))

    release_link = page.get_by_role("link", name="Feedback freigeben …")
    assert release_link.get_attribute("aria-keyshortcuts") == "F"
    assert page.locator("[data-kw-shortcuts]").is_visible()  # the list of shortcuts
    editor = page.get_by_label("Ihr Feedback")
    editor.press("End")
    editor.press("f")  # typing: stays a letter of the feedback
    assert editor.input_value().endswith("f") and "/release" not in page.url
    editor.fill("Gut **gegliedert**.")  # as saved: the confirmation shows the saved draft
    page.locator("h1").click()  # out of the field
    page.keyboard.press("f")
    page.wait_for_url("**/release?**")
    assert page.get_by_role("heading", level=1).inner_text() == "Freigabe prüfen"
    violations = axe_violations(page)
    assert violations == [], describe(violations)

    button = page.get_by_role("button", name="Feedback jetzt freigeben")
    for _ in range(60):  # from the top of the page, as a keyboard user does
        page.keyboard.press("Tab")
        if button.evaluate("element => element === document.activeElement"):
            break
    else:
        pytest.fail("the release button is not reachable with Tab")
    page.keyboard.press("Enter")
    page.wait_for_url("**done=released**")
    assert "Feedback freigegeben." in page.locator("main").inner_text()
    assert [f.status for f in feedback_rows(db, submission.id)] == ["released"]
    assert len(mails(db)) == 1
    context.close()

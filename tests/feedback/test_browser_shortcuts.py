"""The tutors' keyboard shortcuts besides "F" (that one is in test_browser_release.py), in
Chromium (issue 13, "The tutor's day"): "N" on the queue claims the oldest waiting
submission, "W" goes back to the queue, Escape leaves the release confirmation, and
Control+S saves the draft from inside the editor. Single-letter shortcuts can be switched
off (WCAG 2.1.4), and then "N" does nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import Page

from tests.feedback.helpers import claim, claim_row, feedback_rows, path, save

pytestmark = pytest.mark.e2e


def _open(browser, url: str) -> Page:
    context = browser.new_context(locale="de-DE", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.goto(url)
    return page


def test_n_claims_the_oldest_waiting_submission_and_w_returns_to_the_queue(
    live, browser, world, make_submission, db
):
    now = datetime.now(UTC)
    older = make_submission(world.learner, submitted_at=now - timedelta(days=3))
    make_submission(world.learner2, submitted_at=now - timedelta(days=1))
    page = _open(browser, live + path(world.tutor, "/queue"))
    button = page.locator("#kw-next-submission")
    assert button.get_attribute("aria-keyshortcuts") == "N"

    page.locator("h1").click()
    page.keyboard.press("n")
    page.wait_for_url(f"**/review/{older.id}**")
    held = claim_row(db, older.id)
    assert held is not None and held.tutor_user_id == world.tutor.principal.user_id

    page.locator("h1").click()
    page.keyboard.press("w")
    page.wait_for_url("**/queue**")
    page.context.close()


def test_with_single_letter_shortcuts_switched_off_n_claims_nothing(
    live, browser, world, make_submission, db
):
    waiting = make_submission(world.learner)
    page = _open(browser, live + path(world.tutor, "/queue"))
    page.get_by_text("Tastenkürzel", exact=True).click()  # open the list
    page.get_by_label("Kürzel aus einem einzelnen Buchstaben verwenden").uncheck()
    button = page.locator("#kw-next-submission")
    assert button.get_attribute("aria-keyshortcuts") is None  # no longer announced
    posts: list[str] = []
    page.on(
        "request", lambda request: posts.append(request.url) if request.method == "POST" else None
    )
    page.locator("h1").click()
    page.keyboard.press("n")
    # A shortcut that still worked would submit the form from the key's handler, before
    # this page's own round trip to the server below comes back.
    assert page.evaluate("() => fetch(location.href).then((response) => response.status)") == 200
    assert posts == [] and "/review/" not in page.url and claim_row(db, waiting.id) is None
    page.locator("#kw-next-submission").click()
    page.wait_for_url(f"**/review/{waiting.id}**")
    page.context.close()


def test_escape_leaves_the_release_confirmation_and_control_s_saves_the_draft(
    live, browser, world, make_submission, web, db
):
    submission = make_submission(world.learner)
    assert claim(web, world.tutor, submission.id).status_code == 303
    assert save(web, world.tutor, submission.id, "Erster Entwurf.").status_code == 303
    page = _open(browser, live + path(world.tutor, f"/review/{submission.id}"))

    editor = page.get_by_label("Ihr Feedback")
    editor.fill("Zweiter Entwurf, mit der Tastatur gespeichert.")
    editor.press("Control+s")  # inside the field: a combination works while typing
    page.wait_for_url("**done=saved**")
    db.expire_all()
    [draft] = feedback_rows(db, submission.id)
    assert draft.body_markdown == "Zweiter Entwurf, mit der Tastatur gespeichert."

    page.locator("h1").click()
    page.keyboard.press("f")
    page.wait_for_url("**/release?**")
    page.keyboard.press("Escape")
    page.wait_for_url(lambda url: "/release" not in url)
    assert f"/review/{submission.id}" in page.url
    assert [row.status for row in feedback_rows(db, submission.id)] == ["draft"]
    page.context.close()

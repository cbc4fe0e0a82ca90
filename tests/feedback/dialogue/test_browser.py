"""In a real Chromium: the learner asks the one follow-up question about their released
feedback on its page and sees it listed under the feedback, awaiting its answer; the page
has no WCAG 2.1 A/AA violations before and after."""

from __future__ import annotations

import pytest

from tests.e2e.axe import axe_violations, describe

pytestmark = pytest.mark.e2e

QUESTION = "Reicht eine Quelle je Kanal, oder brauche ich mehrere?"


def test_the_learner_asks_the_follow_up_question_and_sees_it_listed(live, browser, world, released):
    learner = world.learner
    context = browser.new_context(locale="de-DE", viewport={"width": 900, "height": 1000})
    context.set_default_timeout(15_000)
    try:
        page = context.new_page()
        url = live + learner.url(f"/c/{learner.context_id}/feedback/{released.sid}")
        response = page.goto(url)
        assert response is not None and response.ok
        violations = axe_violations(page)
        assert violations == [], describe(violations)

        page.get_by_label("Ihre Frage zu diesem Feedback").fill(QUESTION)
        page.get_by_role("button", name="Frage senden").click()

        assert "Ihre Rückfrage ist gesendet." in page.get_by_role("status").inner_text()
        exchange = page.locator(f"#kw-question-{released.fid}")
        shown = exchange.inner_text()
        assert QUESTION in shown and "Noch keine Antwort; sie ist zugesagt bis" in shown
        assert page.get_by_role("button", name="Frage senden").count() == 0  # one question
        violations = axe_violations(page)
        assert violations == [], describe(violations)
    finally:
        context.close()

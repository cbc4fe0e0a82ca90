"""A question's way through the forum, end to end in Chromium inside the LMS iframe.

Lena (learner) opens the lesson's forum from the LMS simulator, starts a new question and,
while she types, sees a similar FAQ entry suggested (the page's script fetches the
suggestions fragment); she posts anyway. Tom (tutor, in his own browser) answers and
promotes his answer to the FAQ after confirming it. Lena follows her question, so the outbox
holds an email for her, which the delivery function hands to a real SMTP server.
The FAQ, forum list, new-question, thread and ask pages have no WCAG 2.1 A/AA violations.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from kurswerk.core.outbox.queue import deliver_due
from kurswerk.core.outbox.worker import EmailHandler
from tests.e2e.axe import axe_violations, describe
from tests.support.smtp import SmtpSink

pytestmark = pytest.mark.e2e

COURSE_TITLE = "Social-Media-Strategie"
LESSON = "Kundenbeziehungen"
QUESTION = "Was genau sind Kundenbeziehungen für ein Geschäftsmodell?"
DETAILS = "Die Definition mit dem Angebot einer Art von Beziehung verstehe ich nicht."
SUGGESTED_FAQ = "Was sind Kundenbeziehungen?"
SUGGEST_SECONDS = 15
"""The suggestion waits for a pause in typing, then a request: in a loaded run (both
databases' suites side by side on two cores) that once took longer than the default 5 s."""
ANSWER = "Kundenbeziehungen sind das Angebot einer Art von Beziehung; der Kunde entscheidet."


def _launch(page, stack, person: str):
    page.goto(f"{stack.simulator_url}/?person={person}")
    tool = page.frame_locator("#contentframe")
    expect(tool.get_by_role("heading", level=1)).to_contain_text(COURSE_TITLE)
    tool.get_by_role("link", name=LESSON).first.click()
    expect(tool.get_by_role("heading", level=1)).to_contain_text(LESSON)
    return tool


def _frame(page, stack):
    handle = page.locator("#contentframe").element_handle()
    frame = handle.content_frame() if handle else None
    assert frame is not None and frame.url.startswith(stack.tool_url), frame and frame.url
    return frame


def _no_violations(page, stack, what: str) -> None:
    violations = axe_violations(_frame(page, stack))
    assert violations == [], f"{what}:\n{describe(violations)}"


def test_a_question_is_suggested_an_faq_answered_promoted_and_mailed(
    page, browser, demo_stack, engine
):
    stack = demo_stack
    tool = _launch(page, stack, "lena")
    assert urlsplit(page.url).hostname == "localhost"

    # The lesson's links lead to the FAQ (checked for accessibility) and the forum. (The
    # header's link comes first; the help ladder in the text links the same page.)
    tool.get_by_role("link", name="FAQ", exact=True).first.click()
    expect(tool.get_by_role("heading", level=1)).to_contain_text("FAQ")
    expect(tool.get_by_role("heading", name=SUGGESTED_FAQ)).to_be_visible()
    _no_violations(page, stack, "FAQ page")
    tool.get_by_role("link", name="Zum Forum der Lektion").click()
    expect(tool.get_by_role("heading", level=1)).to_contain_text("Forum")
    _no_violations(page, stack, "forum list")

    # While she types, a similar FAQ entry is suggested (fetched by the page's script).
    tool.get_by_role("link", name="Neue Frage stellen").click()
    tool.get_by_label("Ihre Frage in einem Satz").fill(QUESTION)
    tool.get_by_label(re.compile("^Beschreibung")).fill(DETAILS)
    suggestions = tool.locator("#kw-suggestions")
    expect(
        suggestions.get_by_role("link", name=re.compile(re.escape(SUGGESTED_FAQ)))
    ).to_be_visible(timeout=SUGGEST_SECONDS * 1000)
    _no_violations(page, stack, "new question with suggestions")

    # She posts anyway.
    tool.get_by_role("button", name="Frage veröffentlichen").click()
    expect(tool.get_by_role("heading", level=1)).to_have_text(QUESTION)
    expect(tool.get_by_role("status")).to_contain_text("Sie folgen ihr")
    _no_violations(page, stack, "thread page")

    # The ask-the-course-lead page, for completeness of the accessibility checks.
    tool.get_by_role("link", name=LESSON).first.click()
    tool.get_by_role("link", name="Kursleitung fragen").first.click()
    expect(tool.get_by_role("heading", level=1)).to_have_text("Kursleitung fragen")
    _no_violations(page, stack, "ask page")

    # Tom, the tutor, in his own browser: answers, then promotes the answer to the FAQ.
    tutor_context = browser.new_context(locale="de-DE")
    tutor_context.set_default_timeout(15_000)
    try:
        tutor_page = tutor_context.new_page()
        tutor = _launch(tutor_page, stack, "tom")
        tutor.get_by_role("link", name="Forum", exact=True).first.click()
        tutor.get_by_role("link", name=QUESTION).click()
        expect(tutor.get_by_role("heading", level=1)).to_have_text(QUESTION)
        expect(tutor.locator(".thread-meta")).to_contain_text("Lena Lernende")
        tutor.get_by_label("Antwort", exact=True).fill(ANSWER)
        tutor.get_by_role("button", name="Antwort senden").click()
        expect(tutor.get_by_text(ANSWER)).to_be_visible()
        tutor.get_by_role("link", name="In die FAQ übernehmen").click()
        expect(tutor.get_by_role("heading", level=1)).to_have_text("Antwort in die FAQ übernehmen?")
        expect(tutor.get_by_role("heading", name=QUESTION)).to_be_visible()
        _no_violations(tutor_page, stack, "FAQ adoption confirmation")
        tutor.get_by_role("button", name="In der FAQ veröffentlichen").click()
        expect(tutor.get_by_role("heading", level=1)).to_contain_text("FAQ")
        expect(tutor.get_by_role("heading", name=QUESTION)).to_be_visible()
        expect(tutor.get_by_role("status")).to_contain_text("steht jetzt in der FAQ")
    finally:
        tutor_context.close()

    # Lena sees the promoted entry, linked to her thread.
    tool.get_by_role("link", name=LESSON).first.click()
    tool.get_by_role("link", name="FAQ", exact=True).first.click()
    expect(tool.get_by_role("heading", name=QUESTION)).to_be_visible()
    expect(tool.get_by_role("link", name=re.compile("zur Diskussion"))).to_be_visible()

    # She follows her question: the outbox delivers the answer to the SMTP server.
    sink = SmtpSink().start()
    try:
        settings = stack.settings.model_copy(update={"smtp_url": sink.url})
        report = deliver_due(engine, {"email": EmailHandler(settings)})
        assert report.sent >= 1, report
        assert sink.wait_for(1)
        mails = [m for m in sink.messages if "lena.lernende@example.org" in m.rcpt_tos]
        assert len(mails) == 1, [m.rcpt_tos for m in sink.messages]
        message = mails[0].message
        assert message["Subject"] == f"Neue Antwort im Forum: {QUESTION}"
        text = message.get_body(("plain",)).get_content()
        assert ANSWER in text and "Tom Tutor (Tutor:in)" in text
    finally:
        sink.stop()

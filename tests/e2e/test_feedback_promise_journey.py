"""Issue 14's journey end to end in Chromium, on the demo as ``kurswerk demo`` wires it
(``demo_loop``: the demo's coaching seed, its outbox worker and its SMTP catcher).

Carla (coaching package) picks an exercise in the upload form at the end of the lesson,
which says "Feedback bis …" before she submits; her receipt shows the date. A day before
the date, the warning job (``feedback.promises.warnings``, run here directly with a
``now`` just inside the warning window) mails the course's tutors. Tom announces a new
date with a reason on the review page and Carla's mail about it arrives. Tom claims,
writes and releases the feedback through the confirmation page; Carla opens her feedback
page, and Tom's review page then says "gelesen am …". Carla asks the one follow-up
question, Tom answers it on the review page, the answer mail reaches Carla, and she rates
the feedback. Her feedback page with the question and the rating has no WCAG 2.1 A/AA
violations.

The database may be shared with the other journeys: Carla's rows are found by her email
and the exercise's title, never by assuming an empty queue.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect
from sqlmodel import col, select

from course.models import Exercise
from feedback.promises.models import FeedbackPromise
from feedback.promises.warnings import send_due_warnings
from kurswerk.core.clock import add_working_days, as_utc, weekday_day_month
from kurswerk.core.db import new_session
from kurswerk.devplatform.mailcatcher import CaughtMail
from lti.models import PlatformUser
from tests.e2e.axe import axe_violations, describe
from tests.uploads import pdfs
from uploads.models import Submission

pytestmark = pytest.mark.e2e

COURSE_TITLE = "Social-Media-Strategie"
LESSON = "Kundenbeziehungen"
CARLA_EMAIL = "carla.coaching@example.org"
CARLA_NAME = "Carla Coaching"
TOM_EMAIL = "tom.tutor@example.org"
FILE_NAME = "Carlas Zusage.pdf"
NOTE = "Stimmt meine Auswahl der Kanäle?"
REASON = "Zwei Krankheitstage im Team; Ihr Feedback kommt etwas später."
FEEDBACK = "Die Auswahl der **Kanäle** passt zu Ihrer Zielgruppe."
QUESTION = "Soll ich den Newsletter trotzdem behalten?"
ANSWER = "Ja, aber nur monatlich."
COMMENT = "Sehr konkret, danke."
TIMEOUT_MS = 60_000  # generous: two cores shared with other work
MAIL_TIMEOUT_S = 120.0
DAY_MONTH = re.compile(r"\d{1,2}\. [A-Za-zÄÖÜäöü]+")


@pytest.fixture(autouse=True)
def _patient_expect() -> Iterator[None]:
    """Generous waits for ``expect`` in this module only (back to the default after)."""
    expect.set_options(timeout=TIMEOUT_MS)
    yield
    expect.set_options(timeout=None)


@pytest.fixture
def tutor_page(browser: Any) -> Iterator[Any]:
    """Tom's own browser (context): no cookies shared with Carla's."""
    context = browser.new_context(locale="de-DE")
    context.set_default_timeout(TIMEOUT_MS)
    try:
        yield context.new_page()
    finally:
        context.close()


def _frame(page: Any, stack: Any) -> Any:
    """The LMS iframe's current document, which must be the tool's (the other site)."""
    handle = page.locator("#contentframe").element_handle()
    frame = handle.content_frame() if handle else None
    assert frame is not None and frame.url.startswith(stack.tool_url), frame and frame.url
    return frame


def _accessible(page: Any, stack: Any, what: str) -> None:
    violations = axe_violations(_frame(page, stack))
    assert violations == [], f"{what}:\n{describe(violations)}"


def _launch(page: Any, stack: Any, person: str) -> Any:
    page.goto(f"{stack.simulator_url}/?person={person}")
    tool = page.frame_locator("#contentframe")
    expect(tool.get_by_role("heading", level=1)).to_contain_text(COURSE_TITLE)
    assert urlsplit(page.url).hostname == "localhost"  # the LMS stays the top site
    return tool


def _fact(scope: Any, term: str) -> Any:
    """The ``<dd>`` next to the ``<dt>`` saying ``term`` in a fact list."""
    return scope.locator(f"div:has(> dt:text-is('{term}')) > dd")


def _mail(stack: Any, to: str, subject: str) -> CaughtMail:
    arrived = stack.mails.wait_for_mail(
        lambda m: to in m.to and m.subject == subject, timeout=MAIL_TIMEOUT_S
    )
    assert arrived is not None, [(m.to, m.subject) for m in stack.mails.newest_first()]
    return arrived


def _carla_submits(page: Any, stack: Any, pdf: Path) -> str:
    """Carla submits through the form at the end of the lesson; returns the exercise."""
    tool = _launch(page, stack, "carla")
    tool.get_by_role("link", name=LESSON).first.click()
    expect(tool.get_by_role("heading", level=1)).to_have_text(LESSON)
    end = tool.locator("#kw-upload")
    expect(end.get_by_role("heading", level=2)).to_have_text("Übung einreichen")
    # The last exercise of the lesson (the coaching journey takes the first one).
    choice = end.get_by_label("Übung", exact=True)
    options = choice.locator("option:not([value=''])")
    exercise = options.last.inner_text().strip()
    choice.select_option(label=exercise)
    end.get_by_label("Branche", exact=True).select_option(label="Handel (Filialisten)")

    # The promised day, before she submits.
    promised = end.locator(".feedback-promise__date")
    expect(promised).to_contain_text("Feedback bis")
    day = DAY_MONTH.search(promised.inner_text())
    assert day is not None, promised.inner_text()

    end.get_by_label("Worauf soll sich das Feedback konzentrieren?").fill(NOTE)
    end.get_by_label("Ihre Lösung als PDF-Datei").set_input_files(str(pdf))
    end.get_by_role("button", name="Lösung einreichen").click()

    expect(tool.get_by_role("heading", level=1)).to_have_text("Ihre Einreichung ist eingegangen")
    facts = tool.locator("dl.submission-facts")
    expect(_fact(facts, "Übung")).to_have_text(exercise)
    expect(_fact(facts, "Feedback bis")).to_contain_text(day.group(0))
    return exercise


def _carlas_promise(engine: Any, exercise: str) -> FeedbackPromise:
    with new_session(engine) as session:
        promise = session.exec(
            select(FeedbackPromise)
            .join(Submission, col(Submission.id) == col(FeedbackPromise.submission_id))
            .join(PlatformUser, col(PlatformUser.id) == col(Submission.user_id))
            .join(Exercise, col(Exercise.id) == col(Submission.exercise_id))
            .where(PlatformUser.email == CARLA_EMAIL, Exercise.title == exercise)
            .order_by(col(FeedbackPromise.id).desc())
        ).first()
        assert promise is not None
        session.expunge(promise)
        return promise


def _the_tutors_are_warned(stack: Any, engine: Any, exercise: str) -> None:
    """The warning job, run at a moment just inside the window before Carla's date."""
    promise = _carlas_promise(engine, exercise)
    hours = stack.settings.promise_warning_hours
    now = as_utc(promise.due_at) - timedelta(hours=hours) + timedelta(minutes=5)
    with new_session(engine) as session:
        assert send_due_warnings(session, now, settings=stack.settings) >= 1
        session.commit()
    day = DAY_MONTH.search(weekday_day_month(promise.due_on))
    assert day is not None
    warning = stack.mails.wait_for_mail(
        lambda m: (
            TOM_EMAIL in m.to
            and m.subject.startswith("Feedback fällig am")
            and f"{exercise} ({CARLA_NAME})" in m.subject
        ),
        timeout=MAIL_TIMEOUT_S,
    )
    assert warning is not None, [(m.to, m.subject) for m in stack.mails.newest_first()]
    assert day.group(0) in warning.subject, warning.subject
    assert not [
        m for m in stack.mails.newest_first() if CARLA_EMAIL in m.to and "fällig" in m.subject
    ]


def _tom_opens_the_review(tutor_page: Any, stack: Any, exercise: str) -> Any:
    tool = _launch(tutor_page, stack, "tom")
    tool.get_by_role("link", name="Feedback-Warteschlange").click()
    expect(tool.get_by_role("heading", level=1)).to_have_text("Feedback-Warteschlange")
    row = tool.locator("table.queue tbody tr").filter(has_text=CARLA_NAME).filter(has_text=exercise)
    expect(row).to_have_count(1)
    row.get_by_role("link", name=re.compile(f"Einreichung von {CARLA_NAME}")).click()
    expect(tool.get_by_role("heading", level=1)).to_have_text(f"Einreichung: {exercise}")
    return tool


def _tom_announces_a_new_date(tool: Any, stack: Any, engine: Any, exercise: str) -> None:
    promise = _carlas_promise(engine, exercise)
    new_date = add_working_days(promise.due_on, 3)
    block = tool.locator("#kw-promise")
    block.get_by_label("Neues Datum", exact=True).fill(new_date.isoformat())
    block.get_by_label("Grund", exact=True).fill(REASON)
    block.get_by_role("button", name="Neues Datum ankündigen").click()
    block = tool.locator("#kw-promise")
    expect(block.get_by_role("status")).to_contain_text("Das neue Datum ist angekündigt.")
    expect(_fact(block, "Feedback bis").locator("time")).to_have_attribute(
        "datetime", new_date.isoformat()
    )
    expect(block.locator("table.promise-history")).to_contain_text(REASON)

    arrived = _mail(stack, CARLA_EMAIL, f"Neues Datum für Ihr Feedback: {exercise}")
    assert arrived.text is not None and REASON in arrived.text.replace("\r\n", "\n")


def _tom_releases(tool: Any) -> None:
    tool.get_by_role("button", name="Einreichung übernehmen").click()
    expect(
        tool.get_by_role("status").filter(has_text="Sie haben die Einreichung übernommen.")
    ).to_be_visible()
    tool.get_by_label("Ihr Feedback").fill(FEEDBACK)
    tool.get_by_role("button", name="Vorschau anzeigen").click()
    expect(tool.locator("#kw-preview strong")).to_have_text("Kanäle")
    tool.get_by_role("link", name="Feedback freigeben …").click()
    expect(tool.get_by_role("heading", level=1)).to_have_text("Freigabe prüfen")
    tool.get_by_role("button", name="Feedback jetzt freigeben").click()
    expect(tool.get_by_role("status").filter(has_text="Feedback freigegeben.")).to_be_visible()
    expect(tool.locator("main")).to_contain_text("noch nicht gelesen")


def _reload(page: Any, stack: Any) -> Any:
    """The tool's page in the LMS frame loaded again (the LMS page itself stays)."""
    frame = _frame(page, stack)
    frame.goto(frame.url)
    return page.frame_locator("#contentframe")


def _carla_opens_her_feedback(page: Any, stack: Any, engine: Any, exercise: str) -> Any:
    """Her feedback page in the LMS frame (same session); returns the frame locator."""
    promise = _carlas_promise(engine, exercise)
    frame = _frame(page, stack)
    parts = urlsplit(frame.url)
    context_path = parts.path.split("/submissions")[0]
    frame.goto(f"{stack.tool_url}{context_path}/feedback/{promise.submission_id}?{parts.query}")
    tool = page.frame_locator("#contentframe")
    expect(tool.get_by_role("heading", level=1)).to_have_text(f"Feedback zu „{exercise}“")
    expect(tool.locator("main")).to_contain_text("Die Auswahl der Kanäle passt")
    return tool


def test_a_promised_date_is_kept_in_view_and_the_feedback_gets_a_dialogue(
    page, tutor_page, demo_loop, engine, tmp_path: Path
):
    stack = demo_loop
    page.context.set_default_timeout(TIMEOUT_MS)
    pdf = tmp_path / FILE_NAME
    pdf.write_bytes(pdfs.make_pdf(pages=1))

    exercise = _carla_submits(page, stack, pdf)
    _mail(stack, CARLA_EMAIL, f"Eingangsbestätigung: {exercise}")
    _the_tutors_are_warned(stack, engine, exercise)

    review = _tom_opens_the_review(tutor_page, stack, exercise)
    _tom_announces_a_new_date(review, stack, engine, exercise)
    _tom_releases(review)

    carla = _carla_opens_her_feedback(page, stack, engine, exercise)
    review = _reload(tutor_page, stack)
    expect(review.get_by_role("heading", level=1)).to_have_text(f"Einreichung: {exercise}")
    expect(review.locator("main")).to_contain_text("gelesen am")

    carla.get_by_label("Ihre Frage zu diesem Feedback").fill(QUESTION)
    carla.get_by_role("button", name="Frage senden").click()
    expect(carla.get_by_role("status")).to_contain_text("Ihre Rückfrage ist gesendet.")
    expect(carla.get_by_role("button", name="Frage senden")).to_have_count(0)
    _mail(stack, TOM_EMAIL, f"Rückfrage zum Feedback: {exercise} ({CARLA_NAME})")

    review = _reload(tutor_page, stack)
    expect(review.locator("main")).to_contain_text(QUESTION)
    review.get_by_label("Ihre Antwort").fill(ANSWER)
    review.get_by_role("button", name="Antwort senden").click()
    expect(review.locator("main")).to_contain_text(ANSWER)
    expect(review.get_by_role("button", name="Antwort senden")).to_have_count(0)

    answered = _mail(stack, CARLA_EMAIL, f"Antwort auf Ihre Rückfrage: {exercise}")
    assert answered.text is not None and ANSWER in answered.text.replace("\r\n", "\n")

    carla.get_by_label("4 – ", exact=False).check()
    carla.get_by_label("Ihr Kommentar (freiwillig)").fill(COMMENT)
    carla.get_by_role("button", name="Bewertung speichern").click()
    expect(carla.get_by_role("status")).to_contain_text("Danke, Ihre Bewertung ist gespeichert.")
    expect(carla.locator("main")).to_contain_text(QUESTION)
    expect(carla.locator("main")).to_contain_text(ANSWER)
    expect(carla.get_by_role("button", name="Bewertung ändern")).to_be_visible()
    _accessible(page, stack, "the learner's feedback page with her question and rating")

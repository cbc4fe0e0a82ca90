"""The tutor's workbench inside the LMS iframe, end to end in Chromium on the demo stack.

Carla (who holds the demo's coaching package) has launched the tool once; her submission
of a PDF with real text lines is stored as an upload leaves it. Tom, the tutor, launches
from the LMS simulator in his own browser, opens the queue, then the submission, and claims
it: the PDF shows inline beside the feedback editor (PDF.js from our own static files,
fetched with the page token the iframe's links carry), its first page drawn and its text
in the text layer. He highlights a sentence and pins a note with the keyboard, reloads,
and both are still there. He writes his feedback and releases it: Carla's feedback page
shows the annotated PDF (written on release) inline with the same viewer, the note where
it was pinned and listed with its text and author. The review page with the workbench and
Carla's feedback page have no WCAG 2.1 A/AA violations.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect
from sqlmodel import select

from course.models import Course, Exercise, Lesson
from kurswerk.core.clock import utcnow
from kurswerk.core.db import new_session
from kurswerk.core.files.storage import storage_from_settings
from kurswerk.core.outbox.models import OutboxMessage
from lti.models import LmsContext, PlatformUser
from tests.e2e.axe import axe_violations, describe
from tests.feedback.workbench_browser.pages import SHOTS, select_text
from tests.feedback.workbench_browser.text_pdfs import LINES, text_pdf, use_pdf
from uploads.models import Submission, SubmissionStatus, SubmissionVersion

pytestmark = pytest.mark.e2e

COURSE_TITLE = "Social-Media-Strategie"
DEMO_COURSE_SLUG = "social-media-strategie"
CARLA_NAME = "Carla Coaching"
CARLA_SUB = "2004"
NOTE = "Zielgruppe genauer beschreiben"
TIMEOUT_MS = 60_000  # generous: two cores shared with other work
MAIL_TIMEOUT_S = 120.0
CARLA_EMAIL = "carla.coaching@example.org"
SNIPPET_TITLE = "Medien: Bindung vor Reichweite"  # the demo bank's snippet for media
SNIPPET_TEXT = "zählt für die Kundenbeziehung die Bindung der"


@pytest.fixture(autouse=True)
def _patient_expect() -> Iterator[None]:
    expect.set_options(timeout=TIMEOUT_MS)
    yield
    expect.set_options(timeout=None)


@pytest.fixture
def tutor_page(browser: Any) -> Iterator[Any]:
    """Tom's own browser (context), wide enough for the two columns."""
    context = browser.new_context(locale="de-DE", viewport={"width": 1280, "height": 1000})
    context.set_default_timeout(TIMEOUT_MS)
    try:
        yield context.new_page()
    finally:
        context.close()


def _launch(page: Any, stack: Any, person: str) -> Any:
    page.goto(f"{stack.simulator_url}/?person={person}")
    tool = page.frame_locator("#contentframe")
    expect(tool.get_by_role("heading", level=1)).to_contain_text(COURSE_TITLE)
    return tool


def _frame(page: Any, stack: Any) -> Any:
    handle = page.locator("#contentframe").element_handle()
    frame = handle.content_frame() if handle else None
    assert frame is not None and frame.url.startswith(stack.tool_url), frame and frame.url
    return frame


def _carla_has_submitted(page: Any, stack: Any, engine: Any) -> int:
    """Carla launches once (the LMS makes her known to the tool); her submission is then
    stored as the upload route leaves one: a version whose PDF is in the storage."""
    _launch(page, stack, "carla")
    storage = storage_from_settings(stack.settings)
    with new_session(engine) as db:
        carla = db.exec(select(PlatformUser).where(PlatformUser.sub == CARLA_SUB)).one()
        context = db.exec(
            select(LmsContext).where(LmsContext.lms_context_id == stack.simulator.course.context_id)
        ).one()
        submission = Submission(
            context_id=context.id,
            user_id=carla.id,
            exercise_id=_demo_exercise_id(db),
            industry="media",
            status=SubmissionStatus.SUBMITTED.value,
            latest_version=1,
            submitted_at=utcnow(),
        )
        db.add(submission)
        db.flush()
        db.add(
            SubmissionVersion(
                submission_id=submission.id,
                number=1,
                file_key="",
                sha256="",
                size=0,
                pages=1,
                display_name="Carlas Lösung.pdf",
                idempotency_key="e2e-workbench-1",
                created_at=utcnow(),
            )
        )
        db.commit()
        use_pdf(db, storage, submission, text_pdf(pages=3))
        assert submission.id is not None
        return submission.id


def _demo_exercise_id(db: Any) -> int:
    """The demo course's last exercise: in a full run the shared database also holds other
    tests' courses (an exercise of theirs is not this LMS course's), and Carla's other
    journeys submit the first exercise (media) and the last one (retail) already."""
    exercise_id = db.exec(
        select(Exercise.id)
        .join(Lesson, Lesson.id == Exercise.lesson_id)  # type: ignore[arg-type]
        .join(Course, Course.id == Lesson.course_id)  # type: ignore[arg-type]
        .where(Course.slug == DEMO_COURSE_SLUG)
        .order_by(Exercise.id.desc())  # type: ignore[union-attr]
    ).first()
    assert exercise_id is not None
    return int(exercise_id)


def _tom_opens_the_submission(tutor_page: Any, stack: Any, submission_id: int) -> Any:
    """Tom opens the queue, then this submission's review page by its address (the frame's
    query keeps his page token): in a full run the shared database holds other tests'
    submissions of Carla, and the coaching journey already opens one from the queue."""
    tool = _launch(tutor_page, stack, "tom")
    tool.get_by_role("link", name="Feedback-Warteschlange").click()
    expect(tool.get_by_role("heading", level=1)).to_have_text("Feedback-Warteschlange")
    frame = _frame(tutor_page, stack)
    here = urlsplit(frame.url)
    context_path = "/".join(here.path.split("/")[:3])  # "/c/<context>"
    frame.goto(f"{stack.tool_url}{context_path}/review/{submission_id}?{here.query}")
    expect(tool.get_by_role("heading", level=1)).to_contain_text("Einreichung:")
    tool.get_by_role("button", name="Einreichung übernehmen").click()
    expect(tool.get_by_role("status").first).to_contain_text(
        "Sie haben die Einreichung übernommen."
    )
    return tool


def _the_pdf_is_inline(tool: Any) -> None:
    first = tool.locator("#kw-viewer .pdf-page[data-page='1']")
    expect(first.locator("canvas")).to_be_visible()
    expect(first.locator(".textLayer")).to_contain_text(LINES[0])
    expect(tool.locator("#kw-viewer[data-annotations='loaded']")).to_be_attached()


def test_a_tutor_annotates_the_pdf_inline_and_finds_it_after_a_reload(
    page, tutor_page, demo_loop, engine
):
    stack = demo_loop
    submission_id = _carla_has_submitted(page, stack, engine)
    tool = _tom_opens_the_submission(tutor_page, stack, submission_id)
    _the_pdf_is_inline(tool)

    # A sentence highlighted: selected in the text layer, then "Markieren".
    select_text(_frame(tutor_page, stack), 1, LINES[0])
    tool.get_by_role("button", name="Markieren").click()
    expect(tool.get_by_role("button", name=f"Markierung: {LINES[0]}", exact=True)).to_be_visible()

    # A note pinned with the keyboard alone: the note tool (T), Enter in the PDF.
    tool.get_by_role("region", name=re.compile("^PDF: ")).focus()
    tutor_page.keyboard.press("t")
    expect(tool.get_by_role("button", name="Notiz", exact=True)).to_have_attribute(
        "aria-pressed", "true"
    )
    tutor_page.keyboard.press("Enter")
    expect(tool.get_by_role("textbox", name="Text der Notiz")).to_be_focused()
    tutor_page.keyboard.type(NOTE)
    tutor_page.keyboard.press("Control+Enter")
    expect(tool.get_by_role("status").filter(has_text="Gespeichert")).to_have_text(
        re.compile(r"^Gespeichert \d\d:\d\d$")
    )
    violations = axe_violations(_frame(tutor_page, stack))
    assert violations == [], describe(violations)
    tutor_page.screenshot(path=str(SHOTS / "journey-tutor.png"))

    # A snippet of the comment bank, inserted with the keyboard into the feedback text
    # (which starts with the exercise's feedback template), and the draft saved.
    editor = tool.get_by_label("Ihr Feedback")
    expect(editor).to_have_value(re.compile("Was gut funktioniert"))
    editor.focus()
    tutor_page.keyboard.press("Control+End")
    tutor_page.keyboard.type("\n//Bindung")
    # The list filters as he types: the snippet whose title holds the word comes first.
    snippets = tool.locator("[data-part=listbox]").get_by_role("option")
    expect(snippets.first).to_contain_text(SNIPPET_TITLE)
    tutor_page.keyboard.press("Enter")
    expect(editor).to_have_value(re.compile(re.escape(SNIPPET_TEXT)))
    tool.get_by_role("button", name="Entwurf speichern").click()
    expect(tool.get_by_role("status").filter(has_text="gespeichert")).to_be_visible()

    frame = _frame(tutor_page, stack)
    frame.goto(frame.url)  # he reloads the page (the frame's URL carries his page token)
    _the_pdf_is_inline(tool)
    expect(tool.locator("[data-annotation-items] li")).to_have_text(
        [re.compile(f"Markierung: {LINES[0]}"), re.compile(f"Notiz: {NOTE}")]
    )
    expect(tool.get_by_role("button", name=f"Notiz: {NOTE}", exact=True)).to_be_visible()
    expect(tool.get_by_label("Ihr Feedback")).to_have_value(re.compile(re.escape(SNIPPET_TEXT)))

    _tom_releases(tool)
    _carla_reads_the_annotated_pdf(page, stack, submission_id)
    _the_mail_carries_the_annotated_pdf(stack)
    _the_gradebook_has_the_comment(engine)


def _tom_releases(tool: Any) -> None:
    """Through the confirmation, which shows the text and announces the annotated PDF."""
    tool.get_by_role("link", name="Feedback freigeben …").click()
    expect(tool.get_by_role("heading", level=1)).to_have_text("Freigabe prüfen")
    expect(tool.locator("main")).to_contain_text(SNIPPET_TEXT)
    expect(tool.locator("main")).to_contain_text("Das eingereichte PDF mit Ihren 2 Anmerkungen")
    tool.get_by_role("button", name="Feedback jetzt freigeben").click()
    expect(tool.get_by_role("status").filter(has_text="Feedback freigegeben.")).to_be_visible()


def _carla_reads_the_annotated_pdf(page: Any, stack: Any, submission_id: int) -> None:
    """Carla opens her feedback page in the LMS frame (as the feedback mail links it),
    the frame scrolled into her view: Chromium draws nothing in a cross-site frame that
    is out of view, and the simulator's page has the frame below a 720 px window's fold."""
    page.locator("#contentframe").scroll_into_view_if_needed()
    frame = _frame(page, stack)
    here = urlsplit(frame.url)
    context_path = here.path.split("/")[:3]  # ["", "c", "<context>"]
    frame.goto(f"{stack.tool_url}{'/'.join(context_path)}/feedback/{submission_id}?{here.query}")
    tool = page.frame_locator("#contentframe")
    viewer = tool.locator("#kw-feedback-pdf")
    expect(viewer).to_have_attribute("data-ready", "true")
    first = viewer.locator(".pdf-page[data-page='1']")
    expect(first.locator(".textLayer")).to_contain_text(LINES[0])
    expect(first.locator(".annotationLayer .textAnnotation")).to_have_count(1)
    notes = tool.get_by_role("region", name="Anmerkungen im PDF")
    expect(notes.locator("li").filter(has_text="Notiz")).to_contain_text(NOTE)
    expect(notes.locator("li").filter(has_text="Markierung")).to_have_count(1)
    page.screenshot(path=str(SHOTS / "journey-learner.png"))
    violations = axe_violations(_frame(page, stack))
    assert violations == [], describe(violations)


def _the_mail_carries_the_annotated_pdf(stack: Any) -> None:
    """The demo's worker delivers Carla's feedback mail with the annotated PDF attached."""
    arrived = stack.mails.wait_for_mail(
        lambda m: CARLA_EMAIL in m.to and m.subject.startswith("Ihr Feedback ist da:"),
        timeout=MAIL_TIMEOUT_S,
    )
    assert arrived is not None, [(m.to, m.subject) for m in stack.mails.newest_first()]
    assert arrived.text is not None and SNIPPET_TEXT in arrived.text.replace("\r\n", "\n")
    pdfs = [a for a in arrived.attachments if a.content_type.startswith("application/pdf")]
    assert [a.filename for a in pdfs] == ["Carlas Lösung – mit Anmerkungen.pdf"], pdfs
    assert pdfs[0].size > 0


def _the_gradebook_has_the_comment(engine: Any) -> None:
    """The release wrote the LMS gradebook's score with the feedback as its comment (the
    outbox row the worker sends; its delivery is ``tests/feedback/test_gradebook_live``'s)."""
    with new_session(engine) as db:
        rows = db.exec(select(OutboxMessage).where(OutboxMessage.kind == "lms_call")).all()
        scores = [
            row.payload["score"]
            for row in rows
            if isinstance(row.payload.get("score"), dict)
            and SNIPPET_TEXT in str(row.payload["score"].get("comment", ""))
        ]
    assert len(scores) == 1, [row.payload for row in rows][-3:]
    assert "mit PDF-Anhang" in scores[0]["comment"]

"""The coaching loop end to end in Chromium, on the demo as ``kurswerk demo`` wires it
(``demo_loop``: the demo's coaching seed, its outbox worker and its SMTP catcher).

Carla, who holds the demo coaching package, launches from the LMS simulator (inside its
cross-site iframe), opens the lesson's exercise, picks an industry and uploads a real PDF
with a note through the form at the end of the page; she sees the receipt and her
submissions list. Tom, the tutor, in his own browser, claims the submission from the
feedback queue, reads the PDF in Chromium's PDF viewer, writes Markdown feedback,
previews and releases it. The demo's worker then mails Carla the whole feedback text
(the catcher, and the simulator's "Postausgang (Demo)" page, have it) and she sees
"Feedback erhalten" with the text in the tool. The upload page, the receipt, the queue,
the review page and the learner's pages with the feedback have no WCAG 2.1 A/AA
violations.

The PDF viewer: Debian's headless Chromium (156) opens the "Im Browser lesen" link (a new
tab, top level: the file's CSP has ``frame-ancestors 'none'``, so it is never shown inside
the LMS iframe) in its built-in viewer (the extension ``mhjfbmdgcfjbbpaeojofohoefgiehjai``)
under the file's ``sandbox`` CSP, and does not download it. The page count is read from
the viewer's page selector, which is Chromium's own markup: if a Chromium update moves it,
that one wait fails and says so.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect
from sqlmodel import select

from kurswerk.core.db import new_session
from kurswerk.core.outbox.models import OutboxMessage
from kurswerk.devplatform.mailcatcher import CaughtMail
from tests.e2e.axe import axe_violations, describe
from tests.uploads import pdfs

pytestmark = pytest.mark.e2e

COURSE_TITLE = "Social-Media-Strategie"
LESSON = "Kundenbeziehungen"
CARLA_EMAIL = "carla.coaching@example.org"
CARLA_NAME = "Carla Coaching"
FILE_NAME = "Carlas Lösung.pdf"
PAGES = 2
NOTE = "Bitte vor allem auf die Zielgruppe achten."
FEEDBACK = (
    "## Eindruck\n\n"
    "Ihre Analyse der **Kundenbeziehungen** ist schlüssig.\n\n"
    "- Zielgruppe: klar benannt\n"
    "- Nächster Schritt: die Kanäle nach Aufwand ordnen"
)
FEEDBACK_AS_TEXT = (  # how every mail's text part renders it (no **, bullets kept)
    "Eindruck\n\n"
    "Ihre Analyse der Kundenbeziehungen ist schlüssig.\n\n"
    "– Zielgruppe: klar benannt\n"
    "– Nächster Schritt: die Kanäle nach Aufwand ordnen"
)
PDF_VIEWER = "chrome-extension://mhjfbmdgcfjbbpaeojofohoefgiehjai/"
TIMEOUT_MS = 60_000  # generous: two cores shared with other work
MAIL_TIMEOUT_S = 120.0

# The viewer's page count, from Chromium's own (shadow DOM) markup.
VIEWER_PAGE_COUNT = """() => {
  const viewer = document.querySelector("pdf-viewer");
  const toolbar = viewer?.shadowRoot?.querySelector("viewer-toolbar");
  const selector = toolbar?.shadowRoot?.querySelector("viewer-page-selector");
  return selector?.docLength ?? null;
}"""


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


def _viewer_frame(popup: Any) -> Any:
    """Chromium's PDF viewer frame in ``popup``, waiting (event by event) for it to load:
    it attaches as about:blank and navigates to the viewer after the page's load event."""
    while True:
        for frame in popup.frames:
            if frame.url.startswith(PDF_VIEWER):
                return frame
        popup.wait_for_event("framenavigated", timeout=TIMEOUT_MS)


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


def _carla_submits(page: Any, stack: Any, pdf: Path) -> str:
    """Carla's part up to her submissions list; returns the exercise's title."""
    tool = _launch(page, stack, "carla")
    tool.get_by_role("link", name=LESSON).first.click()
    expect(tool.get_by_role("heading", level=1)).to_contain_text(LESSON)
    tool.locator("a[href*='/exercises/']").first.click()
    expect(tool.locator("article.exercise h1")).to_be_visible()
    exercise = tool.locator("article.exercise h1").inner_text().strip()

    tool.get_by_role("radio", name="Medien").check()
    tool.get_by_role("button", name="Aufgabe anzeigen").click()
    expect(tool.get_by_role("heading", name="Aufgabe für die Branche Medien")).to_be_visible()
    panel = tool.locator("#kw-submission")
    expect(panel.get_by_role("heading", level=2)).to_have_text(
        "Lösung einreichen und Feedback erhalten"
    )
    # The upload form is the last part of the exercise, after the chosen industry's task.
    assert _frame(page, stack).evaluate(
        """() => {
          const sections = document.querySelectorAll("article.exercise > section");
          const panel = document.getElementById("kw-submission");
          const variant = document.getElementById("kw-variant");
          return sections[sections.length - 1] === panel
            && (variant.compareDocumentPosition(panel) & Node.DOCUMENT_POSITION_FOLLOWING) !== 0;
        }"""
    )
    expect(panel.locator(".feedback-promise__date")).to_contain_text("Feedback bis")
    expect(panel).to_contain_text(
        f"Unser Ziel sind {stack.settings.feedback_target_days} Arbeitstage"
    )
    _accessible(page, stack, "exercise page with the upload form")

    panel.get_by_label("Ihre Lösung als PDF-Datei").set_input_files(str(pdf))
    panel.get_by_label("Worauf soll sich das Feedback konzentrieren?").fill(NOTE)
    panel.get_by_role("button", name="Lösung einreichen").click()

    # The receipt: what, when, which exercise, the feedback target.
    expect(tool.get_by_role("heading", level=1)).to_have_text("Ihre Einreichung ist eingegangen")
    facts = tool.locator("dl.submission-facts")
    expect(_fact(facts, "Übung")).to_have_text(exercise)
    expect(_fact(facts, "Branche")).to_contain_text("Medien")
    expect(_fact(facts, "Datei")).to_contain_text(FILE_NAME)
    expect(_fact(facts, "Datei")).to_contain_text(f"{PAGES} Seiten")
    expect(_fact(facts, "Eingegangen am").locator("time")).to_have_attribute(
        "datetime", re.compile(r"^\d{4}-\d{2}-\d{2}T")
    )
    expect(_fact(facts, "Status")).to_have_text("eingereicht")
    expect(_fact(facts, "Feedback bis").locator("time")).to_have_attribute(
        "datetime", re.compile(r"^\d{4}-\d{2}-\d{2}$")
    )
    expect(_fact(facts, "Worauf soll sich das Feedback konzentrieren?")).to_contain_text(NOTE)
    expect(tool.locator("main")).to_contain_text(f"per E-Mail an {CARLA_EMAIL}")
    _accessible(page, stack, "receipt")

    tool.get_by_role("link", name="Meine Einreichungen").first.click()
    expect(tool.get_by_role("heading", level=1)).to_have_text("Meine Einreichungen")
    row = tool.locator("table.submission-table tbody tr").filter(has_text=exercise)
    expect(row).to_have_count(1)
    expect(row).to_contain_text("eingereicht")
    return exercise


def _tom_opens_the_pdf(tutor_page: Any, tool: Any, pdf_bytes: bytes) -> None:
    """The inline link: served as an inline, sandboxed PDF, shown in Chromium's viewer."""
    link = tool.get_by_role("link", name=re.compile("^Im Browser lesen"))
    context = tutor_page.context
    with (
        context.expect_page() as opened,
        context.expect_event(
            "response",  # the new tab's, not a part the page's own viewer reads (Range)
            lambda r: (
                "/versions/1/file" in r.url
                and "disposition=inline" in r.url
                and "range" not in r.request.headers
            ),
        ) as answered,
    ):
        link.click()
    popup, response = opened.value, answered.value
    downloads: list[Any] = []
    popup.on("download", lambda download: downloads.append(download))
    assert response.status == 200
    headers = response.all_headers()  # ``headers`` leaves out security-related ones
    assert headers["content-type"] == "application/pdf"
    assert headers["content-disposition"].startswith("inline;")
    assert headers["x-content-type-options"] == "nosniff"
    policy = [part.strip() for part in headers["content-security-policy"].split(";")]
    assert "sandbox" in policy and "frame-ancestors 'none'" in policy, policy
    # The same URL fetched again (its page token authorises it): exactly Carla's file.
    assert context.request.get(response.url).body() == pdf_bytes

    viewer = _viewer_frame(popup)
    try:
        viewer.wait_for_function(f"() => ({VIEWER_PAGE_COUNT})() === {PAGES}", timeout=TIMEOUT_MS)
    except PlaywrightError as exc:
        found = viewer.evaluate(VIEWER_PAGE_COUNT)
        raise AssertionError(
            f"Chromium's PDF viewer opened but reports {found!r} pages, not {PAGES} "
            "(or its page selector moved in this Chromium version)"
        ) from exc
    assert downloads == []
    popup.close()


def _tom_reviews(tutor_page: Any, stack: Any, exercise: str, pdf_bytes: bytes) -> None:
    tool = _launch(tutor_page, stack, "tom")
    tool.get_by_role("link", name="Feedback-Warteschlange").click()
    expect(tool.get_by_role("heading", level=1)).to_have_text("Feedback-Warteschlange")
    row = tool.locator("table.queue tbody tr").filter(has_text=CARLA_NAME)
    expect(row).to_have_count(1)
    expect(row).to_contain_text(exercise)
    expect(row).to_contain_text("Medien")
    _accessible(tutor_page, stack, "feedback queue")

    row.get_by_role("link", name=re.compile(f"Einreichung von {CARLA_NAME}")).click()
    expect(tool.get_by_role("heading", level=1)).to_have_text(f"Einreichung: {exercise}")
    expect(tool.locator("blockquote.learner-note")).to_have_text(NOTE)
    _accessible(tutor_page, stack, "review page, unclaimed")
    tool.get_by_role("button", name="Einreichung übernehmen").click()
    expect(
        tool.get_by_role("status").filter(has_text="Sie haben die Einreichung übernommen.")
    ).to_be_visible()

    _tom_opens_the_pdf(tutor_page, tool, pdf_bytes)

    tool.get_by_label("Ihr Feedback").fill(FEEDBACK)
    tool.get_by_role("button", name="Vorschau anzeigen").click()
    preview = tool.locator("#kw-preview")
    expect(preview.get_by_role("heading", name="Eindruck")).to_be_visible()
    expect(preview.locator("strong")).to_have_text("Kundenbeziehungen")
    expect(preview.locator("li")).to_have_count(2)
    _accessible(tutor_page, stack, "review page with the preview")

    # The release goes through its confirmation, which shows what Carla will receive.
    tool.get_by_role("link", name="Feedback freigeben …").click()
    expect(tool.get_by_role("heading", level=1)).to_have_text("Freigabe prüfen")
    expect(tool.locator("main")).to_contain_text("Kundenbeziehungen")
    _accessible(tutor_page, stack, "release confirmation")
    tool.get_by_role("button", name="Feedback jetzt freigeben").click()
    expect(tool.get_by_role("status").filter(has_text="Feedback freigegeben.")).to_be_visible()
    _accessible(tutor_page, stack, "review page, released")


def _lines(text: str) -> str:
    """Mail text with SMTP's CRLF line ends as plain newlines."""
    return text.replace("\r\n", "\n")


def _to_carla(mail: CaughtMail) -> bool:
    return CARLA_EMAIL in mail.to


def _the_mails_arrived(page: Any, stack: Any, exercise: str, engine: Any) -> None:
    """The demo's worker delivers the feedback mail to the catcher; the outbox page lists it."""
    subject = f"Ihr Feedback ist da: {exercise}"
    arrived = stack.mails.wait_for_mail(
        lambda m: _to_carla(m) and m.subject == subject, timeout=MAIL_TIMEOUT_S
    )
    assert arrived is not None, [(m.to, m.subject) for m in stack.mails.newest_first()]
    with new_session(engine) as session:
        queued = [
            m.payload
            for m in session.exec(select(OutboxMessage).where(OutboxMessage.kind == "email"))
            if m.payload.get("to") == CARLA_EMAIL
        ]
    assert sorted(p["template"] for p in queued) == [
        "coaching_granted",  # the demo's seed granted her package by email
        "feedback_released",
        "submission_receipt",
    ]
    to_carla = [m for m in stack.mails.newest_first() if _to_carla(m)]
    feedback_mails = [m for m in to_carla if m.subject == subject]
    assert len(feedback_mails) == 1, [m.subject for m in to_carla]
    assert arrived.text is not None and FEEDBACK_AS_TEXT in _lines(arrived.text)
    assert arrived.html is not None and "<strong>Kundenbeziehungen</strong>" in arrived.html
    assert [m.subject for m in to_carla if m.subject.startswith("Eingangsbestätigung")] == [
        f"Eingangsbestätigung: {exercise}"
    ]

    # The simulator's "Postausgang (Demo)", in a tab of Carla's browser.
    outbox = page.context.new_page()
    try:
        outbox.goto(f"{stack.simulator_url}/")
        outbox.get_by_role("link", name="Postausgang (Demo)").click()
        expect(outbox.get_by_role("heading", level=1)).to_have_text("Postausgang (Demo)")
        listed = outbox.locator("tr").filter(has_text=subject)
        expect(listed).to_have_count(1)
        expect(listed).to_contain_text(CARLA_EMAIL)
        listed.get_by_role("link", name=subject).click()
        expect(outbox.get_by_role("heading", level=1)).to_have_text(subject)
        assert FEEDBACK_AS_TEXT in _lines(outbox.locator("pre").first.inner_text())
    finally:
        outbox.close()


def _carla_reads_the_feedback(page: Any, stack: Any, exercise: str) -> None:
    tool = page.frame_locator("#contentframe")
    tool.get_by_role("link", name=exercise).click()
    expect(tool.get_by_role("heading", level=1)).to_have_text(exercise)
    submission_url = _frame(page, stack).url
    _frame(page, stack).goto(submission_url)  # she reloads her submission
    expect(tool.get_by_role("heading", level=1)).to_have_text(exercise)
    expect(_fact(tool.locator("dl.submission-facts"), "Status")).to_have_text("Feedback erhalten")
    panel = tool.locator("section.feedback-panel")
    expect(panel.get_by_role("heading", name="Eindruck")).to_be_visible()
    expect(panel).to_contain_text("Ihre Analyse der Kundenbeziehungen ist schlüssig.")
    expect(panel.locator("strong")).to_have_text("Kundenbeziehungen")
    expect(panel.locator("li")).to_have_text(
        ["Zielgruppe: klar benannt", "Nächster Schritt: die Kanäle nach Aufwand ordnen"]
    )
    expect(panel).to_contain_text("Tom Tutor")
    _accessible(page, stack, "the learner's submission with feedback")

    # The feedback page the mail links to, opened in the LMS frame (same session).
    parts = urlsplit(submission_url)
    submission_id = parts.path.rstrip("/").split("/")[-1]
    context_path = parts.path.split("/submissions/")[0]
    feedback_url = f"{stack.tool_url}{context_path}/feedback/{submission_id}?{parts.query}"
    _frame(page, stack).goto(feedback_url)
    expect(tool.get_by_role("heading", level=1)).to_have_text(f"Feedback zu „{exercise}“")
    expect(tool.locator("main")).to_contain_text("Feedback erhalten")
    expect(tool.locator("main")).to_contain_text(
        "Ihre Analyse der Kundenbeziehungen ist schlüssig."
    )
    _accessible(page, stack, "the learner's feedback page")


def test_a_coaching_submission_goes_from_upload_to_mailed_feedback(
    page, tutor_page, demo_loop, engine, tmp_path: Path
):
    page.context.set_default_timeout(TIMEOUT_MS)
    pdf_bytes = pdfs.make_pdf(pages=PAGES)
    pdf = tmp_path / FILE_NAME
    pdf.write_bytes(pdf_bytes)

    exercise = _carla_submits(page, demo_loop, pdf)
    _tom_reviews(tutor_page, demo_loop, exercise, pdf_bytes)
    _the_mails_arrived(page, demo_loop, exercise, engine)
    _carla_reads_the_feedback(page, demo_loop, exercise)

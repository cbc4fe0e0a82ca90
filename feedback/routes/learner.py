"""What learners open (and staff of their course): the feedback page and the PDFs.

Each route takes any principal of the course (``ContextPrincipal``) and lets
``feedback.views`` decide: the learner who submitted, or the course's staff; 404 for
everyone else, and for a learner anything not yet released.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Protocol

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from markupsafe import Markup
from sqlmodel import Session

from feedback import review_landing, views
from feedback.dialogue import receipts
from feedback.dialogue import views as dialogue_views
from feedback.dialogue.models import ReadVia
from feedback.errors import not_found
from feedback.formatting import HELPERS
from feedback.http import pdf_response
from feedback.routes.tutor import Disposition, Id, settings_of, storage_of
from kurswerk.core.auth import ContextPrincipal, Principal, opened_from_email_link
from kurswerk.core.clock import utcnow
from kurswerk.core.db import MAX_ROW_ID, SessionDep
from kurswerk.core.errors import NotFound
from kurswerk.core.paths import request_path
from kurswerk.core.templating import environment, page_context, redirect_to, render

router = APIRouter(prefix="/c/{context}")


@dataclass(frozen=True)
class VersionPdf:
    """A PDF of a submission's version, asked for by a member of the course: the
    submitted file or the feedback PDF, as ``disposition`` says."""

    request: Request
    principal: Principal
    session: Session
    submission_id: int
    number: int
    disposition: Disposition

    def send(self, find: Callable[[Session, Principal, int, int], views.StoredPdf]) -> Response:
        """The PDF ``find`` allows (it raises ``NotFound`` otherwise); 404 if its stored
        object is gone."""
        stored = find(self.session, self.principal, self.submission_id, self.number)
        storage = storage_of(self.request)
        if not storage.exists(stored.key):
            raise not_found(f"stored object {stored.key} is missing")
        return pdf_response(storage.path_for(stored.key), stored.filename, self.disposition.value)


def _version_pdf(
    request: Request,
    principal: ContextPrincipal,
    session: SessionDep,
    submission_id: Id,
    number: Id,
    disposition: Disposition = Disposition.ATTACHMENT,
) -> VersionPdf:
    return VersionPdf(request, principal, session, submission_id, number, disposition)


AskedPdf = Annotated[VersionPdf, Depends(_version_pdf)]


@router.get("/review/{submission_id}/versions/{number}/file", name="feedback_submission_file")
def submission_file(pdf: AskedPdf) -> Response:
    """A submitted PDF: staff of the course and the learner who submitted it."""
    return pdf.send(views.submission_pdf)


def render_learner(
    request: Request,
    session: Session,
    principal: Principal,
    submission_id: int,
    *,
    status_code: int = 200,
    done: str = "",
    refusal: dialogue_views.Refusal | None = None,
) -> HTMLResponse:
    """The feedback page with every version and its feedback, and the dialogue about each
    (``feedback.dialogue``): a question or rating refused is shown beside its form."""
    page = views.learner_feedback_page(session, principal, submission_id)
    dialogue = dialogue_views.dialogue_page(
        session,
        principal,
        page.released,
        followup_days=settings_of(request).followup_days,
        now=utcnow(),
        refusal=refusal,
        done=done,
    )
    context = {"page": page, "dialogue": dialogue, **HELPERS}
    return render(request, "feedback/review_learner.html", context, status_code=status_code)


@router.get("/feedback/{submission_id}", name="feedback_learner")
def learner_feedback(
    request: Request,
    principal: ContextPrincipal,
    session: SessionDep,
    submission_id: Id,
    done: str = "",
) -> HTMLResponse:
    response = render_learner(request, session, principal, submission_id, done=done)
    # The learner's first opening - here or through the feedback email's link - is the
    # read receipt (staff looking record nothing).
    receipts.record_reads(session, principal, submission_id, via=_read_via(request))
    return response


def _read_via(request: Request) -> ReadVia:
    return ReadVia.EMAIL_LINK if opened_from_email_link(request) else ReadVia.TOOL


@router.get(
    "/feedback/{submission_id}/versions/{number}/attachment", name="feedback_attachment_file"
)
def attachment_file(pdf: AskedPdf) -> Response:
    """The feedback's PDF (the learner's with the tutor's annotations if the release
    wrote one, else the tutor's): the learner once released; staff also while it is a
    draft."""
    return pdf.send(views.feedback_pdf)


@router.get("/feedback/{submission_id}/versions/{number}/tutor-pdf", name="feedback_tutor_pdf")
def tutor_pdf_file(pdf: AskedPdf) -> Response:
    """The PDF the tutor attached, when the feedback's PDF is the annotated one."""
    return pdf.send(views.tutor_pdf)


@router.get("/submission-review/{user_id}", name="feedback_review_missing", response_model=None)
def review_missing(
    request: Request,
    principal: ContextPrincipal,
    session: SessionDep,
    user_id: Id,
    exercise: Annotated[int | None, Query(ge=1, le=MAX_ROW_ID)] = None,
) -> HTMLResponse | RedirectResponse:
    """Where a gradebook's *view submission* lands when there is nothing to show: the
    learner has not submitted for the exercise, or the column is not one of this
    course's exercises. Staff may ask about anyone of their course, a learner only
    about themselves; a submission that has arrived since opens instead."""
    page = review_landing.missing_submission(session, principal, user_id, exercise)
    if page is None:
        raise not_found(f"review of user {user_id} asked by user {principal.user_id}")
    if page.found:
        course_start = request_path(request, "course_home", context=principal.context_id)
        return redirect_to(request, principal, course_start + page.found)
    return render(request, "feedback/review_missing.html", {"page": page})


class _HasId(Protocol):
    @property
    def id(self) -> int: ...


def feedback_panel(
    request: Request, session: Session, principal: Principal, view: _HasId
) -> Markup | None:
    """Released feedback on the learner's submission page (the uploads domain's
    ``SUBMISSION_PANELS`` slot; ``view.id`` is the submission). Nothing for a
    submission without released feedback, or one the principal may not see."""
    try:
        page = views.learner_feedback_page(session, principal, view.id)
    except NotFound:
        return None
    if not page.released:
        return None
    receipts.record_reads(session, principal, view.id, via=_read_via(request))  # read here too
    context = {**page_context(request), "page": page, **HELPERS}
    html = environment.get_template("feedback/review_panel.html").render(context)
    return Markup(html)  # noqa: S704 - autoescaped template, feedback sanitised

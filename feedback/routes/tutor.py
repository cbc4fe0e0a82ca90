"""Pages and actions of tutors and admins (coaching issue §3; DESIGN.md §2 step 4): a
submission's review page, claiming, the draft, preview and release; and the helpers the
other page modules share (``feedback.routes.queue``: the queue; ``feedback.routes.attachments``:
the feedback PDF upload; ``feedback.routes.learner``: the learner's feedback page and the PDFs).

Thin: parse, authorise (``ContextPrincipal``: the URL's course is the session's; staff
routes answer 404 to learners, like every id that is not the caller's to see), call the
use-case modules (``feedback.queue``, ``feedback.claims``, ...), render. Every POST checks
CSRF; a refused change re-renders the page with the message and the tutor's text after
rolling back anything flushed. The feedback text's save is ``feedback.routes.draft``'s.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import Session

from feedback import access, claims, drafts, errors, views
from feedback import claims as claims_mod
from feedback import errors as errors_mod
from feedback import release as feedback_release
from feedback.comment_bank import views as comment_bank_views
from feedback.dialogue import views as dialogue_views
from feedback.errors import AttachmentRefused, not_found
from feedback.formatting import HELPERS
from feedback.http import read_form
from feedback.promises import views as promise_views
from feedback.promises.change import ChangeRefused
from kurswerk.core import i18n
from kurswerk.core.auth import ContextPrincipal, Principal, Role, email_links, require_role
from kurswerk.core.clock import utcnow
from kurswerk.core.csrf import CsrfChecked
from kurswerk.core.db import MAX_ROW_ID, RowId, SessionDep
from kurswerk.core.errors import AppError
from kurswerk.core.files.storage import Storage, storage_from_settings
from kurswerk.core.i18n import N_
from kurswerk.core.paths import path_for
from kurswerk.core.settings import Settings
from kurswerk.core.templating import PageRequest, render

router = APIRouter(prefix="/c/{context}")

MAX_ID = MAX_ROW_ID
Id = RowId
TutorPrincipal = Annotated[Principal, require_role(Role.TUTOR)]
FormData = Annotated[dict[str, str], Depends(read_form)]
# The form is read (size-capped) before the CSRF check parses it: order matters.
FORM_POST = [Depends(read_form), CsrfChecked]

DONE = {
    "renewed": N_("Ihre Vormerkung wurde verlängert."),
    "unclaimed": N_("Sie haben die Bearbeitung abgegeben."),
    "saved": N_("Entwurf gespeichert."),
    "attached": N_("PDF angehängt."),
    "attachment_removed": N_("PDF entfernt."),
    "released": N_(
        "Feedback freigegeben. Die E-Mail an die Teilnehmerin oder den Teilnehmer ist unterwegs."
    ),
    "already_released": N_(
        "Dieses Feedback war bereits freigegeben; es wurde nichts erneut versendet."
    ),
    "answered": N_(
        "Ihre Antwort ist gespeichert; die E-Mail an die Teilnehmerin oder den "
        "Teilnehmer ist unterwegs."
    ),
}
"""The confirmation for each outcome a redirect names (``?done=``), as message ids; the
outcomes of a claim in :func:`done_message` (one German text, two English ones)."""


def done_message(locale: str, done: str) -> str:
    """The confirmation line for ``?done=<outcome>`` in ``locale``; "" for any other value."""
    if done == claims_mod.ClaimOutcome.CLAIMED:
        return i18n.pgettext(
            locale, "confirmation after claiming", "Sie haben die Einreichung übernommen."
        )
    if done == claims_mod.ClaimOutcome.TAKEN_OVER:
        return i18n.pgettext(
            locale, "confirmation after taking over", "Sie haben die Einreichung übernommen."
        )
    return i18n.gettext(locale, DONE[done]) if done in DONE else ""


async def require_staff(principal: ContextPrincipal) -> Principal:
    """Tutors and admins of the session's course; anyone else: 404 (no I/O: async)."""
    if not access.is_staff(principal):
        raise not_found("staff page requested by a learner")
    return principal


StaffPrincipal = Annotated[Principal, Depends(require_staff)]


class Disposition(enum.StrEnum):
    INLINE = "inline"
    ATTACHMENT = "attachment"


# --- helpers --------------------------------------------------------------------------


def settings_of(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def claim_ttl(request: Request) -> timedelta:
    return timedelta(minutes=settings_of(request).review_claim_minutes)


def storage_of(request: Request) -> Storage:
    state = request.app.state
    storage: Storage | None = getattr(state, "feedback_storage", None)
    if storage is None:
        storage = state.feedback_storage = storage_from_settings(settings_of(request))
    return storage


def review_path(principal: Principal, submission_id: int) -> str:
    return path_for("feedback_review", context=principal.context_id, submission_id=submission_id)


def bounded_id(value: str | None) -> int | None:
    if value is None or not value.isdigit() or not 1 <= int(value) <= MAX_ID:
        return None
    return int(value)


def revision_number(value: str | None) -> int | None:
    """A revision a form sends back (0 and up), or None."""
    if value is None or not (value.isascii() and value.isdigit()) or len(value) > 19:
        return None
    return int(value) if int(value) <= MAX_ID else None


def render_review(
    request: Request,
    session: Session,
    principal: Principal,
    submission_id: int,
    *,
    status_code: int = 200,
    done: str = "",
    preview: bool = False,
    error: AppError | None = None,
    text: str | None = None,
    draft_revision: str | None = None,
    confirm: claims.ClaimState | None = None,
    promise_form: promise_views.PromiseForm | None = None,
    dialogue_refusal: dialogue_views.Refusal | None = None,
) -> HTMLResponse:
    now = utcnow()
    page = views.review_page(
        session,
        principal,
        submission_id,
        target_days=settings_of(request).feedback_target_days,
        now=now,
    )
    error_field = None
    if isinstance(error, errors.FeedbackTooLong | errors.FeedbackEmpty):
        error_field = "kw-feedback-body"
    elif isinstance(error, errors.DraftConflict):
        error_field = "kw-feedback-saved"
    elif isinstance(error, AttachmentRefused):
        error_field = "kw-attachment-file"
    elif isinstance(error, ChangeRefused) and error.field:
        error_field = f"kw-promise-{error.field.replace('_', '-')}"
    elif dialogue_refusal is not None:
        error_field = dialogue_refusal.field_id
    return render(
        request,
        "feedback/review_submission.html",
        {
            "page": page,
            "error_field": error_field,
            "error_title": (
                N_("Das wurde nicht gespeichert")
                if isinstance(error, errors.EditRefused)
                else N_("Das hat nicht geklappt")
            ),
            "done": done_message(principal.locale, done),
            "preview": preview and page.draft is not None,
            "error": error,
            "text": text,
            "draft_revision": draft_revision,
            "confirm": confirm,
            "max_upload_mb": settings_of(request).max_upload_mb,
            "promise": promise_views.review_block(
                session,
                submission_id,
                now=now,
                warning_hours=settings_of(request).promise_warning_hours,
                form=promise_form,
                done=done,
            ),
            # The read receipt and the follow-up question of each released feedback.
            "dialogue": dialogue_views.dialogue_page(
                session,
                principal,
                page.released,
                refusal=dialogue_refusal,
                now=now,
                followup_days=settings_of(request).followup_days,
            ),
            "comment_bank": (
                comment_bank_views.review_bank(
                    session,
                    principal,
                    submission_id,
                    draft_text=page.draft.body_markdown if page.draft else None,
                    learner_locale=page.facts.learner_locale,
                )  # fmt: skip
                if page.editing and not page.closed
                else None
            ),
            **HELPERS,
        },
        status_code=status_code,
    )


def refused_page(
    request: Request,
    session: Session,
    principal: Principal,
    submission_id: int,
    error: AppError,
    **kwargs: Any,
) -> HTMLResponse:
    """Nothing of a refused change may commit: roll back, then show the page again."""
    session.rollback()
    return render_review(
        request,
        session,
        principal,
        submission_id,
        status_code=error.status_code,
        error=error,
        **kwargs,
    )


@dataclass(frozen=True)
class Review(PageRequest):
    """What a handler of a submission's review page works with: the request, the tutor or
    admin, the session and the submission; with the page, its refusal and the way back."""

    submission_id: int

    @property
    def ttl(self) -> timedelta:
        return claim_ttl(self.request)

    def page(self, **kwargs: Any) -> HTMLResponse:
        return render_review(
            self.request, self.session, self.principal, self.submission_id, **kwargs
        )

    def refused(self, error: AppError, **kwargs: Any) -> HTMLResponse:
        return refused_page(
            self.request, self.session, self.principal, self.submission_id, error, **kwargs
        )

    def back(self, anchor: str = "", **params: str) -> RedirectResponse:
        """To the review page (post-redirect-get), at ``anchor``, with ``params``."""
        path = review_path(self.principal, self.submission_id)
        return self.to(path, anchor=anchor, **params)


def _review(
    request: Request, principal: StaffPrincipal, session: SessionDep, submission_id: Id
) -> Review:
    return Review(request, principal, session, submission_id)


StaffReview = Annotated[Review, Depends(_review)]
"""A handler's parameter for its ``Review`` (staff of the course only)."""


# --- a submission: review, claim, draft, release ------------------------------------


@router.get("/review/{submission_id}", name="feedback_review")
def review(review: StaffReview, done: str = "", preview: bool = False) -> HTMLResponse:
    return review.page(done=done, preview=preview)


@router.post("/review/{submission_id}/claim", name="feedback_claim", dependencies=FORM_POST)
def claim(review: StaffReview, form: FormData) -> Response:
    result = claims_mod.claim(
        review.session,
        review.principal,
        review.submission_id,
        ttl=review.ttl,
        takeover_from=bounded_id(form.get("takeover_from")),
    )
    if result.won:
        return review.back(done=result.outcome.value)
    if result.outcome == claims_mod.ClaimOutcome.NEEDS_CONFIRMATION:
        return review.page(confirm=result.state)
    if result.outcome == claims_mod.ClaimOutcome.CLOSED:
        error = AppError(
            N_(
                "Zu dieser Einreichung ist das Feedback bereits freigegeben; es gibt nichts zu "
                "übernehmen."
            ),
            409,
        )
    elif result.state is not None:
        error = AppError(
            N_(
                "%(name)s hat diese Einreichung bereits übernommen. Zwei Personen können sie "
                "nicht gleichzeitig bearbeiten."
            ),
            409,
            params={"name": result.state.holder_name},
        )
    else:
        error = AppError(N_("Jemand anderes hat diese Einreichung gerade übernommen."), 409)
    return review.refused(error)


@router.post("/review/{submission_id}/unclaim", name="feedback_unclaim", dependencies=FORM_POST)
def unclaim(review: StaffReview, form: FormData) -> Response:
    if not claims_mod.unclaim(review.session, review.principal, review.submission_id):
        return review.refused(errors_mod.NotClaimed(None))
    return review.back(done="unclaimed")


@router.post("/review/{submission_id}/release", name="feedback_release", dependencies=FORM_POST)
def release(review: StaffReview, form: FormData) -> Response:
    try:
        result = feedback_release.release(
            review.session,
            review.principal,
            review.submission_id,
            revision=form.get("revision", ""),
            annotations_revision=revision_number(form.get("annotations_revision")),
            storage=storage_of(review.request),
            links=email_links(review.request),
            ttl=review.ttl,
        )
    except errors_mod.EditRefused as exc:
        return review.refused(exc)
    return review.back(done="released" if result.newly_released else "already_released")


@router.post(
    "/review/{submission_id}/feedback/attachment/remove",
    name="feedback_attachment_remove",
    dependencies=FORM_POST,
)
def remove_attachment(review: StaffReview, form: FormData) -> Response:
    try:
        drafts.set_attachment(
            review.session, review.principal, review.submission_id, key=None, name=None,
            ttl=review.ttl,
        )  # fmt: skip
    except errors_mod.EditRefused as exc:
        return review.refused(exc)
    return review.back("kw-attachment", done="attachment_removed")

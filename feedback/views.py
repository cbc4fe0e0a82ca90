"""Pages and actions of the feedback domain (coaching issue §3; DESIGN.md §2 step 4).

Tutors and admins of a course: the queue, a submission's review page, claiming, the
draft (text and PDF), preview and release. Learners: their feedback page. Both: the
PDFs. Thin: parse, authorise (``ContextPrincipal``: the URL's course is the session's;
staff routes answer 404 to learners, like every id that is not the caller's to see),
call ``feedback.service``, render. Every POST checks CSRF; a refused change re-renders
the page with the message and the tutor's text after rolling back anything flushed.
"""

from __future__ import annotations

import enum
from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from feedback import service
from feedback.errors import AttachmentRefused, not_found
from feedback.formatting import HELPERS
from feedback.http import pdf_response, read_form
from kurswerk import i18n
from kurswerk.auth import ContextPrincipal, CsrfChecked, Principal, Role, codec, require_role
from kurswerk.db import SessionDep, new_session
from kurswerk.errors import AppError
from kurswerk.settings import Settings
from kurswerk.templating import render, with_query
from lti.models import utcnow
from uploads import service as uploads
from uploads.models import SubmissionStatus

router = APIRouter(prefix="/c/{context}")

MAX_ID = 2_147_483_647  # ids are 32-bit integers in the database
Id = Annotated[int, Path(ge=1, le=MAX_ID)]
TutorPrincipal = Annotated[Principal, require_role(Role.TUTOR)]
FormData = Annotated[dict[str, str], Depends(read_form)]
# The form is read (size-capped) before the CSRF check parses it: order matters.
FORM_POST = [Depends(read_form), CsrfChecked]

# Outcomes a redirect may name for the page's confirmation message.
DONE = frozenset(
    {
        "claimed",
        "renewed",
        "taken_over",
        "unclaimed",
        "saved",
        "attached",
        "attachment_removed",
        "released",
        "already_released",
    }
)


async def require_staff(principal: ContextPrincipal) -> Principal:
    """Tutors and admins of the session's course; anyone else: 404 (no I/O: async)."""
    if not service.is_staff(principal):
        raise not_found("staff page requested by a learner")
    return principal


StaffPrincipal = Annotated[Principal, Depends(require_staff)]


class Disposition(enum.StrEnum):
    INLINE = "inline"
    ATTACHMENT = "attachment"


# --- helpers --------------------------------------------------------------------------


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def _ttl(request: Request) -> timedelta:
    return timedelta(minutes=_settings(request).review_claim_minutes)


def _storage(request: Request) -> uploads.Storage:
    state = request.app.state
    storage: uploads.Storage | None = getattr(state, "feedback_storage", None)
    if storage is None:
        storage = state.feedback_storage = uploads.storage_from_settings(_settings(request))
    return storage


def review_path(principal: Principal, submission_id: int) -> str:
    return f"/c/{principal.context_id}/submissions/{submission_id}"


def _redirect(
    request: Request, principal: Principal, path: str, anchor: str = "", **params: str
) -> RedirectResponse:
    url = with_query(path, kt=codec(request).issue(principal), **params)
    return RedirectResponse(url + anchor, status_code=303)


def _bounded_id(value: str | None) -> int | None:
    if value is None or not value.isdigit() or not 1 <= int(value) <= MAX_ID:
        return None
    return int(value)


def _render_review(
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
    confirm: service.ClaimState | None = None,
) -> HTMLResponse:
    page = service.review_page(
        session,
        principal,
        submission_id,
        target_days=_settings(request).feedback_target_days,
        now=utcnow(),
    )
    error_field = None
    if isinstance(error, service.FeedbackTooLong | service.FeedbackEmpty):
        error_field = "kw-feedback-body"
    elif isinstance(error, AttachmentRefused):
        error_field = "kw-attachment-file"
    return render(
        request,
        "feedback/review_submission.html",
        {
            "page": page,
            "error_field": error_field,
            "error_title": (
                "feedback.error.title"
                if isinstance(error, service.EditRefused)
                else "feedback.error.claim_title"
            ),
            "done": done if done in DONE else "",
            "preview": preview and page.draft is not None,
            "error": error,
            "text": text,
            "confirm": confirm,
            "max_upload_mb": _settings(request).max_upload_mb,
            **HELPERS,
        },
        status_code=status_code,
    )


def _refused(
    request: Request,
    session: Session,
    principal: Principal,
    submission_id: int,
    error: AppError,
    **kwargs: Any,
) -> HTMLResponse:
    """Nothing of a refused change may commit: roll back, then show the page again."""
    session.rollback()
    return _render_review(
        request,
        session,
        principal,
        submission_id,
        status_code=error.status_code,
        error=error,
        **kwargs,
    )


# --- the queue ------------------------------------------------------------------------


def _filters(
    status: str, lesson: str, exercise: str, industry: str, after: str
) -> service.QueueFilters:
    try:
        status_filter = service.StatusFilter(status or "open")
        cursor = service.Cursor.decode(after) if after else None
    except ValueError as exc:  # BadCursor is a ValueError too
        raise AppError("feedback.queue.bad_filter", 400, reason=str(exc)) from exc
    exercise_id = _bounded_id(exercise) if exercise else None
    if (exercise and exercise_id is None) or (industry and industry not in service.INDUSTRIES):
        raise AppError("feedback.queue.bad_filter", 400, reason=f"{exercise!r} {industry!r}")
    if cursor is not None and cursor.submission_id > MAX_ID:
        raise AppError("feedback.queue.bad_filter", 400, reason="cursor id out of range")
    return service.QueueFilters(
        status=status_filter,
        lesson=lesson[:100] or None,
        exercise=exercise_id,
        industry=industry or None,
        after=cursor,
    )


@router.get("/queue", name="feedback_queue")
def queue(
    request: Request,
    principal: TutorPrincipal,
    session: SessionDep,
    status: str = "",
    lesson: str = "",
    exercise: str = "",
    industry: str = "",
    after: str = "",
) -> HTMLResponse:
    filters = _filters(status, lesson, exercise, industry, after)
    page = service.queue_page(
        session,
        context_id=principal.context_id,
        user_id=principal.user_id,
        filters=filters,
        target_days=_settings(request).feedback_target_days,
        now=utcnow(),
        page_size=service.PAGE_SIZE,
    )
    return render(
        request,
        "feedback/review_queue.html",
        {
            "page": page,
            "industries": service.INDUSTRIES,
            "statuses": list(service.StatusFilter),
            "labels": _queue_labels(principal.locale),
            **HELPERS,
        },
    )


def _queue_labels(locale: str) -> dict[str, Any]:
    """The texts every queue row repeats, translated once per page."""

    def t(key: str) -> str:
        return i18n.translate(locale, key)

    return {
        "status": {s.value: t(f"feedback.status.{s.value}") for s in SubmissionStatus},
        "industry": {i: t(f"industry.{i}") for i in service.INDUSTRIES},
        "version": t("feedback.queue.col.version"),
        "by": t("feedback.queue.claimed_by"),
        "by_you": t("feedback.queue.claimed_by_you"),
        "expired": t("feedback.queue.claim_expired"),
        "no_target": t("feedback.age.none"),
        "overdue": t("feedback.age.overdue"),
        "last_day": t("feedback.age.last_day"),
        "left_one": t("feedback.age.left_one"),
        "open": t("feedback.queue.open"),
    }


# --- a submission: review, claim, draft, release ------------------------------------


@router.get("/submissions/{submission_id}", name="feedback_review")
def review(
    request: Request,
    principal: StaffPrincipal,
    session: SessionDep,
    submission_id: Id,
    done: str = "",
    preview: bool = False,
) -> HTMLResponse:
    return _render_review(request, session, principal, submission_id, done=done, preview=preview)


@router.post("/submissions/{submission_id}/claim", name="feedback_claim", dependencies=FORM_POST)
def claim(
    request: Request,
    principal: StaffPrincipal,
    session: SessionDep,
    submission_id: Id,
    form: FormData,
) -> Response:
    result = service.claim(
        session,
        principal,
        submission_id,
        ttl=_ttl(request),
        takeover_from=_bounded_id(form.get("takeover_from")),
    )
    if result.won:
        return _redirect(
            request, principal, review_path(principal, submission_id), done=result.outcome.value
        )
    if result.outcome == service.ClaimOutcome.NEEDS_CONFIRMATION:
        return _render_review(request, session, principal, submission_id, confirm=result.state)
    if result.outcome == service.ClaimOutcome.CLOSED:
        error = AppError("feedback.claim.closed", 409)
    elif result.state is not None:
        error = AppError(
            "feedback.claim.held_by_other",
            409,
            params={"name": result.state.holder_name},
        )
    else:
        error = AppError("feedback.claim.lost", 409)
    return _refused(request, session, principal, submission_id, error)


@router.post(
    "/submissions/{submission_id}/unclaim", name="feedback_unclaim", dependencies=FORM_POST
)
def unclaim(
    request: Request,
    principal: StaffPrincipal,
    session: SessionDep,
    submission_id: Id,
    form: FormData,
) -> Response:
    if not service.unclaim(session, principal, submission_id):
        return _refused(request, session, principal, submission_id, service.NotClaimed(None))
    return _redirect(request, principal, review_path(principal, submission_id), done="unclaimed")


@router.post("/submissions/{submission_id}/feedback", name="feedback_save", dependencies=FORM_POST)
def save(
    request: Request,
    principal: StaffPrincipal,
    session: SessionDep,
    submission_id: Id,
    form: FormData,
) -> Response:
    text = form.get("body", "")
    try:
        service.save_draft(session, principal, submission_id, text, ttl=_ttl(request))
    except service.EditRefused as exc:
        return _refused(request, session, principal, submission_id, exc, text=text)
    path = review_path(principal, submission_id)
    if form.get("action") == "preview":
        return _redirect(request, principal, path, "#kw-preview", preview="1")
    return _redirect(request, principal, path, "#kw-editor", done="saved")


@router.post(
    "/submissions/{submission_id}/release", name="feedback_release", dependencies=FORM_POST
)
def release(
    request: Request,
    principal: StaffPrincipal,
    session: SessionDep,
    submission_id: Id,
    form: FormData,
) -> Response:
    try:
        result = service.release(
            session,
            principal,
            submission_id,
            revision=form.get("revision", ""),
            storage=_storage(request),
            base_url=_settings(request).base_url,
            ttl=_ttl(request),
        )
    except service.EditRefused as exc:
        return _refused(request, session, principal, submission_id, exc)
    done = "released" if result.newly_released else "already_released"
    return _redirect(request, principal, review_path(principal, submission_id), done=done)


@router.post(
    "/submissions/{submission_id}/feedback/attachment/remove",
    name="feedback_attachment_remove",
    dependencies=FORM_POST,
)
def remove_attachment(
    request: Request,
    principal: StaffPrincipal,
    session: SessionDep,
    submission_id: Id,
    form: FormData,
) -> Response:
    try:
        service.set_attachment(
            session, principal, submission_id, key=None, name=None, ttl=_ttl(request)
        )
    except service.EditRefused as exc:
        return _refused(request, session, principal, submission_id, exc)
    return _redirect(
        request,
        principal,
        review_path(principal, submission_id),
        "#kw-attachment",
        done="attachment_removed",
    )


@router.post(
    "/submissions/{submission_id}/feedback/attachment",
    name="feedback_attachment_upload",
    dependencies=[CsrfChecked],  # multipart: the token rides in the action's query string
)
async def upload_attachment(
    request: Request, principal: StaffPrincipal, submission_id: Id
) -> Response:
    """The feedback PDF: streamed in with the submission intake's limits, checked like a
    submission (PDF check in an isolated worker, virus scan when configured), stored
    under its hash, then attached to the draft. Any refusal leaves the draft unchanged."""
    engine = request.app.state.engine
    settings = _settings(request)
    storage = _storage(request)

    def edit(work: Any) -> Response | None:
        """Run ``work(session)`` in its own transaction; a refusal renders the page."""
        with new_session(engine) as session:
            try:
                work(session)
            except service.EditRefused as exc:
                return _refused(request, session, principal, submission_id, exc)
            session.commit()
        return None

    def refusal(exc: uploads.UploadRejected) -> Response:
        with new_session(engine) as session:
            error = AttachmentRefused(exc)
            return _refused(request, session, principal, submission_id, error)

    # Refuse early (before reading the body) when the draft is not ours to change.
    refused = await run_in_threadpool(
        edit, lambda session: service.may_edit(session, principal, submission_id)
    )
    if refused is not None:
        return refused
    limits = uploads.IntakeLimits(
        max_file_bytes=settings.max_upload_bytes, text_fields={"csrf_token": 256}
    )
    try:
        received = await uploads.receive_upload(request.stream(), request.headers, storage, limits)
    except uploads.UploadRejected as exc:
        return await run_in_threadpool(refusal, exc)
    try:
        key = await run_in_threadpool(_check_and_store, received, storage, settings)
    except uploads.UploadRejected as exc:
        return await run_in_threadpool(refusal, exc)
    finally:
        storage.delete_temp(received.temp_path)  # a committed file has left the temp folder

    refused = await run_in_threadpool(
        edit,
        lambda session: service.set_attachment(
            session,
            principal,
            submission_id,
            key=key,
            name=received.display_name,
            ttl=_ttl(request),
        ),
    )
    if refused is not None:
        return refused
    return _redirect(
        request, principal, review_path(principal, submission_id), "#kw-attachment", done="attached"
    )


def _check_and_store(
    received: uploads.ReceivedUpload, storage: uploads.Storage, settings: Settings
) -> str:
    uploads.check_pdf(received.temp_path)
    uploads.ensure_clean(received.temp_path, uploads.scanner_from_settings(settings))
    return storage.commit(received.temp_path, received.sha256)


# --- what learners (and staff) open ---------------------------------------------------


def _pdf(request: Request, stored: service.StoredPdf, disposition: Disposition) -> Response:
    storage = _storage(request)
    if not storage.exists(stored.key):
        raise not_found(f"stored object {stored.key} is missing")
    return pdf_response(storage.path_for(stored.key), stored.filename, disposition.value)


@router.get("/submissions/{submission_id}/versions/{number}/file", name="feedback_submission_file")
def submission_file(
    request: Request,
    principal: ContextPrincipal,
    session: SessionDep,
    submission_id: Id,
    number: Id,
    disposition: Disposition = Disposition.ATTACHMENT,
) -> Response:
    """A submitted PDF: staff of the course and the learner who submitted it."""
    return _pdf(
        request, service.submission_pdf(session, principal, submission_id, number), disposition
    )


@router.get("/feedback/{submission_id}", name="feedback_learner")
def learner_feedback(
    request: Request, principal: ContextPrincipal, session: SessionDep, submission_id: Id
) -> HTMLResponse:
    page = service.learner_feedback_page(session, principal, submission_id)
    return render(request, "feedback/review_learner.html", {"page": page, **HELPERS})


@router.get(
    "/feedback/{submission_id}/versions/{number}/attachment", name="feedback_attachment_file"
)
def attachment_file(
    request: Request,
    principal: ContextPrincipal,
    session: SessionDep,
    submission_id: Id,
    number: Id,
    disposition: Disposition = Disposition.ATTACHMENT,
) -> Response:
    """The feedback PDF: the learner once released; staff also while it is a draft."""
    return _pdf(
        request, service.feedback_pdf(session, principal, submission_id, number), disposition
    )

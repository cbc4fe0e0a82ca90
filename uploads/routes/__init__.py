"""Routes of submitting (coaching issue §2): the upload panel on the exercise page, the
upload itself, the learner's receipt, list, detail and downloads, and the tutors' choice
of how to hear of new submissions (the upload at the end of the lesson page:
``uploads.routes.lesson_end``). Thin: authorise, call the use-case modules, render.

``POST /c/{context}/exercises/{exercise_id}/submissions`` (DESIGN.md §2 step 3) takes
``industry`` and ``idempotency_key`` in its query string, so both are checked before the
body is read; the body is ``multipart/form-data`` with the ``csrf_token`` field first
(or the ``X-CSRF-Token`` header; never the URL, which logs keep), then one ``file`` and an
optional ``note``. The route is ``async`` because it streams the body itself; its database work runs
in the threadpool.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

import anyio.to_thread
from fastapi import Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response, StreamingResponse
from markupsafe import Markup
from sqlalchemy.engine import Engine
from sqlmodel import Session

from course.service import ExercisePage
from kurswerk.core.auth import ContextPrincipal, Principal, Role
from kurswerk.core.body_limit import StreamedBody, streams_own_body
from kurswerk.core.clock import utcnow
from kurswerk.core.csrf import CsrfChecked, CsrfGate, StreamedCsrf
from kurswerk.core.db import RowId, SessionDep, new_session
from kurswerk.core.errors import AppError, Forbidden
from kurswerk.core.extensions import CourseHomeLink
from kurswerk.core.files.download import pdf_download
from kurswerk.core.files.errors import UploadRejected
from kurswerk.core.http import content_disposition
from kurswerk.core.i18n import N_
from kurswerk.core.paths import request_path
from kurswerk.core.templating import redirect_to
from uploads import mail, promised, queries
from uploads import panels as panels_mod
from uploads import submissions as submissions_mod
from uploads.format import Formats
from uploads.models import SubmissionStatus, TutorMailMode
from uploads.routes import lesson_end  # noqa: F401 - adds its routes to the uploads router
from uploads.routes.base import (
    NOTE_CODES,
    TEMPLATES,
    answer_upload,
    fragment,
    page,
    receipt_path,
    router,
    submit_tools,
    tools,
)

__all__ = ["TEMPLATES", "router", "submit_tools"]
"""The app factory and the composition root take these from here."""

# The refusals of the tutors' mail settings.
_TUTORS_ONLY = N_("Diese Einstellung gibt es nur für Tutor:innen dieses Kurses.")
_NO_SUCH_MODE = N_("Bitte wählen Sie eine der angebotenen Möglichkeiten.")


SUBMISSIONS_LINK = CourseHomeLink(
    N_("Meine Einreichungen"), "submission_list", frozenset({Role.LEARNER})
)
"""A learner's submissions on the course home."""


# --- the panel on the exercise page -----------------------------------------------------


def exercise_panel(
    request: Request,
    session: Session,
    principal: Principal,
    page: ExercisePage,
    industry: str | None,
) -> Markup | None:
    """Learners: the upload form (package holders) or what a package offers. Tutors: a
    pointer to their mail settings. Admins: nothing."""
    if principal.role is Role.ADMIN:
        return None
    if principal.role is Role.TUTOR:
        return fragment(request, "uploads/panel_tutor.html", {})
    chosen = industry if industry else (None if page.variants else "")
    state = panels_mod.upload_state(session, principal, page.exercise_id, chosen)
    replacing = state.existing.id if state.existing else None
    settings = request.app.state.settings
    return fragment(
        request,
        "uploads/panel.html",
        {
            "state": state,
            "chosen": chosen,
            "action": request_path(
                request,
                "submission_create",
                context=principal.context_id,
                exercise_id=page.exercise_id,
            ),
            "key": submissions_mod.new_idempotency_key(),
            "limit_mb": tools(request).limits.max_file_mb,
            "target_days": settings.feedback_target_days,
            "due": _quote(request, session, principal.context_id, replacing),
            "fmt": Formats(principal.locale),
        },
    )


def _quote(request: Request, db: Session, context_id: int, replacing: int | None = None) -> date:
    """The feedback date a submission made now would be promised (``replacing``: the
    learner's submission the upload would add a version to)."""
    target_days = request.app.state.settings.feedback_target_days
    return promised.quote(db, context_id, target_days, utcnow(), replacing)


# --- uploading --------------------------------------------------------------------------


def _preflight_committed(
    engine: Engine, principal: Principal, exercise_id: RowId, industry: str, key: str
) -> submissions_mod.Preflight | submissions_mod.SubmissionResult:
    """Step 1 in a short transaction of its own: no connection is held while the body
    streams in (it may bind email grants, which is why it commits)."""
    with new_session(engine) as session:
        checked = submissions_mod.preflight(session, principal, exercise_id, industry, key)
        session.commit()
    return checked


@router.post("/c/{context}/exercises/{exercise_id}/submissions", name="submission_create")
@streams_own_body
async def create_submission(
    request: Request,
    principal: ContextPrincipal,
    session: SessionDep,
    exercise_id: RowId,
    csrf: StreamedCsrf,
    industry: str = "",
    idempotency_key: str = "",
) -> Response:
    body = StreamedBody(request)
    return await answer_upload(
        request,
        body,
        _submit(request, principal, session, body, exercise_id, industry, idempotency_key, csrf),
    )


async def _submit(
    request: Request,
    principal: Principal,
    session: Session,
    body: StreamedBody,
    exercise_id: RowId,
    industry: str,
    idempotency_key: str,
    csrf: CsrfGate,
) -> Response:
    checked = await anyio.to_thread.run_sync(
        _preflight_committed,
        request.app.state.engine,
        principal,
        exercise_id,
        industry,
        idempotency_key,
    )
    if isinstance(checked, submissions_mod.SubmissionResult):
        return redirect_to(request, principal, receipt_path(request, principal.context_id, checked))
    try:
        result = await submissions_mod.submit(
            session,
            principal,
            checked,
            body.chunks(),
            request.headers,
            idempotency_key=idempotency_key,
            tools=tools(request),
            csrf=csrf,
        )
    except UploadRejected as rejected:
        session.rollback()  # nothing of a refused upload stays
        return await anyio.to_thread.run_sync(
            _form_with_error, request, session, checked, idempotency_key, rejected
        )
    return redirect_to(request, principal, receipt_path(request, principal.context_id, result))


def _form_with_error(
    request: Request,
    session: Session,
    checked: submissions_mod.Preflight,
    key: str,
    rejected: UploadRejected,
) -> HTMLResponse:
    """The form again, with an error summary that links to the field at fault."""
    settings = request.app.state.settings
    return page(
        request,
        "uploads/form.html",
        {
            "target": checked.target,
            "status": checked.status,
            "resubmission": checked.resubmission,
            "error": rejected,
            "error_field": "note" if rejected.code in NOTE_CODES else "file",
            "action": checked.target.submit_path,
            "key": key,
            "limit_mb": tools(request).limits.max_file_mb,
            "target_days": settings.feedback_target_days,
            "due": _quote(request, session, checked.target.context_id),
        },
        status=rejected.status_code,
    )


# --- the learner's pages ----------------------------------------------------------------


@router.get("/c/{context}/submissions", name="submission_list")
def submission_list(
    request: Request, principal: ContextPrincipal, session: SessionDep
) -> HTMLResponse:
    submissions = queries.learner_submissions(session, principal)
    context = {
        "submissions": submissions,
        "statuses": list(SubmissionStatus),
        "promised": promised.promised_dates(session, [s.id for s in submissions]),
    }
    return page(request, "uploads/list.html", context)


@router.get("/c/{context}/submissions/settings", name="submission_settings")
def tutor_settings(
    request: Request, principal: ContextPrincipal, session: SessionDep, saved: bool = False
) -> HTMLResponse:
    _require_tutor(principal)
    mode = mail.tutor_mail_mode(session, principal.user_id, principal.context_id)
    return page(
        request,
        "uploads/settings.html",
        {
            "mode": mode.value,
            "modes": list(TutorMailMode),
            "saved": saved,
            "digest_hour": request.app.state.settings.digest_hour,
        },
    )


@router.post(
    "/c/{context}/submissions/settings",
    name="submission_settings_save",
    dependencies=[CsrfChecked],
)
def tutor_settings_save(
    request: Request,
    principal: ContextPrincipal,
    session: SessionDep,
    mode: Annotated[str, Form()],
) -> RedirectResponse:
    _require_tutor(principal)
    try:
        choice = TutorMailMode(mode)
    except ValueError as exc:
        raise AppError(_NO_SUCH_MODE, 400, reason=f"mode {mode[:20]!r}") from exc
    mail.set_tutor_mail_mode(session, principal.user_id, principal.context_id, choice)
    path = request_path(request, "submission_settings", context=principal.context_id)
    return redirect_to(request, principal, path, saved="1")


def _require_tutor(principal: Principal) -> None:
    if principal.role is not Role.TUTOR:
        raise Forbidden(_TUTORS_ONLY, reason=f"role {principal.role.value}")


@router.get("/c/{context}/submissions/{submission_id}", name="submission_detail")
def submission_detail(
    request: Request, principal: ContextPrincipal, session: SessionDep, submission_id: RowId
) -> HTMLResponse:
    view = queries.learner_submission(session, principal, submission_id)
    panels = panels_mod.submission_panels(request, session, principal, view)
    dates = promised.promised_dates(session, [view.id])
    return page(
        request,
        "uploads/detail.html",
        {"view": view, "panels": panels, "promise": dates.get((view.id, view.latest_version))},
    )


@router.get("/c/{context}/submissions/{submission_id}/versions/{number}", name="submission_receipt")
def submission_receipt(
    request: Request,
    principal: ContextPrincipal,
    session: SessionDep,
    submission_id: RowId,
    number: RowId,
) -> HTMLResponse:
    view = queries.learner_submission(session, principal, submission_id)
    version = next((v for v in view.versions if v.number == number), None)
    if version is None:
        raise AppError(queries.SUBMISSION_NOT_FOUND, 404, reason=f"no version {number}")
    dates = promised.promised_dates(session, [view.id])
    return page(
        request,
        "uploads/receipt.html",
        {
            "view": view,
            "version": version,
            "email": queries.learner_email(session, principal),
            "promise": dates.get((view.id, version.number)),
        },
    )


@router.get(
    "/c/{context}/submissions/{submission_id}/versions/{number}/file", name="submission_file"
)
def submission_file(
    request: Request,
    principal: ContextPrincipal,
    session: SessionDep,
    submission_id: RowId,
    number: RowId,
) -> StreamingResponse:
    """The learner's own PDF, as a download (never shown inline by us)."""
    found = queries.learner_version_file(session, principal, submission_id, number)
    return pdf_download(
        tools(request).storage,
        found.file_key,
        disposition=content_disposition("attachment", found.display_name),
        size=found.size,
    )

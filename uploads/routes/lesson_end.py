"""The upload at the end of the lesson page (issue #12 §3; ``uploads.lesson_end``): the
panel the lesson page shows as its last section, ``#kw-upload``, and the upload it posts.

``POST /c/{context}/lessons/{slug}/submissions`` is the exercise page's upload with the
choice in the form: ``idempotency_key`` in the query string (checked before the body is
read); the body is ``multipart/form-data`` with ``csrf_token``, ``exercise`` (the
exercise's slug), ``industry`` and the optional ``note`` before the one ``file``. When the
file begins, the fields before it run the same preflight as the exercise page's upload
(``uploads.submissions``: key, exercise, entitlement); the reader keeps no byte of the
file until it passes. Then the same intake, checks, storage, records, receipt and mails.
A refusal (a choice the lesson does not offer, a used-up package, a file that is too big
or not a PDF) shows the form again with what the learner chose and wrote.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import date
from functools import lru_cache

import anyio.to_thread
from fastapi import Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import Connection
from sqlalchemy.engine import Engine
from sqlmodel import Session

from course import service as course_service
from course.service import EndPanel, LessonView
from kurswerk.core.auth import ContextPrincipal, Principal, Role
from kurswerk.core.body_limit import StreamedBody, streams_own_body
from kurswerk.core.clock import utcnow
from kurswerk.core.csrf import StreamedCsrf
from kurswerk.core.db import SessionDep, new_session
from kurswerk.core.errors import AppError
from kurswerk.core.files.errors import UploadRejected
from kurswerk.core.files.intake import IntakeLimits
from kurswerk.core.i18n import N_
from kurswerk.core.paths import path_for
from kurswerk.core.templating import redirect_to
from uploads import lesson_end, promised
from uploads import submissions as submissions_mod
from uploads.routes.base import NOTE_CODES, answer_upload, page, receipt_path, router, tools

FORM_ROUTE = "lesson_submission_create"


def lesson_end_panel(
    request: Request, connection: Connection, principal: Principal, view: LessonView
) -> EndPanel | None:
    """Learners: the form (package holders) or what a package offers, after one query.
    Tutors and admins: where learners hand in, and the way to the feedback queue. A
    lesson without exercises: nothing."""
    if not view.exercise_choices:
        return None
    if principal.role is not Role.LEARNER:
        links = [(N_("Feedback-Warteschlange"), _path("feedback_queue", principal.context_id))]
        if principal.role is Role.TUTOR:
            links.append((SETTINGS_LINK, _path("submission_settings", principal.context_id)))
        return EndPanel("uploads/lesson_end_staff.html", {"links": links})
    state = _state(request, connection, principal)
    key = submissions_mod.new_idempotency_key()
    return EndPanel(
        "uploads/lesson_end.html", _form_values(request, principal, view, state, key, state.due)
    )


def _state(
    request: Request, connection: Connection, principal: Principal
) -> lesson_end.LessonEndState:
    """The learner's package and, for a holder, the date a submission made now would be
    promised: one query."""
    now = utcnow()
    target_days = request.app.state.settings.feedback_target_days
    return lesson_end.lesson_end_state(
        connection, principal, now.date(), target_days=target_days, now=now
    )


def _quote(request: Request, db: Connection | Session, principal: Principal) -> date:
    """The feedback date a submission made now would be promised."""
    target_days = request.app.state.settings.feedback_target_days
    return promised.quote(db, principal.context_id, target_days, utcnow())


SETTINGS_LINK = N_("E-Mails über neue Einreichungen einstellen")


@lru_cache(maxsize=4096)
def _path(route: str, context_id: int, slug: str | None = None) -> str:
    """A route's path (the same for every request: the lesson page is the hot path, and
    a route's path takes a walk through the route table)."""
    params: dict[str, object] = {"context": context_id}
    if slug is not None:
        params["slug"] = slug
    return path_for(route, **params)


def _form_values(
    request: Request,
    principal: Principal,
    view: LessonView,
    state: lesson_end.LessonEndState,
    key: str,
    due: date | None,
    fields: Mapping[str, str] | None = None,
) -> dict[str, object]:
    return {
        "state": state,
        "form": lesson_end.lesson_form(view, principal.locale, fields),
        "action": _path(FORM_ROUTE, principal.context_id, view.slug),
        "submissions": _path("submission_list", principal.context_id),
        "key": key,
        "limit_mb": tools(request).limits.max_file_mb,
        "target_days": request.app.state.settings.feedback_target_days,
        "due": due,
    }


# --- uploading --------------------------------------------------------------------------


class _Replayed(Exception):
    """The form's key was used already: its first result, found when the file began."""

    def __init__(self, result: submissions_mod.SubmissionResult) -> None:
        super().__init__("replayed")
        self.result = result


class _Choice:
    """The check when the file begins (``before_file`` of the intake): keeps the fields
    read so far (what the learner chose and wrote, for a form shown again) and runs the
    preflight in a short transaction of its own, in a thread."""

    def __init__(self, engine: Engine, principal: Principal, slug: str, key: str) -> None:
        self.engine, self.principal, self.slug, self.key = engine, principal, slug, key
        self.fields: dict[str, str] = {}
        self.checked: submissions_mod.Preflight | None = None

    async def __call__(self, fields: Mapping[str, str]) -> None:
        self.fields = dict(fields)
        checked = await anyio.to_thread.run_sync(self._preflight)
        if isinstance(checked, submissions_mod.SubmissionResult):
            raise _Replayed(checked)
        self.checked = checked

    def _preflight(self) -> submissions_mod.Preflight | submissions_mod.SubmissionResult:
        with new_session(self.engine) as session:
            checked = lesson_end.lesson_preflight(
                session,
                self.principal,
                self.slug,
                self.fields.get(lesson_end.EXERCISE_FIELD, ""),
                self.fields.get(lesson_end.INDUSTRY_FIELD, ""),
                self.key,
            )
            session.commit()  # it may bind the LMS course or email grants
        return checked


def _limits(request: Request) -> IntakeLimits:
    """The app's limits, with room for the form's choices."""
    limits = tools(request).limits
    return replace(limits, text_fields={**limits.text_fields, **lesson_end.CHOICE_FIELD_BYTES})


@router.post("/c/{context}/lessons/{slug}/submissions", name=FORM_ROUTE)
@streams_own_body
async def create_lesson_submission(
    request: Request,
    principal: ContextPrincipal,
    session: SessionDep,
    slug: str,
    csrf: StreamedCsrf,
    idempotency_key: str = "",
) -> Response:
    body = StreamedBody(request)
    return await answer_upload(
        request, body, _submit(request, principal, session, body, slug, idempotency_key, csrf)
    )


async def _submit(
    request: Request,
    principal: Principal,
    session: Session,
    body: StreamedBody,
    slug: str,
    key: str,
    csrf: StreamedCsrf,
) -> Response:
    submissions_mod.check_key(key)
    engine = request.app.state.engine
    choice = _Choice(engine, principal, slug, key)
    try:
        received = await submissions_mod.receive(
            body.chunks(), request.headers, tools(request), csrf=csrf, limits=_limits(request),
            before_file=choice,
        )  # fmt: skip
        if choice.checked is None:  # no file part at all
            raise UploadRejected("no_file")
        result = await submissions_mod.keep(
            session, principal, choice.checked, received, idempotency_key=key, tools=tools(request)
        )
    except _Replayed as replayed:
        result = replayed.result
    except (UploadRejected, submissions_mod.QuotaUsed, lesson_end.ChoiceRefused) as refused:
        return await anyio.to_thread.run_sync(
            _form_with_error, request, engine, principal, slug, key, choice.fields, refused
        )
    return redirect_to(request, principal, receipt_path(request, principal.context_id, result))


def _form_with_error(
    request: Request,
    engine: Engine,
    principal: Principal,
    slug: str,
    key: str,
    fields: Mapping[str, str],
    refused: AppError,
) -> HTMLResponse:
    """The form again, with an error summary that links to the field at fault and what
    the learner chose and wrote (the same key: nothing was stored)."""
    if isinstance(refused, lesson_end.ChoiceRefused):
        field = refused.field
    elif isinstance(refused, submissions_mod.QuotaUsed):
        field = lesson_end.EXERCISE_FIELD
    else:
        field = (
            "note" if isinstance(refused, UploadRejected) and refused.code in NOTE_CODES else "file"
        )
    with new_session(engine) as session:
        view = course_service.lesson_view(session, principal, slug)
        state = lesson_end.lesson_end_state(session.connection(), principal, utcnow().date())
        due = _quote(request, session, principal)
    values = _form_values(request, principal, view, state, key, due, fields)
    return page(
        request,
        "uploads/lesson_form.html",
        {"panel": EndPanel("", values), "view": view, "error": refused, "error_field": field},
        status=refused.status_code,
    )

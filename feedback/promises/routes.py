"""The promise's own pages: a tutor's weekly capacity (``/c/{context}/promises/capacity``)
and the admins' report with its CSV (``/c/{context}/admin/promises``). The form for a new
date sits on the review page (``feedback.routes.promise``).

Thin: parse, authorise (the capacity: tutors of the session's LMS course; the report:
admins, for their platform's LMS courses), call the use-case modules, render. The POST
checks CSRF; a refused value shows the form again with 422, nothing saved.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from feedback.http import read_form
from feedback.promises import capacity, export, report, views
from kurswerk.core.auth import ContextPrincipal, Principal, Role, require_role
from kurswerk.core.clock import utcnow
from kurswerk.core.csrf import CsrfChecked
from kurswerk.core.db import MAX_ROW_ID, SessionDep
from kurswerk.core.errors import AppError, Forbidden
from kurswerk.core.extensions import CourseHomeLink
from kurswerk.core.http import content_disposition
from kurswerk.core.i18n import N_
from kurswerk.core.paths import request_path
from kurswerk.core.settings import Settings
from kurswerk.core.templating import redirect_to, render

router = APIRouter(prefix="/c/{context}")

FormData = Annotated[dict[str, str], Depends(read_form)]
FORM_POST = [Depends(read_form), CsrfChecked]  # the form is read (capped) before the check
AdminPrincipal = Annotated[Principal, require_role(Role.ADMIN)]

CAPACITY_LINK = CourseHomeLink(
    N_("Meine Feedback-Kapazität"), "promise_capacity", frozenset({Role.TUTOR})
)
REPORT_LINK = CourseHomeLink(N_("Feedbackzusagen"), "promise_report", frozenset({Role.ADMIN}))
"""The course home's links to these pages (the composition root lists them)."""

TUTORS_ONLY = N_("Diese Seite gibt es nur für Tutor:innen dieses Kurses.")
BAD_COURSE = N_("Diese Auswahl gibt es nicht. Bitte wählen Sie einen LMS-Kurs aus der Liste.")
CSV_NAME = "feedbackzusagen.csv"


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def _tutor(principal: ContextPrincipal) -> Principal:
    if principal.role is not Role.TUTOR:
        raise Forbidden(TUTORS_ONLY, reason=f"role {principal.role.value}")
    return principal


TutorPrincipal = Annotated[Principal, Depends(_tutor)]


# --- a tutor's weekly capacity ------------------------------------------------------------


def _capacity_page(
    request: Request,
    session: SessionDep,
    principal: Principal,
    *,
    value: str | None = None,
    error: AppError | None = None,
    saved: bool = False,
) -> HTMLResponse:
    stated = capacity.stated_capacity(session, principal.user_id, principal.context_id)
    view = views.capacity_page(
        session,
        context_id=principal.context_id,
        stated=stated,
        target_days=_settings(request).feedback_target_days,
        now=utcnow(),
    )
    shown = value if value is not None else ("" if stated is None else str(stated))
    return render(
        request,
        "feedback/promises/capacity.html",
        {"view": view, "value": shown, "error": error, "saved": saved},
        status_code=error.status_code if error else 200,
    )


@router.get("/promises/capacity", name="promise_capacity")
def capacity_form(
    request: Request, principal: TutorPrincipal, session: SessionDep, saved: bool = False
) -> HTMLResponse:
    return _capacity_page(request, session, principal, saved=saved)


@router.post("/promises/capacity", name="promise_capacity_save", dependencies=FORM_POST)
def capacity_save(
    request: Request, principal: TutorPrincipal, session: SessionDep, form: FormData
) -> Response:
    raw = form.get("per_week", "")
    try:
        per_week = capacity.parse_capacity(raw)
    except capacity.CapacityRefused as refused:
        session.rollback()
        return _capacity_page(request, session, principal, value=raw, error=refused)
    capacity.state_capacity(session, principal.user_id, principal.context_id, per_week)
    path = request_path(request, "promise_capacity", context=principal.context_id)
    return redirect_to(request, principal, path, saved="1")


# --- the admins' report ------------------------------------------------------------------


def _course_choice(raw: str | None) -> int | None:
    if raw is None or raw == "":
        return None
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_ROW_ID:
        raise AppError(BAD_COURSE, 400, reason=f"course {raw[:20]!r}")
    return int(raw)


def _report(request: Request, session: SessionDep, principal: Principal) -> report.Report:
    return report.build_report(
        session,
        platform_id=principal.platform_id,
        course_id=_course_choice(request.query_params.get("course")),
        now=utcnow(),
        warning_hours=_settings(request).promise_warning_hours,
    )


@router.get("/admin/promises", name="promise_report")
def report_page(request: Request, principal: AdminPrincipal, session: SessionDep) -> HTMLResponse:
    found = _report(request, session, principal)
    return render(
        request,
        "feedback/promises/report.html",
        {
            "report": found,
            "sections": views.report_sections(found, principal.locale),
            "value_text": views.value_text,
            "measure": views.MEASURES,
            "limit": report.AT_RISK_LIMIT,
        },
    )


@router.get("/admin/promises.csv", name="promise_report_csv")
def report_csv(request: Request, principal: AdminPrincipal, session: SessionDep) -> Response:
    found = _report(request, session, principal)
    return Response(
        export.report_csv(found).encode("utf-8"),
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": content_disposition("attachment", CSV_NAME),
            "X-Content-Type-Options": "nosniff",
        },
    )

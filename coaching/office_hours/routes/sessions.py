"""The tutors' and admins' side of office hours.

* ``/c/{context}/office-hours/sessions``: a tutor's sessions (bookings of their own
  slots) upcoming, past and cancelled; one session with the learner's topic and PDF, the
  notes (private, or shared with the learner), held / no-show, cancel and move.
* ``/c/{context}/office-hours/bookings``: every booking of the course and the hours
  spent per package and month, for admins; ``…/bookings/export`` as a CSV file.

Thin: authorise, call ``booking`` / ``tutoring``, render. A refused change shows its page
again with the reason (the session rolled back first); a change redirects with
``?done=``.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Form, Request
from fastapi.responses import HTMLResponse, Response
from sqlmodel import Session

from coaching.common import CoachingRefused, Problem
from coaching.office_hours import export, queries, tutoring, views
from coaching.office_hours.routes.booking import page
from coaching.routes.base import router
from kurswerk.core.auth import Principal, Role, require_role
from kurswerk.core.clock import as_utc, local_date, utcnow
from kurswerk.core.csrf import CsrfChecked
from kurswerk.core.db import RowId, SessionDep
from kurswerk.core.errors import NOT_FOUND, NotFound
from kurswerk.core.extensions import CourseHomeLink
from kurswerk.core.http import content_disposition
from kurswerk.core.i18n import N_
from kurswerk.core.paths import request_path
from kurswerk.core.templating import redirect_to
from lti.models import LmsContext

StaffPrincipal = Annotated[Principal, require_role(Role.TUTOR)]
AdminPrincipal = Annotated[Principal, require_role(Role.ADMIN)]
Text = Annotated[str, Form()]

SESSIONS_LINK = CourseHomeLink(
    N_("Meine Sprechstundentermine"), "office_hours_sessions", frozenset({Role.TUTOR})
)
"""A tutor's booked sessions on the course home."""
BOOKINGS_LINK = CourseHomeLink(
    N_("Sprechstunden: alle Buchungen"), "office_hours_bookings", frozenset({Role.ADMIN})
)
"""Every booking of the course, for admins, on the course home."""

SESSION = "/c/{context}/office-hours/sessions/{booking_id}"

DONE = {
    "notes_saved": N_("Die Notizen wurden gespeichert."),
    "unchanged": N_("Es gab nichts zu ändern."),
    "outcome_saved": N_("Das Ergebnis wurde eingetragen."),
    "cancelled": N_(
        "Der Termin ist abgesagt. Die Teilnehmerin oder der Teilnehmer erhält die "
        "Sprechstunde zurück und wird per E-Mail benachrichtigt."
    ),
    "moved": N_(
        "Der Termin wurde verschoben. Die Teilnehmerin oder der Teilnehmer wird per E-Mail "
        "benachrichtigt."
    ),
}


@router.get("/c/{context}/office-hours/sessions", name="office_hours_sessions")
def sessions(request: Request, principal: StaffPrincipal, session: SessionDep) -> Response:
    view = views.tutor_view(session, principal, now=utcnow())
    return page(request, principal, "sessions.html", {"view": view}, done=DONE)


def _session_page(
    request: Request,
    principal: Principal,
    session: Session,
    booking_id: int,
    *,
    problems: list[Problem] | None = None,
    form: str = "",
    values: dict[str, str] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    booking = queries.tutor_booking(session, principal, booking_id)
    row = queries.booking_row(session, booking_id)
    assert row is not None
    now = utcnow()
    return page(
        request,
        principal,
        "sessions_detail.html",
        {
            "row": row,
            "begun": as_utc(row.booking.starts_at) <= now,
            "free_slots": queries.free_slots_of_tutor(
                session, context_id=principal.context_id, tutor_user_id=principal.user_id, now=now
            ),
            "problems": problems or [],
            "form": form,
            "values": values
            or {"note_private": booking.note_private, "note_shared": booking.note_shared},
        },
        done=DONE,
        status_code=status_code,
    )


@router.get(SESSION, name="office_hours_session")
def session_detail(
    request: Request, principal: StaffPrincipal, session: SessionDep, booking_id: RowId
) -> Response:
    return _session_page(request, principal, session, booking_id)


def _done(request: Request, principal: Principal, booking_id: int, done: str) -> Response:
    path = request_path(
        request, "office_hours_session", context=principal.context_id, booking_id=booking_id
    )
    return redirect_to(request, principal, path, done=done)


def _refused(
    request: Request,
    principal: Principal,
    session: Session,
    booking_id: int,
    refused: CoachingRefused,
    form: str,
    values: dict[str, str] | None = None,
) -> Response:
    session.rollback()
    return _session_page(
        request,
        principal,
        session,
        booking_id,
        problems=refused.problems,
        form=form,
        values=values,
        status_code=refused.status_code,
    )


@router.post(SESSION + "/notes", name="office_hours_notes", dependencies=[CsrfChecked])
def save_notes(
    request: Request,
    principal: StaffPrincipal,
    session: SessionDep,
    booking_id: RowId,
    note_private: Text = "",
    note_shared: Text = "",
) -> Response:
    try:
        changed = tutoring.save_notes(
            session,
            principal,
            booking_id,
            private=note_private,
            shared=note_shared,
            now=utcnow(),
        )
    except CoachingRefused as refused:
        values = {"note_private": note_private, "note_shared": note_shared}
        return _refused(request, principal, session, booking_id, refused, "notes", values)
    return _done(request, principal, booking_id, "notes_saved" if changed else "unchanged")


@router.post(SESSION + "/outcome", name="office_hours_outcome", dependencies=[CsrfChecked])
def save_outcome(
    request: Request,
    principal: StaffPrincipal,
    session: SessionDep,
    booking_id: RowId,
    outcome: Text = "",
) -> Response:
    try:
        changed = tutoring.record_outcome(session, principal, booking_id, outcome, now=utcnow())
    except CoachingRefused as refused:
        return _refused(request, principal, session, booking_id, refused, "outcome")
    return _done(request, principal, booking_id, "outcome_saved" if changed else "unchanged")


@router.post(SESSION + "/cancel", name="office_hours_tutor_cancel", dependencies=[CsrfChecked])
def cancel(
    request: Request, principal: StaffPrincipal, session: SessionDep, booking_id: RowId
) -> Response:
    try:
        tutoring.cancel_by_tutor(session, principal, booking_id, now=utcnow())
    except CoachingRefused as refused:
        return _refused(request, principal, session, booking_id, refused, "cancel")
    return _done(request, principal, booking_id, "cancelled")


@router.post(SESSION + "/move", name="office_hours_move", dependencies=[CsrfChecked])
def move(
    request: Request,
    principal: StaffPrincipal,
    session: SessionDep,
    booking_id: RowId,
    slot: Text = "",
) -> Response:
    try:
        if not slot.isdigit() or not 1 <= int(slot) <= 2_147_483_647:
            raise CoachingRefused([Problem("slot", tutoring.CHOOSE_SLOT)])
        tutoring.move_booking(session, principal, booking_id, int(slot), now=utcnow())
    except CoachingRefused as refused:
        return _refused(request, principal, session, booking_id, refused, "move")
    return _done(request, principal, booking_id, "moved")


# --- Admins: every booking of the course ------------------------------------------------


@router.get("/c/{context}/office-hours/bookings", name="office_hours_bookings")
def bookings(request: Request, principal: AdminPrincipal, session: SessionDep) -> Response:
    return page(
        request,
        principal,
        "sessions_admin.html",
        {
            "rows": queries.course_bookings(session, context_id=principal.context_id),
            "spend": queries.spend_per_package(session, context_id=principal.context_id),
        },
        done={},
    )


@router.get("/c/{context}/office-hours/bookings/export", name="office_hours_export")
def bookings_export(request: Request, principal: AdminPrincipal, session: SessionDep) -> Response:
    course = session.get(LmsContext, principal.context_id)
    if course is None:
        raise NotFound(NOT_FOUND, reason="no such course")
    rows = queries.course_bookings(session, context_id=principal.context_id)
    name = export.export_filename(
        course.title or course.lms_context_id, local_date(utcnow()), principal.locale
    )
    return Response(
        export.bookings_csv(rows, principal.locale).encode("utf-8"),
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": content_disposition("attachment", name, suffix=".csv"),
            "X-Content-Type-Options": "nosniff",
        },
    )

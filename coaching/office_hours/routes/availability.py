"""The tutor's page "Sprechstunden anbieten" at ``/c/{context}/office-hours/offer``: their
upcoming slots in this course with who booked each, their weekly series, a form for a
one-off slot and one for a weekly series, and withdrawing either.

Tutors (and admins) of the course only; a tutor sees and withdraws only their own slots.
Thin: parse, authorise, call ``coaching.office_hours.availability`` / ``withdrawal``,
render. A refused form is shown again with every problem at its field (400, or 409 for a
clash or a booked slot), after the session is rolled back; a change redirects
(post-redirect-get) with ``?done=<what>``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from babel import dates
from fastapi import Request
from fastapi.responses import HTMLResponse, Response
from sqlmodel import Session

from coaching.common import CoachingRefused, Problem
from coaching.office_hours import availability, offer_form, offered, withdrawal
from coaching.office_hours.models import MeetingForm
from coaching.routes.base import router
from coaching.routes.common import form_fields, refused_rollback
from kurswerk.core import clock
from kurswerk.core.auth import Principal, Role, require_role
from kurswerk.core.csrf import CsrfChecked
from kurswerk.core.db import RowId, SessionDep
from kurswerk.core.extensions import CourseHomeLink
from kurswerk.core.i18n import N_
from kurswerk.core.paths import request_path
from kurswerk.core.templating import redirect_to, render

OFFER = "/c/{context}/office-hours/offer"
PAGE = "office_hours_availability"

TutorPrincipal = Annotated[Principal, require_role(Role.TUTOR)]

OFFER_LINK = CourseHomeLink(N_("Sprechstunden anbieten"), PAGE, frozenset({Role.TUTOR, Role.ADMIN}))
"""The tutor's page on the course home."""

DONE = {
    "slot_added": N_("Der Termin ist eingetragen."),
    "slot_withdrawn": N_("Der Termin ist zurückgezogen."),
    "series_withdrawn": N_(
        "Die wöchentliche Sprechstunde ist beendet; ihre künftigen Termine sind zurückgezogen."
    ),
    "unchanged": N_("Es gab nichts zu ändern."),
}
"""The confirmation lines after a redirect (``?done=``; ``series_added`` counts its
slots, in the template)."""

SlotValues = Annotated[dict[str, str], form_fields(*offer_form.ONE_OFF_FIELDS)]
SeriesValues = Annotated[dict[str, str], form_fields(*offer_form.WEEKLY_FIELDS)]


def _page(
    request: Request,
    principal: Principal,
    session: Session,
    *,
    form: str = "",
    values: dict[str, str] | None = None,
    problems: list[Problem] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    now = clock.utcnow()
    locale = principal.locale
    zone = clock.course_timezone()
    where = {"context_id": principal.context_id, "tutor_user_id": principal.user_id}
    done = request.query_params.get("done", "")
    added = request.query_params.get("slots", "")
    context: dict[str, Any] = {
        "upcoming": offered.upcoming_slots(session, now=now, **where),
        "series": offered.running_series(session, now=now, **where),
        "zone": zone.key,
        "zone_name": dates.get_timezone_name(zone, locale=clock.format_locale(locale)),
        "weekdays": [(n, availability.weekday_name(n, locale)) for n in range(7)],
        "meeting_forms": list(MeetingForm),
        "horizon_weeks": request.app.state.settings.office_hours_horizon_weeks,
        "durations": (availability.MIN_DURATION, availability.MAX_DURATION),
        "max_details": availability.MAX_DETAILS,
        "when_range": lambda starts, ends: _when_range(starts, ends, locale),
        "clock_range": lambda starts, ends: _clock_range(starts, ends, locale),
        "done": DONE.get(done),
        "series_added": int(added) if done == "series_added" and _count(added) else None,
        "form": form,
        "values": values or {},
        "problems": problems or [],
    }
    return render(
        request, "coaching/office_hours/availability.html", context, status_code=status_code
    )


def _count(value: str) -> bool:
    return value.isdigit() and len(value) < 6


def _clock_range(starts: datetime, ends: datetime, locale: str) -> str:
    """``10:00–10:30 Uhr`` / ``10:00–10:30`` in the course's time zone."""
    return f"{clock.time_of_day(starts, locale, uhr=False)}–{clock.time_of_day(ends, locale)}"


def _when_range(starts: datetime, ends: datetime, locale: str) -> str:
    """``Di., 20. Okt. 2026, 10:00–10:30 Uhr`` / ``Tue, 20 Oct 2026, 10:00–10:30``."""
    day = clock.day_with_weekday(clock.local_date(starts), locale, short=True)
    return f"{day}, {_clock_range(starts, ends, locale)}"


def _done(request: Request, principal: Principal, done: str, **params: str) -> Response:
    path = request_path(request, PAGE, context=principal.context_id)
    return redirect_to(request, principal, path, done=done, **params)


@router.get(OFFER, name=PAGE)
def offer_page(request: Request, principal: TutorPrincipal, session: SessionDep) -> Response:
    return _page(request, principal, session)


@router.post(OFFER + "/slots", name="office_hours_slot_add", dependencies=[CsrfChecked])
def slot_add(
    request: Request, principal: TutorPrincipal, session: SessionDep, values: SlotValues
) -> Response:
    try:
        wanted = offer_form.read_one_off(values, locale=principal.locale)
        availability.publish_slot(
            session,
            context_id=principal.context_id,
            tutor_user_id=principal.user_id,
            wanted=wanted,
            now=clock.utcnow(),
        )
    except CoachingRefused as refused:
        return _refused(request, principal, session, refused, form="slot", values=values)
    return _done(request, principal, "slot_added")


@router.post(OFFER + "/series", name="office_hours_series_add", dependencies=[CsrfChecked])
def series_add(
    request: Request, principal: TutorPrincipal, session: SessionDep, values: SeriesValues
) -> Response:
    try:
        wanted = offer_form.read_weekly(values, locale=principal.locale)
        _series, laid_out = availability.publish_series(
            session,
            context_id=principal.context_id,
            tutor_user_id=principal.user_id,
            wanted=wanted,
            now=clock.utcnow(),
            horizon_weeks=request.app.state.settings.office_hours_horizon_weeks,
        )
    except CoachingRefused as refused:
        return _refused(request, principal, session, refused, form="series", values=values)
    return _done(request, principal, "series_added", slots=str(laid_out))


@router.post(
    OFFER + "/slots/{slot_id}/withdraw",
    name="office_hours_slot_withdraw",
    dependencies=[CsrfChecked],
)
def slot_withdraw(
    request: Request, principal: TutorPrincipal, session: SessionDep, slot_id: RowId
) -> Response:
    try:
        changed = withdrawal.withdraw_slot(
            session,
            context_id=principal.context_id,
            tutor_user_id=principal.user_id,
            slot_id=slot_id,
            now=clock.utcnow(),
        )
    except CoachingRefused as refused:
        return _refused(request, principal, session, refused, form="withdraw")
    return _done(request, principal, "slot_withdrawn" if changed else "unchanged")


@router.post(
    OFFER + "/series/{series_id}/withdraw",
    name="office_hours_series_withdraw",
    dependencies=[CsrfChecked],
)
def series_withdraw(
    request: Request, principal: TutorPrincipal, session: SessionDep, series_id: RowId
) -> Response:
    try:
        withdrawn = withdrawal.withdraw_series(
            session,
            context_id=principal.context_id,
            tutor_user_id=principal.user_id,
            series_id=series_id,
            now=clock.utcnow(),
        )
    except CoachingRefused as refused:
        return _refused(request, principal, session, refused, form="withdraw")
    return _done(request, principal, "unchanged" if withdrawn is None else "series_withdrawn")


def _refused(
    request: Request,
    principal: Principal,
    session: Session,
    refused: CoachingRefused,
    *,
    form: str,
    values: dict[str, str] | None = None,
) -> HTMLResponse:
    problems = refused_rollback(session, refused)
    return _page(
        request,
        principal,
        session,
        form=form,
        values=values,
        problems=problems,
        status_code=refused.status_code,
    )

"""The roster page of the coaching administration: ``/c/{context}/coaching/roster``.

Tutors and admins of the course see every member of the LMS course with their coaching
package; only admins get the grant form (coaching issue: "admins decide who has a
coaching package"), and a grant posted by anyone else is refused with 403 before its
body is read. Plain ``def`` routes: the roster comes from the LMS over the network.

The form sends one ``member`` field per selected person, thousands for a large course,
more than the 1,000 fields Starlette parses by default: ``read_roster_form`` parses it
with a limit of its own *before* the CSRF check reads the (then cached) form.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, Response
from sqlmodel import Session
from starlette.datastructures import FormData

from coaching import roster as bulk
from coaching.common import Actor, CoachingRefused, Problem, coaching_offers
from coaching.routes.base import router
from coaching.routes.common import AdminPrincipal, coaching_path, own_course, page
from kurswerk.core.auth import Principal, Role, require_role
from kurswerk.core.csrf import CsrfChecked
from kurswerk.core.db import SessionDep
from kurswerk.core.errors import AppError
from kurswerk.core.i18n import N_
from kurswerk.core.templating import redirect_to
from lti import service as lti_service
from lti.models import LmsContext

ROSTER = "/c/{context}/coaching/roster"
StaffPrincipal = Annotated[Principal, require_role(Role.TUTOR)]

# A selected member is "member=<id>&", at most ~20 bytes; the other fields are short.
MAX_FORM_BYTES = bulk.MAX_SELECTED * 20 + 16 * 1024
MAX_FIELD_BYTES = 1024


async def read_roster_form(request: Request, principal: AdminPrincipal) -> FormData:
    """The grant form, parsed once for the CSRF check and the route (admins only: no
    one else's body is read)."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_FORM_BYTES:
        raise AppError(N_("Das Formular ist zu groß, um es zu lesen."), 413)
    return await request.form(max_fields=bulk.MAX_SELECTED + 16, max_part_size=MAX_FIELD_BYTES)


RosterForm = Annotated[FormData, Depends(read_roster_form)]


def _show(value: str | None) -> str:
    return value if value in bulk.Show.CHOICES else bulk.Show.ALL


def _roster(request: Request, session: Session, course: LmsContext) -> lti_service.Roster:
    assert course.id is not None
    return lti_service.course_roster(
        session, lti_service.service_client(request.app), context_id=course.id
    )


def _page(
    request: Request,
    principal: Principal,
    session: Session,
    course: LmsContext,
    *,
    overview: bulk.RosterOverview | None,
    show: str,
    roster_problem: lti_service.RosterUnavailable | None = None,
    selected: set[int] | None = None,
    values: dict[str, str] | None = None,
    problems: list[Problem] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    can_grant = principal.at_least(Role.ADMIN)
    entries = overview.shown(show) if overview else []
    context: dict[str, Any] = {
        "course": course,
        "title": overview.title if overview else course.title,
        "overview": overview,
        "entries": entries,
        "show": show,
        "shows": bulk.Show.CHOICES,
        "roster_problem": roster_problem,
        "can_grant": can_grant,
        "packages": coaching_offers(session, platform_id=principal.platform_id)
        if can_grant
        else [],
        "selected": selected
        if selected is not None
        else {entry.user_id for entry in entries if entry.suggested},
        "values": values or {},
        "problems": problems or [],
        "result": _result_counts(request),
        "active": "roster",
    }
    return page(request, principal, "roster.html", context, status_code=status_code)


def _result_counts(request: Request) -> dict[str, int] | None:
    """The counts a finished grant's redirect carries (shown in its confirmation)."""
    if request.query_params.get("done") != "roster_granted":
        return None
    counts = {}
    for key in ("granted", "already_held"):
        value = request.query_params.get(key, "0")
        counts[key] = int(value) if value.isdigit() and len(value) <= 6 else 0
    return counts


@router.get(ROSTER, name="coaching_roster")
def roster_page(request: Request, principal: StaffPrincipal, session: SessionDep) -> Response:
    course = own_course(session, principal)
    show = _show(request.query_params.get("show"))
    try:
        roster = _roster(request, session, course)
    except lti_service.RosterUnavailable as unavailable:
        return _page(
            request, principal, session, course, overview=None, show=show,
            roster_problem=unavailable,
        )  # fmt: skip
    overview = bulk.roster_overview(session, course, roster)
    return _page(request, principal, session, course, overview=overview, show=show)


@router.post(
    ROSTER,
    name="coaching_roster_grant",
    # The form first, with its own limits; then the CSRF check reads the parsed form.
    dependencies=[Depends(read_roster_form), CsrfChecked],
)
def roster_grant(
    request: Request, principal: AdminPrincipal, session: SessionDep, form: RosterForm
) -> Response:
    """Grant one package to every selected member, in one transaction; or nothing, with
    the page, the selection and every problem shown again."""
    course = own_course(session, principal)
    show = _show(str(form.get("show", "")))
    members = [value for value in form.getlist("member") if isinstance(value, str)]
    values = {
        "package": str(form.get("package", "")),
        "valid_until": str(form.get("valid_until", "")),
    }
    selected = {int(v) for v in members if v.isdigit() and len(v) <= 12}
    problems: list[Problem] = []
    wanted: bulk.RosterGrantRequest | None = None
    try:
        wanted = bulk.parse_roster_grant(
            session,
            course,
            package=values["package"],
            members=members,
            valid_until=values["valid_until"],
            locale=principal.locale,
        )
    except CoachingRefused as refused:
        problems = refused.problems
    try:
        roster = _roster(request, session, course)
    except lti_service.RosterUnavailable as unavailable:
        session.rollback()
        return _page(
            request, principal, session, course, overview=None, show=show,
            roster_problem=unavailable, values=values, status_code=unavailable.status_code,
        )  # fmt: skip
    if wanted is not None:
        try:
            result = bulk.grant_from_roster(session, Actor.admin(principal), course, roster, wanted)
        except CoachingRefused as refused:
            problems = refused.problems
        else:
            return redirect_to(
                request,
                principal,
                coaching_path(request, principal, "coaching_roster"),
                show=show,
                done="roster_granted",
                granted=str(result.granted),
                already_held=str(result.already_held),
            )
    # Refused: nothing of it is kept; the page shows the roster as a fresh one would.
    session.rollback()
    overview = bulk.roster_overview(session, course, roster)
    return _page(
        request, principal, session, course, overview=overview, show=show,
        selected=selected, values=values, problems=problems, status_code=400,
    )  # fmt: skip

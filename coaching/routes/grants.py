"""Coaching pages: the admins' grants of the course they launched in, under
``/c/{context}/admin/coaching/grants`` (the list with the two grant forms, by course
member or by email; one grant with its history, extended or revoked). Part of
``coaching.routes`` (how a refused change is shown), on the coaching router.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Request
from fastapi.responses import HTMLResponse, Response
from sqlmodel import Session

from coaching import audit, packages
from coaching.common import Actor, CoachingRefused, Problem, date_field
from coaching.grants import changes as grant_changes
from coaching.grants import form as grant_form
from coaching.grants import reading as grant_reading
from coaching.routes.base import router
from coaching.routes.common import (
    ADMIN,
    AdminPrincipal,
    Field,
    done_at,
    form_fields,
    own_course,
    page,
    refused_rollback,
)
from kurswerk.core.auth import Principal
from kurswerk.core.csrf import CsrfChecked
from kurswerk.core.db import RowId, SessionDep
from lti import service as lti_service


def _grants_page(
    request: Request,
    principal: Principal,
    session: Session,
    *,
    form: str | None = None,
    values: dict[str, str] | None = None,
    problems: list[Problem] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    course = own_course(session, principal)
    show_all = request.query_params.get("show") == "all"
    return page(
        request,
        principal,
        "grants.html",
        {
            "course": course,
            "show_all": show_all,
            "grants": grant_reading.list_grants(
                session, context_id=principal.context_id, include_closed=show_all
            ),
            "members": lti_service.course_members(session, principal.context_id),
            "packages": packages.list_packages(
                session, platform_id=principal.platform_id, include_archived=False
            ),
            "imported": _imported_counts(request),
            "form": form,
            "values": values or {},
            "problems": problems or [],
        },
        status_code=status_code,
    )


@router.get(ADMIN + "/grants", name="coaching_grants")
def grant_list(request: Request, principal: AdminPrincipal, session: SessionDep) -> Response:
    return _grants_page(request, principal, session)


def _imported_counts(request: Request) -> dict[str, int] | None:
    """The counts a finished import's redirect carries (shown in its confirmation)."""
    if request.query_params.get("done") != "imported":
        return None
    counts = {}
    for key in ("granted", "extended", "unchanged"):
        value = request.query_params.get(key, "0")
        counts[key] = int(value) if value.isdigit() and len(value) <= 6 else 0
    return counts


GrantValues = Annotated[
    dict[str, str],
    form_fields("by", "package", "member", "email", "valid_from", "valid_until"),
]
"""The grant forms' fields, as sent (and shown again when refused)."""


@router.post(ADMIN + "/grants", name="coaching_grant_create", dependencies=[CsrfChecked])
def grant_create(
    request: Request,
    principal: AdminPrincipal,
    session: SessionDep,
    values: GrantValues,
) -> Response:
    """One endpoint for both grant forms: by course member or by email (``by``).

    Someone who already holds the package is refused with the form shown again (409,
    "already has this package"). So is the second of a double click: the grant service
    takes the course's grant lock before it checks, so the second request waits for the
    first to commit and then finds its grant."""
    which = "email" if values["by"] == "email" else "member"
    course = own_course(session, principal)
    try:
        wanted = grant_form.parse_grant_form(session, course, values, locale=principal.locale)
        grant_changes.grant_package(
            session,
            Actor.admin(principal),
            course=course,
            package=wanted.package,
            grantee=wanted.grantee,
            valid_from=wanted.valid_from,
            valid_until=wanted.valid_until,
        )
    except CoachingRefused as refused:
        return _grants_page(
            request,
            principal,
            session,
            form=which,
            values=values,
            problems=refused_rollback(session, refused),
            status_code=refused.status_code,
        )
    return done_at(request, principal, "coaching_grants", "granted")


def _grant_page(
    request: Request,
    principal: Principal,
    session: Session,
    grant_id: int,
    *,
    values: dict[str, str] | None = None,
    problems: list[Problem] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    grant = grant_reading.get_grant(session, context_id=principal.context_id, grant_id=grant_id)
    view = grant_reading.grant_view(session, grant)
    history = audit.audit_entries(
        session, platform_id=principal.platform_id, grant_id=grant_id, limit=50
    ).entries
    return page(
        request,
        principal,
        "grant.html",
        {
            "view": view,
            "history": history,
            "changes": audit.changes,
            "values": values
            or {"valid_until": grant.valid_until.isoformat() if grant.valid_until else ""},
            "problems": problems or [],
        },
        status_code=status_code,
    )


@router.get(ADMIN + "/grants/{grant_id}", name="coaching_grant")
def grant_detail(
    request: Request, principal: AdminPrincipal, session: SessionDep, grant_id: RowId
) -> Response:
    return _grant_page(request, principal, session, grant_id)


@router.post(
    ADMIN + "/grants/{grant_id}/extend", name="coaching_grant_extend", dependencies=[CsrfChecked]
)
def grant_extend(
    request: Request,
    principal: AdminPrincipal,
    session: SessionDep,
    grant_id: RowId,
    valid_until: Field = "",
) -> Response:
    grant = grant_reading.get_grant(session, context_id=principal.context_id, grant_id=grant_id)
    problems: list[Problem] = []
    until = date_field(problems, "valid_until", valid_until, locale=principal.locale)
    try:
        if problems:
            raise CoachingRefused(problems)
        changed = grant_changes.extend_grant(session, Actor.admin(principal), grant, until)
    except CoachingRefused as refused:
        return _grant_page(
            request,
            principal,
            session,
            grant_id,
            values={"valid_until": valid_until},
            problems=refused_rollback(session, refused),
            status_code=refused.status_code,
        )
    done = "extended" if changed else "unchanged"
    return done_at(request, principal, "coaching_grant", done, grant_id=grant_id)


@router.post(
    ADMIN + "/grants/{grant_id}/revoke", name="coaching_grant_revoke", dependencies=[CsrfChecked]
)
def grant_revoke(
    request: Request, principal: AdminPrincipal, session: SessionDep, grant_id: RowId
) -> Response:
    grant = grant_reading.get_grant(session, context_id=principal.context_id, grant_id=grant_id)
    changed = grant_changes.revoke_grant(session, Actor.admin(principal), grant)
    done = "revoked" if changed else "unchanged"
    return done_at(request, principal, "coaching_grant", done, grant_id=grant_id)

"""Coaching pages: the admins' packages, grants and audit log under
``/c/{context}/admin/coaching/...`` (admin role only; an admin sees and changes only their
own platform's packages and the grants of the course they launched in), the CSV import
(``coaching_import_views``), the grants from the LMS roster (``coaching_roster_views``,
tutors see it too), and a learner's own coaching status at ``/c/{context}/coaching``.

Thin: parse, authorise, call the coaching service modules, render. A refused change
re-renders its form with status 400/409 and every problem next to its field; the
session is rolled back first so nothing of a refused change is committed. Successful
changes redirect (post-redirect-get) with ``?done=<what>`` for the confirmation line.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlmodel import Session

from kurswerk.auth import ContextPrincipal, CsrfChecked, Principal
from kurswerk.db import RowId, SessionDep
from kurswerk.templating import render
from kurswerk.usertext import render_markdown
from lti import service as lti_service
from uploads import coaching_audit as audit
from uploads import coaching_grants as grants
from uploads import coaching_import_views, coaching_roster_views
from uploads import coaching_packages as packages
from uploads.coaching import (
    Actor,
    CoachingRefused,
    Problem,
    coaching_offers,
    coaching_summary,
    date_field,
)
from uploads.coaching_format import Formatter
from uploads.coaching_pages import (
    ADMIN,
    AdminPrincipal,
    Field,
    admin_base,
    own_course,
    page,
    redirect,
    refused_rollback,
)

router = APIRouter()
router.include_router(coaching_import_views.router)
router.include_router(coaching_roster_views.router)

# --- Packages ------------------------------------------------------------------------


@router.get(ADMIN, name="coaching_admin")
def package_list(request: Request, principal: AdminPrincipal, session: SessionDep) -> Response:
    rows = packages.list_packages(session, platform_id=principal.platform_id)
    counts = packages.open_grant_counts(session, [p.id for p in rows if p.id is not None])
    return page(
        request,
        principal,
        "coaching_packages.html",
        {
            "current": [p for p in rows if p.archived_at is None],
            "archived": [p for p in rows if p.archived_at is not None],
            "counts": counts,
        },
    )


def _package_form(
    request: Request,
    principal: Principal,
    session: Session,
    *,
    package: Any,
    values: dict[str, str],
    problems: list[Problem] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    history = (
        audit.audit_entries(
            session, platform_id=principal.platform_id, package_id=package.id, limit=20
        ).entries
        if package is not None
        else []
    )
    return page(
        request,
        principal,
        "coaching_package_form.html",
        {
            "package": package,
            "values": values,
            "problems": problems or [],
            "history": history,
            "changes": audit.changes,
        },
        status_code=status_code,
    )


def _package_fields(
    name: str, description: str, quota_kind: str, feedback_quota: str, office_hours: str,
    valid_from: str, valid_until: str,
) -> dict[str, str]:  # fmt: skip
    return {
        "name": name,
        "description": description,
        "quota_kind": quota_kind,
        "feedback_quota": feedback_quota,
        "office_hours_per_month": office_hours,
        "valid_from": valid_from,
        "valid_until": valid_until,
    }


@router.get(ADMIN + "/packages/new", name="coaching_package_new")
def package_new(request: Request, principal: AdminPrincipal, session: SessionDep) -> Response:
    return _package_form(
        request, principal, session, package=None, values=packages.package_form_values(None)
    )


@router.post(ADMIN + "/packages", name="coaching_package_create", dependencies=[CsrfChecked])
def package_create(
    request: Request,
    principal: AdminPrincipal,
    session: SessionDep,
    name: Field = "",
    description: Field = "",
    quota_kind: Field = "",
    feedback_quota: Field = "",
    office_hours_per_month: Field = "",
    valid_from: Field = "",
    valid_until: Field = "",
) -> Response:
    values = _package_fields(
        name, description, quota_kind, feedback_quota, office_hours_per_month, valid_from,
        valid_until,
    )  # fmt: skip
    try:
        data = packages.parse_package_form(values)
        package = packages.create_package(
            session, Actor.admin(principal), platform_id=principal.platform_id, data=data
        )
    except CoachingRefused as refused:
        return _package_form(
            request,
            principal,
            session,
            package=None,
            values=values,
            problems=refused_rollback(session, refused),
            status_code=refused.status_code,
        )
    return redirect(
        request, principal, f"{admin_base(principal)}/packages/{package.id}", done="package_created"
    )


@router.get(ADMIN + "/packages/{package_id}", name="coaching_package")
def package_edit(
    request: Request, principal: AdminPrincipal, session: SessionDep, package_id: RowId
) -> Response:
    package = packages.get_package(
        session, platform_id=principal.platform_id, package_id=package_id
    )
    return _package_form(
        request, principal, session, package=package, values=packages.package_form_values(package)
    )


@router.post(
    ADMIN + "/packages/{package_id}", name="coaching_package_update", dependencies=[CsrfChecked]
)
def package_update(
    request: Request,
    principal: AdminPrincipal,
    session: SessionDep,
    package_id: RowId,
    name: Field = "",
    description: Field = "",
    quota_kind: Field = "",
    feedback_quota: Field = "",
    office_hours_per_month: Field = "",
    valid_from: Field = "",
    valid_until: Field = "",
) -> Response:
    package = packages.get_package(
        session, platform_id=principal.platform_id, package_id=package_id
    )
    values = _package_fields(
        name, description, quota_kind, feedback_quota, office_hours_per_month, valid_from,
        valid_until,
    )  # fmt: skip
    try:
        data = packages.parse_package_form(values)
        changed = packages.update_package(session, Actor.admin(principal), package, data)
    except CoachingRefused as refused:
        problems = refused_rollback(session, refused)
        package = packages.get_package(
            session, platform_id=principal.platform_id, package_id=package_id
        )
        return _package_form(
            request,
            principal,
            session,
            package=package,
            values=values,
            problems=problems,
            status_code=refused.status_code,
        )
    done = "package_saved" if changed else "package_unchanged"
    return redirect(request, principal, f"{admin_base(principal)}/packages/{package_id}", done=done)


def _set_archived(
    request: Request, principal: Principal, session: Session, package_id: int, archived: bool
) -> Response:
    package = packages.get_package(
        session, platform_id=principal.platform_id, package_id=package_id
    )
    packages.set_archived(session, Actor.admin(principal), package, archived)
    done = "package_archived" if archived else "package_restored"
    return redirect(request, principal, f"{admin_base(principal)}/packages/{package_id}", done=done)


@router.post(
    ADMIN + "/packages/{package_id}/archive",
    name="coaching_package_archive",
    dependencies=[CsrfChecked],
)
def package_archive(
    request: Request, principal: AdminPrincipal, session: SessionDep, package_id: RowId
) -> Response:
    return _set_archived(request, principal, session, package_id, True)


@router.post(
    ADMIN + "/packages/{package_id}/restore",
    name="coaching_package_restore",
    dependencies=[CsrfChecked],
)
def package_restore(
    request: Request, principal: AdminPrincipal, session: SessionDep, package_id: RowId
) -> Response:
    return _set_archived(request, principal, session, package_id, False)


# --- Grants --------------------------------------------------------------------------


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
        "coaching_grants.html",
        {
            "course": course,
            "show_all": show_all,
            "grants": grants.list_grants(
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


@router.post(ADMIN + "/grants", name="coaching_grant_create", dependencies=[CsrfChecked])
def grant_create(
    request: Request,
    principal: AdminPrincipal,
    session: SessionDep,
    by: Field = "",
    package: Field = "",
    member: Field = "",
    email: Field = "",
    valid_from: Field = "",
    valid_until: Field = "",
) -> Response:
    """One endpoint for both grant forms: by course member or by email (``by``)."""
    values = {
        "by": by,
        "package": package,
        "member": member,
        "email": email,
        "valid_from": valid_from,
        "valid_until": valid_until,
    }
    which = "email" if by == "email" else "member"
    course = own_course(session, principal)
    try:
        wanted = grants.parse_grant_form(session, course, values)
        grants.grant_package(
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
    return redirect(request, principal, f"{admin_base(principal)}/grants", done="granted")


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
    grant = grants.get_grant(session, context_id=principal.context_id, grant_id=grant_id)
    view = grants.grant_view(session, grant)
    history = audit.audit_entries(
        session, platform_id=principal.platform_id, grant_id=grant_id, limit=50
    ).entries
    return page(
        request,
        principal,
        "coaching_grant.html",
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
    grant = grants.get_grant(session, context_id=principal.context_id, grant_id=grant_id)
    problems: list[Problem] = []
    until = date_field(problems, "valid_until", valid_until)
    try:
        if problems:
            raise CoachingRefused(problems)
        changed = grants.extend_grant(session, Actor.admin(principal), grant, until)
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
    return redirect(request, principal, f"{admin_base(principal)}/grants/{grant_id}", done=done)


@router.post(
    ADMIN + "/grants/{grant_id}/revoke", name="coaching_grant_revoke", dependencies=[CsrfChecked]
)
def grant_revoke(
    request: Request, principal: AdminPrincipal, session: SessionDep, grant_id: RowId
) -> Response:
    grant = grants.get_grant(session, context_id=principal.context_id, grant_id=grant_id)
    changed = grants.revoke_grant(session, Actor.admin(principal), grant)
    done = "revoked" if changed else "unchanged"
    return redirect(request, principal, f"{admin_base(principal)}/grants/{grant_id}", done=done)


# --- Audit log -----------------------------------------------------------------------


@router.get(ADMIN + "/audit", name="coaching_audit")
def audit_log(
    request: Request,
    principal: AdminPrincipal,
    session: SessionDep,
    before: Annotated[int | None, Query(ge=1, le=2_147_483_647)] = None,
) -> Response:
    entries = audit.audit_entries(session, platform_id=principal.platform_id, before=before)
    return page(
        request,
        principal,
        "coaching_audit.html",
        {"page": entries, "changes": audit.changes, "older": before is not None},
    )


# --- The learner's own coaching ------------------------------------------------------


@router.get("/c/{context}/coaching", name="coaching_mine")
def my_coaching(request: Request, principal: ContextPrincipal, session: SessionDep) -> Response:
    summary = coaching_summary(session, user_id=principal.user_id, context_id=principal.context_id)
    offers = [] if summary.active else coaching_offers(session, platform_id=principal.platform_id)
    return render(
        request,
        "uploads/coaching_mine.html",
        {
            "coaching": summary,
            "offers": offers,
            "fmt": Formatter(principal.locale),
            "markdown": render_markdown,
        },
    )

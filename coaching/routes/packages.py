"""Coaching pages: the admins' packages under ``/c/{context}/admin/coaching`` (the list,
new, edit, archive and restore; an admin sees and changes only their own platform's
packages). Part of ``coaching.routes`` (how a refused change is shown), on the
coaching router.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Request
from fastapi.responses import HTMLResponse, Response
from sqlmodel import Session

from coaching import audit, packages
from coaching.common import Actor, CoachingRefused, Problem
from coaching.models import CoachingPackage
from coaching.routes.base import router
from coaching.routes.common import (
    ADMIN,
    AdminPrincipal,
    done_at,
    form_fields,
    page,
    refused_rollback,
)
from kurswerk.core.auth import Principal, Role
from kurswerk.core.csrf import CsrfChecked
from kurswerk.core.db import RowId, SessionDep
from kurswerk.core.extensions import CourseHomeLink
from kurswerk.core.i18n import N_

ADMIN_LINK = CourseHomeLink(N_("Coachingverwaltung"), "coaching_admin", frozenset({Role.ADMIN}))
"""The admins' coaching pages on the course home."""


@router.get(ADMIN, name="coaching_admin")
def package_list(request: Request, principal: AdminPrincipal, session: SessionDep) -> Response:
    rows = packages.list_packages(session, platform_id=principal.platform_id)
    counts = packages.open_grant_counts(session, [p.id for p in rows if p.id is not None])
    return page(
        request,
        principal,
        "packages.html",
        {
            "current": [p for p in rows if p.archived_at is None],
            "archived": [p for p in rows if p.archived_at is not None],
            "counts": counts,
        },
    )


def _own_package(session: Session, principal: Principal, package_id: int) -> CoachingPackage:
    """The admin's platform's package, or 404."""
    return packages.get_package(session, platform_id=principal.platform_id, package_id=package_id)


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
        "package_form.html",
        {
            "package": package,
            "values": values,
            "problems": problems or [],
            "history": history,
            "changes": audit.changes,
        },
        status_code=status_code,
    )


PackageValues = Annotated[
    dict[str, str],
    form_fields(
        "name",
        "description",
        "quota_kind",
        "feedback_quota",
        "office_hours_per_month",
        "valid_from",
        "valid_until",
    ),
]
"""The package form's fields, as sent (and shown again when refused)."""


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
    values: PackageValues,
) -> Response:
    try:
        data = packages.parse_package_form(values, locale=principal.locale)
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
    return done_at(request, principal, "coaching_package", "package_created", package_id=package.id)


@router.get(ADMIN + "/packages/{package_id}", name="coaching_package")
def package_edit(
    request: Request, principal: AdminPrincipal, session: SessionDep, package_id: RowId
) -> Response:
    package = _own_package(session, principal, package_id)
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
    values: PackageValues,
) -> Response:
    package = _own_package(session, principal, package_id)
    try:
        data = packages.parse_package_form(values, locale=principal.locale)
        changed = packages.update_package(session, Actor.admin(principal), package, data)
    except CoachingRefused as refused:
        problems = refused_rollback(session, refused)
        package = _own_package(session, principal, package_id)
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
    return done_at(request, principal, "coaching_package", done, package_id=package_id)


def _set_archived(
    request: Request,
    principal: AdminPrincipal,
    session: SessionDep,
    package_id: int,
    archived: bool,
) -> Response:
    """Archive a package or take it back, then back to its page with the confirmation."""
    package = _own_package(session, principal, package_id)
    packages.set_archived(session, Actor.admin(principal), package, archived)
    done = "package_archived" if archived else "package_restored"
    return done_at(request, principal, "coaching_package", done, package_id=package_id)


@router.post(
    ADMIN + "/packages/{package_id}/archive",
    name="coaching_package_archive",
    dependencies=[CsrfChecked],
)
def package_archive(
    request: Request, principal: AdminPrincipal, session: SessionDep, package_id: RowId
) -> Response:
    return _set_archived(request, principal, session, package_id, archived=True)


@router.post(
    ADMIN + "/packages/{package_id}/restore",
    name="coaching_package_restore",
    dependencies=[CsrfChecked],
)
def package_restore(
    request: Request, principal: AdminPrincipal, session: SessionDep, package_id: RowId
) -> Response:
    return _set_archived(request, principal, session, package_id, archived=False)

"""Changing coaching grants: grant, revoke and extend, and the checks a new grant must
pass. Each change writes its audit entry (``coaching.audit``) in the same
transaction; nothing here commits.

The checks are functions of their own (``check_new_grant``, ``check_package_grant``) and
the write is one (``record_grants``), so the form, the CSV import, the CLI and the roster
grant refuse the same things with the same words, and many grants share one flush.

No constraint in the database keeps a person from holding the same package twice (the
indexes on ``coaching_grant`` are not unique, and could not simply be: a revoked or
ended grant stays beside a new one, and one person may be named by user or by email).
So every way of granting takes ``lock_course_grants`` before it reads the course's
grants, and ``record_grants`` writes only under that lock (and writes each learner's
mail, ``coaching.grants.mail``): of two requests at the same
moment (a double click, two admins, a CSV import beside the form or the CLI) the second
waits for the first to commit and then finds its grant.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlmodel import Session

from coaching.audit import AuditAction, record
from coaching.common import (
    Actor,
    CoachingRefused,
    Problem,
    check_period,
    iso,
    refuse,
    today,
)
from coaching.grants.grantees import Grantee
from coaching.grants.mail import enqueue_grant_mails
from coaching.grants.reading import open_grants_of
from coaching.models import CoachingGrant, CoachingPackage
from kurswerk.core.clock import utcnow
from kurswerk.core.db import holds_row_lock, lock_row
from kurswerk.core.i18n import N_
from lti.models import LmsContext, PlatformUser

UNTIL_IN_PAST = N_(
    "Das Enddatum liegt in der Vergangenheit. Um eine Vergabe zu beenden, widerrufen Sie sie."
)

ALREADY_GRANTED = N_(
    "Diese Person hat dieses Paket in diesem Kurs schon. Ändern Sie dort das Enddatum."
)


def snapshot(grant: CoachingGrant) -> dict[str, Any]:
    return {
        "valid_from": iso(grant.valid_from),
        "valid_until": iso(grant.valid_until),
        "revoked": grant.revoked_at is not None,
    }


def _subject(
    course: LmsContext, package: CoachingPackage, grantee: Grantee | dict[str, Any]
) -> dict[str, Any]:
    person = grantee.describe() if isinstance(grantee, Grantee) else grantee
    return {
        "course": {"id": course.id, "lms_context_id": course.lms_context_id, "title": course.title},
        "package": {"id": package.id, "name": package.name},
        "person": person,
    }


def _person_of(session: Session, grant: CoachingGrant) -> dict[str, Any]:
    user = session.get(PlatformUser, grant.user_id) if grant.user_id else None
    return Grantee(
        user_id=grant.user_id,
        email=grant.email,
        name=(user.name or "") if user else "",
        sub=user.sub if user else None,
    ).describe()


def lock_course_grants(session: Session, course_id: int) -> None:
    """Hold the course's grants until the transaction ends, so that two requests granting
    at the same moment cannot both find someone without the package: the course row's
    lock (``kurswerk.core.db.lock_row``). Call it before reading what it protects; a second
    call in the same transaction (a grant per CSV row) writes nothing more."""
    lock_row(session, LmsContext, course_id)


def check_new_grant(
    session: Session,
    *,
    course: LmsContext,
    package: CoachingPackage,
    grantee: Grantee,
    valid_from: date | None,
    valid_until: date | None,
    on: date,
) -> list[Problem]:
    """Why this grant may not be made (empty: it may). Shared by the form, the CSV
    import and the CLI, so each refuses the same things with the same words."""
    assert course.id is not None and package.id is not None
    problems = check_package_grant(
        course=course, package=package, valid_from=valid_from, valid_until=valid_until, on=on
    )
    if not problems and open_grants_of(session, course.id, grantee, package.id, on):
        problems.append(Problem("", ALREADY_GRANTED))
    return problems


def check_package_grant(
    *,
    course: LmsContext,
    package: CoachingPackage,
    valid_from: date | None,
    valid_until: date | None,
    on: date,
) -> list[Problem]:
    """What forbids granting this package in this course with these dates, whoever the
    person (the part of ``check_new_grant`` a grant to many people checks once)."""
    problems: list[Problem] = []
    if package.platform_id != course.platform_id:
        problems.append(Problem("package", N_("Dieses Paket gibt es nicht.")))
        return problems
    if package.archived_at is not None:
        problems.append(
            Problem("package", N_("Das Paket ist archiviert und kann nicht vergeben werden."))
        )
    elif package.valid_until is not None and package.valid_until < on:
        problems.append(
            Problem("package", N_("Das Paket ist abgelaufen und kann nicht vergeben werden."))
        )
    if valid_until is not None and valid_until < on:
        problems.append(Problem("valid_until", UNTIL_IN_PAST))
    check_period(problems, valid_from, valid_until)
    return problems


def grant_package(
    session: Session,
    actor: Actor,
    *,
    course: LmsContext,
    package: CoachingPackage,
    grantee: Grantee,
    valid_from: date | None = None,
    valid_until: date | None = None,
    on: date | None = None,
    source: str = "web",
) -> CoachingGrant:
    """Grant the package to one person: under the course's lock (``lock_course_grants``)
    checks it (``check_new_grant``) and records it. Someone who already holds it (an open
    grant, by user or by email) is refused with ``already_granted`` (409), also when the
    first of two identical requests at the same moment committed it a moment ago."""
    assert course.id is not None
    on = on or today()
    lock_course_grants(session, course.id)
    problems = check_new_grant(
        session,
        course=course,
        package=package,
        grantee=grantee,
        valid_from=valid_from,
        valid_until=valid_until,
        on=on,
    )
    if problems:
        conflict = any(p.message == ALREADY_GRANTED for p in problems)
        raise CoachingRefused(problems, status=409 if conflict else 400)
    [grant] = record_grants(
        session,
        actor,
        course=course,
        package=package,
        grantees=[grantee],
        valid_from=valid_from,
        valid_until=valid_until,
        source=source,
    )
    return grant


def record_grants(
    session: Session,
    actor: Actor,
    *,
    course: LmsContext,
    package: CoachingPackage,
    grantees: Sequence[Grantee],
    valid_from: date | None,
    valid_until: date | None,
    source: str,
) -> list[CoachingGrant]:
    """Write the grants and one audit entry each, without checking: the caller has, under
    ``lock_course_grants`` taken before it read (``grant_package`` for one person,
    ``coaching.roster`` for many); without the lock this refuses to write. One flush for
    all grants, so a course's roster costs a few batched statements, not one per person."""
    assert course.id is not None and package.id is not None
    if not holds_row_lock(session, LmsContext, course.id):
        raise RuntimeError("record_grants needs lock_course_grants, taken before the checks")
    grants = [
        CoachingGrant(
            package_id=package.id,
            context_id=course.id,
            user_id=grantee.user_id,
            email=grantee.email,
            valid_from=valid_from,
            valid_until=valid_until,
            created_by_user_id=actor.user_id,
        )
        for grantee in grantees
    ]
    session.add_all(grants)
    session.flush()
    for grant, grantee in zip(grants, grantees, strict=True):
        record(
            session,
            actor,
            AuditAction.GRANTED,
            platform_id=course.platform_id,
            package_id=package.id,
            grant_id=grant.id,
            subject=_subject(course, package, grantee),
            before=None,
            after=snapshot(grant),
            source=source,
        )
    enqueue_grant_mails(session, course=course, package=package, grants=grants, grantees=grantees)
    return grants


def _course_and_package(
    session: Session, grant: CoachingGrant
) -> tuple[LmsContext, CoachingPackage]:
    course = session.get(LmsContext, grant.context_id)
    package = session.get(CoachingPackage, grant.package_id)
    assert course is not None and package is not None
    return course, package


def _save_and_record(
    session: Session,
    actor: Actor,
    action: AuditAction,
    grant: CoachingGrant,
    before: dict[str, Any],
    *,
    source: str,
) -> None:
    """Write a changed grant and its audit entry (the grant as it was and as it is now)."""
    session.add(grant)
    session.flush()
    course, package = _course_and_package(session, grant)
    record(
        session,
        actor,
        action,
        platform_id=course.platform_id,
        package_id=package.id,
        grant_id=grant.id,
        subject=_subject(course, package, _person_of(session, grant)),
        before=before,
        after=snapshot(grant),
        source=source,
    )


def revoke_grant(
    session: Session, actor: Actor, grant: CoachingGrant, *, source: str = "web"
) -> bool:
    """End a grant now (kept for the record); False when it was revoked already."""
    if grant.revoked_at is not None:
        return False
    before = snapshot(grant)
    grant.revoked_at = utcnow()
    grant.updated_at = utcnow()
    _save_and_record(session, actor, AuditAction.REVOKED, grant, before, source=source)
    return True


def extend_grant(
    session: Session,
    actor: Actor,
    grant: CoachingGrant,
    valid_until: date | None,
    *,
    on: date | None = None,
    source: str = "web",
) -> bool:
    """Change the grant's end date (None: no end of its own; the package's validity
    still applies). False when the date is unchanged."""
    on = on or today()
    if grant.revoked_at is not None:
        raise refuse(
            "valid_until",
            N_("Die Vergabe ist widerrufen. Um das Paket erneut zu geben, vergeben Sie es neu."),
            status=409,
        )
    problems: list[Problem] = []
    if valid_until is not None and valid_until < on:
        problems.append(Problem("valid_until", UNTIL_IN_PAST))
    check_period(problems, grant.valid_from, valid_until)
    if problems:
        raise CoachingRefused(problems)
    if grant.valid_until == valid_until:
        return False
    before = snapshot(grant)
    grant.valid_until = valid_until
    grant.updated_at = utcnow()
    _save_and_record(session, actor, AuditAction.EXTENDED, grant, before, source=source)
    return True

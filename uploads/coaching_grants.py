"""Grants: a coaching package given to a person in one LMS course (coaching issue §1).

A grant names its person either by LMS user (someone who has launched in the course:
``lti.service.course_members``) or by email before their first launch. An email that
already belongs to exactly one member is bound to them at once; otherwise the grant
waits, and ``uploads.entitlements`` binds it when a launch brings that email.

Grant, revoke and extend are the three changes; each writes its audit entry in the same
transaction. Grants are scoped by course: every lookup by id names the course, so an id
from another course (or platform) is simply not found.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, func, or_
from sqlmodel import Session, col, select

from kurswerk.errors import NotFound
from lti import service as lti_service
from lti.models import LmsContext, Platform, PlatformUser, utcnow
from uploads.coaching import (
    MAX_SUB,
    Actor,
    CoachingRefused,
    GrantState,
    Problem,
    check_period,
    clean_text,
    date_field,
    grant_open,
    grant_state,
    iso,
    parse_email,
    refuse,
    today,
)
from uploads.coaching_audit import AuditAction, record
from uploads.coaching_packages import get_package
from uploads.models import CoachingGrant, CoachingPackage

# --- The course and the person -------------------------------------------------------


def get_course(session: Session, *, platform_id: int, context_id: int) -> LmsContext:
    course = session.get(LmsContext, context_id)
    if course is None or course.platform_id != platform_id:
        raise NotFound("coaching.error.course_not_found", reason=f"context {context_id}")
    return course


def find_platform(session: Session, *, issuer: str, client_id: str | None) -> int:
    """The id of the platform a script names by its issuer, plus the client id where one
    issuer has several registrations (as on Canvas cloud)."""
    query = select(Platform).where(Platform.issuer == issuer)
    if client_id is not None:
        query = query.where(Platform.client_id == client_id)
    platforms = session.exec(query).all()
    if not platforms:
        raise refuse("platform", "coaching.error.platform_unknown", status=404, issuer=issuer)
    if len(platforms) > 1:
        raise refuse("platform", "coaching.error.platform_ambiguous", issuer=issuer)
    assert platforms[0].id is not None
    return platforms[0].id


def find_course(
    session: Session, *, issuer: str, client_id: str | None, lms_context_id: str
) -> LmsContext:
    """The LMS course named as a script names it: its platform (``find_platform``) and the
    LMS's own course id. Refuses with a reason a person can act on."""
    platform_id = find_platform(session, issuer=issuer, client_id=client_id)
    course = session.exec(
        select(LmsContext).where(
            LmsContext.platform_id == platform_id,
            LmsContext.lms_context_id == lms_context_id,
        )
    ).first()
    if course is None:
        raise refuse("context", "coaching.error.course_unknown", status=404, context=lms_context_id)
    return course


@dataclass(frozen=True, slots=True)
class Grantee:
    """Whom a grant names: a member (``user_id``), an email, or both (an email grant bound
    to the member who has that email)."""

    user_id: int | None
    email: str | None
    name: str = ""
    sub: str | None = None

    @property
    def label(self) -> str:
        return self.name or self.email or self.sub or "?"

    def describe(self) -> dict[str, Any]:
        return {"user_id": self.user_id, "sub": self.sub, "name": self.name, "email": self.email}


def _from_member(member: lti_service.CourseMember, email: str | None = None) -> Grantee:
    return Grantee(user_id=member.user_id, email=email, name=member.name, sub=member.sub)


def grantee_by_user(session: Session, course: LmsContext, user_id: int) -> Grantee:
    assert course.id is not None
    member = lti_service.course_member(session, course.id, user_id=user_id)
    if member is None:
        raise refuse("member", "coaching.error.unknown_member")
    return _from_member(member)


def grantee_by_sub(session: Session, course: LmsContext, sub: str) -> Grantee:
    assert course.id is not None
    sub = sub.strip()
    member = (
        lti_service.course_member(session, course.id, sub=sub) if 0 < len(sub) <= MAX_SUB else None
    )
    if member is None:
        raise refuse("sub", "coaching.error.unknown_user", sub=sub[:80])
    return _from_member(member)


def grantee_by_email(session: Session, course: LmsContext, raw_email: str) -> Grantee:
    assert course.id is not None
    try:
        email = parse_email(raw_email)
    except ValueError:
        email = None
        raise refuse("email", "coaching.error.bad_email") from None
    if email is None:
        raise refuse("email", "coaching.error.email_missing")
    members = lti_service.course_members_by_email(session, course.id, email)
    if len(members) == 1:
        return _from_member(members[0], email=email)
    return Grantee(user_id=None, email=email)


# --- Reading -------------------------------------------------------------------------


def get_grant(session: Session, *, context_id: int, grant_id: int) -> CoachingGrant:
    """The course's grant, or 404 (also for another course's or platform's id)."""
    grant = session.get(CoachingGrant, grant_id)
    if grant is None or grant.context_id != context_id:
        raise NotFound("coaching.error.grant_not_found", reason=f"grant {grant_id}")
    return grant


def open_grants_of(
    session: Session, course_id: int, grantee: Grantee, package_id: int, on: date | None = None
) -> list[CoachingGrant]:
    """Not-revoked, not-ended grants of this package to this person in this course."""
    on = on or today()
    who: list[ColumnElement[bool]] = []
    if grantee.user_id is not None:
        who.append(col(CoachingGrant.user_id) == grantee.user_id)
    if grantee.email is not None:
        who.append(func.lower(CoachingGrant.email) == grantee.email)
    rows = session.exec(
        select(CoachingGrant).where(
            CoachingGrant.context_id == course_id,
            CoachingGrant.package_id == package_id,
            or_(*who),
        )
    ).all()
    return [grant for grant in rows if grant_open(grant, on)]


@dataclass(frozen=True, slots=True)
class GrantView:
    grant: CoachingGrant
    package: CoachingPackage
    person_name: str
    person_sub: str | None
    person_email: str | None
    state: str

    @property
    def person(self) -> str:
        return self.person_name or self.person_email or self.person_sub or "?"

    @property
    def changeable(self) -> bool:
        return self.state != GrantState.REVOKED


def _view(
    grant: CoachingGrant, package: CoachingPackage, user: PlatformUser | None, on: date
) -> GrantView:
    name = ""
    if user is not None:
        name = user.name or " ".join(p for p in (user.given_name, user.family_name) if p)
    return GrantView(
        grant=grant,
        package=package,
        person_name=name,
        person_sub=user.sub if user else None,
        person_email=grant.email or (user.email if user else None),
        state=grant_state(grant, package, on),
    )


def list_grants(
    session: Session, *, context_id: int, on: date | None = None, include_closed: bool = False
) -> list[GrantView]:
    """The course's grants with their package and person; by default only those not
    revoked or expired."""
    on = on or today()
    rows = session.exec(
        select(CoachingGrant, CoachingPackage, PlatformUser)
        .join(CoachingPackage, col(CoachingPackage.id) == col(CoachingGrant.package_id))
        .outerjoin(PlatformUser, col(PlatformUser.id) == col(CoachingGrant.user_id))
        .where(CoachingGrant.context_id == context_id)
    ).all()
    views = [_view(grant, package, user, on) for grant, package, user in rows]
    if not include_closed:
        views = [v for v in views if v.state not in (GrantState.REVOKED, GrantState.EXPIRED)]
    return sorted(views, key=lambda v: (v.person.casefold(), v.package.name.casefold(), v.grant.id))


def grant_view(session: Session, grant: CoachingGrant, on: date | None = None) -> GrantView:
    package = session.get(CoachingPackage, grant.package_id)
    assert package is not None
    user = session.get(PlatformUser, grant.user_id) if grant.user_id else None
    return _view(grant, package, user, on or today())


# --- Changing ------------------------------------------------------------------------


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
        problems.append(Problem("", "coaching.error.already_granted"))
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
        problems.append(Problem("package", "coaching.error.package_unknown"))
        return problems
    if package.archived_at is not None:
        problems.append(Problem("package", "coaching.error.package_archived"))
    elif package.valid_until is not None and package.valid_until < on:
        problems.append(Problem("package", "coaching.error.package_ended"))
    if valid_until is not None and valid_until < on:
        problems.append(Problem("valid_until", "coaching.error.until_in_past"))
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
    on = on or today()
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
        conflict = any(p.key == "coaching.error.already_granted" for p in problems)
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
    """Write the grants and one audit entry each, without checking: the caller has
    (``grant_package`` for one person, ``coaching_roster`` for many). One flush for all
    grants, so a course's roster costs a few batched statements, not one per person."""
    assert course.id is not None and package.id is not None
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
    return grants


def _course_and_package(
    session: Session, grant: CoachingGrant
) -> tuple[LmsContext, CoachingPackage]:
    course = session.get(LmsContext, grant.context_id)
    package = session.get(CoachingPackage, grant.package_id)
    assert course is not None and package is not None
    return course, package


def revoke_grant(
    session: Session, actor: Actor, grant: CoachingGrant, *, source: str = "web"
) -> bool:
    """End a grant now (kept for the record); False when it was revoked already."""
    if grant.revoked_at is not None:
        return False
    course, package = _course_and_package(session, grant)
    before = snapshot(grant)
    grant.revoked_at = utcnow()
    grant.updated_at = utcnow()
    session.add(grant)
    session.flush()
    record(
        session,
        actor,
        AuditAction.REVOKED,
        platform_id=course.platform_id,
        package_id=package.id,
        grant_id=grant.id,
        subject=_subject(course, package, _person_of(session, grant)),
        before=before,
        after=snapshot(grant),
        source=source,
    )
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
        raise refuse("valid_until", "coaching.error.grant_revoked", status=409)
    problems: list[Problem] = []
    if valid_until is not None and valid_until < on:
        problems.append(Problem("valid_until", "coaching.error.until_in_past"))
    check_period(problems, grant.valid_from, valid_until)
    if problems:
        raise CoachingRefused(problems)
    if grant.valid_until == valid_until:
        return False
    course, package = _course_and_package(session, grant)
    before = snapshot(grant)
    grant.valid_until = valid_until
    grant.updated_at = utcnow()
    session.add(grant)
    session.flush()
    record(
        session,
        actor,
        AuditAction.EXTENDED,
        platform_id=course.platform_id,
        package_id=package.id,
        grant_id=grant.id,
        subject=_subject(course, package, _person_of(session, grant)),
        before=before,
        after=snapshot(grant),
        source=source,
    )
    return True


# --- The admin page's grant form -----------------------------------------------------


@dataclass(frozen=True, slots=True)
class GrantRequest:
    package: CoachingPackage
    grantee: Grantee
    valid_from: date | None
    valid_until: date | None


def parse_grant_form(session: Session, course: LmsContext, form: Mapping[str, str]) -> GrantRequest:
    """Read a grant form: ``package`` (id), the person as ``member`` (a user id) *or*
    ``email`` (``by`` says which form was sent), optional ``valid_from``/``valid_until``.
    Raises with every problem."""
    problems: list[Problem] = []
    package: CoachingPackage | None = None
    raw_package = form.get("package", "").strip()
    if not raw_package.isdigit() or len(raw_package) > 12:
        problems.append(Problem("package", "coaching.error.package_missing"))
    else:
        try:
            package = get_package(
                session, platform_id=course.platform_id, package_id=int(raw_package)
            )
        except NotFound:
            problems.append(Problem("package", "coaching.error.package_unknown"))
    grantee: Grantee | None = None
    member = form.get("member", "").strip()
    email = clean_text(form.get("email", ""))
    by = form.get("by") or ("email" if email and not member else "member")
    try:
        if member and email:
            raise refuse(by, "coaching.error.member_or_email")
        if by == "email":
            grantee = grantee_by_email(session, course, email)
        elif not member:
            raise refuse("member", "coaching.error.member_missing")
        elif not member.isdigit() or len(member) > 12:
            raise refuse("member", "coaching.error.unknown_member")
        else:
            grantee = grantee_by_user(session, course, int(member))
    except CoachingRefused as refused:
        problems += refused.problems
    valid_from = date_field(problems, "valid_from", form.get("valid_from"))
    valid_until = date_field(problems, "valid_until", form.get("valid_until"))
    if problems:
        raise CoachingRefused(problems)
    assert package is not None and grantee is not None
    return GrantRequest(package, grantee, valid_from, valid_until)

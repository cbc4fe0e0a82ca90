"""The coaching room's panels on the course home (``course.service.COURSE_HOME_PANELS``).

* :func:`package_panel`, for learners: what is left of their package (submissions, this
  month's office hours) and until when it is valid; without one, what a package offers.
  Two queries: the learner's grants with their packages and this month's spent hours,
  and the submissions spent (``SUBMISSION_COUNTER``, ``uploads``' count).
* :func:`office_hour_panel`, for learners: their next booked office hour (one query).
* :func:`packages_use_panel`, for admins: the packages in use in this LMS course and what
  of them is used against what they allow. Two queries: the course's grants with their
  packages and this month's spent hours, and the submissions per learner.

The rule of which grant counts is ``coaching.entitlements``' (``current_grant``); an email
grant not yet bound to its person counts as the entitlement check would bind it. Nothing
is written.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, func, or_
from sqlmodel import Session, col, select

from coaching.entitlements import current_grant, effective_period
from coaching.models import CoachingGrant, CoachingPackage
from coaching.office_hours.allowance import month_label, month_of
from coaching.office_hours.models import (
    BookingStatus,
    MeetingForm,
    OfficeHourBooking,
    OfficeHourSlot,
)
from course.service import HomePanel
from kurswerk.core.auth import Principal, Role
from kurswerk.core.clock import utcnow
from kurswerk.core.extensions import SUBMISSION_COUNTER, extensions
from lti.models import PlatformUser

if TYPE_CHECKING:
    from starlette.requests import Request


def _spent_this_month(month: str) -> Any:
    """Office hours spent under the row's grant in ``month`` (a correlated subquery)."""
    return (
        select(func.count())
        .select_from(OfficeHourBooking)
        .where(
            col(OfficeHourBooking.grant_id) == col(CoachingGrant.id),
            col(OfficeHourBooking.month) == month,
            col(OfficeHourBooking.spends_hour).is_(True),
        )
        .scalar_subquery()
    )


def _grants(session: Session, month: str, *where: Any) -> list[tuple[Any, ...]]:
    """(grant, package, hours spent in ``month``) of the grants ``where`` selects that are
    not revoked, of packages not archived."""
    return list(
        session.exec(
            select(CoachingGrant, CoachingPackage, _spent_this_month(month))
            .join(CoachingPackage, col(CoachingPackage.id) == col(CoachingGrant.package_id))
            .where(
                col(CoachingGrant.revoked_at).is_(None),
                col(CoachingPackage.archived_at).is_(None),
                *where,
            )
            .order_by(col(CoachingGrant.id))
        ).all()
    )


# --- the learner's package -------------------------------------------------------------


@dataclass(frozen=True)
class PackageLeft:
    """What is left of the learner's package today."""

    name: str
    quota: int | None  # submissions with feedback; None: unlimited
    used: int
    hours_per_month: int
    hours_spent: int  # this month
    month: str  # "2026-12", the course's zone
    valid_until: date | None  # the grant's effective end (None: open)

    @property
    def submissions_left(self) -> int | None:
        return None if self.quota is None else max(0, self.quota - self.used)

    @property
    def hours_left(self) -> int:
        return max(0, self.hours_per_month - self.hours_spent)


def package_left(session: Session, principal: Principal, now: datetime) -> PackageLeft | None:
    """The learner's package today and what is left of it; None without one."""
    month = month_of(now)
    email = (
        select(func.lower(func.trim(col(PlatformUser.email))))
        .where(col(PlatformUser.id) == principal.user_id)
        .scalar_subquery()
    )
    rows = _grants(
        session,
        month,
        col(CoachingGrant.context_id) == principal.context_id,
        or_(
            col(CoachingGrant.user_id) == principal.user_id,
            and_(col(CoachingGrant.user_id).is_(None), col(CoachingGrant.email) == email),
        ),
    )
    spent = {grant.id: int(hours) for grant, _package, hours in rows}
    found = current_grant(((grant, package) for grant, package, _ in rows), now.date())
    if found is None:
        return None
    grant, package = found
    used = extensions.get(SUBMISSION_COUNTER)(session, principal.context_id, principal.user_id)
    return PackageLeft(
        name=package.name,
        quota=package.feedback_quota,
        used=int(used.get(principal.user_id, 0)),
        hours_per_month=package.office_hours_per_month,
        hours_spent=spent.get(grant.id, 0),
        month=month,
        valid_until=effective_period(grant, package)[1],
    )


def package_panel(request: Request, session: Session, principal: Principal) -> HomePanel | None:
    """The learner's package (or what one offers); nothing for tutors and admins."""
    if principal.role is not Role.LEARNER:
        return None
    left = package_left(session, principal, utcnow())
    month = month_label(left.month, principal.locale) if left else ""
    return HomePanel("coaching/home_package.html", {"package": left, "month": month})


# --- the learner's next office hour ----------------------------------------------------


@dataclass(frozen=True)
class NextHour:
    starts_at: datetime
    ends_at: datetime
    tutor: str
    form: MeetingForm


def next_office_hour(session: Session, principal: Principal, now: datetime) -> NextHour | None:
    """The learner's next booked office hour in this LMS course that has not ended."""
    row = session.exec(
        select(
            OfficeHourBooking.starts_at,
            OfficeHourBooking.ends_at,
            PlatformUser.name,
            OfficeHourSlot.form,
        )
        .join(OfficeHourSlot, col(OfficeHourSlot.id) == col(OfficeHourBooking.slot_id))
        .join(PlatformUser, col(PlatformUser.id) == col(OfficeHourSlot.tutor_user_id))
        .where(
            col(OfficeHourBooking.context_id) == principal.context_id,
            col(OfficeHourBooking.user_id) == principal.user_id,
            col(OfficeHourBooking.status) == BookingStatus.BOOKED.value,
            col(OfficeHourBooking.ends_at) > now,
        )
        .order_by(col(OfficeHourBooking.starts_at))
        .limit(1)
    ).first()
    if row is None:
        return None
    starts_at, ends_at, tutor, form = row
    return NextHour(starts_at, ends_at, " ".join((tutor or "").split()), MeetingForm(form))


def office_hour_panel(request: Request, session: Session, principal: Principal) -> HomePanel | None:
    """The learner's next office hour; nothing when none is booked (the package's card
    says how many are left to book) and nothing for tutors and admins."""
    if principal.role is not Role.LEARNER:
        return None
    hour = next_office_hour(session, principal, utcnow())
    if hour is None:
        return None
    return HomePanel("coaching/home_office_hour.html", {"hour": hour})


# --- the packages' use, for admins ------------------------------------------------------


@dataclass(frozen=True)
class PackagesUse:
    """The packages held today in one LMS course, and their use."""

    active: int  # people holding a package today
    submissions_used: int
    submissions_allowed: int | None  # None: some package is unlimited
    hours_used: int  # this month
    hours_allowed: int  # this month
    month: str


def packages_use(session: Session, principal: Principal, now: datetime) -> PackagesUse:
    """What the admin's card counts, for the principal's LMS course only."""
    month = month_of(now)
    today = now.date()  # as coaching.entitlements.coaching_status counts
    rows = _grants(session, month, col(CoachingGrant.context_id) == principal.context_id)
    spent = {grant.id: int(hours) for grant, _package, hours in rows}
    by_person: dict[object, list[tuple[CoachingGrant, CoachingPackage]]] = {}
    for grant, package, _ in rows:
        person = grant.user_id if grant.user_id is not None else f"email:{grant.email}"
        by_person.setdefault(person, []).append((grant, package))
    held = [found for pairs in by_person.values() if (found := current_grant(pairs, today))]
    counted = extensions.get(SUBMISSION_COUNTER)(session, principal.context_id, None)
    allowed: int | None = 0
    used = 0
    for grant, package in held:
        if grant.user_id is not None:
            used += int(counted.get(grant.user_id, 0))
        if allowed is not None:
            allowed = None if package.feedback_quota is None else allowed + package.feedback_quota
    return PackagesUse(
        active=len(held),
        submissions_used=used,
        submissions_allowed=allowed,
        hours_used=sum(spent.get(grant.id, 0) for grant, _ in held),
        hours_allowed=sum(package.office_hours_per_month for _, package in held),
        month=month,
    )


def packages_use_panel(
    request: Request, session: Session, principal: Principal
) -> HomePanel | None:
    """The packages' use, for admins only."""
    if principal.role is not Role.ADMIN:
        return None
    use = packages_use(session, principal, utcnow())
    month = month_label(use.month, principal.locale)
    return HomePanel("coaching/home_packages_use.html", {"use": use, "month": month})

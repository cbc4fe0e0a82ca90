"""The demo's coaching package and its one grant (``kurswerk demo``, DESIGN: issue 3 §1).

The demo's fourth person, a learner with a coaching package, needs a package on the
simulator's platform and a grant in the demo course. Coaching administration (packages,
grants, audit log) is a service of its own; until the demo can call it, this module
writes the two rows directly. It is idempotent: the demo prepares on every start, and a
second start finds the package (by platform and name) and the grant (by course, package
and email) and changes nothing. The grant is by email, so it is resolved to the learner's
user at her first launch (``uploads.entitlements.resolve_email_grants``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlmodel import Session, select

from lti.models import LmsContext, Platform, utcnow
from uploads.entitlements import normalise_email
from uploads.models import CoachingGrant, CoachingPackage

DEMO_PACKAGE_NAME = "Coaching-Paket Demo"
DEMO_PACKAGE_DESCRIPTION = "3 schriftliche Feedbacks auf Einreichungen, ein Jahr gültig."
DEMO_FEEDBACK_QUOTA = 3
DEMO_VALIDITY = timedelta(days=365)


@dataclass(frozen=True)
class DemoCourse:
    """Where the grant lives: the simulator's platform and its one LMS course."""

    issuer: str
    client_id: str
    lms_context_id: str
    title: str
    label: str


def seed_demo_coaching(
    session: Session, course: DemoCourse, *, email: str, today: date | None = None
) -> CoachingGrant:
    """Make sure ``email`` holds the demo package in the demo course; flushes, never
    commits. The course row is created if nobody has launched yet (a launch updates it).
    Raises ``LookupError`` when the platform is not registered."""
    address = normalise_email(email)
    if address is None:
        raise ValueError("the demo grant needs an email address")
    today = today or utcnow().date()
    platform = session.exec(
        select(Platform).where(
            Platform.issuer == course.issuer, Platform.client_id == course.client_id
        )
    ).first()
    if platform is None or platform.id is None:
        raise LookupError(f"platform {course.issuer} ({course.client_id}) is not registered")
    context = _context(session, platform.id, course)
    package = _package(session, platform.id, today)
    grant = session.exec(
        select(CoachingGrant).where(
            CoachingGrant.context_id == context.id,
            CoachingGrant.package_id == package.id,
            CoachingGrant.email == address,
        )
    ).first()
    if grant is None:
        assert context.id is not None and package.id is not None
        grant = CoachingGrant(package_id=package.id, context_id=context.id, email=address)
        session.add(grant)
        session.flush()
    return grant


def _context(session: Session, platform_id: int, course: DemoCourse) -> LmsContext:
    context = session.exec(
        select(LmsContext).where(
            LmsContext.platform_id == platform_id,
            LmsContext.lms_context_id == course.lms_context_id,
        )
    ).first()
    if context is None:
        context = LmsContext(
            platform_id=platform_id,
            lms_context_id=course.lms_context_id,
            title=course.title,
            label=course.label,
        )
        session.add(context)
        session.flush()
    return context


def _package(session: Session, platform_id: int, today: date) -> CoachingPackage:
    package = session.exec(
        select(CoachingPackage).where(
            CoachingPackage.platform_id == platform_id,
            CoachingPackage.name == DEMO_PACKAGE_NAME,
        )
    ).first()
    if package is None:
        package = CoachingPackage(
            platform_id=platform_id,
            name=DEMO_PACKAGE_NAME,
            description=DEMO_PACKAGE_DESCRIPTION,
            feedback_quota=DEMO_FEEDBACK_QUOTA,
            valid_from=today,
            valid_until=today + DEMO_VALIDITY,
        )
        session.add(package)
        session.flush()
    return package

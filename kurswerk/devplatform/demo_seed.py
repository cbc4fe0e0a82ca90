"""The demo's coaching package and its one grant (``kurswerk demo``, DESIGN: issue 3 §1).

The demo's fourth person, a learner with a coaching package, needs a package on the
simulator's platform and a grant in the demo course. Both are made through coaching
administration (``coaching_packages.create_package``, ``coaching_grants.grant_package``),
so they pass the same checks as an admin's and appear in the audit log, by the actor
``system:demo`` with the source ``demo``.

It is idempotent: the demo prepares on every start, and a second start finds the package
(by platform and name, as ``kurswerk coaching`` names packages) and the grant (by course,
package and email) and changes nothing, so the log gets no second entry. A grant an admin
has revoked or changed counts as found: a restart does not undo an admin's change. The
grant is by email, so it holds before she ever launched: the end of the lesson page shows
her the upload form from her first visit (``uploads.lesson_end`` reads an email grant not
yet bound to her), and the first entitlement check binds it to her user
(``coaching.entitlements.resolve_email_grants``). ``tests/e2e/test_lesson_end_upload.py``
walks her through that upload in the demo.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlmodel import Session, col, select

from coaching.common import Actor, today
from coaching.entitlements import normalise_email
from coaching.grants.changes import grant_package
from coaching.grants.grantees import grantee_by_email
from coaching.models import CoachingGrant, CoachingPackage
from coaching.packages import PackageInput, create_package, find_package_by_name
from lti.models import LmsContext, Platform

DEMO_PACKAGE_NAME = "Coachingpaket Demo"
DEMO_PACKAGE_DESCRIPTION = "3 schriftliche Feedbacks auf Einreichungen, ein Jahr gültig."
DEMO_FEEDBACK_QUOTA = 3
DEMO_VALIDITY = timedelta(days=365)
DEMO_SOURCE = "demo"  # the audit log's source of the demo's changes


def demo_actor() -> Actor:
    """Who the audit log names for the demo's own changes."""
    return Actor.system("demo")


@dataclass(frozen=True)
class DemoCourse:
    """Where the grant lives: the simulator's platform and its one LMS course."""

    issuer: str
    client_id: str
    lms_context_id: str
    title: str
    label: str


def seed_demo_coaching(
    session: Session, course: DemoCourse, *, email: str, on: date | None = None
) -> CoachingGrant:
    """Make sure ``email`` holds the demo package in the demo course; flushes, never
    commits. The course row is created if nobody has launched yet (a launch updates it).
    Raises ``LookupError`` when the platform is not registered, and
    :class:`~coaching.common.CoachingRefused` when the package cannot be granted (an
    admin archived it before the grant was made)."""
    address = normalise_email(email)
    if address is None:
        raise ValueError("the demo grant needs an email address")
    on = on or today()
    platform = session.exec(
        select(Platform).where(
            Platform.issuer == course.issuer, Platform.client_id == course.client_id
        )
    ).first()
    if platform is None or platform.id is None:
        raise LookupError(f"platform {course.issuer} ({course.client_id}) is not registered")
    context = _context(session, platform.id, course)
    package = _package(session, platform.id, on)
    assert context.id is not None and package.id is not None
    grant = session.exec(
        select(CoachingGrant)
        .where(
            CoachingGrant.context_id == context.id,
            CoachingGrant.package_id == package.id,
            CoachingGrant.email == address,
        )
        .order_by(col(CoachingGrant.id))
    ).first()
    if grant is not None:
        return grant
    return grant_package(
        session,
        demo_actor(),
        course=context,
        package=package,
        grantee=grantee_by_email(session, context, address),
        on=on,
        source=DEMO_SOURCE,
    )


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


def _package(session: Session, platform_id: int, on: date) -> CoachingPackage:
    package = find_package_by_name(session, platform_id=platform_id, name=DEMO_PACKAGE_NAME)
    if package is not None:
        return package
    return create_package(
        session,
        demo_actor(),
        platform_id=platform_id,
        data=PackageInput(
            name=DEMO_PACKAGE_NAME,
            description=DEMO_PACKAGE_DESCRIPTION,
            feedback_quota=DEMO_FEEDBACK_QUOTA,
            valid_from=on,
            valid_until=on + DEMO_VALIDITY,
        ),
        source=DEMO_SOURCE,
    )

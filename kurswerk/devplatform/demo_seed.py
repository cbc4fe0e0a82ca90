"""The demo's coaching: its package, its one grant, and the tutor's office hours
(``kurswerk demo``, DESIGN: issue 3 §1, issue 12 §1).

The demo's fourth person, a learner with a coaching package, needs a package on the
simulator's platform and a grant in the demo course. Both are made through coaching
administration (``coaching_packages.create_package``, ``coaching_grants.grant_package``),
so they pass the same checks as an admin's and appear in the audit log, by the actor
``system:demo`` with the source ``demo``. The package includes
``DEMO_OFFICE_HOURS_PER_MONTH`` office hours a month.

It is idempotent: the demo prepares on every start, and a second start finds the package
(by platform and name, as ``kurswerk coaching`` names packages) and the grant (by course,
package and email) and changes nothing, so the log gets no second entry. A grant an admin
has revoked or changed counts as found: a restart does not undo an admin's change. The
grant is by email, so it holds before she ever launched: the end of the lesson page shows
her the upload form from her first visit (``uploads.lesson_end`` reads an email grant not
yet bound to her), and the first entitlement check binds it to her user
(``coaching.entitlements.resolve_email_grants``). ``tests/e2e/test_lesson_end_upload.py``
walks her through that upload in the demo.

A demo database made before office hours existed holds the package with none. A start
gives it its office hours (and the description that names them) only while nobody but
the demo has changed the package: no audit entry of a package change by anyone else. An
admin who set the hours, even to 0, or archived the package keeps their choice; the
change is logged as ``package_updated`` by ``system:demo``.

The tutor offers office hours the learner can book (:func:`seed_demo_office_hours`):
weekly series (``DEMO_WEEKDAYS`` at ``DEMO_START``) published through
``coaching.office_hours.availability``, so they pass a tutor's checks (holidays, the
time zone, clashes with his other slots) and are laid out up to the horizon. His user
row may not exist yet: it is recorded the way the LMS roster records people who have
not launched (``lti.identities.upsert_user``, by platform and ``sub``), and his first
launch finds and updates it. No membership is made for him: a membership says he
launched (``lti.members``), and the office-hour pages authorise him by his launch's
role. A start finds each series by tutor, course, weekday and start time while its
period lasts, also one the tutor has ended (it stays ended), lays a running one out
further and adds none; once a series' period is over, the next start offers a new one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import func
from sqlmodel import Session, col, select

from coaching.audit import AuditAction
from coaching.common import Actor, CoachingRefused, today
from coaching.entitlements import normalise_email
from coaching.grants.changes import grant_package
from coaching.grants.grantees import grantee_by_email
from coaching.models import CoachingAuditEntry, CoachingGrant, CoachingPackage
from coaching.office_hours.availability import Offer, Weekly, lay_out, publish_series
from coaching.office_hours.models import MeetingForm, OfficeHourSeries
from coaching.packages import PackageInput, create_package, find_package_by_name, update_package
from kurswerk.core import clock
from kurswerk.devplatform.config import Person, SimulatorConfig
from lti.identities import upsert_user
from lti.models import LmsContext, Platform, PlatformUser

DEMO_PACKAGE_NAME = "Coachingpaket Demo"
DEMO_PACKAGE_DESCRIPTION = (
    "3 schriftliche Feedbacks auf Einreichungen und 2 Sprechstunden im Monat, ein Jahr gültig."
)
EARLIER_PACKAGE_DESCRIPTION = "3 schriftliche Feedbacks auf Einreichungen, ein Jahr gültig."
"""The description before the package included office hours (replaced along with them)."""
DEMO_FEEDBACK_QUOTA = 3
DEMO_OFFICE_HOURS_PER_MONTH = 2
DEMO_VALIDITY = timedelta(days=365)
DEMO_SOURCE = "demo"  # the audit log's source of the demo's changes
_PACKAGE_CHANGES = (
    AuditAction.PACKAGE_CREATED,
    AuditAction.PACKAGE_UPDATED,
    AuditAction.PACKAGE_ARCHIVED,
    AuditAction.PACKAGE_RESTORED,
)


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

    @classmethod
    def of(cls, simulator: SimulatorConfig) -> DemoCourse:
        course = simulator.course
        return cls(
            issuer=simulator.issuer,
            client_id=simulator.client_id,
            lms_context_id=course.context_id,
            title=course.title,
            label=course.label,
        )


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
    platform_id = _platform_id(session, course)
    context = _context(session, platform_id, course)
    package = _package(session, platform_id, on)
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


def _platform_id(session: Session, course: DemoCourse) -> int:
    platform = session.exec(
        select(Platform).where(
            Platform.issuer == course.issuer, Platform.client_id == course.client_id
        )
    ).first()
    if platform is None or platform.id is None:
        raise LookupError(f"platform {course.issuer} ({course.client_id}) is not registered")
    return platform.id


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
        if package.office_hours_per_month == 0 and _only_the_demo_changed(session, package):
            _add_office_hours(session, package)
        return package
    return create_package(
        session,
        demo_actor(),
        platform_id=platform_id,
        data=PackageInput(
            name=DEMO_PACKAGE_NAME,
            description=DEMO_PACKAGE_DESCRIPTION,
            feedback_quota=DEMO_FEEDBACK_QUOTA,
            office_hours_per_month=DEMO_OFFICE_HOURS_PER_MONTH,
            valid_from=on,
            valid_until=on + DEMO_VALIDITY,
        ),
        source=DEMO_SOURCE,
    )


def _only_the_demo_changed(session: Session, package: CoachingPackage) -> bool:
    """Whether the audit log records no change of the package by anyone but the demo."""
    others = session.exec(
        select(func.count()).where(
            CoachingAuditEntry.package_id == package.id,
            col(CoachingAuditEntry.action).in_([action.value for action in _PACKAGE_CHANGES]),
            CoachingAuditEntry.actor_label != demo_actor().label,
        )
    ).one()
    return int(others) == 0


def _add_office_hours(session: Session, package: CoachingPackage) -> None:
    """The package of a demo database made before office hours, as the demo makes it now."""
    description = package.description
    if description == EARLIER_PACKAGE_DESCRIPTION:
        description = DEMO_PACKAGE_DESCRIPTION
    update_package(
        session,
        demo_actor(),
        package,
        PackageInput(
            name=package.name,
            description=description,
            feedback_quota=package.feedback_quota,
            office_hours_per_month=DEMO_OFFICE_HOURS_PER_MONTH,
            valid_from=package.valid_from,
            valid_until=package.valid_until,
        ),
        source=DEMO_SOURCE,
    )


# --- The tutor's office hours -------------------------------------------------------------


@dataclass(frozen=True)
class DemoTutor:
    """The tutor as the LMS names him (``sub`` and the optional name and email claims)."""

    sub: str
    name: str
    given_name: str
    family_name: str
    email: str

    @classmethod
    def of(cls, person: Person) -> DemoTutor:
        return cls(person.sub, person.name, person.given_name, person.family_name, person.email)


DEMO_OFFER = Offer(
    duration_minutes=30,
    form=MeetingForm.VIDEO,
    details="https://meet.example.org/kurswerk-demo-sprechstunde",
)
DEMO_WEEKDAYS = (1, 3)  # Tuesdays and Thursdays (0 = Monday) ...
DEMO_START = time(10, 0)  # ... at 10:00 in the course's time zone
DEMO_SERIES_PERIOD = timedelta(weeks=52)  # from the day offered; a tutor may offer a year ahead


@dataclass(frozen=True)
class DemoOfficeHours:
    """What a start found or offered: the tutor's user, his series (found or new), and
    each weekday it could not offer with the refusal (a slot of his own at that time)."""

    tutor_user_id: int
    series: list[OfficeHourSeries]
    refused: dict[int, CoachingRefused]


def seed_demo_office_hours(
    session: Session,
    course: DemoCourse,
    tutor: DemoTutor,
    *,
    horizon_weeks: int,
    now: datetime | None = None,
) -> DemoOfficeHours:
    """Make sure ``tutor`` offers the demo's weekly office hours in the demo course;
    flushes, never commits. Creates the course row and the tutor's user row if nobody
    has launched yet (their launches update them). Raises ``LookupError`` when the
    platform is not registered."""
    now = clock.as_utc(now or clock.utcnow())
    platform_id = _platform_id(session, course)
    context = _context(session, platform_id, course)
    assert context.id is not None
    tutor_id = _tutor_user_id(session, platform_id, tutor, now)
    first_day = clock.local_date(now)
    found: list[OfficeHourSeries] = []
    refused: dict[int, CoachingRefused] = {}
    for weekday in DEMO_WEEKDAYS:
        series = _current_series(session, context.id, tutor_id, weekday, first_day)
        if series is None:
            wanted = Weekly(
                weekday=weekday,
                start=DEMO_START,
                first_day=first_day,
                last_day=first_day + DEMO_SERIES_PERIOD,
                offer=DEMO_OFFER,
            )
            try:
                series, _ = publish_series(
                    session,
                    context_id=context.id,
                    tutor_user_id=tutor_id,
                    wanted=wanted,
                    now=now,
                    horizon_weeks=horizon_weeks,
                )
            except CoachingRefused as refusal:
                refused[weekday] = refusal
                continue
        elif series.withdrawn_at is None:
            lay_out(session, series, now, horizon_weeks)
        found.append(series)
    return DemoOfficeHours(tutor_id, found, refused)


def _tutor_user_id(session: Session, platform_id: int, tutor: DemoTutor, now: datetime) -> int:
    """The tutor's user on the platform: found by ``sub`` as a launch finds it, or
    recorded as the LMS roster records someone who has not launched yet."""
    user_id = session.exec(
        select(PlatformUser.id).where(
            PlatformUser.platform_id == platform_id, PlatformUser.sub == tutor.sub
        )
    ).first()
    if user_id is not None:
        return user_id
    return upsert_user(
        session,
        platform_id=platform_id,
        claims={
            "user_id": tutor.sub,
            "name": tutor.name,
            "given_name": tutor.given_name,
            "family_name": tutor.family_name,
            "email": tutor.email,
        },
        now=now,
    )


def _current_series(
    session: Session, context_id: int, tutor_user_id: int, weekday: int, today: date
) -> OfficeHourSeries | None:
    """The tutor's series on the weekday at the time whose period has not passed (also
    one he ended): the demo's from an earlier start, or one he made alike himself."""
    return session.exec(
        select(OfficeHourSeries)
        .where(
            OfficeHourSeries.context_id == context_id,
            OfficeHourSeries.tutor_user_id == tutor_user_id,
            OfficeHourSeries.weekday == weekday,
            OfficeHourSeries.local_start == DEMO_START,
            col(OfficeHourSeries.last_day) >= today,
        )
        .order_by(col(OfficeHourSeries.id))
    ).first()

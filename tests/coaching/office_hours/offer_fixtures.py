"""What the availability tests share: tutors, a learner and their LMS courses, a live
booking on a slot (as the booking rules leave one), and reading back what was offered."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlmodel import Session, col, select

from coaching.models import CoachingGrant, CoachingPackage
from coaching.office_hours.availability import Offer, OneOff, Weekly
from coaching.office_hours.models import (
    BookingStatus,
    MeetingForm,
    OfficeHourBooking,
    OfficeHourSeries,
    OfficeHourSlot,
)
from kurswerk.core import clock
from kurswerk.core.auth import Role
from lti.models import LmsContext
from tests.support.people import Learner, MakeLearner, make_learner

__all__ = ["make_learner", "people"]  # the fixtures a star import brings

BERLIN = clock.course_timezone()
_packages = itertools.count(1)
VIDEO = Offer(30, MeetingForm.VIDEO, "https://meet.example/tom")


@dataclass
class People:
    tom: Learner  # the tutor of the course
    tina: Learner  # another tutor of the same course
    lena: Learner  # a learner of the course
    other: Learner  # a tutor of another course (another platform)
    course: LmsContext

    def where(self, who: Learner | None = None) -> dict[str, int]:
        who = who or self.tom
        return {"context_id": who.context_id, "tutor_user_id": who.principal.user_id}


@pytest.fixture
def people(db: Session, make_learner: MakeLearner) -> People:
    tom = make_learner(role=Role.TUTOR, name="Tom Tutor")
    course = db.get(LmsContext, tom.context_id)
    assert course is not None
    tina = make_learner(context=course, role=Role.TUTOR, name="Tina Tutor")
    lena = make_learner(context=course, name="Lena Lernt")
    other = make_learner(role=Role.TUTOR, name="Otto Other")
    return People(tom, tina, lena, other, course)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    """A moment given as the course's local time."""
    return datetime.combine(day, time(hour, minute), tzinfo=BERLIN).astimezone(UTC)


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)  # type: ignore[misc]


def one_off(day: date, hour: int = 10, minute: int = 0, offer: Offer = VIDEO) -> OneOff:
    return OneOff(day, time(hour, minute), offer)


def weekly(weekday: int, first: date, last: date, hour: int = 10, offer: Offer = VIDEO) -> Weekly:
    return Weekly(weekday, time(hour), first, last, offer)


def slots(db: Session, *, withdrawn: bool | None = False) -> list[OfficeHourSlot]:
    """Every slot, soonest first (only the live ones by default)."""
    db.expire_all()
    query = select(OfficeHourSlot).order_by(col(OfficeHourSlot.starts_at))
    if withdrawn is not None:
        column = col(OfficeHourSlot.withdrawn_at)
        query = query.where(column.is_not(None) if withdrawn else column.is_(None))
    return list(db.exec(query).all())


def starts(db: Session) -> list[datetime]:
    """The live slots' starts, in UTC."""
    return [clock.as_utc(slot.starts_at) for slot in slots(db)]


def all_series(db: Session) -> list[OfficeHourSeries]:
    db.expire_all()
    return list(db.exec(select(OfficeHourSeries).order_by(col(OfficeHourSeries.id))).all())


def book(
    db: Session,
    slot: OfficeHourSlot,
    learner: Learner,
    status: BookingStatus = BookingStatus.BOOKED,
) -> OfficeHourBooking:
    """A booking of ``slot`` by ``learner`` under a grant of a package, as the booking rules
    write one."""
    package = CoachingPackage(
        platform_id=learner.principal.platform_id,
        name=f"Coaching Plus {next(_packages)}",
        office_hours_per_month=2,
    )
    db.add(package)
    db.flush()
    assert package.id is not None
    grant = CoachingGrant(
        package_id=package.id, context_id=slot.context_id, user_id=learner.principal.user_id
    )
    db.add(grant)
    db.flush()
    assert grant.id is not None and slot.id is not None
    booking = OfficeHourBooking(
        context_id=slot.context_id,
        slot_id=slot.id,
        user_id=learner.principal.user_id,
        grant_id=grant.id,
        starts_at=slot.starts_at,
        ends_at=slot.ends_at,
        month=clock.local(slot.starts_at).strftime("%Y-%m"),
        status=status.value,
        cancelled_at=clock.utcnow() if status is BookingStatus.CANCELLED else None,
    )
    db.add(booking)
    db.commit()
    return booking


def bookable_day(after: int = 7) -> date:
    """A Monday to Friday at least ``after`` days from today (course time zone) that is no
    public holiday."""
    day = clock.local_date(clock.utcnow()) + timedelta(days=after)
    while day.weekday() > 4 or clock.is_public_holiday(day):
        day += timedelta(days=1)
    return day

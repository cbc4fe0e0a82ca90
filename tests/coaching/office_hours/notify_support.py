"""Fixtures of the office-hour email tests: a course with a German learner holding a
coaching package and an English tutor offering slots, bookings inserted as rows (the way
the booking rules leave them), and what the outbox holds.

The booking rules live in ``coaching.office_hours.booking``; these tests do not use them:
they write the rows that the rules write (a move: new slot, times, sequence + 1; a
cancellation: status, who, sequence + 1, whether the hour is spent) and call the notices
as the rules do.
"""

from __future__ import annotations

import base64
import itertools
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import icalendar
import pytest
from sqlmodel import Session, select

from coaching.models import CoachingGrant, CoachingPackage
from coaching.office_hours import notices
from coaching.office_hours.models import BookingStatus, OfficeHourBooking, OfficeHourSlot
from kurswerk.core import clock
from kurswerk.core.auth import Role
from kurswerk.core.outbox.queue import OutboxMessage
from kurswerk.core.settings import get_settings
from lti.models import LmsContext, Membership, Platform, PlatformUser

_numbers = itertools.count(1)


@dataclass
class World:
    db: Session
    course: LmsContext
    learner: PlatformUser  # German
    tutor: PlatformUser  # English
    grant: CoachingGrant

    def slot(
        self,
        starts_at: datetime,
        *,
        minutes: int = 30,
        form: str = "video",
        details: str = "https://meet.example.org/kurswerk-42",
        tutor: PlatformUser | None = None,
    ) -> OfficeHourSlot:
        slot = OfficeHourSlot(
            context_id=self.course.id,
            tutor_user_id=(tutor or self.tutor).id,
            starts_at=starts_at,
            ends_at=starts_at + timedelta(minutes=minutes),
            form=form,
            details=details,
        )
        self.db.add(slot)
        self.db.flush()
        return slot

    def book(
        self, slot: OfficeHourSlot, *, topic: str = "Personas für ein Café", notify: bool = True
    ) -> OfficeHourBooking:
        """A learner's booking as the booking rules write it (and what they then send)."""
        booking = OfficeHourBooking(
            context_id=self.course.id,
            slot_id=slot.id,
            user_id=self.learner.id,
            grant_id=self.grant.id,
            starts_at=slot.starts_at,
            ends_at=slot.ends_at,
            month=clock.local(slot.starts_at).strftime("%Y-%m"),
            topic=topic,
            booked_by_user_id=self.learner.id,
        )
        self.db.add(booking)
        self.db.flush()
        if notify:
            notices.notify(self.db, booking, notices.BookingChange.BOOKED)
        self.db.commit()
        return booking

    def move(self, booking: OfficeHourBooking, slot: OfficeHourSlot) -> None:
        """The tutor moves it: same uid, the new slot's times, the next sequence."""
        booking.slot_id = slot.id
        booking.starts_at, booking.ends_at = slot.starts_at, slot.ends_at
        booking.month = clock.local(slot.starts_at).strftime("%Y-%m")
        booking.sequence += 1
        self.db.add(booking)
        self.db.flush()
        notices.notify(self.db, booking, notices.BookingChange.MOVED)
        self.db.commit()

    def cancel(
        self, booking: OfficeHourBooking, *, by_tutor: bool = False, spends_hour: bool = False
    ) -> None:
        """Cancelled (and the sequence counted up, so calendars take the cancellation
        as newer than the invitation they hold)."""
        booking.status = BookingStatus.CANCELLED.value
        booking.cancelled_at = datetime.now(UTC)
        booking.cancelled_by_user_id = (self.tutor if by_tutor else self.learner).id
        booking.spends_hour = spends_hour
        booking.sequence += 1
        self.db.add(booking)
        self.db.flush()
        change = (
            notices.BookingChange.CANCELLED_BY_TUTOR
            if by_tutor
            else notices.BookingChange.CANCELLED_BY_LEARNER
        )
        notices.notify(self.db, booking, change)
        self.db.commit()


def _person(
    db: Session, platform: Platform, context: LmsContext, role: Role, **fields
) -> PlatformUser:
    user = PlatformUser(platform_id=platform.id, sub=f"user-{next(_numbers)}", **fields)
    db.add(user)
    db.flush()
    db.add(Membership(user_id=user.id, context_id=context.id, role=role.value))
    return user


@pytest.fixture
def world(db: Session) -> World:
    """Lena (German LMS) holds a package with office hours; Tom (English LMS) is a tutor."""
    n = next(_numbers)
    platform = Platform(
        name="Moodle",
        issuer=f"https://lms{n}.example.org",
        client_id=f"client-{n}",
        auth_login_url=f"https://lms{n}.example.org/auth",
        auth_token_url=f"https://lms{n}.example.org/token",
        keyset_url=f"https://lms{n}.example.org/jwks",
    )
    db.add(platform)
    db.flush()
    course = LmsContext(
        platform_id=platform.id, lms_context_id=f"course-{n}", title="Social-Media-Strategie"
    )
    db.add(course)
    db.flush()
    learner = _person(
        db, platform, course, Role.LEARNER,
        name="Lena Lernt", email="lena@example.org", locale="de-DE",
    )  # fmt: skip
    tutor = _person(
        db, platform, course, Role.TUTOR,
        name="Tom Tutor", email="tom@example.org", locale="en-GB",
    )  # fmt: skip
    package = CoachingPackage(
        platform_id=platform.id, name="Coaching Plus", office_hours_per_month=2
    )
    db.add(package)
    db.flush()
    grant = CoachingGrant(package_id=package.id, context_id=course.id, user_id=learner.id)
    db.add(grant)
    db.commit()
    return World(db, course, learner, tutor, grant)


def at_berlin(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    """A local time in the course's zone, as a stored (UTC) time."""
    local = datetime(year, month, day, hour, minute, tzinfo=clock.course_timezone())
    return local.astimezone(UTC)


def mails(db: Session, template_prefix: str = "office_hour_") -> list[OutboxMessage]:
    db.expire_all()
    rows = db.exec(
        select(OutboxMessage).where(OutboxMessage.kind == "email").order_by(OutboxMessage.id)
    ).all()
    return [row for row in rows if row.payload["template"].startswith(template_prefix)]


def mail_to(rows: list[OutboxMessage], address: str) -> list[OutboxMessage]:
    return [row for row in rows if row.payload["to"] == address]


def invitation_of(row: OutboxMessage) -> icalendar.Calendar:
    """The ``.ics`` attached to an outbox row, parsed back."""
    (item,) = row.payload["attachments"]
    assert item["filename"] == "invite.ics"
    return icalendar.Calendar.from_ical(base64.b64decode(item["data_base64"]))


def event_of(calendar: icalendar.Calendar) -> icalendar.Event:
    (event,) = calendar.walk("VEVENT")
    return event


def base_url() -> str:
    return get_settings().base_url

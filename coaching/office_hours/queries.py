"""Reading office hours: the slots a learner may book, one learner's bookings, a tutor's
sessions, a course's bookings and what they spent, and the lookups that authorise a
booking id (a booking of another person or course is "not found", never shown).

Nothing here writes. Times are compared in UTC (``kurswerk.core.clock``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func
from sqlalchemy import select as sa_select
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from coaching.models import CoachingGrant, CoachingPackage
from coaching.office_hours.models import BookingStatus, OfficeHourBooking, OfficeHourSlot
from kurswerk.core.auth import Principal
from kurswerk.core.errors import NotFound
from kurswerk.core.i18n import N_
from lti.models import PlatformUser

BOOKING_NOT_FOUND = N_("Diese Buchung gibt es nicht.")


@dataclass(frozen=True)
class SlotRow:
    """A free slot with the name of the tutor who offers it."""

    slot: OfficeHourSlot
    tutor_name: str


@dataclass(frozen=True)
class BookingRow:
    """A booking with the people and the package it names."""

    booking: OfficeHourBooking
    slot: OfficeHourSlot
    learner: PlatformUser
    tutor: PlatformUser
    package_name: str

    @property
    def status(self) -> BookingStatus:
        return BookingStatus(self.booking.status)


def person_name(user: PlatformUser | None) -> str:
    """A person's name as the LMS sent it ("" when it sent none)."""
    if user is None:
        return ""
    return " ".join((user.name or "").split())


def _live(slot_id: object) -> object:
    """An EXISTS for a booking of the slot that is not cancelled (the slot is taken)."""
    return (
        select(OfficeHourBooking.id)
        .where(
            OfficeHourBooking.slot_id == slot_id,
            OfficeHourBooking.status != BookingStatus.CANCELLED.value,
        )
        .exists()
    )


def live_booking(session: Session, slot_id: int) -> OfficeHourBooking | None:
    """The booking that holds the slot (capacity one), if any."""
    return session.exec(
        select(OfficeHourBooking).where(
            OfficeHourBooking.slot_id == slot_id,
            OfficeHourBooking.status != BookingStatus.CANCELLED.value,
        )
    ).first()


def bookable_slots(
    session: Session, *, context_id: int, now: datetime, min_notice: timedelta
) -> list[SlotRow]:
    """The slots of this LMS course a learner may book now: not withdrawn, not taken,
    starting no sooner than ``min_notice`` from ``now``; the earliest first."""
    rows = session.exec(
        select(OfficeHourSlot, PlatformUser)
        .join(PlatformUser, PlatformUser.id == OfficeHourSlot.tutor_user_id)  # type: ignore[arg-type]
        .where(
            OfficeHourSlot.context_id == context_id,
            col(OfficeHourSlot.withdrawn_at).is_(None),
            OfficeHourSlot.starts_at >= now + min_notice,
            ~_live(OfficeHourSlot.id),  # type: ignore[operator]
        )
        .order_by(col(OfficeHourSlot.starts_at), col(OfficeHourSlot.id))
    ).all()
    return [SlotRow(slot, person_name(tutor)) for slot, tutor in rows]


def free_slots_of_tutor(
    session: Session, *, context_id: int, tutor_user_id: int, now: datetime
) -> list[OfficeHourSlot]:
    """A tutor's own free slots in this course that have not begun (where a booking can
    be moved to)."""
    return list(
        session.exec(
            select(OfficeHourSlot)
            .where(
                OfficeHourSlot.context_id == context_id,
                OfficeHourSlot.tutor_user_id == tutor_user_id,
                col(OfficeHourSlot.withdrawn_at).is_(None),
                OfficeHourSlot.starts_at > now,
                ~_live(OfficeHourSlot.id),  # type: ignore[operator]
            )
            .order_by(col(OfficeHourSlot.starts_at), col(OfficeHourSlot.id))
        ).all()
    )


_Learner = aliased(PlatformUser)
_Tutor = aliased(PlatformUser)


def _booking_rows(session: Session, *conditions: Any) -> list[BookingRow]:
    # five entities: beyond sqlmodel's typed ``select``, so SQLAlchemy's
    query = (
        sa_select(OfficeHourBooking, OfficeHourSlot, _Learner, _Tutor, col(CoachingPackage.name))
        .join(OfficeHourSlot, col(OfficeHourSlot.id) == col(OfficeHourBooking.slot_id))
        .join(_Learner, col(_Learner.id) == col(OfficeHourBooking.user_id))
        .join(_Tutor, col(_Tutor.id) == col(OfficeHourSlot.tutor_user_id))
        .join(CoachingGrant, col(CoachingGrant.id) == col(OfficeHourBooking.grant_id))
        .join(CoachingPackage, col(CoachingPackage.id) == col(CoachingGrant.package_id))
        .where(*conditions)
        .order_by(col(OfficeHourBooking.starts_at), col(OfficeHourBooking.id))
    )
    return [
        BookingRow(booking, slot, learner, tutor, name)
        for booking, slot, learner, tutor, name in session.execute(query).all()
    ]


def learner_bookings(session: Session, *, context_id: int, user_id: int) -> list[BookingRow]:
    """A learner's bookings in this course, the earliest first."""
    return _booking_rows(
        session, OfficeHourBooking.context_id == context_id, OfficeHourBooking.user_id == user_id
    )


def tutor_sessions(session: Session, *, context_id: int, tutor_user_id: int) -> list[BookingRow]:
    """The bookings of a tutor's slots in this course, the earliest first."""
    return _booking_rows(
        session,
        OfficeHourBooking.context_id == context_id,
        OfficeHourSlot.tutor_user_id == tutor_user_id,
    )


def course_bookings(session: Session, *, context_id: int) -> list[BookingRow]:
    """Every booking in this course (the admins' view and export), the earliest first."""
    return _booking_rows(session, OfficeHourBooking.context_id == context_id)


def booking_row(session: Session, booking_id: int) -> BookingRow | None:
    rows = _booking_rows(session, OfficeHourBooking.id == booking_id)
    return rows[0] if rows else None


@dataclass(frozen=True)
class Spend:
    """Hours spent under one package in one month of a course."""

    package_name: str
    month: str
    hours: int


def spend_per_package(session: Session, *, context_id: int) -> list[Spend]:
    """The hours spent in this course per package and month (bookings that spend one:
    booked, held, no-show, cancelled late), by package name, then month."""
    rows = session.exec(
        select(CoachingPackage.name, OfficeHourBooking.month, func.count())
        .join(CoachingGrant, CoachingGrant.id == OfficeHourBooking.grant_id)  # type: ignore[arg-type]
        .join(CoachingPackage, CoachingPackage.id == CoachingGrant.package_id)  # type: ignore[arg-type]
        .where(
            OfficeHourBooking.context_id == context_id,
            col(OfficeHourBooking.spends_hour).is_(True),
        )
        .group_by(col(CoachingPackage.name), col(OfficeHourBooking.month))
        .order_by(col(CoachingPackage.name), col(OfficeHourBooking.month))
    ).all()
    return [Spend(name, month, int(hours)) for name, month, hours in rows]


# --- Whose booking is it ----------------------------------------------------------------


def _not_found(booking_id: int, why: str) -> NotFound:
    return NotFound(BOOKING_NOT_FOUND, reason=f"booking {booking_id}: {why}")


def course_booking(session: Session, principal: Principal, booking_id: int) -> OfficeHourBooking:
    """A booking of the principal's LMS course (404 for another course's)."""
    booking = session.get(OfficeHourBooking, booking_id)
    if booking is None or booking.context_id != principal.context_id:
        raise _not_found(booking_id, "none in this course")
    return booking


def learner_booking(session: Session, principal: Principal, booking_id: int) -> OfficeHourBooking:
    """The principal's own booking (404 for anyone else's)."""
    booking = course_booking(session, principal, booking_id)
    if booking.user_id != principal.user_id:
        raise _not_found(booking_id, "another learner's")
    return booking


def tutor_booking(session: Session, principal: Principal, booking_id: int) -> OfficeHourBooking:
    """A booking of one of the principal's own slots (404 for another tutor's)."""
    booking = course_booking(session, principal, booking_id)
    slot = session.get(OfficeHourSlot, booking.slot_id)
    if slot is None or slot.tutor_user_id != principal.user_id:
        raise _not_found(booking_id, "another tutor's slot")
    return booking

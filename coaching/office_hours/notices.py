"""What a change of a booking tells learner and tutor: the emails with their calendar
invitation, through the outbox in the caller's transaction.

The booking rules (``coaching.office_hours.booking``) call :func:`notify` after every
change they make, in the same transaction; this module decides who hears what.
"""

from __future__ import annotations

import enum

from sqlmodel import Session

from coaching.office_hours.models import OfficeHourBooking


class BookingChange(enum.StrEnum):
    BOOKED = "booked"  # a learner booked a slot
    MOVED = "moved"  # a tutor moved the booking to another slot (same uid, sequence + 1)
    CANCELLED_BY_LEARNER = "cancelled_by_learner"
    CANCELLED_BY_TUTOR = "cancelled_by_tutor"


def notify(session: Session, booking: OfficeHourBooking, change: BookingChange) -> None:
    """Write the emails (with their iCalendar invitation) this change sends to the learner
    and the tutor into the outbox, in ``session``'s transaction. The booking is flushed and
    already shows the change (for a move: its new slot, times and sequence)."""

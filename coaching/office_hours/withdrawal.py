"""A tutor withdraws what they offered: one slot (for a series: an exception, one week
off) or a whole weekly series (its future slots).

Withdrawing keeps the rows: a withdrawn slot can no longer be booked and is never laid
out again; a withdrawn series is no longer laid out. Neither happens while a slot has a
live booking (any booking not cancelled): the tutor cancels or moves it first, and the
refusal says which. The rows are locked first (``kurswerk.core.db.lock_row``), and the
bookings read after the lock, so a booking made under the same lock cannot slip in
between.

A tutor withdraws only their own slots in the course they act in: another course's or
another tutor's id is "not found". Nothing here commits.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlmodel import Session, col, select

from coaching.common import CoachingRefused, Problem
from coaching.office_hours.availability import TimeProblem
from coaching.office_hours.models import (
    BookingStatus,
    OfficeHourBooking,
    OfficeHourSeries,
    OfficeHourSlot,
)
from kurswerk.core import clock
from kurswerk.core.db import lock_row
from kurswerk.core.errors import NotFound
from kurswerk.core.i18n import N_
from lti.models import PlatformUser

SLOT_BOOKED = N_(
    "Dieser Termin ist gebucht (von %(name)s). Sagen Sie die Buchung zuerst ab oder verlegen "
    "Sie sie; dann können Sie den Termin zurückziehen."
)
SERIES_BOOKED = N_(
    "In dieser Serie ist der Termin am %(when)s gebucht (von %(name)s). Sagen Sie gebuchte "
    "Termine zuerst ab oder verlegen Sie sie; dann können Sie die Serie beenden."
)
SLOT_OVER = N_("Dieser Termin hat schon begonnen oder ist vorbei.")
NO_SLOT = N_("Diesen Termin gibt es nicht.")
NO_SERIES = N_("Diese wöchentliche Sprechstunde gibt es nicht.")


def own_slot(
    session: Session, *, context_id: int, tutor_user_id: int, slot_id: int
) -> OfficeHourSlot:
    """The tutor's slot in this course, or 404 (also for another course's or tutor's)."""
    slot = session.get(OfficeHourSlot, slot_id)
    if slot is None or (slot.context_id, slot.tutor_user_id) != (context_id, tutor_user_id):
        raise NotFound(NO_SLOT, reason=f"office hour slot {slot_id}")
    return slot


def own_series(
    session: Session, *, context_id: int, tutor_user_id: int, series_id: int
) -> OfficeHourSeries:
    """The tutor's series in this course, or 404 (also for another course's or tutor's)."""
    series = session.get(OfficeHourSeries, series_id)
    if series is None or (series.context_id, series.tutor_user_id) != (context_id, tutor_user_id):
        raise NotFound(NO_SERIES, reason=f"office hour series {series_id}")
    return series


def _live_bookings(
    session: Session, slot_ids: list[int]
) -> list[tuple[OfficeHourBooking, PlatformUser]]:
    if not slot_ids:
        return []
    return list(
        session.exec(
            select(OfficeHourBooking, PlatformUser)
            .join(PlatformUser, col(PlatformUser.id) == col(OfficeHourBooking.user_id))
            .where(
                col(OfficeHourBooking.slot_id).in_(slot_ids),
                OfficeHourBooking.status != BookingStatus.CANCELLED.value,
            )
            .order_by(col(OfficeHourBooking.starts_at))
        ).all()
    )


def withdraw_slot(
    session: Session, *, context_id: int, tutor_user_id: int, slot_id: int, now: datetime
) -> bool:
    """Withdraw one of the tutor's future slots; False when it was withdrawn already.
    Refused (409, nothing written) once it has begun or while it has a live booking."""
    slot = own_slot(session, context_id=context_id, tutor_user_id=tutor_user_id, slot_id=slot_id)
    lock_row(session, OfficeHourSlot, slot_id)
    session.refresh(slot)
    if slot.withdrawn_at is not None:
        return False
    if clock.as_utc(slot.starts_at) <= now:
        raise CoachingRefused([Problem("", SLOT_OVER)], 409)
    if booked := _live_bookings(session, [slot_id]):
        learner = booked[0][1]
        raise CoachingRefused([TimeProblem("", SLOT_BOOKED, {"name": learner.name or ""})], 409)
    slot.withdrawn_at = now
    slot.withdrawn_by_user_id = tutor_user_id
    slot.updated_at = now
    session.add(slot)
    session.flush()
    return True


def withdraw_series(
    session: Session, *, context_id: int, tutor_user_id: int, series_id: int, now: datetime
) -> int | None:
    """End one of the tutor's weekly series: it is laid out no more and its future slots
    are withdrawn; how many (None when it had ended already). Refused (409, nothing
    written) while one of them has a live booking."""
    series = own_series(
        session, context_id=context_id, tutor_user_id=tutor_user_id, series_id=series_id
    )
    lock_row(session, OfficeHourSeries, series_id)  # the daily layout waits for it
    session.refresh(series)
    if series.withdrawn_at is not None:
        return None
    future = [
        slot_id
        for slot_id in session.exec(
            select(OfficeHourSlot.id).where(
                OfficeHourSlot.series_id == series_id,
                col(OfficeHourSlot.withdrawn_at).is_(None),
                col(OfficeHourSlot.starts_at) > now,
            )
        ).all()
        if slot_id is not None
    ]
    for slot_id in future:
        lock_row(session, OfficeHourSlot, slot_id)
    if booked := _live_bookings(session, future):
        booking, learner = booked[0]
        raise CoachingRefused(
            [
                TimeProblem(
                    "",
                    SERIES_BOOKED,
                    {"when": clock.as_utc(booking.starts_at), "name": learner.name or ""},
                )
            ],
            409,
        )
    if future:
        session.execute(
            update(OfficeHourSlot)
            .where(col(OfficeHourSlot.id).in_(future))
            .values(withdrawn_at=now, withdrawn_by_user_id=tutor_user_id, updated_at=now)
        )
    series.withdrawn_at = now
    series.updated_at = now
    session.add(series)
    session.flush()
    return len(future)

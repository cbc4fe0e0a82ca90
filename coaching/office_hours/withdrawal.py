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
from typing import TypeVar

from sqlalchemy import update
from sqlmodel import Session, col, select

from coaching.common import CoachingRefused, Problem
from coaching.office_hours.availability import TimeProblem
from coaching.office_hours.booking import SLOT_NOT_FOUND
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
NO_SERIES = N_("Diese wöchentliche Sprechstunde gibt es nicht.")


_Offered = TypeVar("_Offered", OfficeHourSlot, OfficeHourSeries)


def _own_locked(
    session: Session, table: type[_Offered], row_id: int, owner: tuple[int, int], missing: str
) -> _Offered:
    """The slot or series of ``owner`` (course id, tutor's user id), locked and read again
    under the lock; 404 with ``missing`` (also for another course's or tutor's)."""
    row = session.get(table, row_id)
    if row is None or (row.context_id, row.tutor_user_id) != owner:
        raise NotFound(missing, reason=f"{table.__tablename__} {row_id}")
    lock_row(session, table, row_id)
    session.refresh(row)
    return row


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
    owner = (context_id, tutor_user_id)
    slot = _own_locked(session, OfficeHourSlot, slot_id, owner, SLOT_NOT_FOUND)
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
    owner = (context_id, tutor_user_id)
    # The daily layout waits for the series' lock.
    series = _own_locked(session, OfficeHourSeries, series_id, owner, NO_SERIES)
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

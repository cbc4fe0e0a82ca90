"""The reminder before an office hour: learner and tutor get an email
``KURSWERK_OFFICE_HOURS_REMINDER_HOURS`` before it starts (24 h by default).

The outbox worker runs :func:`reminder_task` every few minutes (the composition root lists
it among the periodic jobs). Each run finds the bookings that are still ``booked``, start
within the reminder window and have no ``reminder_sent_at``; a booking made or moved into
the window gets its reminder at the next run.

Two workers may run it at once. Each booking is claimed with a guarded
``UPDATE ... SET reminder_sent_at = now WHERE reminder_sent_at IS NULL AND status =
'booked'``: only the run whose UPDATE changed the row writes the reminders, in the same
transaction (PostgreSQL makes the second UPDATE wait for the first transaction and then
finds the row taken; SQLite lets one writer at a time). The outbox keys (booking, sequence,
reader) make a repeated reminder impossible even so.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from coaching.office_hours.models import BookingStatus, OfficeHourBooking
from coaching.office_hours.notices import enqueue_reminders
from kurswerk.core.clock import as_utc
from kurswerk.core.db import new_session
from kurswerk.core.outbox.worker import PeriodicTask
from kurswerk.core.settings import Settings

REMINDER_TASK = "coaching.office_hour_reminders"
REMINDER_CHECK_SECONDS = 300.0  # how often the worker looks for reminders due


def due_bookings(session: Session, now: datetime, *, settings: Settings) -> list[int]:
    """The ids of bookings whose reminder is due at ``now``, earliest start first."""
    now = as_utc(now)
    until = now + timedelta(hours=settings.office_hours_reminder_hours)
    return [
        booking_id
        for booking_id in session.exec(
            select(OfficeHourBooking.id)
            .where(
                OfficeHourBooking.status == BookingStatus.BOOKED.value,
                col(OfficeHourBooking.reminder_sent_at).is_(None),
                col(OfficeHourBooking.starts_at) > now,
                col(OfficeHourBooking.starts_at) <= until,
            )
            .order_by(col(OfficeHourBooking.starts_at), col(OfficeHourBooking.id))
        ).all()
        if booking_id is not None
    ]


def claim(session: Session, booking_id: int, now: datetime) -> bool:
    """Mark the booking's reminder as sent, unless another run did or it was cancelled
    meanwhile; True when this run claimed it."""
    result = session.execute(
        update(OfficeHourBooking)
        .where(
            col(OfficeHourBooking.id) == booking_id,
            col(OfficeHourBooking.reminder_sent_at).is_(None),
            col(OfficeHourBooking.status) == BookingStatus.BOOKED.value,
        )
        .values(reminder_sent_at=as_utc(now))
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount == 1)  # type: ignore[attr-defined]


def send_due_reminders(session: Session, now: datetime, *, settings: Settings) -> int:
    """Claim every due booking and write its two reminders into the outbox; returns how
    many bookings this run reminded. The caller commits."""
    sent = 0
    for booking_id in due_bookings(session, now, settings=settings):
        if not claim(session, booking_id, now):
            continue  # another run took it, or it was cancelled since
        booking = session.get(OfficeHourBooking, booking_id, populate_existing=True)
        assert booking is not None
        enqueue_reminders(session, booking, settings=settings, now=as_utc(now))
        sent += 1
    return sent


def reminder_task(settings: Settings) -> PeriodicTask:
    """The outbox worker loop's job: due reminders every few minutes, in a transaction
    of its own."""

    def run(engine: Engine, now: datetime) -> None:
        with new_session(engine) as session:
            send_due_reminders(session, now, settings=settings)
            session.commit()

    return PeriodicTask(REMINDER_TASK, REMINDER_CHECK_SECONDS, run)

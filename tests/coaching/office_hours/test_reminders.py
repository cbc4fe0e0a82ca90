# ruff: noqa: F811 - fixtures are imported by name and then requested as arguments
"""The reminder before an office hour: learner and tutor hear once,
``KURSWERK_OFFICE_HOURS_REMINDER_HOURS`` before the start, about bookings that still stand;
two workers running the job at the same moment send it once; the worker loop runs it."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

from sqlmodel import select

from coaching.office_hours import reminders
from coaching.office_hours.models import BookingStatus, OfficeHourBooking
from kurswerk.core.clock import as_utc
from kurswerk.core.db import new_session
from kurswerk.core.outbox import worker as outbox_worker
from tests.coaching.office_hours.notify_support import (  # noqa: F401 - fixtures
    mail_to,
    mails,
    world,
)

NOW = datetime.now(UTC).replace(second=0, microsecond=0)
LENA, TOM = "lena@example.org", "tom@example.org"


def reminder_mails(db):
    return mails(db, "office_hour_reminder_")


def booking_in(world, hours: float, **fields) -> OfficeHourBooking:
    booking = world.book(world.slot(NOW + timedelta(hours=hours)), notify=False)
    for name, value in fields.items():
        setattr(booking, name, value)
    world.db.add(booking)
    world.db.commit()
    return booking


def sent_at(db, booking: OfficeHourBooking) -> datetime | None:
    db.expire_all()
    value = db.get(OfficeHourBooking, booking.id).reminder_sent_at
    return as_utc(value) if value is not None else None


def test_a_booking_starting_within_the_window_is_reminded_to_both_once(db, world, settings):
    due = booking_in(world, 23)
    assert reminders.send_due_reminders(db, NOW, settings=settings) == 1
    db.commit()
    rows = reminder_mails(db)
    assert [(r.payload["to"], r.payload["template"], r.payload["locale"]) for r in rows] == [
        (LENA, "office_hour_reminder_to_learner", "de"),
        (TOM, "office_hour_reminder_to_tutor", "en"),
    ]
    assert rows[0].payload["subject"].startswith("Erinnerung: Ihre Sprechstunde am ")
    assert "(Europe/Berlin)" in rows[0].payload["text"]
    assert rows[1].payload["subject"].startswith("Reminder: office hour with Lena Lernt on ")
    assert all("attachments" not in r.payload for r in rows)  # the calendar has it already
    assert sent_at(db, due) == NOW
    # the next run (and every later one) finds nothing left to do
    assert reminders.send_due_reminders(db, NOW + timedelta(minutes=5), settings=settings) == 0
    db.commit()
    assert len(reminder_mails(db)) == 2


def test_only_bookings_that_stand_and_start_within_the_window_are_reminded(db, world, settings):
    due = booking_in(world, 2)
    later = booking_in(world, 25)  # not yet
    past = booking_in(world, -1)  # started already
    done = booking_in(world, 10, reminder_sent_at=NOW - timedelta(hours=1))
    cancelled = booking_in(
        world, 10, status=BookingStatus.CANCELLED.value, cancelled_at=NOW, sequence=1
    )
    held = booking_in(world, 10, status=BookingStatus.HELD.value)
    assert reminders.send_due_reminders(db, NOW, settings=settings) == 1
    db.commit()
    assert len(reminder_mails(db)) == 2
    assert sent_at(db, due) == NOW
    for untouched in (later, past, cancelled, held):
        assert sent_at(db, untouched) is None
    assert sent_at(db, done) == NOW - timedelta(hours=1)


def test_the_window_is_the_setting(db, world, settings):
    booking = booking_in(world, 30)
    assert reminders.send_due_reminders(db, NOW, settings=settings) == 0
    wider = settings.model_copy(update={"office_hours_reminder_hours": 48})
    assert reminders.send_due_reminders(db, NOW, settings=wider) == 1
    db.commit()
    assert sent_at(db, booking) == NOW


def test_a_booking_cancelled_after_it_was_found_is_not_reminded(db, world, settings):
    booking = booking_in(world, 5)
    assert reminders.due_bookings(db, NOW, settings=settings) == [booking.id]
    with new_session(db.get_bind()) as other:  # the learner cancels meanwhile
        row = other.get(OfficeHourBooking, booking.id)
        row.status = BookingStatus.CANCELLED.value
        other.add(row)
        other.commit()
    assert reminders.claim(db, booking.id, NOW) is False
    db.rollback()
    assert reminder_mails(db) == []


def test_two_runs_at_the_same_moment_remind_once(engine, db, world, settings, monkeypatch):
    """Both runs read the due bookings before either claims one; the guarded UPDATE lets
    one of them through (on PostgreSQL the second waits for the first's commit)."""
    bookings = [booking_in(world, 3), booking_in(world, 4)]
    both_read = threading.Barrier(2, timeout=30)
    real_claim = reminders.claim
    waiting = threading.local()

    def claim_after_both_read(session, booking_id, now):
        if not getattr(waiting, "done", False):
            waiting.done = True
            both_read.wait()
        return real_claim(session, booking_id, now)

    monkeypatch.setattr(reminders, "claim", claim_after_both_read)
    counts: list[int] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            with new_session(engine) as session:
                counts.append(reminders.send_due_reminders(session, NOW, settings=settings))
                session.commit()
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    assert sorted(counts) in ([0, 2], [1, 1])  # each booking claimed by exactly one run
    assert sum(counts) == 2
    rows = reminder_mails(db)
    assert len(rows) == 4  # two bookings, two readers each, nothing twice
    assert len({r.dedup_key for r in rows}) == 4
    assert all(sent_at(db, b) == NOW for b in bookings)


def test_the_worker_loop_runs_the_reminder_job(engine, db, world, settings):
    booking_in(world, 6)
    task = next(
        t for t in outbox_worker.periodic_tasks(settings) if t.name == reminders.REMINDER_TASK
    )
    task.run(engine, NOW)  # its own transaction, committed
    assert len(reminder_mails(db)) == 2
    db.expire_all()
    assert db.exec(select(OfficeHourBooking.reminder_sent_at)).one() is not None

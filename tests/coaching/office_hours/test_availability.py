# ruff: noqa: F811 - fixtures are imported by name and then requested as arguments
"""The availability rules without HTTP: a weekly series keeps its local time across the
changes of summer and winter time and skips public holidays; it is laid out up to the
horizon and the worker's daily job lays it out further, adding nothing twice; one-off
slots are refused in the past, on a holiday, at a skipped local time and over another
slot; withdrawing refuses a slot with a live booking and another course's or tutor's."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from coaching.common import CoachingRefused
from coaching.office_hours import availability, withdrawal
from coaching.office_hours.availability import (
    CLASH,
    HOLIDAY,
    LAYOUT_TASK,
    SKIPPED_TIME,
    extend_layouts,
    publish_series,
    publish_slot,
)
from coaching.office_hours.models import BookingStatus, OfficeHourSlot
from coaching.office_hours.offered import running_series, upcoming_slots
from coaching.office_hours.withdrawal import SERIES_BOOKED, SLOT_BOOKED, SLOT_OVER
from kurswerk.core import clock
from kurswerk.core.errors import NotFound
from kurswerk.core.outbox.worker import periodic_tasks
from kurswerk.core.settings import Settings
from tests.coaching.office_hours.offer_fixtures import *  # noqa: F403
from tests.coaching.office_hours.offer_fixtures import (
    People,
    all_series,
    at,
    book,
    one_off,
    slots,
    starts,
    utc,
    weekly,
)

TUESDAY, MONDAY, SUNDAY = 1, 0, 6


def _series(db: Session, people: People, wanted, now, weeks: int = 12):
    series, added = publish_series(
        db, **people.where(), wanted=wanted, now=now, horizon_weeks=weeks
    )
    db.commit()
    return series, added


# --- Local time across the clock changes, holidays -----------------------------------------


def test_a_tuesday_series_keeps_10_00_berlin_across_the_change_to_winter_time(
    db: Session, people: People
):
    """Summer time ends on 25 October 2026: 10:00 in Berlin is 08:00 UTC before, 09:00
    UTC after."""
    _, added = _series(
        db, people, weekly(TUESDAY, date(2026, 10, 13), date(2026, 11, 3)), utc(2026, 10, 1, 8)
    )
    assert added == 4
    assert starts(db) == [
        utc(2026, 10, 13, 8),
        utc(2026, 10, 20, 8),
        utc(2026, 10, 27, 9),
        utc(2026, 11, 3, 9),
    ]
    assert {clock.local(s).time() for s in starts(db)} == {time(10)}
    assert [clock.as_utc(s.ends_at) - clock.as_utc(s.starts_at) for s in slots(db)] == [
        timedelta(minutes=30)
    ] * 4


def test_a_monday_series_keeps_its_time_into_summer_time_and_skips_easter_monday(
    db: Session, people: People
):
    """Summer time starts on 28 March 2027; Easter Monday, 29 March 2027, is a public
    holiday in Germany: that week has no slot."""
    _series(db, people, weekly(MONDAY, date(2027, 3, 15), date(2027, 4, 12)), utc(2027, 3, 1, 8))
    assert starts(db) == [
        utc(2027, 3, 15, 9),
        utc(2027, 3, 22, 9),
        utc(2027, 4, 5, 8),
        utc(2027, 4, 12, 8),
    ]


def test_a_local_time_the_clock_skips_is_left_out_of_a_series_and_refused_one_off(
    db: Session, people: People
):
    """On 28 March 2027 Berlin's clocks go from 02:00 to 03:00: there is no 02:30."""
    now = utc(2027, 3, 1, 8)
    _series(db, people, weekly(SUNDAY, date(2027, 3, 21), date(2027, 4, 4), hour=2), now)
    assert [clock.local(s).date() for s in starts(db)] == [date(2027, 3, 21), date(2027, 4, 4)]
    with pytest.raises(CoachingRefused) as refused:
        publish_slot(db, **people.where(), wanted=one_off(date(2027, 3, 28), 2, 30), now=now)
    assert [(p.field, p.message) for p in refused.value.problems] == [("start", SKIPPED_TIME)]


def test_a_one_off_slot_is_stored_in_utc_from_the_local_time_of_its_day(
    db: Session, people: People
):
    now = utc(2026, 10, 1, 8)
    summer = publish_slot(db, **people.where(), wanted=one_off(date(2026, 10, 23), 14), now=now)
    winter = publish_slot(db, **people.where(), wanted=one_off(date(2026, 10, 30), 14), now=now)
    db.commit()
    assert (clock.as_utc(summer.starts_at), clock.as_utc(winter.starts_at)) == (
        utc(2026, 10, 23, 12),
        utc(2026, 10, 30, 13),
    )
    assert clock.as_utc(winter.ends_at) == utc(2026, 10, 30, 13, 30)
    assert summer.series_id is None and summer.form == "video"


def test_a_one_off_slot_on_a_public_holiday_is_refused_naming_the_day(db: Session, people: People):
    with pytest.raises(CoachingRefused) as refused:
        publish_slot(
            db, **people.where(), wanted=one_off(date(2026, 12, 25)), now=utc(2026, 12, 1, 8)
        )
    [problem] = refused.value.problems
    assert (problem.field, problem.message) == ("day", HOLIDAY)
    assert problem.text("de").startswith("Der 25.12.2026 ist ein gesetzlicher Feiertag.")
    assert problem.text("en").startswith("25 Dec 2026 is a public holiday.")
    db.rollback()
    assert slots(db, withdrawn=None) == []


@pytest.mark.parametrize(
    ("day", "hour", "field"),
    [(date(2026, 9, 30), 10, "day"), (date(2026, 10, 1), 9, "start")],
    ids=["yesterday", "earlier-today"],
)
def test_a_one_off_slot_in_the_past_is_refused(
    db: Session, people: People, day: date, hour: int, field: str
):
    with pytest.raises(CoachingRefused) as refused:
        publish_slot(db, **people.where(), wanted=one_off(day, hour), now=utc(2026, 10, 1, 8))
    assert [p.field for p in refused.value.problems] == [field]


# --- Clashes -------------------------------------------------------------------------------


def test_a_slot_over_another_of_the_tutors_is_refused_with_409_also_from_another_course(
    db: Session, people: People
):
    now = utc(2026, 10, 1, 8)
    publish_slot(db, **people.where(), wanted=one_off(date(2026, 10, 20), 10), now=now)
    db.commit()
    with pytest.raises(CoachingRefused) as refused:
        publish_slot(db, **people.where(), wanted=one_off(date(2026, 10, 20), 10, 15), now=now)
    assert refused.value.status_code == 409
    assert refused.value.problems[0].message == CLASH
    assert "20.10.2026, 10:00 Uhr" in refused.value.problems[0].text("de")
    db.rollback()
    # a weekly series over it is refused as a whole
    with pytest.raises(CoachingRefused):
        publish_series(
            db,
            **people.where(),
            wanted=weekly(TUESDAY, date(2026, 10, 13), date(2026, 11, 3)),
            now=now,
            horizon_weeks=12,
        )
    db.rollback()
    # another tutor may offer the same time; right after the first slot is fine too
    publish_slot(db, **people.where(people.tina), wanted=one_off(date(2026, 10, 20)), now=now)
    publish_slot(db, **people.where(), wanted=one_off(date(2026, 10, 20), 10, 30), now=now)
    db.commit()
    assert len(slots(db)) == 3 and all_series(db) == []


# --- The horizon and the daily job -------------------------------------------------------


def test_the_daily_job_lays_a_series_out_further_and_never_twice(
    db: Session, engine: Engine, people: People
):
    now = utc(2026, 10, 1, 8)
    series, added = _series(
        db, people, weekly(TUESDAY, date(2026, 10, 6), date(2027, 1, 26)), now, weeks=4
    )
    assert added == 4 and starts(db)[-1] == utc(2026, 10, 27, 9)  # 6, 13, 20, 27 October
    assert extend_layouts(db, now, horizon_weeks=4) == 0
    two_weeks_on = now + timedelta(weeks=2)
    assert extend_layouts(db, two_weeks_on, horizon_weeks=4) == 2
    db.commit()
    assert extend_layouts(db, two_weeks_on, horizon_weeks=4) == 0
    db.commit()
    assert len(starts(db)) == 6
    # an exception (one week withdrawn) is not laid out again
    [november_3] = [s for s in slots(db) if clock.local(s.starts_at).date() == date(2026, 11, 3)]
    assert withdrawal.withdraw_slot(db, **people.where(), slot_id=november_3.id, now=two_weeks_on)
    db.commit()
    assert extend_layouts(db, two_weeks_on + timedelta(days=1), horizon_weeks=4) == 0
    db.commit()
    assert len(starts(db)) == 5 and len(slots(db, withdrawn=True)) == 1
    # an ended series is laid out no more
    withdrawal.withdraw_series(db, **people.where(), series_id=series.id, now=two_weeks_on)
    db.commit()
    assert extend_layouts(db, now + timedelta(weeks=6), horizon_weeks=4) == 0


def test_the_daily_job_leaves_out_a_day_the_tutor_already_offers(db: Session, people: People):
    now = utc(2026, 10, 1, 8)
    _series(db, people, weekly(TUESDAY, date(2026, 10, 6), date(2026, 12, 29)), now, weeks=2)
    publish_slot(db, **people.where(), wanted=one_off(date(2026, 10, 20), 10, 15), now=now)
    db.commit()
    assert extend_layouts(db, now + timedelta(weeks=2), horizon_weeks=2) == 1  # 27 October
    db.commit()
    assert [clock.local(s).date() for s in starts(db)] == [
        date(2026, 10, 6),
        date(2026, 10, 13),
        date(2026, 10, 20),  # the one-off slot at 10:15
        date(2026, 10, 27),
    ]


def test_the_worker_runs_the_layout_job_in_a_transaction_of_its_own(
    db: Session, engine: Engine, settings: Settings, people: People
):
    now = utc(2026, 10, 1, 8)
    _series(db, people, weekly(TUESDAY, date(2026, 10, 6), date(2026, 12, 29)), now, weeks=1)
    tasks = {task.name: task for task in periodic_tasks(settings)}
    job = tasks[LAYOUT_TASK]
    assert job.every_seconds == 24 * 3600
    job.run(engine, now + timedelta(weeks=1))  # the settings' horizon: 12 weeks
    assert starts(db)[-1] == utc(2026, 12, 29, 9)
    assert len(starts(db)) == 13


# --- Withdrawing ----------------------------------------------------------------------------


def test_a_slot_with_a_live_booking_is_not_withdrawn_and_a_cancelled_one_does_not_hold_it(
    db: Session, people: People
):
    now = utc(2026, 10, 1, 8)
    slot = publish_slot(db, **people.where(), wanted=one_off(date(2026, 10, 20)), now=now)
    db.commit()
    book(db, slot, people.lena)
    with pytest.raises(CoachingRefused) as refused:
        withdrawal.withdraw_slot(db, **people.where(), slot_id=slot.id, now=now)
    assert refused.value.status_code == 409
    assert refused.value.problems[0].message == SLOT_BOOKED
    assert "(von Lena Lernt)" in refused.value.problems[0].text("de")
    db.rollback()
    assert slots(db, withdrawn=True) == []

    other = publish_slot(db, **people.where(), wanted=one_off(date(2026, 10, 21)), now=now)
    db.commit()
    book(db, other, people.lena, BookingStatus.CANCELLED)
    assert withdrawal.withdraw_slot(db, **people.where(), slot_id=other.id, now=now) is True
    db.commit()
    [withdrawn] = slots(db, withdrawn=True)
    assert withdrawn.id == other.id
    assert withdrawn.withdrawn_by_user_id == people.tom.principal.user_id
    # withdrawing it again changes nothing
    assert withdrawal.withdraw_slot(db, **people.where(), slot_id=other.id, now=now) is False


def test_a_slot_that_has_begun_is_not_withdrawn(db: Session, people: People):
    slot = publish_slot(
        db, **people.where(), wanted=one_off(date(2026, 10, 20)), now=utc(2026, 10, 1, 8)
    )
    db.commit()
    with pytest.raises(CoachingRefused) as refused:
        withdrawal.withdraw_slot(
            db, **people.where(), slot_id=slot.id, now=at(date(2026, 10, 20), 10, 5)
        )
    assert refused.value.problems[0].message == SLOT_OVER


def test_another_courses_or_tutors_slot_and_series_are_not_found(db: Session, people: People):
    now = utc(2026, 10, 1, 8)
    slot = publish_slot(db, **people.where(), wanted=one_off(date(2026, 10, 20)), now=now)
    series, _ = _series(db, people, weekly(TUESDAY, date(2026, 10, 6), date(2026, 10, 13)), now)
    for who in (people.tina, people.other):
        with pytest.raises(NotFound):
            withdrawal.withdraw_slot(db, **people.where(who), slot_id=slot.id, now=now)
        with pytest.raises(NotFound):
            withdrawal.withdraw_series(db, **people.where(who), series_id=series.id, now=now)
    # the right tutor named with another course's id
    with pytest.raises(NotFound):
        withdrawal.withdraw_slot(
            db,
            context_id=people.other.context_id,
            tutor_user_id=people.tom.principal.user_id,
            slot_id=slot.id,
            now=now,
        )
    db.rollback()
    assert slots(db, withdrawn=True) == [] and all_series(db)[0].withdrawn_at is None


def test_a_series_with_a_booked_slot_is_not_ended_and_nothing_is_withdrawn(
    db: Session, people: People
):
    now = utc(2026, 10, 1, 8)
    series, _ = _series(db, people, weekly(TUESDAY, date(2026, 10, 6), date(2026, 10, 27)), now)
    booked = slots(db)[2]  # 20 October
    book(db, booked, people.lena)
    with pytest.raises(CoachingRefused) as refused:
        withdrawal.withdraw_series(db, **people.where(), series_id=series.id, now=now)
    assert refused.value.status_code == 409
    assert refused.value.problems[0].message == SERIES_BOOKED
    assert "20.10.2026, 10:00 Uhr gebucht (von Lena Lernt)" in refused.value.problems[0].text("de")
    db.rollback()
    assert slots(db, withdrawn=True) == [] and all_series(db)[0].withdrawn_at is None


def test_ending_a_series_withdraws_its_future_slots_and_keeps_the_past(db: Session, people: People):
    now = utc(2026, 10, 1, 8)
    series, _ = _series(db, people, weekly(TUESDAY, date(2026, 10, 6), date(2026, 10, 27)), now)
    later = at(date(2026, 10, 14), 9)  # after 6 and 13 October
    assert withdrawal.withdraw_series(db, **people.where(), series_id=series.id, now=later) == 2
    db.commit()
    assert [clock.local(s.starts_at).day for s in slots(db)] == [6, 13]
    assert all_series(db)[0].withdrawn_at is not None
    assert withdrawal.withdraw_series(db, **people.where(), series_id=series.id, now=later) is None


# --- What the page lists --------------------------------------------------------------------


def test_the_tutor_sees_their_upcoming_slots_with_who_booked_them(db: Session, people: People):
    now = utc(2026, 10, 1, 8)
    first = publish_slot(db, **people.where(), wanted=one_off(date(2026, 10, 20)), now=now)
    second = publish_slot(db, **people.where(), wanted=one_off(date(2026, 10, 21)), now=now)
    publish_slot(db, **people.where(people.tina), wanted=one_off(date(2026, 10, 22)), now=now)
    _series(db, people, weekly(TUESDAY, date(2026, 10, 6), date(2026, 10, 6)), now)
    book(db, first, people.lena, BookingStatus.CANCELLED)
    book(db, second, people.lena)
    listed = upcoming_slots(db, **people.where(), now=now)
    assert [(line.weekly, line.booked, line.booked_by) for line in listed.lines] == [
        (True, False, None),
        (False, False, None),  # its only booking was cancelled
        (False, True, "Lena Lernt"),
    ]
    assert not listed.more
    assert [line.weekday for line in running_series(db, **people.where(), now=now)] == [TUESDAY]
    assert upcoming_slots(db, **people.where(), now=utc(2026, 10, 22, 8)).lines == []
    assert availability.weekday_name(TUESDAY, "en") == "Tuesday"
    assert isinstance(first, OfficeHourSlot)

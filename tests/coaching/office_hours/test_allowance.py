# ruff: noqa: F811 - fixtures are imported by name and then requested as arguments
"""The allowance: a package's office hours per month, counted in the month a slot falls
in by the course's clock, only inside the grant's effective period."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session

from coaching.common import CoachingRefused
from coaching.office_hours.allowance import (
    current_allowance,
    hours_left,
    month_label,
    month_of,
    spent_by_month,
)
from coaching.office_hours.booking import Rules, book, cancel_by_learner, check_bookable
from kurswerk.core.clock import utcnow
from tests.coaching.office_hours.booking_fixtures import (
    MONTH,
    NEXT_MONTH,
    Hours,
    at,
    day,
    hours,
    make_learner,
    notified,
)

__all__ = ["hours", "make_learner", "notified"]

RULES = Rules(min_notice=timedelta(hours=24), free_cancel=timedelta(hours=24))


@pytest.mark.parametrize(
    ("moment", "month"),
    [
        # 00:30 on 1 January in Berlin is still 31 December in UTC
        (datetime(2026, 12, 31, 23, 30, tzinfo=UTC), "2027-01"),
        (datetime(2026, 12, 31, 22, 59, tzinfo=UTC), "2026-12"),
        # summer time: 01:30 on 1 April in Berlin is 23:30 on 31 March in UTC
        (datetime(2026, 3, 31, 23, 30, tzinfo=UTC), "2026-04"),
        # SQLite hands back naive times: they are UTC
        (datetime(2026, 3, 31, 21, 59), "2026-03"),
    ],
)
def test_a_slot_spends_from_its_month_in_the_course_zone(moment: datetime, month: str):
    assert month_of(moment) == month


def test_a_month_reads_in_the_readers_language():
    assert month_label("2027-01", "de") == "Januar 2027"
    assert month_label("2027-01", "en") == "January 2027"


def test_the_allowance_is_the_current_grants_within_both_validities(db: Session, hours: Hours):
    today = utcnow().date()
    lena = hours.lena.principal
    allowance = current_allowance(db, user_id=lena.user_id, context_id=lena.context_id, today=today)
    assert allowance is not None
    assert (allowance.per_month, allowance.grant_id) == (2, hours.grant.id)
    assert (allowance.starts, allowance.ends) == (None, None)

    hours.grant.valid_until = day(20)
    hours.package.valid_from = today - timedelta(days=3)
    hours.package.valid_until = day(25)
    db.add_all([hours.grant, hours.package])
    db.commit()
    allowance = current_allowance(db, user_id=lena.user_id, context_id=lena.context_id, today=today)
    assert allowance is not None
    assert (allowance.starts, allowance.ends) == (today - timedelta(days=3), day(20))
    assert allowance.covers(day(20)) and not allowance.covers(day(21))
    assert not allowance.covers(today - timedelta(days=4))

    hours.grant.revoked_at = utcnow()
    db.add(hours.grant)
    db.commit()
    assert (
        current_allowance(db, user_id=lena.user_id, context_id=lena.context_id, today=today) is None
    )


def test_only_what_spends_counts_per_grant_and_month(db: Session, hours: Hours, notified):
    now = utcnow()
    lena = hours.lena.principal
    first = book(db, lena, hours.slot(at(day(3), 10)).id, topic="", pdf=None, now=now, rules=RULES)
    book(db, lena, hours.slot(at(day(4), 10)).id, topic="", pdf=None, now=now, rules=RULES)
    book(
        db,
        lena,
        hours.slot(at(day(4, NEXT_MONTH), 10)).id,
        topic="",
        pdf=None,
        now=now,
        rules=RULES,
    )
    db.commit()
    months = [MONTH.strftime("%Y-%m"), NEXT_MONTH.strftime("%Y-%m"), "2000-01"]
    assert spent_by_month(db, hours.grant.id, months) == dict(zip(months, [2, 1, 0], strict=True))
    allowance = current_allowance(
        db, user_id=lena.user_id, context_id=lena.context_id, today=now.date()
    )
    assert allowance is not None
    assert hours_left(db, allowance, months[0]) == 0
    assert hours_left(db, allowance, months[1]) == 1

    cancel_by_learner(db, lena, first.id, now=now, rules=RULES)  # in time: not spent
    db.commit()
    assert spent_by_month(db, hours.grant.id, months[:1]) == {months[0]: 1}
    # another learner's bookings are theirs
    lukas = hours.learner()
    book(
        db, lukas.principal, hours.slot(at(day(5), 10)).id, topic="", pdf=None, now=now, rules=RULES
    )
    db.commit()
    assert hours_left(db, allowance, months[0]) == 1


def test_a_full_month_does_not_block_the_next_one_at_midnight(db: Session, hours: Hours, notified):
    """Two hours booked in MONTH; a slot at 00:15 on the first of the next month (still
    the previous day in UTC) counts for the next month and can be booked."""
    now = utcnow()
    lena = hours.lena.principal
    for n in (3, 4):
        book(db, lena, hours.slot(at(day(n), 10)).id, topic="", pdf=None, now=now, rules=RULES)
    db.commit()
    last_evening = hours.slot(at(NEXT_MONTH - timedelta(days=1), 23, 45))
    midnight = hours.slot(at(NEXT_MONTH, 0, 15))
    assert midnight.starts_at.astimezone(UTC).date() < NEXT_MONTH  # the day before in UTC
    checked = check_bookable(db, lena, midnight.id, now=now, rules=RULES)
    assert (checked.month, checked.hours_left) == (NEXT_MONTH.strftime("%Y-%m"), 2)
    with pytest.raises(CoachingRefused) as refused:
        check_bookable(db, lena, last_evening.id, now=now, rules=RULES)
    assert refused.value.status_code == 409


def test_a_package_without_office_hours_allows_none_a_month(db: Session, hours: Hours):
    zero = hours.learner(per_month=0, name="Zoe Null")
    allowance = current_allowance(
        db, user_id=zero.principal.user_id, context_id=zero.context_id, today=utcnow().date()
    )
    assert allowance is not None and allowance.per_month == 0

"""Working-day arithmetic of the feedback target (Monday to Friday, Berlin time)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from feedback.workdays import age_of
from kurswerk.core.clock import add_working_days, working_days_between

MONDAY = date(2026, 11, 23)


def brute_force_between(start: date, end: date) -> int:
    days = (end - start).days
    return sum(1 for k in range(1, days + 1) if (start + timedelta(days=k)).weekday() < 5)


def brute_force_add(start: date, days: int) -> date:
    current = start
    while days:
        current += timedelta(days=1)
        if current.weekday() < 5:
            days -= 1
    return current


@pytest.mark.parametrize("offset", range(7))
def test_counting_and_adding_agree_with_walking_day_by_day(offset):
    start = MONDAY + timedelta(days=offset)
    for span in range(0, 40):
        end = start + timedelta(days=span)
        assert working_days_between(start, end) == brute_force_between(start, end)
    for days in range(0, 25):
        assert add_working_days(start, days) == brute_force_add(start, days), (start, days)


def test_a_monday_submission_is_due_by_the_end_of_the_next_monday():
    submitted = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    on_time = age_of(submitted, datetime(2026, 11, 30, 22, 59, tzinfo=UTC), 5)  # 23:59 Berlin
    assert on_time.due_on == date(2026, 11, 30)
    assert (on_time.working_days, on_time.overdue) == (5, False)
    late = age_of(submitted, datetime(2026, 11, 30, 23, 0, tzinfo=UTC), 5)  # Tue 00:00 Berlin
    assert late.overdue


def test_a_weekend_submission_counts_from_monday():
    saturday = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
    age = age_of(saturday, datetime(2026, 12, 1, 12, 0, tzinfo=UTC), 5)
    assert age.due_on == date(2026, 12, 4)  # Friday
    assert (age.working_days, age.days_left, age.overdue) == (2, 3, False)


def test_the_day_boundary_is_berlin_time_not_utc():
    # 23:30 UTC on Friday is already Saturday in Berlin.
    late_friday_utc = datetime(2026, 11, 27, 23, 30, tzinfo=UTC)
    assert age_of(late_friday_utc, late_friday_utc, 5).submitted_on == date(2026, 11, 28)


def test_naive_times_from_sqlite_are_taken_as_utc():
    naive = datetime(2026, 11, 23, 9, 0)
    aware = naive.replace(tzinfo=UTC)
    assert age_of(naive, aware, 5) == age_of(aware, aware, 5)

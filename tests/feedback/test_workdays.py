"""Working-day arithmetic of the feedback target (Monday to Friday without the region's
public holidays, Berlin time)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import holidays
import pytest

from feedback.workdays import age_of
from kurswerk.core.clock import add_working_days, working_days_between
from kurswerk.core.settings import get_settings

MONDAY = date(2026, 11, 23)


@pytest.fixture
def region(monkeypatch):
    """The course's holiday region, set for one test (Germany; ``subdivision`` as asked)."""

    def use(subdivision: str | None = None) -> holidays.HolidayBase:
        monkeypatch.setenv("KURSWERK_HOLIDAYS_COUNTRY", "DE")
        if subdivision:
            monkeypatch.setenv("KURSWERK_HOLIDAYS_SUBDIVISION", subdivision)
        else:
            monkeypatch.delenv("KURSWERK_HOLIDAYS_SUBDIVISION", raising=False)
        get_settings.cache_clear()
        return holidays.country_holidays("DE", subdiv=subdivision, years=range(2026, 2029))

    yield use
    get_settings.cache_clear()


def walking(calendar: holidays.HolidayBase):
    """Counting and adding by walking day by day over ``calendar``'s working days."""

    def works(day: date) -> bool:
        return day.weekday() < 5 and day not in calendar

    def between(start: date, end: date) -> int:
        days = (end - start).days
        return sum(1 for k in range(1, days + 1) if works(start + timedelta(days=k)))

    def add(start: date, days: int) -> date:
        current = start
        while days:
            current += timedelta(days=1)
            if works(current):
                days -= 1
        return current

    return between, add


@pytest.mark.parametrize("subdivision", [None, "BY"])
@pytest.mark.parametrize("offset", range(7))
def test_counting_and_adding_agree_with_walking_day_by_day(region, subdivision, offset):
    """Around Christmas and New Year (and, in Bavaria, Epiphany), over a year's spans."""
    brute_force_between, brute_force_add = walking(region(subdivision))
    for start in (MONDAY + timedelta(days=offset), date(2026, 12, 21) + timedelta(days=offset)):
        for span in [*range(0, 40), 120, 365]:
            end = start + timedelta(days=span)
            assert working_days_between(start, end) == brute_force_between(start, end)
        for days in [*range(0, 25), 60, 250]:
            assert add_working_days(start, days) == brute_force_add(start, days), (start, days)


def test_a_public_holiday_is_no_working_day(region):
    region()
    # Tuesday 22 December 2026: Wed 23, Thu 24, (Fri 25 Christmas Day), Mon 28, Tue 29, Wed 30
    assert add_working_days(date(2026, 12, 22), 5) == date(2026, 12, 30)
    assert working_days_between(date(2026, 12, 22), date(2026, 12, 30)) == 5


def test_a_regional_holiday_counts_only_in_its_region(region):
    region()  # nationwide only: Tuesday 6 January 2026 is a working day
    assert add_working_days(date(2026, 1, 5), 1) == date(2026, 1, 6)
    region("BY")  # Epiphany in Bavaria
    assert add_working_days(date(2026, 1, 5), 1) == date(2026, 1, 7)
    assert working_days_between(date(2026, 1, 5), date(2026, 1, 7)) == 1


def test_the_queues_age_counts_the_same_working_days(region):
    region("BY")
    # Monday 1 June 2026, target 5: Thursday 4 June (Corpus Christi in Bavaria) is skipped.
    age = age_of(datetime(2026, 6, 1, 9, 0, tzinfo=UTC), datetime(2026, 6, 8, 9, 0, tzinfo=UTC), 5)
    assert age.due_on == date(2026, 6, 9)
    assert (age.working_days, age.overdue) == (4, False)


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

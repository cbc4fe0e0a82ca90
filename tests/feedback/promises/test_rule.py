"""The promised date's rule (``feedback.promises.rule``): the target in working days,
the region's public holidays, the queue at the tutors' stated pace, never before the
target."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from feedback.promises.rule import MAX_QUEUE_DAYS, day_end, promised_day, queue_days
from kurswerk.core.settings import get_settings

MONDAY = date(2026, 11, 23)


def test_a_quiet_queue_promises_the_target():
    assert promised_day(MONDAY, 5, waiting=0, weekly_capacity=50) == date(2026, 11, 30)


def test_weekends_do_not_count():
    friday = date(2026, 11, 27)
    assert promised_day(friday, 1, waiting=0, weekly_capacity=0) == date(2026, 11, 30)
    saturday = date(2026, 11, 28)
    assert promised_day(saturday, 5, waiting=0, weekly_capacity=0) == date(2026, 12, 4)


def test_a_nationwide_holiday_moves_the_date():
    # Tuesday 22 December, target 3: Wed 23, Thu 24, (Fri 25 Christmas Day), Mon 28.
    assert promised_day(date(2026, 12, 22), 3, 0, 0) == date(2026, 12, 28)


@pytest.fixture
def bavaria(monkeypatch):
    monkeypatch.setenv("KURSWERK_HOLIDAYS_COUNTRY", "DE")
    monkeypatch.setenv("KURSWERK_HOLIDAYS_SUBDIVISION", "BY")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_a_holiday_of_the_subdivision_moves_the_date_only_there(bavaria, monkeypatch):
    # Monday 1 June 2026, target 5; Thursday 4 June is Corpus Christi in Bavaria.
    assert promised_day(date(2026, 6, 1), 5, 0, 0) == date(2026, 6, 9)
    monkeypatch.setenv("KURSWERK_HOLIDAYS_SUBDIVISION", "HB")  # Bremen: no Corpus Christi
    get_settings.cache_clear()
    assert promised_day(date(2026, 6, 1), 5, 0, 0) == date(2026, 6, 8)


def test_the_queue_at_the_stated_pace_pushes_the_date_past_the_target():
    # 20 feedbacks a week = 4 a working day; 30 waiting: the 31st on the 8th working day.
    assert queue_days(30, 20) == 8
    assert promised_day(MONDAY, 5, waiting=30, weekly_capacity=20) == date(2026, 12, 3)


def test_the_date_is_never_before_the_target():
    assert queue_days(0, 100) == 1
    assert promised_day(MONDAY, 5, waiting=0, weekly_capacity=100) == date(2026, 11, 30)
    assert promised_day(MONDAY, 5, waiting=24, weekly_capacity=25) == date(2026, 11, 30)
    assert promised_day(MONDAY, 5, waiting=25, weekly_capacity=25) == date(2026, 12, 1)


def test_without_stated_capacity_the_target_alone_is_promised():
    assert queue_days(500, 0) is None
    assert promised_day(MONDAY, 5, waiting=500, weekly_capacity=0) == date(2026, 11, 30)


def test_the_queue_part_is_capped_at_about_a_year():
    assert queue_days(100_000, 1) == MAX_QUEUE_DAYS


def test_a_promise_holds_until_midnight_in_the_course_time_zone():
    assert day_end(date(2026, 11, 30)) == datetime(2026, 11, 30, 23, 0, tzinfo=UTC)
    assert day_end(date(2026, 11, 30)).tzinfo is UTC  # stored as every time: in UTC
    assert day_end(date(2026, 7, 1)) == datetime(2026, 7, 1, 22, 0, tzinfo=UTC)  # summer time

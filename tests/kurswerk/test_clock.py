"""The clock: UTC now, the course's time zone from the settings, how dates read."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from pydantic import ValidationError

from kurswerk.core import clock
from kurswerk.core.settings import Settings, get_settings


@pytest.fixture
def course_timezone(monkeypatch):
    """Set ``KURSWERK_COURSE_TIMEZONE`` for one test."""

    def use(name: str) -> None:
        monkeypatch.setenv("KURSWERK_COURSE_TIMEZONE", name)
        get_settings.cache_clear()

    yield use
    monkeypatch.delenv("KURSWERK_COURSE_TIMEZONE", raising=False)
    get_settings.cache_clear()


def test_now_is_aware_utc():
    before = datetime.now(UTC)
    now = clock.utcnow()
    assert now.tzinfo is UTC
    assert before <= now <= datetime.now(UTC)


def test_naive_times_are_utc_and_aware_ones_are_moved_to_utc():
    naive = datetime(2026, 11, 22, 13, 5)
    assert clock.as_utc(naive) == datetime(2026, 11, 22, 13, 5, tzinfo=UTC)
    plus_two = datetime(2026, 11, 22, 15, 5, tzinfo=timezone(timedelta(hours=2)))
    moved = clock.as_utc(plus_two)
    assert moved.utcoffset() == timedelta(0)
    assert moved.hour == 13


def test_the_course_reads_berlin_time_unless_set(course_timezone):
    assert Settings().course_timezone == "Europe/Berlin"
    assert clock.course_timezone() == ZoneInfo("Europe/Berlin")
    winter = datetime(2026, 11, 22, 23, 30, tzinfo=UTC)  # CET: already the 23rd
    summer = datetime(2026, 7, 1, 22, 30, tzinfo=UTC)  # CEST: already the 2nd
    assert clock.local_date(winter) == date(2026, 11, 23)
    assert clock.local(summer).hour == 0
    course_timezone("America/New_York")
    assert clock.course_timezone() == ZoneInfo("America/New_York")
    assert clock.local_date(winter) == date(2026, 11, 22)
    assert clock.when(winter, "en") == "22 Nov 2026, 18:30"


@pytest.mark.parametrize("name", ["Mars/Olympus_Mons", "", "../etc/passwd"])
def test_an_unknown_time_zone_is_refused(name):
    with pytest.raises(ValidationError, match="KURSWERK_COURSE_TIMEZONE"):
        Settings(course_timezone=name)


def test_a_moment_reads_in_the_course_time_zone():
    moment = datetime(2026, 11, 22, 13, 5)  # naive: UTC
    assert clock.when(moment) == "22.11.2026, 14:05 Uhr"
    assert clock.when(moment, "de", uhr=False) == "22.11.2026, 14:05"
    assert clock.when(moment, "en") == "22 Nov 2026, 14:05"
    assert clock.when(moment, "en", uhr=False) == "22 Nov 2026, 14:05"
    assert clock.time_of_day(moment) == "14:05 Uhr"
    assert clock.time_of_day(moment, "en") == "14:05"


def test_a_day_reads_with_its_weekday():
    friday = date(2026, 11, 27)
    assert clock.date_text(friday) == "27.11.2026"
    assert clock.date_text(friday, "en") == "27 Nov 2026"
    assert clock.day_with_weekday(friday) == "Freitag, 27. November 2026"
    assert clock.day_with_weekday(friday, "en") == "Friday, 27 November 2026"
    assert clock.day_with_weekday(friday, "de", short=True) == "Fr., 27. Nov. 2026"
    assert clock.day_with_weekday(friday, "en", short=True) == "Fri, 27 Nov 2026"
    # a language added by its catalog reads in its own forms, one Babel lacks like English
    assert clock.day_with_weekday(friday, "fr") == "vendredi 27 novembre 2026"
    assert clock.day_with_weekday(friday, "qps") == "Friday, 27 November 2026"


def test_numbers_and_file_sizes_read_in_the_language():
    assert clock.number(1234.5) == "1.234,5"
    assert clock.number(1234.5, "en") == "1,234.5"
    assert clock.file_size(340 * 1024) == "340 KB"
    assert clock.file_size(100) == "1 KB"
    assert clock.file_size(int(1.25 * 1024 * 1024)) == "1,2 MB"
    assert clock.file_size(int(1.25 * 1024 * 1024), "en") == "1.2 MB"


def test_the_template_filters_read_in_the_page_language():
    from kurswerk.core.templating import environment

    page = environment.from_string("{{ day|weekday_date }} · {{ moment|datetime }}")
    values = {"day": date(2026, 11, 27), "moment": datetime(2026, 11, 22, 13, 5)}
    assert page.render(locale="en", **values) == "Friday, 27 November 2026 · 22 Nov 2026, 14:05"
    assert page.render(locale="de", **values) == (
        "Freitag, 27. November 2026 · 22.11.2026, 14:05 Uhr"
    )


def test_working_days_skip_the_weekend():
    friday = date(2026, 11, 27)
    assert clock.add_working_days(friday, 0) == friday
    assert clock.add_working_days(friday, 1) == date(2026, 11, 30)  # Monday
    assert clock.add_working_days(friday, 5) == date(2026, 12, 4)  # next Friday
    assert clock.add_working_days(date(2026, 11, 28), 5) == date(2026, 12, 4)  # from Saturday
    assert clock.working_days_between(friday, date(2026, 12, 4)) == 5
    assert clock.working_days_between(date(2026, 12, 4), friday) == 0


def test_working_days_skip_the_regions_public_holidays(monkeypatch):
    monkeypatch.setenv("KURSWERK_HOLIDAYS_COUNTRY", "DE")
    monkeypatch.setenv("KURSWERK_HOLIDAYS_SUBDIVISION", "NW")
    get_settings.cache_clear()
    try:
        assert not clock.is_working_day(date(2026, 12, 25))  # Christmas Day, a Friday
        assert not clock.is_working_day(date(2026, 6, 4))  # Corpus Christi in NRW
        assert not clock.is_working_day(date(2026, 12, 5))  # a Saturday
        assert clock.is_working_day(date(2026, 12, 24))  # Christmas Eve: no public holiday
        assert clock.add_working_days(date(2026, 12, 24), 1) == date(2026, 12, 28)
        assert clock.working_days_between(date(2026, 12, 24), date(2027, 1, 4)) == 5  # not 1 Jan
    finally:
        get_settings.cache_clear()


def test_a_promised_day_reads_with_its_weekday_and_without_a_year():
    day = date(2026, 12, 10)
    assert clock.weekday_day_month(day) == "Donnerstag, 10. Dezember"
    assert clock.weekday_day_month(day, "en") == "Thursday, 10 December"


def test_public_holidays_come_from_the_course_region(monkeypatch):
    monkeypatch.delenv("KURSWERK_HOLIDAYS_SUBDIVISION", raising=False)
    monkeypatch.setenv("KURSWERK_HOLIDAYS_COUNTRY", "DE")
    get_settings.cache_clear()
    try:
        assert clock.is_public_holiday(date(2026, 12, 25))  # Christmas Day, everywhere in DE
        assert not clock.is_public_holiday(date(2026, 12, 7))
        assert not clock.is_public_holiday(date(2026, 1, 6))  # Epiphany: not nationwide
        monkeypatch.setenv("KURSWERK_HOLIDAYS_SUBDIVISION", "BY")
        get_settings.cache_clear()
        assert clock.is_public_holiday(date(2026, 1, 6))  # ... but in Bavaria
    finally:
        get_settings.cache_clear()


@pytest.mark.parametrize(
    ("country", "subdivision"), [("XX", None), ("DE", "ZZ")], ids=["country", "subdivision"]
)
def test_an_unknown_holiday_region_is_refused(country, subdivision):
    with pytest.raises(ValidationError, match="KURSWERK_HOLIDAYS_COUNTRY"):
        Settings(holidays_country=country, holidays_subdivision=subdivision)

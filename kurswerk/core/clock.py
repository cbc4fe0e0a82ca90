"""Time: now in UTC, the course's time zone, working days, and how dates read on a page.

Every stored time is UTC (SQLite hands it back naive, PostgreSQL aware). What a person
reads is in the course's time zone (``KURSWERK_COURSE_TIMEZONE``, Europe/Berlin unless
set), in the forms of the reader's language (Babel).

Working days are Monday to Friday (``KURSWERK_FEEDBACK_TARGET_DAYS`` counts them). Public
holidays count as working days: no calendar is configured; the feedback target is a
promise to aim for, not a legal deadline.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import holidays
from babel import Locale, UnknownLocaleError, dates, numbers
from jinja2 import pass_context
from jinja2.runtime import Context

from kurswerk.core.settings import get_settings


def utcnow() -> datetime:
    return datetime.now(UTC)


def as_utc(value: datetime) -> datetime:
    """SQLite hands back naive datetimes; every stored time is UTC."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def course_timezone() -> ZoneInfo:
    """The course's time zone (``KURSWERK_COURSE_TIMEZONE``)."""
    return ZoneInfo(get_settings().course_timezone)


def local(value: datetime) -> datetime:
    """A stored time (naive means UTC) in the course's time zone."""
    return as_utc(value).astimezone(course_timezone())


def local_date(value: datetime) -> date:
    """The day a stored time falls on in the course's time zone."""
    return local(value).date()


# --- Public holidays -------------------------------------------------------------------


@functools.lru_cache(maxsize=64)
def _holidays(country: str, subdivision: str | None, year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays(country, subdiv=subdivision, years=year))


def is_public_holiday(day: date) -> bool:
    """Whether ``day`` is a public holiday in the course's region
    (``KURSWERK_HOLIDAYS_COUNTRY`` / ``KURSWERK_HOLIDAYS_SUBDIVISION``), by the
    ``holidays`` library's calendar."""
    settings = get_settings()
    return day in _holidays(settings.holidays_country, settings.holidays_subdivision, day.year)


# --- Working days ----------------------------------------------------------------------


def working_days_between(start: date, end: date) -> int:
    """How many working days d with ``start < d <= end`` (0 when ``end <= start``)."""
    if end <= start:
        return 0
    days = (end - start).days
    weeks, rest = divmod(days, 7)
    count = weeks * 5
    weekday = start.weekday()  # the days after start: weekday+1 ... weekday+rest
    count += sum(1 for offset in range(1, rest + 1) if (weekday + offset) % 7 < 5)
    return count


def add_working_days(start: date, days: int) -> date:
    """The ``days``-th working day after ``start`` (``start`` itself for 0). A submission
    on Friday with 5 days is due the next Friday; on Saturday, by the Friday after."""
    weeks, rest = divmod(days, 5)
    current = start + timedelta(weeks=weeks)
    while rest:
        current += timedelta(days=1)
        if current.weekday() < 5:
            rest -= 1
    if days and current.weekday() >= 5:  # whole weeks from a weekend day land on one
        current -= timedelta(days=current.weekday() - 4)
    return current


# --- How dates, times and numbers read ----------------------------------------------------
# Babel's forms for the person's language, in the course's time zone; one set of helpers
# for pages and emails (the templates' filters are ``FILTERS``).

_FORMAT_LOCALES = {"en": "en_GB"}
"""Kurswerk's English reads dates the European way: ``27 Nov 2026, 14:05``."""
_CLOCK_TIME = {"de": "HH:mm 'Uhr'"}
"""A language's time of day with its word for "o'clock" (``14:05 Uhr``)."""


def format_locale(locale: str) -> Locale:
    """Babel's data for ``locale``; English where Babel knows no such language (a test's
    pseudo-locale)."""
    try:
        return Locale.parse(_FORMAT_LOCALES.get(locale, locale))
    except (ValueError, UnknownLocaleError):
        return Locale.parse(_FORMAT_LOCALES["en"])


def date_text(value: date, locale: str = "de") -> str:
    """``27.11.2026`` / ``27 Nov 2026``."""
    return dates.format_date(value, "medium", locale=format_locale(locale))


def day_with_weekday(value: date, locale: str = "de", *, short: bool = False) -> str:
    """``Freitag, 27. November 2026`` / ``Friday, 27 November 2026``; with ``short``:
    ``Fr., 27. Nov. 2026`` / ``Fri, 27 Nov 2026``."""
    where = format_locale(locale)
    if short:
        return dates.format_skeleton("yMMMEd", value, locale=where)
    return dates.format_date(value, "full", locale=where)


def time_of_day(value: datetime, locale: str = "de", *, uhr: bool = True) -> str:
    """``14:05 Uhr`` / ``14:05`` in the course's time zone (``14:05`` without ``uhr``)."""
    pattern = _CLOCK_TIME.get(locale, "short") if uhr else "short"
    return dates.format_time(local(value), pattern, locale=format_locale(locale))


def when(value: datetime, locale: str = "de", *, uhr: bool = True) -> str:
    """``22.11.2026, 14:05 Uhr`` / ``22 Nov 2026, 14:05`` in the course's time zone
    (without ``Uhr`` when ``uhr`` is false)."""
    where = format_locale(locale)
    glue = str(dates.get_datetime_format("medium", locale=where)).replace("'", "")
    day = dates.format_date(local(value).date(), "medium", locale=where)
    return glue.replace("{0}", time_of_day(value, locale, uhr=uhr)).replace("{1}", day)


def number(value: float, locale: str = "de") -> str:
    """``1.234,5`` / ``1,234.5``."""
    return numbers.format_decimal(value, locale=format_locale(locale))


def file_size(size: int, locale: str = "de") -> str:
    """``340 KB``, ``1,2 MB`` / ``1.2 MB`` (powers of 1024, as the upload limit counts)."""
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024))} KB"
    amount = numbers.format_decimal(size / (1024 * 1024), "0.0", locale=format_locale(locale))
    return f"{amount} MB"


def _in_page_locale(function: Callable[..., str], **options: bool) -> Callable[[Context, Any], str]:
    @pass_context
    def in_locale(context: Context, value: Any) -> str:
        return function(value, str(context.get("locale") or "de"), **options)

    return in_locale


FILTERS: dict[str, Callable[..., str]] = {
    "date": _in_page_locale(date_text),
    "weekday_date": _in_page_locale(day_with_weekday),
    "short_weekday_date": _in_page_locale(day_with_weekday, short=True),
    "datetime": _in_page_locale(when),
    "datetime_plain": _in_page_locale(when, uhr=False),
    "time": _in_page_locale(time_of_day),
    "number": _in_page_locale(number),
    "filesize": _in_page_locale(file_size),
}
"""``{{ when|datetime }}``, ``{{ size|filesize }}`` …: in the language of the page or email
being rendered (its ``locale``)."""

"""Time: now in UTC, the course's time zone, working days, and how dates read on a page.

Every stored time is UTC (SQLite hands it back naive, PostgreSQL aware). What a person
reads is in the course's time zone (``KURSWERK_COURSE_TIMEZONE``, Europe/Berlin unless
set), in the forms of the reader's language (Babel).

Working days are Monday to Friday except the public holidays of the course's region
(``KURSWERK_HOLIDAYS_COUNTRY`` / ``KURSWERK_HOLIDAYS_SUBDIVISION``, the ``holidays``
library's calendar). ``KURSWERK_FEEDBACK_TARGET_DAYS`` counts them; the tutor queue's ages
and the learner's promised feedback date (``feedback.promises``) use this one rule.
"""

from __future__ import annotations

import bisect
import functools
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import holidays
from babel import Locale, UnknownLocaleError, dates, numbers
from jinja2 import Undefined, pass_context
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
# Monday to Friday, less the public holidays of the course's region. Counting and adding
# work on the weekdays first (whole weeks at once), then correct for the holidays that fall
# on a weekday in the range: a long span costs a few set lookups, not a walk day by day.


@functools.lru_cache(maxsize=64)
def _weekday_holidays(country: str, subdivision: str | None, year: int) -> tuple[date, ...]:
    """The year's public holidays that fall on Monday to Friday, in order."""
    return tuple(sorted(d for d in _holidays(country, subdivision, year) if d.weekday() < 5))


def _holidays_on_weekdays(start: date, end: date) -> int:
    """How many public holidays d on Monday to Friday with ``start < d <= end``."""
    if end <= start:
        return 0
    settings = get_settings()
    count = 0
    for year in range(start.year, end.year + 1):
        days = _weekday_holidays(settings.holidays_country, settings.holidays_subdivision, year)
        count += bisect.bisect_right(days, end) - bisect.bisect_right(days, start)
    return count


def is_working_day(day: date) -> bool:
    """Monday to Friday and no public holiday of the course's region."""
    return day.weekday() < 5 and not is_public_holiday(day)


def _weekdays_between(start: date, end: date) -> int:
    """How many days Monday to Friday d with ``start < d <= end``."""
    if end <= start:
        return 0
    weeks, rest = divmod((end - start).days, 7)
    weekday = start.weekday()  # the days after start: weekday+1 ... weekday+rest
    return weeks * 5 + sum(1 for offset in range(1, rest + 1) if (weekday + offset) % 7 < 5)


def _add_weekdays(start: date, days: int) -> date:
    """The ``days``-th day Monday to Friday after ``start`` (``start`` for 0)."""
    weeks, rest = divmod(days, 5)
    current = start + timedelta(weeks=weeks)
    while rest:
        current += timedelta(days=1)
        if current.weekday() < 5:
            rest -= 1
    if days and current.weekday() >= 5:  # whole weeks from a weekend day land on one
        current -= timedelta(days=current.weekday() - 4)
    return current


def working_days_between(start: date, end: date) -> int:
    """How many working days d with ``start < d <= end`` (0 when ``end <= start``)."""
    return _weekdays_between(start, end) - _holidays_on_weekdays(start, end)


def add_working_days(start: date, days: int) -> date:
    """The ``days``-th working day after ``start`` (``start`` itself for 0). A submission
    on Friday with 5 days is due the next Friday; on Saturday, by the Friday after; a
    public holiday in between moves the day on by one working day."""
    if days <= 0:
        return start
    current = _add_weekdays(start, days)
    missing = _holidays_on_weekdays(start, current)
    while missing:  # each holiday passed is one working day still to go
        further = _add_weekdays(current, missing)
        missing = _holidays_on_weekdays(current, further)
        current = further
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


def weekday_day_month(value: date, locale: str = "de") -> str:
    """``Donnerstag, 10. Dezember`` / ``Thursday, 10 December``: a day near enough to need
    no year (a promised feedback date)."""
    where = format_locale(locale)
    weekday = dates.format_date(value, "EEEE", locale=where)
    return f"{weekday}, {dates.format_skeleton('MMMMd', value, locale=where)}"


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
        if isinstance(value, Undefined):  # a missing value is the template's error, named
            value._fail_with_undefined_error()
        return function(value, str(context.get("locale") or "de"), **options)

    return in_locale


FILTERS: dict[str, Callable[..., str]] = {
    "date": _in_page_locale(date_text),
    "weekday_date": _in_page_locale(day_with_weekday),
    "short_weekday_date": _in_page_locale(day_with_weekday, short=True),
    "weekday_day_month": _in_page_locale(weekday_day_month),
    "datetime": _in_page_locale(when),
    "datetime_plain": _in_page_locale(when, uhr=False),
    "time": _in_page_locale(time_of_day),
    "number": _in_page_locale(number),
    "filesize": _in_page_locale(file_size),
}
"""``{{ when|datetime }}``, ``{{ size|filesize }}`` …: in the language of the page or email
being rendered (its ``locale``)."""

"""Time: now in UTC, the course's time zone, working days, and how dates read on a page.

Every stored time is UTC (SQLite hands it back naive, PostgreSQL aware). What a person
reads is in the course's time zone (``KURSWERK_COURSE_TIMEZONE``, Europe/Berlin unless
set), German first, English.

Working days are Monday to Friday (``KURSWERK_FEEDBACK_TARGET_DAYS`` counts them). Public
holidays count as working days: no calendar is configured; the feedback target is a
promise to aim for, not a legal deadline.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

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


# --- How dates read ----------------------------------------------------------------------

WEEKDAYS = {
    "de": ("Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag"),
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
}
WEEKDAYS_SHORT = {
    "de": ("Mo", "Di", "Mi", "Do", "Fr", "Sa", "So"),
    "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
}


def date_text(value: date, locale: str = "de") -> str:
    """``27.11.2026`` / ``27 Nov 2026``."""
    return value.strftime("%d %b %Y" if locale == "en" else "%d.%m.%Y")


def when(value: datetime, locale: str = "de", *, uhr: bool = True) -> str:
    """``22.11.2026, 14:05 Uhr`` / ``22 Nov 2026, 14:05`` in the course's time zone
    (without ``Uhr`` when ``uhr`` is false)."""
    moment = local(value)
    if locale == "en":
        return moment.strftime("%d %b %Y, %H:%M")
    return moment.strftime("%d.%m.%Y, %H:%M Uhr" if uhr else "%d.%m.%Y, %H:%M")


def time_of_day(value: datetime, locale: str = "de") -> str:
    """``14:05 Uhr`` / ``14:05`` in the course's time zone."""
    return local(value).strftime("%H:%M") + ("" if locale == "en" else " Uhr")


def day_with_weekday(value: date, locale: str = "de", *, short: bool = False) -> str:
    """``Freitag, 27.11.2026`` / ``Friday, 27 Nov 2026``; with ``short``: ``Fr, 27.11.2026``
    / ``Fri, 27 Nov 2026``. An unknown locale reads German."""
    table = WEEKDAYS_SHORT if short else WEEKDAYS
    weekday = table.get(locale, table["de"])[value.weekday()]
    return f"{weekday}, {date_text(value, locale)}"

"""Days relative to today, for forms that must name a future working day (or not)."""

from __future__ import annotations

from datetime import date, timedelta

import holidays

from kurswerk.core import clock


def today() -> date:
    return clock.local_date(clock.utcnow())


def working_day_after(day: date, skip: int = 0) -> date:
    """The first working day after ``day`` (``skip`` more after it)."""
    return clock.add_working_days(day, 1 + skip)


def saturday_after(day: date) -> date:
    return day + timedelta(days=(5 - day.weekday()) % 7 or 7)


def holiday_after(day: date) -> date:
    """The next nationwide German public holiday on a weekday after ``day``."""
    calendar = holidays.country_holidays("DE", years=range(day.year, day.year + 2))
    return min(d for d in calendar if d > day and d.weekday() < 5)


def typed(day: date) -> str:
    """As a German form wants it: ``31.12.2026``."""
    return day.strftime("%d.%m.%Y")

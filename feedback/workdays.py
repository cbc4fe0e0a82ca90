"""A submission's age against the feedback target (``KURSWERK_FEEDBACK_TARGET_DAYS``).

The rule, in the course's time zone (``kurswerk.core.clock``): a submission made on day
*d* is due by the end of the *n*-th working day after *d*. Submitted on Monday with a
target of 5, it is due by the end of the next Monday; submitted on Saturday, by the end of
Friday. Its age is the number of working days since *d* up to today. Working days are
the clock's: Monday to Friday without the region's public holidays (the learner's
promised date, ``feedback.promises``, counts the same way).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from kurswerk.core.clock import (
    add_working_days,
    as_utc,
    course_timezone,
    local_date,
    working_days_between,
)
from kurswerk.core.settings import get_settings


@dataclass(frozen=True)
class Age:
    """A submission's age against the feedback target."""

    submitted_on: date
    due_on: date  # the last working day of the target
    working_days: int  # working days since submission day, up to today
    target_days: int
    overdue: bool

    @property
    def days_left(self) -> int:
        return max(0, self.target_days - self.working_days)


def age_of(submitted_at: datetime, now: datetime, target_days: int) -> Age:
    submitted_on = local_date(submitted_at)
    today = local_date(now)
    settings = get_settings()
    region = (settings.holidays_country, settings.holidays_subdivision)
    due_on, due_end, working_days = _by_date(
        submitted_on, today, target_days, course_timezone(), region
    )
    return Age(
        submitted_on=submitted_on,
        due_on=due_on,
        working_days=working_days,
        target_days=target_days,
        overdue=as_utc(now) >= due_end,
    )


@lru_cache(maxsize=4096)
def _by_date(
    submitted_on: date,
    today: date,
    target_days: int,
    zone: ZoneInfo,
    region: tuple[str, str | None],
) -> tuple[date, datetime, int]:
    """The date arithmetic of ``age_of`` (a queue page repeats the same few dates); the
    holiday region is part of the key, so a changed setting is not answered from before."""
    due_on = add_working_days(submitted_on, target_days)
    due_end = datetime.combine(due_on + timedelta(days=1), time(0), zone)
    return due_on, due_end, working_days_between(submitted_on, today)


def overdue_before(now: datetime, target_days: int) -> datetime:
    """The moment (UTC) before which a submission is overdue at ``now``: ``age_of(t, now,
    target_days).overdue`` holds exactly for ``t`` earlier than it. For counting and
    filtering in SQL (``submitted_at < overdue_before(...)``) by the same rule as a row.

    Overdue means the target's last working day, ``add_working_days(d, n)``, is before
    today; that date only grows with the submission day ``d``, so the overdue days are
    every day up to the latest one whose last working day is before today.
    """
    zone = course_timezone()
    today = local_date(now)
    day = today
    while add_working_days(day, target_days) >= today:
        day -= timedelta(days=1)
    return as_utc(datetime.combine(day + timedelta(days=1), time(0), zone))

"""Working days (Monday to Friday) for the feedback target (``KURSWERK_FEEDBACK_TARGET_DAYS``).

The rule, in the course's time zone (Europe/Berlin): a submission made on day *d* is due
by the end of the *n*-th working day after *d*. Submitted on Monday with a target of 5,
it is due by the end of the next Monday; submitted on Saturday, by the end of Friday.
Its age is the number of working days since *d* up to today. Public holidays count as
working days (no calendar is configured; the target is a promise to aim for, not a
legal deadline).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

COURSE_TIMEZONE = ZoneInfo("Europe/Berlin")


def as_utc(value: datetime) -> datetime:
    """SQLite hands back naive datetimes; every stored time is UTC."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def local_date(value: datetime) -> date:
    return as_utc(value).astimezone(COURSE_TIMEZONE).date()


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
    """The ``days``-th working day after ``start``."""
    weeks, rest = divmod(days, 5)
    current = start + timedelta(weeks=weeks)
    while rest:
        current += timedelta(days=1)
        if current.weekday() < 5:
            rest -= 1
    if days and current.weekday() >= 5:  # whole weeks from a weekend day land on one
        current -= timedelta(days=current.weekday() - 4)
    return current


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
    due_on, due_end, working_days = _by_date(submitted_on, today, target_days)
    return Age(
        submitted_on=submitted_on,
        due_on=due_on,
        working_days=working_days,
        target_days=target_days,
        overdue=as_utc(now) >= due_end,
    )


@lru_cache(maxsize=4096)
def _by_date(submitted_on: date, today: date, target_days: int) -> tuple[date, datetime, int]:
    """The date arithmetic of ``age_of`` (a queue page repeats the same few dates)."""
    due_on = add_working_days(submitted_on, target_days)
    due_end = datetime.combine(due_on + timedelta(days=1), time(0), COURSE_TIMEZONE)
    return due_on, due_end, working_days_between(submitted_on, today)

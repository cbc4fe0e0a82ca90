"""The dialogue's two time limits, in the course's time zone (``kurswerk.core.clock``):

* the window for a question: ``KURSWERK_FOLLOWUP_DAYS`` calendar days from the moment the
  feedback was released;
* the promised answer: by the end of the ``KURSWERK_FOLLOWUP_ANSWER_DAYS``-th working
  day after the day the question was asked (asked on Friday with 2: by the end of
  Tuesday), the same count as the feedback target (``feedback.workdays``).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from kurswerk.core.clock import add_working_days, as_utc, course_timezone, local_date


def ask_until(released_at: datetime, followup_days: int) -> datetime:
    """The moment the window for a question about feedback released at ``released_at``
    closes."""
    return as_utc(released_at) + timedelta(days=followup_days)


def answer_due(asked_at: datetime, answer_days: int) -> datetime:
    """The end of the promised day of a question asked at ``asked_at`` (UTC): an answer
    before this moment is on time."""
    due_on = add_working_days(local_date(asked_at), answer_days)
    return as_utc(datetime.combine(due_on + timedelta(days=1), time(0), course_timezone()))


def due_day(answer_due_at: datetime) -> date:
    """The promised day (course time zone) of a question whose answer is due before
    ``answer_due_at``."""
    return local_date(as_utc(answer_due_at) - timedelta(microseconds=1))

"""The promised feedback date: the rule (pure; the queue's figures come from ``load``).

For a submission made on day *d* (the course's time zone), with the course's target of
*T* working days (``KURSWERK_FEEDBACK_TARGET_DAYS``), *W* submissions of the LMS course
waiting for feedback before it (status "eingereicht" or "in Bearbeitung") and *C* the sum
of the weekly capacities the course's tutors state (``tutor_capacity``, tutors of the
LMS course only)::

    target   = add_working_days(d, T)
    queue    = add_working_days(d, ceil(5 * (W + 1) / C))      only when C > 0
    promised = max(target, queue)                              target alone when C = 0

Working days are ``kurswerk.core.clock``'s: Monday to Friday without the public holidays
of the course's region (``KURSWERK_HOLIDAYS_COUNTRY`` / ``..._SUBDIVISION``), the rule the
tutor queue's ages use too. The tutors together write *C* feedbacks in five working days,
so the (W + 1)-th in line is reached after 5 (W + 1) / C working days, rounded up: with
*C* = 20 and 30 waiting, the 31st is reached on the 8th working day. The queue never
brings the date before the target: a quiet queue promises the target, a busy one a later
day. Without any stated capacity (or all of it 0) the pace is unknown, and the target
alone is promised; the warning before a date passes (``warnings``) and a new date
announced by a tutor (``change``) are the remedy then. The queue's part is capped at
:data:`MAX_QUEUE_DAYS` working days (about a year).

A promise is kept when the feedback is released by the end of its day (midnight in the
course's time zone): :func:`day_end`.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from kurswerk.core.clock import add_working_days, course_timezone

DAYS_PER_WEEK = 5
MAX_QUEUE_DAYS = 260


def queue_days(waiting: int, weekly_capacity: int) -> int | None:
    """Working days until the tutors reach the (``waiting`` + 1)-th submission at their
    stated pace; ``None`` without a pace (no capacity stated)."""
    if weekly_capacity <= 0:
        return None
    needed = -(-DAYS_PER_WEEK * (max(0, waiting) + 1) // weekly_capacity)  # ceiling
    return min(needed, MAX_QUEUE_DAYS)


def promised_day(submitted_on: date, target_days: int, waiting: int, weekly_capacity: int) -> date:
    """The promised date for a submission made on ``submitted_on`` (see the module's
    formula)."""
    days = target_days
    by_queue = queue_days(waiting, weekly_capacity)
    if by_queue is not None:
        days = max(days, by_queue)
    return add_working_days(submitted_on, days)


def day_end(day: date) -> datetime:
    """The end of ``day`` in the course's time zone (the next midnight there), in UTC as
    every stored time: feedback released before it keeps a promise for ``day``."""
    return datetime.combine(day + timedelta(days=1), time(0), course_timezone()).astimezone(UTC)

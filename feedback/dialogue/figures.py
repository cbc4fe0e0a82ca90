"""The dialogue's figures for the admins' report (issue 14, "Admins see the promise
kept"): read rate, follow-up questions and ratings, per LMS course, tutor and month.

Each function returns rows at the finest grain - one per (LMS course, tutor, month) that
has anything - with counts that add up, so :func:`roll_up` sums them to any coarser grain
(per course, per tutor, per month, or all) and every rate or average is computed from
sums, never averaged twice. One grouped query each, no query per row.

* **month**: the calendar month in the course's time zone (``KURSWERK_COURSE_TIMEZONE``),
  as its first day; ``since`` and ``until`` name the first month and the month after
  the last (at most :data:`MAX_MONTHS`). Read rate and ratings count by the month the
  feedback was *released*, questions by the month they were *asked*.
* **tutor**: who released the feedback (``feedback.tutor_user_id``), also for questions
  that went to the course's tutors because that tutor was gone.
* **course**: the LMS course (``context_id``); ``context_ids`` narrows to some.

The month of a moment is found in SQL by comparing it with the months' first moments
(UTC, computed here in the course's time zone), which reads the same on SQLite and
PostgreSQL and needs no time-zone support in the database.

Cost (``bench/dialogue.py``: 100,000 submissions in one LMS course, 74,000 released
feedback, 12 months): each call reads every released feedback of the months asked with
its submission (for the LMS course), so ``read_figures`` takes some 45-55 ms on
PostgreSQL and 120-180 ms on SQLite, ``rating_figures`` 35-65 ms, ``followup_figures``
under 15 ms. The admins' report therefore reads the same rows from the tally
(``feedback.dialogue.tallied``, kept by ``feedback.dialogue.tally`` at each write);
these functions are the definition it is tested against, and the migration that made
the tally (0024) fills it the same way.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, fields
from datetime import date, datetime, time
from typing import Any, Literal, TypeVar

from sqlalchemy import and_, case, func, literal, select
from sqlmodel import Session

from feedback.dialogue.aggregates import RatingSummary
from feedback.dialogue.models import FeedbackRating, FeedbackRead, FollowUpQuestion
from feedback.models import Feedback, FeedbackStatus
from kurswerk.core.clock import as_utc, course_timezone
from uploads.models import Submission

MAX_MONTHS = 120

_f = Feedback.__table__  # type: ignore[attr-defined]
_s = Submission.__table__  # type: ignore[attr-defined]
_reads = FeedbackRead.__table__  # type: ignore[attr-defined]
_q = FollowUpQuestion.__table__  # type: ignore[attr-defined]
_r = FeedbackRating.__table__  # type: ignore[attr-defined]

Grain = Literal["context", "tutor", "month"]


@dataclass(frozen=True)
class ReadFigures:
    """Released feedback and how much of it its learners have opened."""

    context_id: int | None
    tutor_user_id: int | None
    month: date | None
    released: int
    read: int

    @property
    def read_rate(self) -> float | None:
        """Read / released (0 to 1); None without released feedback."""
        return self.read / self.released if self.released else None


@dataclass(frozen=True)
class FollowUpFigures:
    """Follow-up questions asked in the month, and where they stand at ``now``."""

    context_id: int | None
    tutor_user_id: int | None
    month: date | None
    asked: int
    answered: int
    answered_on_time: int  # before the promised day ended
    open: int
    open_overdue: int  # unanswered, the promised day over

    @property
    def on_time_rate(self) -> float | None:
        return self.answered_on_time / self.answered if self.answered else None


@dataclass(frozen=True)
class RatingFigures:
    """Ratings of the feedback released in the month (``summary``: count, average and
    how many of each score)."""

    context_id: int | None
    tutor_user_id: int | None
    month: date | None
    summary: RatingSummary


Figures = TypeVar("Figures", ReadFigures, FollowUpFigures, RatingFigures)


def _next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def month_starts(since: date, until: date) -> list[date]:
    """The first days of the months from ``since``'s up to (without) ``until``'s, at
    most :data:`MAX_MONTHS`."""
    first, end = since.replace(day=1), until.replace(day=1)
    months: list[date] = []
    while first < end and len(months) < MAX_MONTHS:
        months.append(first)
        first = _next_month(first)
    return months


def _bounds(months: Sequence[date]) -> list[datetime]:
    """Each month's first moment, then the one after the last (UTC)."""
    zone = course_timezone()
    days = [*months, _next_month(months[-1])]
    return [as_utc(datetime.combine(day, time(0), zone)) for day in days]


def _month_of(column: Any, bounds: Sequence[datetime]) -> tuple[Any, Any]:
    """The month's index of ``column`` (a CASE over the bounds) and the WHERE keeping
    the moments inside them."""
    whens = [(column < bound, n) for n, bound in enumerate(bounds[1:-1])]
    index = case(*whens, else_=len(bounds) - 2) if whens else literal(0)
    return index.label("month"), and_(column >= bounds[0], column < bounds[-1])


def month_of_column(column: Any, months: Sequence[date]) -> tuple[Any, Any]:
    """The index in ``months`` of the month a moment falls in (a CASE), and the WHERE
    keeping the moments inside the months."""
    return _month_of(column, _bounds(months))


def month_bounds(months: Sequence[date]) -> list[datetime]:
    """Each month's first moment, then the one after the last (UTC): the values of
    :func:`month_of_bounds`'s bounds."""
    return _bounds(months)


def month_of_bounds(column: Any, bounds: Sequence[Any]) -> tuple[Any, Any]:
    """As :func:`month_of_column`, the bounds given (bound parameters, for a statement
    built once and run with :func:`month_bounds`' values)."""
    return _month_of(column, bounds)


def _scoped(query: Any, context_ids: Collection[int] | None) -> Any:
    return query if context_ids is None else query.where(_s.c.context_id.in_(list(context_ids)))


def read_figures(
    session: Session,
    *,
    since: date,
    until: date,
    context_ids: Collection[int] | None = None,
) -> list[ReadFigures]:
    """Released feedback and how many of them were read, per LMS course, tutor and
    month of release."""
    months = month_starts(since, until)
    if not months:
        return []
    month, inside = _month_of(_f.c.released_at, _bounds(months))
    query = (
        select(
            _s.c.context_id,
            _f.c.tutor_user_id,
            month,
            func.count(_f.c.id).label("released"),
            func.count(_reads.c.id).label("read"),
        )
        .select_from(
            _f.join(_s, _s.c.id == _f.c.submission_id).outerjoin(
                _reads, _reads.c.feedback_id == _f.c.id
            )
        )
        .where(_f.c.status == FeedbackStatus.RELEASED.value, inside)
        .group_by(_s.c.context_id, _f.c.tutor_user_id, month)
    )
    return [
        ReadFigures(row.context_id, row.tutor_user_id, months[row.month], row.released, row.read)
        for row in session.execute(_scoped(query, context_ids)).all()
    ]


def followup_figures(
    session: Session,
    *,
    since: date,
    until: date,
    now: datetime,
    context_ids: Collection[int] | None = None,
) -> list[FollowUpFigures]:
    """Questions per LMS course, tutor (of the feedback) and month asked: how many, how
    many answered (on time), how many open (past their promise) at ``now``."""
    months = month_starts(since, until)
    if not months:
        return []
    month, inside = _month_of(_q.c.asked_at, _bounds(months))
    answered = _q.c.answered_at.is_not(None)
    unanswered = _q.c.answered_at.is_(None)

    def counted(condition: Any, label: str) -> Any:
        return func.sum(case((condition, 1), else_=0)).label(label)

    query = (
        select(
            _q.c.context_id.label("context_id"),
            _f.c.tutor_user_id,
            month,
            func.count(_q.c.id).label("asked"),
            counted(answered, "answered"),
            counted(and_(answered, _q.c.answered_at < _q.c.answer_due_at), "on_time"),
            counted(unanswered, "open"),
            counted(and_(unanswered, _q.c.answer_due_at <= as_utc(now)), "overdue"),
        )
        .select_from(_q.join(_f, _f.c.id == _q.c.feedback_id))
        .where(inside)
        .group_by(_q.c.context_id, _f.c.tutor_user_id, month)
    )
    if context_ids is not None:
        query = query.where(_q.c.context_id.in_(list(context_ids)))
    return [
        FollowUpFigures(
            context_id=row.context_id,
            tutor_user_id=row.tutor_user_id,
            month=months[row.month],
            asked=row.asked,
            answered=int(row.answered or 0),
            answered_on_time=int(row.on_time or 0),
            open=int(row.open or 0),
            open_overdue=int(row.overdue or 0),
        )
        for row in session.execute(query).all()
    ]


def rating_figures(
    session: Session,
    *,
    since: date,
    until: date,
    context_ids: Collection[int] | None = None,
) -> list[RatingFigures]:
    """Ratings per LMS course, tutor and month of the rated feedback's release."""
    months = month_starts(since, until)
    if not months:
        return []
    month, inside = _month_of(_f.c.released_at, _bounds(months))
    query = (
        select(
            _s.c.context_id, _f.c.tutor_user_id, month, _r.c.score, func.count(_r.c.id).label("n")
        )
        .select_from(
            _r.join(_f, _f.c.id == _r.c.feedback_id).join(_s, _s.c.id == _f.c.submission_id)
        )
        .where(inside)
        .group_by(_s.c.context_id, _f.c.tutor_user_id, month, _r.c.score)
    )
    found: dict[tuple[int, int, int], RatingSummary] = {}
    for row in session.execute(_scoped(query, context_ids)).all():
        key = (row.context_id, row.tutor_user_id, row.month)
        found[key] = found.get(key, RatingSummary()).plus(row.score, row.n)
    return [
        RatingFigures(context_id, tutor_id, months[index], summary)
        for (context_id, tutor_id, index), summary in sorted(found.items())
    ]


_KEYS: dict[Grain, str] = {"context": "context_id", "tutor": "tutor_user_id", "month": "month"}


def roll_up(figures: Sequence[Figures], *, by: Collection[Grain]) -> list[Figures]:
    """The rows summed to the grain ``by`` (e.g. ``{"month"}``: one row per month, over
    every course and tutor; ``()``: one row for all). The dimensions not in ``by`` are
    ``None`` in the result. Ordered by the kept dimensions.

    One pass adding plain values (a ``RatingSummary`` adds score by score), one row made
    per group: the admins' report rolls up some thousand rows per page."""
    if not figures:
        return []
    grains: tuple[Grain, ...] = ("context", "tutor", "month")
    kept = [_KEYS[grain] for grain in grains if grain in by]
    kind = type(figures[0])
    counted = [field.name for field in fields(kind) if field.name not in _KEYS.values()]
    sums: dict[tuple[Any, ...], list[Any]] = {}
    for row in figures:
        key = tuple(getattr(row, name) for name in kept)
        values = [getattr(row, name) for name in counted]
        found = sums.get(key)
        if found is None:
            sums[key] = values
        else:
            for n, value in enumerate(values):
                found[n] = found[n] + value
    dropped: dict[str, Any] = {name: None for name in _KEYS.values() if name not in kept}
    return [
        kind(
            **dropped,
            **dict(zip(kept, key, strict=True)),
            **dict(zip(counted, sums[key], strict=True)),
        )
        for key in sorted(sums, key=_sortable)
    ]


def _sortable(key: tuple[Any, ...]) -> tuple[Any, ...]:
    return tuple((value is None, value) for value in key)

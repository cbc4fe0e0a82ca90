"""The dialogue's figures read from the tally (``feedback_dialogue_tally``, kept by
``feedback.dialogue.tally``): the same rows as ``figures.read_figures``,
``figures.followup_figures`` and ``figures.rating_figures`` - per LMS course, tutor and
month, summed with ``figures.roll_up`` - from one query over a few hundred counts
instead of every released feedback, and one over the open questions alone (whether
one is overdue depends on ``now``; ``ix_feedback_question_queue`` finds them).

The admins' report (``feedback.promises.report``) reads :func:`summed`: the same summed
in SQL per LMS course, tutor, month and in all (no roll-up of dataclasses in Python,
which cost more than the queries). The direct functions compute the same from the rows,
and the tests hold them equal.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from typing import Any

from sqlalchemy import and_, bindparam, case, func, select
from sqlmodel import Session

from feedback.dialogue.aggregates import RatingSummary
from feedback.dialogue.figures import (
    FollowUpFigures,
    Grain,
    RatingFigures,
    ReadFigures,
    month_bounds,
    month_of_bounds,
    month_starts,
)
from feedback.dialogue.models import DialogueTally, FollowUpQuestion
from feedback.dialogue.ratings import SCORES
from feedback.models import Feedback
from kurswerk.core.clock import as_utc

_t = DialogueTally.__table__  # type: ignore[attr-defined]
_q = FollowUpQuestion.__table__  # type: ignore[attr-defined]
_f = Feedback.__table__  # type: ignore[attr-defined]

Key = tuple[int, int, date]  # LMS course, tutor, month


@dataclass(frozen=True)
class DialogueFigures:
    """The three kinds of rows, at the finest grain (course, tutor, month)."""

    reads: list[ReadFigures]
    followups: list[FollowUpFigures]
    ratings: list[RatingFigures]


def dialogue_figures(
    session: Session,
    *,
    since: date,
    until: date,
    now: datetime,
    context_ids: Collection[int] | None = None,
) -> DialogueFigures:
    """The figures of the months from ``since``'s up to (without) ``until``'s."""
    months = month_starts(since, until)
    if not months:
        return DialogueFigures([], [], [])
    rated = [_t.c[f"rated_{score}"] for score in SCORES]
    key_columns = (_t.c.context_id, _t.c.tutor_user_id, _t.c.month)
    query = (
        select(*key_columns, _t.c.released, _t.c.read, _t.c.asked, _t.c.answered,
               _t.c.answered_on_time, *rated)
        .where(_t.c.month >= months[0], _t.c.month <= months[-1])
        .order_by(*key_columns)
    )  # fmt: skip
    if context_ids is not None:
        query = query.where(_t.c.context_id.in_(list(context_ids)))
    waiting = _open_questions(session, months, now, context_ids)
    reads, followups, ratings = [], [], []
    for (
        context_id,
        tutor_id,
        month,
        released,
        read,
        asked,
        answered,
        on_time,
        *scores,
    ) in session.execute(query):
        key = (context_id, tutor_id, month)
        if released:
            reads.append(ReadFigures(context_id, tutor_id, month, released, read))
        if asked:
            unanswered, overdue = waiting.get(key, (0, 0))
            followups.append(
                FollowUpFigures(
                    context_id, tutor_id, month, asked, answered, on_time, unanswered, overdue
                )
            )
        if any(scores):
            ratings.append(RatingFigures(context_id, tutor_id, month, RatingSummary(tuple(scores))))
    return DialogueFigures(reads, followups, ratings)


@cache
def _open_statement(month_count: int, scoped: bool) -> Any:
    """The open questions' statement for ``month_count`` months (built once; bound:
    ``b0`` to ``b<month_count>``, each month's first moment and the end, ``now`` and,
    ``scoped``, ``contexts``)."""
    bounds = [bindparam(f"b{n}", type_=_q.c.asked_at.type) for n in range(month_count + 1)]
    month, inside = month_of_bounds(_q.c.asked_at, bounds)
    # The feedback's tutor: the question's addressee, who is that tutor unless they were
    # gone when it was asked (None: then looked up) - a join for every open question
    # cost ten times the rest of the query.
    tutor = func.coalesce(
        _q.c.tutor_user_id,
        select(_f.c.tutor_user_id).where(_f.c.id == _q.c.feedback_id).scalar_subquery(),
    ).label("tutor_user_id")
    now = bindparam("now", type_=_q.c.answer_due_at.type)
    query = (
        select(
            _q.c.context_id,
            tutor,
            month,
            func.count(_q.c.id).label("open"),
            func.sum(case((_q.c.answer_due_at <= now, 1), else_=0)).label("overdue"),
        )
        .where(and_(_q.c.answered_at.is_(None), inside))
        .group_by(_q.c.context_id, tutor, month)
    )
    if scoped:
        query = query.where(_q.c.context_id.in_(bindparam("contexts", expanding=True)))
    return query


def _open_questions(
    session: Session,
    months: list[date],
    now: datetime,
    context_ids: Collection[int] | None,
) -> dict[Key, tuple[int, int]]:
    """Unanswered questions asked in the months, and how many are past their promised
    day, by LMS course, tutor (of the feedback) and month asked."""
    params: dict[str, Any] = {f"b{n}": b for n, b in enumerate(month_bounds(months))}
    params["now"] = as_utc(now)
    if context_ids is not None:
        params["contexts"] = list(context_ids)
    statement = _open_statement(len(months), context_ids is not None)
    found: dict[Key, tuple[int, int]] = {}
    for row in session.execute(statement, params).all():
        key: Any = (row.context_id, row.tutor_user_id, months[row.month])
        found[key] = (int(row.open), int(row.overdue or 0))
    return found


@dataclass(frozen=True)
class Sums:
    """The tally's counts of one group summed (``rated``: ratings per score, lowest
    first), and its open questions at ``now``: the figures' fields, for any grain."""

    released: int = 0
    read: int = 0
    asked: int = 0
    answered: int = 0
    answered_on_time: int = 0
    rated: tuple[int, ...] = (0,) * len(SCORES)
    open: int = 0
    open_overdue: int = 0

    @property
    def reads(self) -> ReadFigures:
        return ReadFigures(None, None, None, self.released, self.read)

    @property
    def followups(self) -> FollowUpFigures:
        return FollowUpFigures(
            None, None, None, self.asked, self.answered, self.answered_on_time,
            self.open, self.open_overdue,
        )  # fmt: skip

    @property
    def summary(self) -> RatingSummary:
        return RatingSummary(self.rated)


_GRAIN_COLUMNS = {"context": _t.c.context_id, "tutor": _t.c.tutor_user_id, "month": _t.c.month}
_GRAIN_INDEX = {"context": 0, "tutor": 1, "month": 2}


def summed(
    session: Session,
    *,
    grains: Sequence[Grain | None],
    since: date,
    until: date,
    now: datetime,
    context_ids: Collection[int] | None = None,
) -> dict[Grain | None, dict[Any, Sums]]:
    """The figures summed per LMS course, tutor or month (each of ``grains``; None: one
    group, key None): per grain one grouped read of the tally (a few hundred rows), and
    the open questions read once. Equal to ``figures.roll_up`` of
    :func:`dialogue_figures`, cheaper for a page that shows every grain."""
    months = month_starts(since, until)
    if not months:
        return {by: {} for by in grains}
    waiting = _open_questions(session, months, now, context_ids)
    return {by: _summed(session, by, months, waiting, context_ids) for by in grains}


_SUM_NAMES = ("released", "read", "asked", "answered", "answered_on_time") + tuple(
    f"rated_{score}" for score in SCORES
)


@cache
def _sums_statement(by: Grain | None, scoped: bool) -> Any:
    """The tally summed per ``by`` (built once; bound: ``first`` and ``last`` month and,
    ``scoped``, ``contexts``)."""
    group = [_GRAIN_COLUMNS[by]] if by else []
    query = (
        select(*group, *(func.sum(_t.c[name]) for name in _SUM_NAMES))
        .where(
            _t.c.month >= bindparam("first", type_=_t.c.month.type),
            _t.c.month <= bindparam("last", type_=_t.c.month.type),
        )
        .group_by(*group)
    )
    if scoped:
        query = query.where(_t.c.context_id.in_(bindparam("contexts", expanding=True)))
    return query


def _summed(
    session: Session,
    by: Grain | None,
    months: list[date],
    waiting: dict[Key, tuple[int, int]],
    context_ids: Collection[int] | None,
) -> dict[Any, Sums]:
    params: dict[str, Any] = {"first": months[0], "last": months[-1]}
    if context_ids is not None:
        params["contexts"] = list(context_ids)
    statement = _sums_statement(by, context_ids is not None)
    open_per: dict[Any, list[int]] = {}
    for finest, (unanswered, overdue) in waiting.items():
        found = open_per.setdefault(finest[_GRAIN_INDEX[by]] if by else None, [0, 0])
        found[0] += unanswered
        found[1] += overdue
    result: dict[Any, Sums] = {}
    for row in session.execute(statement, params).all():
        key: Any = row[0] if by else None
        counts = row[1:] if by else row
        if counts[0] is None:  # no tally rows at all (one group over nothing)
            continue
        values = [int(n) for n in counts]
        unanswered, overdue = open_per.get(key, (0, 0))
        released, read, asked, answered, on_time = values[:5]
        result[key] = Sums(
            released, read, asked, answered, on_time, tuple(values[5:]), unanswered, overdue
        )
    return result

"""The dialogue's figures read from the tally (``feedback_dialogue_tally``, kept by
``feedback.dialogue.tally``): the same rows as ``figures.read_figures``,
``figures.followup_figures`` and ``figures.rating_figures`` - per LMS course, tutor and
month, summed with ``figures.roll_up`` - from one query over a few hundred counts
instead of every released feedback, and one over the open questions alone (whether
one is overdue depends on ``now``; ``ix_feedback_question_queue`` finds them).

The admins' report (``feedback.promises.report``) reads these; the direct functions
compute the same from the rows, and the tests hold the two equal.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, case, func, select
from sqlmodel import Session

from feedback.dialogue.aggregates import RatingSummary
from feedback.dialogue.figures import (
    FollowUpFigures,
    RatingFigures,
    ReadFigures,
    month_of_column,
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
    query = select(_t).where(_t.c.month >= months[0], _t.c.month <= months[-1])
    if context_ids is not None:
        query = query.where(_t.c.context_id.in_(list(context_ids)))
    rows = sorted(
        session.execute(query).all(), key=lambda r: (r.context_id, r.tutor_user_id, r.month)
    )
    waiting = _open_questions(session, months, now, context_ids)
    reads, followups, ratings = [], [], []
    for row in rows:
        key = (row.context_id, row.tutor_user_id, row.month)
        if row.released:
            reads.append(ReadFigures(*key, released=row.released, read=row.read))
        if row.asked:
            unanswered, overdue = waiting.get(key, (0, 0))
            followups.append(
                FollowUpFigures(
                    *key,
                    asked=row.asked,
                    answered=row.answered,
                    answered_on_time=row.answered_on_time,
                    open=unanswered,
                    open_overdue=overdue,
                )
            )
        distribution = tuple(getattr(row, f"rated_{score}") for score in SCORES)
        if any(distribution):
            ratings.append(RatingFigures(*key, RatingSummary(distribution)))
    return DialogueFigures(reads, followups, ratings)


def _open_questions(
    session: Session,
    months: list[date],
    now: datetime,
    context_ids: Collection[int] | None,
) -> dict[Key, tuple[int, int]]:
    """Unanswered questions asked in the months, and how many are past their promised
    day, by LMS course, tutor (of the feedback) and month asked."""
    month, inside = month_of_column(_q.c.asked_at, months)
    query = (
        select(
            _q.c.context_id,
            _f.c.tutor_user_id,
            month,
            func.count(_q.c.id).label("open"),
            func.sum(case((_q.c.answer_due_at <= as_utc(now), 1), else_=0)).label("overdue"),
        )
        .select_from(_q.join(_f, _f.c.id == _q.c.feedback_id))
        .where(and_(_q.c.answered_at.is_(None), inside))
        .group_by(_q.c.context_id, _f.c.tutor_user_id, month)
    )
    if context_ids is not None:
        query = query.where(_q.c.context_id.in_(list(context_ids)))
    found: dict[Key, tuple[int, int]] = {}
    for row in session.execute(query).all():
        key: Any = (row.context_id, row.tutor_user_id, months[row.month])
        found[key] = (int(row.open), int(row.overdue or 0))
    return found

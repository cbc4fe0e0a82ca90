"""The queue as it stands, for the promised date (``rule``): how many submissions of an
LMS course wait for feedback, and how many feedbacks a week its tutors say they write.

One statement of scalar subqueries, on the page's connection: the count is a range of
``ix_submission_queue (context_id, status, ...)`` per open status (the submission left
out is subtracted by a look-up of its primary key); the capacity sums the
stated capacities of people who are tutors of the LMS course now (a former tutor's
statement no longer counts).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy import BindParameter, Connection, and_, bindparam, func, select
from sqlmodel import Session

from feedback.promises.models import TutorCapacity
from kurswerk.core.auth import Role
from lti.models import Membership
from uploads.models import Submission, SubmissionStatus

OPEN = (SubmissionStatus.SUBMITTED.value, SubmissionStatus.IN_REVIEW.value)

_s = Submission.__table__  # type: ignore[attr-defined]
_cap = TutorCapacity.__table__  # type: ignore[attr-defined]
_m = Membership.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class QueueLoad:
    waiting: int  # open submissions of the LMS course (but the one left out)
    weekly_capacity: int  # feedbacks a week its tutors state, together


@cache
def _statement() -> Any:
    return select(*_columns(excluding=True))


@cache
def load_columns() -> tuple[Any, ...]:
    """The queue's load as two scalar subqueries (``promise_waiting``,
    ``promise_capacity``) on the bind parameter ``context_id``, nothing left out: for a
    page that reads them in its own statement (the lesson page's package panel)."""
    waiting, capacity = _columns(excluding=False)
    return waiting.label("promise_waiting"), capacity.label("promise_capacity")


def _columns(*, excluding: bool) -> tuple[Any, Any]:
    context: BindParameter[int] = bindparam("context_id")
    waiting: Any = (
        select(func.count())
        .select_from(_s)
        .where(_s.c.context_id == context, _s.c.status.in_(OPEN))
        .scalar_subquery()
    )
    if excluding:
        # The one left out, counted apart by its primary key: a condition on ``id`` in
        # the count above would make PostgreSQL visit every open submission's row (the
        # index holds no id), where the count alone reads only the index.
        left_out = (
            select(func.count())
            .select_from(_s)
            .where(
                _s.c.id == bindparam("excluded"),
                _s.c.context_id == context,
                _s.c.status.in_(OPEN),
            )
            .scalar_subquery()
        )
        waiting = waiting - left_out
    capacity = (
        select(func.coalesce(func.sum(_cap.c.per_week), 0))
        .select_from(
            _cap.join(
                _m,
                and_(_m.c.user_id == _cap.c.user_id, _m.c.context_id == _cap.c.context_id),
            )
        )
        .where(_cap.c.context_id == context, _m.c.role == Role.TUTOR.value)
        .scalar_subquery()
    )
    return waiting.label("waiting"), capacity.label("capacity")


def queue_load(
    db: Session | Connection, context_id: int, *, excluding: int | None = None
) -> QueueLoad:
    """The LMS course's queue now; ``excluding``: a submission not to count (the one the
    promise is for)."""
    row = db.execute(_statement(), {"context_id": context_id, "excluded": excluding or 0}).one()
    return QueueLoad(int(row.waiting), int(row.capacity))

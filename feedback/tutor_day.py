"""The tutor's day: what waits for the course's tutors, counted for the course home and the
queue (issue 13, "The tutor's day").

- **waiting**: open submissions (eingereicht or in Bearbeitung) nobody has claimed;
- **overdue**: open submissions past the feedback target, by the queue's rule
  (``feedback.workdays.overdue_before``), claimed or not;
- **mine**: open submissions the tutor looking holds a claim on (an expired claim nobody
  has taken over is still theirs, as ``feedback.claims.hold_claim`` says);
- **questions** to the lecturer without an answer, and forum **reports** not dealt with
  (``course.service``).

Three queries, whatever the numbers: one over the course's open submissions (the range
``ix_submission_queue (context_id, status, ...)``, each joined to its claim by the unique
``submission_id``), one for the questions, one for the reports.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, case, func, select
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session

from course import service as course_service
from feedback.claims import OPEN_STATUSES
from feedback.models import ReviewClaim
from feedback.workdays import overdue_before
from kurswerk.core.auth import Principal
from uploads.models import Submission

_s = Submission.__table__  # type: ignore[attr-defined]
_claims = ReviewClaim.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class TutorDay:
    waiting: int
    overdue: int
    mine: int
    questions: int
    reports: int


def _count(condition: ColumnElement[bool]) -> ColumnElement[int]:
    """How many rows meet ``condition`` (0 when none)."""
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def submission_counts(
    session: Session, context_id: int, user_id: int, *, before: datetime
) -> tuple[int, int, int]:
    """(waiting, overdue, mine) of the LMS course's open submissions, in one query;
    ``before``: the moment before which a submission is overdue."""
    row = session.execute(
        select(
            _count(_claims.c.id.is_(None)).label("waiting"),
            _count(_s.c.submitted_at < before).label("overdue"),
            _count(_claims.c.tutor_user_id == user_id).label("mine"),
        )
        .select_from(_s.outerjoin(_claims, _claims.c.submission_id == _s.c.id))
        .where(
            and_(
                _s.c.context_id == context_id,
                _s.c.status.in_([status.value for status in OPEN_STATUSES]),
            )
        )
    ).one()
    return int(row.waiting), int(row.overdue), int(row.mine)


def tutor_day(
    session: Session, principal: Principal, *, target_days: int, now: datetime
) -> TutorDay:
    """The counts for a tutor or admin of the principal's LMS course (the caller checks
    the role: a learner is shown none of this)."""
    waiting, overdue, mine = submission_counts(
        session,
        principal.context_id,
        principal.user_id,
        before=overdue_before(now, target_days),
    )
    return TutorDay(
        waiting=waiting,
        overdue=overdue,
        mine=mine,
        questions=course_service.open_question_count(session, principal.context_id),
        reports=course_service.open_report_count(session, principal.context_id),
    )

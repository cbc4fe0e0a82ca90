"""The tutor's day: what waits for the course's tutors, counted for the course home and the
queue (issue 13, "The tutor's day").

- **waiting**: open submissions (eingereicht or in Bearbeitung) nobody has claimed;
- **overdue**: open submissions past the feedback target, by the queue's rule
  (``feedback.workdays.overdue_before``), claimed or not;
- **mine**: open submissions the tutor looking holds a claim on (an expired claim nobody
  has taken over is still theirs, as ``feedback.claims.hold_claim`` says);
- **oldest waiting**: when the longest-waiting of the submissions nobody has claimed was
  handed in (how long it waits, on the course home and above the queue);
- **questions** to the lecturer without an answer, and forum **reports** not dealt with
  (``course.service``).

Three queries, whatever the numbers: one for the submissions (``submission_counts``), one
for the questions, one for the reports.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Table, and_, case, func, select
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session

from course import service as course_service
from feedback.claims import OPEN_STATUSES
from feedback.models import ReviewClaim
from feedback.workdays import overdue_before
from kurswerk.core.auth import Principal
from kurswerk.core.clock import as_utc
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
    oldest_waiting: datetime | None = None  # handed in (UTC); None: none waits
    now: datetime | None = None  # the moment counted at

    @property
    def waited(self) -> tuple[int, int]:
        """(days, hours) the oldest waiting submission has waited; (0, 0) when none."""
        if self.oldest_waiting is None or self.now is None:
            return 0, 0
        hours = max(0, int((self.now - self.oldest_waiting).total_seconds() // 3600))
        return hours // 24, hours % 24


def _open_in(table: Table, context_id: int) -> ColumnElement[bool]:
    return and_(
        table.c.context_id == context_id,
        table.c.status.in_([status.value for status in OPEN_STATUSES]),
    )


def submission_counts(
    session: Session, context_id: int, user_id: int, *, before: datetime
) -> tuple[int, int, int, datetime | None]:
    """(waiting, overdue, mine, when the oldest waiting one was handed in) of the LMS
    course's open submissions, in one query; ``before``: the moment before which a
    submission is overdue.

    Counted where it is cheap: open and overdue submissions as ranges of the covering
    index ``ix_submission_queue (context_id, status, submitted_at)``, read without the
    table; the claims (the tutors' work in hand: few) in one pass over ``review_claim``,
    each joined to its submission. Waiting is the open ones less the claimed ones; the
    oldest waiting one is the first of the open range without a claim.
    """
    count = func.count()
    listed = _s.alias("listed")  # the ranges, apart from the claims' submissions
    held = _claims.alias("held")  # the claims, apart from those counted below
    row = session.execute(
        select(
            select(count).select_from(listed).where(_open_in(listed, context_id)).scalar_subquery(),
            select(count)
            .select_from(listed)
            .where(_open_in(listed, context_id), listed.c.submitted_at < before)
            .scalar_subquery(),
            select(func.min(listed.c.submitted_at))
            .where(
                _open_in(listed, context_id),
                ~select(held.c.submission_id).where(held.c.submission_id == listed.c.id).exists(),
            )
            .scalar_subquery(),
            count,  # the claims on open submissions of the course
            func.coalesce(func.sum(case((_claims.c.tutor_user_id == user_id, 1), else_=0)), 0),
        )
        .select_from(_claims.join(_s, _s.c.id == _claims.c.submission_id))
        .where(_open_in(_s, context_id))
    ).one()
    open_count, overdue, oldest, claimed_count, mine = row
    waiting = int(open_count) - int(claimed_count)
    return waiting, int(overdue), int(mine), as_utc(oldest) if oldest is not None else None


def tutor_day(
    session: Session, principal: Principal, *, target_days: int, now: datetime
) -> TutorDay:
    """The counts for a tutor or admin of the principal's LMS course (the caller checks
    the role: a learner is shown none of this)."""
    waiting, overdue, mine, oldest = submission_counts(
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
        oldest_waiting=oldest,
        now=now,
    )

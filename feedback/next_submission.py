""" "Nächste Einreichung": the oldest open submission nobody has claimed, within the tutor's
queue filters (lesson, exercise, industry, status, overdue), claimed for them at once.

The candidates come from the queue's own query (``feedback.queue_sql``, claim filter
"free", oldest first), a few at a time; each is claimed with ``feedback.claims.claim``,
the one conditional statement that lets exactly one of two tutors win a submission. A
tutor who loses one to a colleague pressing at the same moment goes on to the next
candidate, so two tutors get two different submissions, or one of them gets nothing when
nothing is left. A claim someone else holds (expired or not) is never taken here: taking
over needs its confirmation on the review page.

One tutor pressing twice (a double-click sends two requests at once, a second tab
repeats the first) gets the submission of the first press, not a second one: a tutor's
presses are taken one after the other (a write on the tutor's own row: the row lock on
PostgreSQL, the write lock on SQLite), and a claim of theirs taken within
:data:`REPEAT_WINDOW` with nothing written yet is what the repeated press opens.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from sqlalchemy import exists, select, update
from sqlmodel import Session

from feedback import claims
from feedback.models import Feedback, ReviewClaim
from feedback.queue import BAD_FILTER
from feedback.queue_sql import course_outline, queue_query
from feedback.queue_values import ClaimFilter, QueueFilters, StatusFilter
from feedback.workdays import overdue_before
from kurswerk.core.auth import Principal
from kurswerk.core.errors import AppError
from lti.models import PlatformUser
from uploads.models import Submission, SubmissionStatus

_users = PlatformUser.__table__  # type: ignore[attr-defined]
_claims = ReviewClaim.__table__  # type: ignore[attr-defined]
_submissions = Submission.__table__  # type: ignore[attr-defined]
_feedback = Feedback.__table__  # type: ignore[attr-defined]

CANDIDATES = 5  # read at a time; more are read only after losing all of them
MAX_ROUNDS = 20  # a bound for a pathological crowd; each round ends with a fresh read
REPEAT_WINDOW = timedelta(seconds=10)
"""A press within this time of the tutor's last claim by "next" that has no draft yet is
the same press again (a double-click, an impatient second click)."""


def _one_press_at_a_time(session: Session, principal: Principal) -> None:
    """Wait for this tutor's other press to commit: a write on their own row, which both
    databases hold until the transaction ends."""
    session.execute(update(_users).where(_users.c.id == principal.user_id).values(id=_users.c.id))


def _just_taken(session: Session, principal: Principal, now: datetime) -> int | None:
    """The submission this tutor claimed within :data:`REPEAT_WINDOW` (still theirs, no
    feedback written on it yet), or None."""
    row = session.execute(
        select(_claims.c.submission_id)
        .join(_submissions, _submissions.c.id == _claims.c.submission_id)
        .where(
            _claims.c.tutor_user_id == principal.user_id,
            _claims.c.claimed_at >= now - REPEAT_WINDOW,
            _claims.c.expires_at > now,
            _submissions.c.context_id == principal.context_id,
            ~exists().where(_feedback.c.submission_id == _claims.c.submission_id),
        )
        .order_by(_claims.c.claimed_at.desc())
        .limit(1)
    ).first()
    return int(row.submission_id) if row is not None else None


def _open_only(filters: QueueFilters) -> QueueFilters | None:
    """The filters for submissions to take: open ones of the chosen statuses, nobody's
    claim, from the start; None when the status filter names no open status."""
    if filters.status == StatusFilter.ALL:
        status = StatusFilter.OPEN
    elif SubmissionStatus.FEEDBACK_RELEASED in filters.status.statuses:
        return None
    else:
        status = filters.status
    return replace(filters, status=status, claim=ClaimFilter.FREE, after=None)


def take_next(
    session: Session,
    principal: Principal,
    filters: QueueFilters,
    *,
    ttl: timedelta,
    target_days: int,
    now: datetime,
) -> int | None:
    """Claim the oldest unclaimed open submission the filters allow; its id, or None when
    there is none (left). An industry the course does not have is a bad filter (400), as
    on the queue. Never commits: the request's session does, or rolls back."""
    wanted = _open_only(filters)
    if wanted is None:
        return None
    outline = course_outline(session, principal.context_id)
    if wanted.industry is not None and wanted.industry not in outline.industries.every:
        raise AppError(BAD_FILTER, 400, reason=f"{wanted.industry!r}")
    before = overdue_before(now, target_days) if wanted.overdue else None
    _one_press_at_a_time(session, principal)
    repeated = _just_taken(session, principal, now)
    if repeated is not None:
        return repeated
    for _ in range(MAX_ROUNDS):
        query = queue_query(
            principal.context_id,
            wanted,
            outline,
            CANDIDATES,
            user_id=principal.user_id,
            overdue_before=before,
        )
        if query is None:
            return None
        candidates = [row.id for row in session.execute(*query).all()]
        if not candidates:
            return None
        for submission_id in candidates:
            result = claims.claim(session, principal, submission_id, ttl=ttl, now=now)
            if result.outcome == claims.ClaimOutcome.CLAIMED:
                return submission_id
    return None

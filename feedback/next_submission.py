""" "Nächste Einreichung": the oldest open submission nobody has claimed, within the tutor's
queue filters (lesson, exercise, industry, status, overdue), claimed for them at once.

The candidates come from the queue's own query (``feedback.queue_sql``, claim filter
"free", oldest first), a few at a time; each is claimed with ``feedback.claims.claim``,
the one conditional statement that lets exactly one of two tutors win a submission. A
tutor who loses one to a colleague pressing at the same moment goes on to the next
candidate, so two tutors get two different submissions, or one of them gets nothing when
nothing is left. A claim someone else holds (expired or not) is never taken here: taking
over needs its confirmation on the review page.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from sqlmodel import Session

from feedback import claims
from feedback.queue import BAD_FILTER
from feedback.queue_sql import course_outline, queue_query
from feedback.queue_values import ClaimFilter, QueueFilters, StatusFilter
from feedback.workdays import overdue_before
from kurswerk.core.auth import Principal
from kurswerk.core.errors import AppError
from uploads.models import SubmissionStatus

CANDIDATES = 5  # read at a time; more are read only after losing all of them
MAX_ROUNDS = 20  # a bound for a pathological crowd; each round ends with a fresh read


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

"""Which released feedback a person may talk about (issue 14, "private to them").

A feedback is named by its id in the URL of the LMS course the session is for. The
learner who submitted may ask about it and rate it; the tutors and admins of that LMS
course may answer. Everyone else - another learner, staff of another LMS course, anyone
naming a draft or an id that does not exist - gets the same 404 (``feedback.errors``), so
ids reveal nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlmodel import Session

from feedback.access import is_staff
from feedback.errors import not_found
from feedback.models import Feedback, FeedbackStatus
from kurswerk.core.auth import Principal
from kurswerk.core.clock import as_utc
from uploads.models import Submission, SubmissionVersion

_f = Feedback.__table__  # type: ignore[attr-defined]
_s = Submission.__table__  # type: ignore[attr-defined]
_v = SubmissionVersion.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class ReleasedFeedback:
    """A released feedback, with what the dialogue needs to know of it."""

    id: int
    submission_id: int
    version: int  # the number of the version it is about
    context_id: int
    learner_user_id: int
    tutor_user_id: int  # who released it
    released_at: datetime


def _released(session: Session, principal: Principal, feedback_id: int) -> ReleasedFeedback:
    row = session.execute(
        select(
            _f.c.id,
            _f.c.submission_id,
            _v.c.number,
            _s.c.context_id,
            _s.c.user_id,
            _f.c.tutor_user_id,
            _f.c.released_at,
        )
        .select_from(
            _f.join(_s, _s.c.id == _f.c.submission_id).join(
                _v, _v.c.id == _f.c.submission_version_id
            )
        )
        .where(
            _f.c.id == feedback_id,
            _f.c.status == FeedbackStatus.RELEASED.value,
            _s.c.context_id == principal.context_id,
        )
    ).first()
    if row is None or row.released_at is None:
        raise not_found(f"feedback {feedback_id}: not released in context {principal.context_id}")
    return ReleasedFeedback(
        id=row.id,
        submission_id=row.submission_id,
        version=row.number,
        context_id=row.context_id,
        learner_user_id=row.user_id,
        tutor_user_id=row.tutor_user_id,
        released_at=as_utc(row.released_at),
    )


def learners_feedback(session: Session, principal: Principal, feedback_id: int) -> ReleasedFeedback:
    """A released feedback on the principal's own submission (its learner only: staff
    do not ask or rate)."""
    feedback = _released(session, principal, feedback_id)
    if is_staff(principal) or feedback.learner_user_id != principal.user_id:
        raise not_found(f"feedback {feedback_id}: not the learner's own")
    return feedback


def staff_feedback(session: Session, principal: Principal, feedback_id: int) -> ReleasedFeedback:
    """A released feedback of the principal's LMS course, for its tutors and admins."""
    if not is_staff(principal):
        raise not_found(f"feedback {feedback_id}: staff only")
    return _released(session, principal, feedback_id)

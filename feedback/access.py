"""Who may see which submission (coaching issue §5, "Authorisation").

* Tutors and admins see the submissions of the LMS course their session is for.
* A learner sees only their own.
* Everyone else - another learner, a tutor of another course, anyone naming an id that
  does not exist - gets the same 404, so ids do not reveal what exists.

The course of the session is checked by ``kurswerk.core.auth.require_context`` (the URL's
``{context}`` must be the session's); here the submission must belong to it.
"""

from __future__ import annotations

from sqlmodel import Session

from feedback.errors import not_found
from kurswerk.core.auth import Principal, Role
from uploads import service as uploads
from uploads.models import Submission


def is_staff(principal: Principal) -> bool:
    return principal.at_least(Role.TUTOR)


def submission_for_staff(session: Session, principal: Principal, submission_id: int) -> Submission:
    """A submission of the principal's course, for its tutors and admins only."""
    if not is_staff(principal):
        raise not_found(f"submission {submission_id}: not staff")
    submission = uploads.get_submission(session, submission_id, context_id=principal.context_id)
    if submission is None:
        raise not_found(f"submission {submission_id}: not in context {principal.context_id}")
    return submission


def submission_for_viewer(session: Session, principal: Principal, submission_id: int) -> Submission:
    """A submission the principal may look at: staff of its course, or its learner."""
    submission = uploads.get_submission(session, submission_id, context_id=principal.context_id)
    if submission is None or not (is_staff(principal) or submission.user_id == principal.user_id):
        raise not_found(f"submission {submission_id}: not visible to user {principal.user_id}")
    return submission

"""A submission's gradebook column in the LMS (LTI AGS), and the "submitted" score.

:func:`submission_line_item` is the one place that says which column a submission
scores into: the exercise's (``course.service``'s ``resourceId``, title and link
target, in the submission's industry). The submit path uses it for "submitted, awaiting
grading", the feedback release for "fully graded", so both land in the same column.
"""

from __future__ import annotations

from sqlmodel import Session

from course import service as course_service
from lti import service as lti_service
from uploads.models import Submission, SubmissionVersion


def submission_line_item(session: Session, submission: Submission) -> lti_service.LineItemSpec:
    """The gradebook column of ``submission`` (its exercise, whatever its state now)."""
    exercise = course_service.exercise_by_id(session, submission.exercise_id)
    return exercise.line_item(submission.industry or None)


def grade_submitted(session: Session, submission: Submission, version: SubmissionVersion) -> None:
    """Tell the LMS gradebook "submitted, awaiting grading" (through the outbox, in this
    transaction), once per version. A platform or course without the grade service gets
    a ``skipped`` row with the reason, never a refused submission."""
    assert version.id is not None
    lti_service.grade_submitted(
        session,
        context_id=submission.context_id,
        user_id=submission.user_id,
        line_item=submission_line_item(session, submission),
        key=f"grade-submitted:{version.id}",
        resource_link_id=None,
    )

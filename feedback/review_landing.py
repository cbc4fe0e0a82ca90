"""Where a gradebook's *view submission* lands (LTI Submission Review 1.0): the
``lti.service.SubmissionReviewTarget`` of the feedback domain, put into the slot
``lti.service.REVIEW_TARGET`` by the composition root (``kurswerk.wiring``).

Which exercise: the gradebook column the review came from - by its line item URL when
Kurswerk created or found that column (its ``resourceId`` names the exercise), else by
the resource link's ``kurswerk_target`` (a deep-linked exercise link carries its own
column). Which submission: the reviewed learner's (``for_user``) for that exercise in
this LMS course; a learner who worked in several industries has one per industry, and
the review opens the **most recently submitted** one - the one whose score the column
shows last; the others are a click away on the learner's and the tutor's pages.

Where: staff (tutors, admins) open the tutor's review page of the submission, a learner
reviewing their own opens their feedback page. The pages check authorisation again, as
for any request. With no submission for the exercise, or a column that is not an
exercise of this course, the launch lands on a page that says so.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from course import service as course_service
from feedback.claims import display_name
from kurswerk.core.auth import Principal, Role
from lti import service as lti_service
from uploads import service as uploads


def missing_path(user_id: int, exercise_id: int | None) -> str:
    """The "nothing submitted" page, relative to the course."""
    path = f"submission-review/{user_id}"
    return f"{path}?exercise={exercise_id}" if exercise_id is not None else path


def submission_page(submission_id: int, *, staff: bool) -> str:
    """The tutor's review page for staff, the learner's feedback page for the learner."""
    return f"review/{submission_id}" if staff else f"feedback/{submission_id}"


def _exercise(
    session: Session, review: lti_service.ReviewRequest
) -> course_service.ExerciseRef | None:
    resource_id = lti_service.reviewed_resource_id(session, review)
    found = course_service.exercise_of_resource_id(session, review.context_id, resource_id)
    return found or course_service.exercise_of_target(session, review.context_id, review.target)


def review_target(session: Session, review: lti_service.ReviewRequest) -> str:
    """The course-relative page a review launch opens (see the module's docstring)."""
    exercise = _exercise(session, review)
    if exercise is None:
        return missing_path(review.for_user_id, None)
    submission = uploads.latest_submission(
        session,
        context_id=review.context_id,
        user_id=review.for_user_id,
        exercise_id=exercise.id,
    )
    if submission is None:
        return missing_path(review.for_user_id, exercise.id)
    assert submission.id is not None
    return submission_page(submission.id, staff=review.viewer_role.rank >= Role.TUTOR.rank)


@dataclass(frozen=True)
class MissingSubmission:
    """What the "nothing submitted" page says."""

    own: bool  # the viewer is the learner in question
    staff: bool  # the viewer is a tutor or admin of the course
    name: str  # the learner's name (a stand-in when the LMS withheld it)
    exercise_title: str | None  # None: the column is not an exercise of this course
    found: str | None = None  # a submission arrived since: its page (relative path)


def missing_submission(
    session: Session, principal: Principal, user_id: int, exercise_id: int | None
) -> MissingSubmission | None:
    """The page's facts, or ``None`` when the principal may not ask about ``user_id``
    (a learner asking about someone else: they get the same 404 as for any id)."""
    own = user_id == principal.user_id
    staff = principal.at_least(Role.TUTOR)
    if not own and not staff:
        return None
    exercise = None
    if exercise_id is not None:
        exercise = course_service.exercise_in_course(session, principal.context_id, exercise_id)
    found = None
    if exercise is not None:
        submission = uploads.latest_submission(
            session, context_id=principal.context_id, user_id=user_id, exercise_id=exercise.id
        )
        if submission is not None:
            assert submission.id is not None
            found = submission_page(submission.id, staff=staff)
    name = lti_service.reviewed_name(
        session, for_user_id=user_id, platform_id=principal.platform_id
    )
    return MissingSubmission(
        own=own,
        staff=staff,
        name=display_name(name, user_id),
        exercise_title=exercise.title if exercise else None,
        found=found,
    )

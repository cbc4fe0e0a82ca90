"""uploads.service: how the feedback domain reads
submissions and changes their status."""

from __future__ import annotations

from tests.feedback.conftest import resubmit
from tests.feedback.helpers import status_of
from uploads import service as uploads
from uploads.models import SubmissionStatus


def test_a_submission_is_found_only_in_its_own_course(db, world, make_submission):
    submission = make_submission(world.learner)
    assert uploads.get_submission(db, submission.id, context_id=world.learner.context_id)
    assert (
        uploads.get_submission(db, submission.id, context_id=world.other_learner.context_id) is None
    )
    assert uploads.get_submission(db, 999_999, context_id=world.learner.context_id) is None


def test_versions_are_listed_oldest_first_and_found_by_number(db, world, make_submission, storage):
    submission = make_submission(world.learner)
    resubmit(db, storage, submission)
    assert [v.number for v in uploads.list_versions(db, submission.id)] == [1, 2]
    assert uploads.get_version(db, submission.id, 2).number == 2
    assert uploads.get_version(db, submission.id, 3) is None


def test_a_status_change_happens_only_from_the_statuses_named(db, world, make_submission):
    submission = make_submission(world.learner)
    released_only = (SubmissionStatus.FEEDBACK_RELEASED,)
    assert not uploads.set_submission_status(
        db, submission.id, SubmissionStatus.IN_REVIEW, only_from=released_only
    )
    assert uploads.set_submission_status(
        db, submission.id, SubmissionStatus.IN_REVIEW, only_from=(SubmissionStatus.SUBMITTED,)
    )
    db.commit()
    assert status_of(db, submission.id) == "in_review"


def test_a_status_change_for_a_replaced_version_does_nothing(db, world, make_submission, storage):
    submission = make_submission(world.learner)
    resubmit(db, storage, submission)
    assert not uploads.set_submission_status(
        db, submission.id, SubmissionStatus.FEEDBACK_RELEASED, only_version=1
    )
    db.commit()
    assert status_of(db, submission.id) == "submitted"
    assert uploads.set_submission_status(
        db, submission.id, SubmissionStatus.FEEDBACK_RELEASED, only_version=2
    )

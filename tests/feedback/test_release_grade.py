# ruff: noqa: F811 - fixtures are imported by name and then requested as arguments
"""Released feedback tells the LMS gradebook "fully graded" (LTI AGS, issue §3): one
``lms_call`` outbox row written in the release's own transaction, for the same column
as the submission's "submitted" score, once per released feedback, with the feedback's
summary as comment; a course without the grade service records it as skipped and the
release goes through; a resubmission afterwards sends "submitted" again."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session

from course import service as course_service
from feedback import claims, drafts
from feedback import release as release_mod
from feedback.gradebook import SUMMARY_MAX_CHARS, feedback_summary
from kurswerk.core.auth import Principal
from kurswerk.core.db import new_session
from kurswerk.core.email_links import EmailLinks
from kurswerk.core.files.storage import key_for
from kurswerk.core.outbox.queue import OutboxStatus
from kurswerk.core.settings import Settings
from kurswerk.core.usertext import markdown_text
from lti.ags import AGS_SCOPES, SKIP_NO_GRADE_SERVICE, SKIP_NO_SCORE_SCOPE
from lti.models import ContextServices, Platform, PlatformUser
from tests.feedback.conftest import World
from tests.feedback.helpers import (
    attach,
    claim,
    feedback_rows,
    lms_calls,
    mails,
    release,
    save,
    write_and_release,
)
from tests.uploads.submission_fixtures import give_package
from uploads import gradebook as uploads_gradebook
from uploads import service as uploads
from uploads.models import Submission
from uploads.submissions import StoredFile, record_submission
from uploads.targets import find_target

LINEITEMS = "https://lms.example/api/lineitems"
FEEDBACK = (
    "## Gesamteindruck\n\n"
    "Ihre Analyse der **Kundenbeziehung** ist schlüssig.\n\n"
    "- Zielgruppe: klar\n"
    "- Kanäle: bitte [begründen](https://example.org/kanaele)\n\n"
    "Weiter so – Ihre Tilda"
)
SUMMARY = (
    "Gesamteindruck\n\n"
    "Ihre Analyse der Kundenbeziehung ist schlüssig.\n\n"
    "– Zielgruppe: klar\n"
    "– Kanäle: bitte begründen (https://example.org/kanaele)\n\n"
    "Weiter so – Ihre Tilda"
)
TTL = timedelta(hours=2)


def _offer_grades(db: Session, world: World) -> None:
    """The LMS course's launches carried the AGS claim with every scope."""
    db.add(
        ContextServices(
            context_id=world.context.id, lineitems_url=LINEITEMS, ags_scopes=" ".join(AGS_SCOPES)
        )
    )
    db.commit()


def _released_score(db: Session):
    [row] = [r for r in lms_calls(db) if r.dedup_key.startswith("grade-released:")]
    return row


def test_release_writes_fully_graded_with_the_summary_into_the_submissions_column(
    web, world, make_submission, db
):
    _offer_grades(db, world)
    submission = make_submission(world.learner)
    write_and_release(web, world.tutor, submission.id, FEEDBACK)
    [feedback] = feedback_rows(db, submission.id)
    row = _released_score(db)
    assert row.dedup_key == f"grade-released:{feedback.id}"
    assert row.status == OutboxStatus.PENDING
    score = row.payload["score"]
    assert (score["activityProgress"], score["gradingProgress"]) == ("Completed", "FullyGraded")
    assert (score["scoreGiven"], score["scoreMaximum"]) == (1.0, 1.0)
    assert score["comment"] == SUMMARY
    assert row.payload["lineitems_url"] == LINEITEMS

    # The same column as the submission's "submitted" score: one builder for both.
    version = uploads.get_version(db, submission.id, 1)
    db.refresh(submission)
    submitted = _submitted_row(db, submission, version)
    assert row.payload["line_item"] == submitted.payload["line_item"]
    exercise = course_service.exercise_by_id(db, submission.exercise_id)
    assert row.payload["line_item"]["resourceId"] == f"exercise:{exercise.id}"
    assert row.payload["line_item"]["label"] == exercise.title


def _submitted_row(db: Session, submission: Submission, version):
    uploads_gradebook.grade_submitted(db, submission, version)
    db.commit()
    [row] = [r for r in lms_calls(db) if r.dedup_key == f"grade-submitted:{version.id}"]
    return row


def test_the_score_row_is_part_of_the_release_transaction(engine, world, make_submission, db):
    _offer_grades(db, world)
    submission = make_submission(world.learner)
    with new_session(engine) as session:
        claims.claim(session, world.tutor.principal, submission.id, ttl=TTL)
        draft = drafts.save_draft(session, world.tutor.principal, submission.id, FEEDBACK, ttl=TTL)
        revision = drafts.revision_of(draft)
        session.commit()

    def run(commit: bool) -> None:
        with new_session(engine) as session:
            release_mod.release(
                session,
                world.tutor.principal,
                submission.id,
                revision=revision,
                annotations_revision=0,
                storage=None,  # type: ignore[arg-type] - no attachment: storage is not touched
                links=EmailLinks(Settings(base_url="https://kurswerk.test")),
                ttl=TTL,
            )
            session.commit() if commit else session.rollback()

    run(commit=False)
    assert lms_calls(db) == [] and mails(db) == []
    assert [f.status for f in feedback_rows(db, submission.id)] == ["draft"]
    run(commit=True)
    assert len(lms_calls(db)) == len(mails(db)) == 1


def test_a_repeated_release_request_writes_one_score(web, world, make_submission, db):
    _offer_grades(db, world)
    submission = make_submission(world.learner)
    write_and_release(web, world.tutor, submission.id, FEEDBACK)
    [feedback] = feedback_rows(db, submission.id)
    again = release(web, world.tutor, submission.id, drafts.revision_of(feedback))
    assert again.status_code == 303 and "already_released" in again.headers["location"]
    assert [r.dedup_key for r in lms_calls(db)] == [f"grade-released:{feedback.id}"]


def test_a_course_without_grade_service_releases_and_records_the_score_as_skipped(
    web, world, make_submission, db
):
    submission = make_submission(world.learner)
    response = write_and_release(web, world.tutor, submission.id, FEEDBACK)
    assert "done=released" in response.headers["location"]
    row = _released_score(db)
    assert row.status == OutboxStatus.SKIPPED
    assert row.skipped_reason == SKIP_NO_GRADE_SERVICE
    assert row.payload["score"]["comment"] == SUMMARY  # what would have been sent


def test_a_platform_without_the_score_scope_never_blocks_a_release(web, world, make_submission, db):
    _offer_grades(db, world)
    platform = db.get(Platform, world.context.platform_id)
    platform.granted_scopes = "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership"
    db.add(platform)
    db.commit()
    submission = make_submission(world.learner)
    write_and_release(web, world.tutor, submission.id, FEEDBACK)
    assert _released_score(db).skipped_reason == SKIP_NO_SCORE_SCOPE
    assert [m.status for m in mails(db)] == [OutboxStatus.PENDING]


def test_a_resubmission_after_release_sends_submitted_with_the_released_feedback(
    web, world, make_submission, db, settings
):
    _offer_grades(db, world)
    give_package(db, world.learner)
    submission = make_submission(world.learner)
    write_and_release(web, world.tutor, submission.id, FEEDBACK)
    target = find_target(db, world.context.id, submission.exercise_id, submission.industry)
    stored = StoredFile(key_for("b" * 64), "b" * 64, 1000, 2, "Neu.pdf")
    principal: Principal = world.learner.principal
    result = record_submission(
        db, principal, target, stored, idempotency_key="r" * 20, note="", settings=settings
    )
    db.commit()
    assert result.version == 2
    released, resubmitted = lms_calls(db)
    assert resubmitted.dedup_key == f"grade-submitted:{result.version_id}"
    score = resubmitted.payload["score"]
    # the released feedback stays visible in the LMS until the next release
    assert (score["activityProgress"], score["gradingProgress"]) == ("Submitted", "FullyGraded")
    earlier = released.payload["score"]
    assert (score["scoreGiven"], score["scoreMaximum"], score["comment"]) == (
        earlier["scoreGiven"],
        earlier["scoreMaximum"],
        earlier["comment"],
    )
    assert resubmitted.payload["line_item"] == released.payload["line_item"]
    assert score["timestamp"] > released.payload["score"]["timestamp"]


# --- the comment ----------------------------------------------------------------------


def test_the_comment_is_the_feedback_as_plain_text_when_it_is_short():
    assert feedback_summary(FEEDBACK, has_attachment=False, locale="de") == SUMMARY


def test_a_long_feedback_is_cut_at_a_word_with_a_line_that_the_rest_is_in_kurswerk():
    long = "Ihre **Analyse** ist gründlich. " * 100  # 3,200 characters of text
    comment = feedback_summary(long, has_attachment=False, locale="de")
    text, _, last = comment.rpartition("\n\n")
    assert last == "Das vollständige Feedback finden Sie in Kurswerk."
    assert len(text) <= SUMMARY_MAX_CHARS and text.endswith("…")
    whole = markdown_text(long)
    kept = text.removesuffix("…")
    assert whole.startswith(kept) and whole[len(kept)] == " "  # cut between two words
    assert "**" not in text
    english = feedback_summary(long, has_attachment=False, locale="en")
    assert english.endswith("\n\nYou find the full feedback in Kurswerk.")


def test_a_feedback_pdf_is_named_in_the_comment_since_a_gradebook_cannot_show_it():
    comment = feedback_summary("Kurz und gut.", has_attachment=True, locale="de")
    assert comment == (
        "Kurz und gut.\n\nDas vollständige Feedback mit PDF-Anhang finden Sie in Kurswerk."
    )


def test_the_comment_speaks_the_learners_language_and_names_the_pdf(
    web, world, make_submission, db, pdf_for_feedback
):
    learner = db.get(PlatformUser, world.learner.principal.user_id)
    learner.locale = "en-GB"
    db.add(learner)
    db.commit()
    submission = make_submission(world.learner)
    claim(web, world.tutor, submission.id)
    save(web, world.tutor, submission.id, "Good work.")
    attach(web, world.tutor, submission.id, pdf_for_feedback)
    assert release(web, world.tutor, submission.id).status_code == 303
    assert _released_score(db).payload["score"]["comment"] == (
        "Good work.\n\nYou find the full feedback, with its PDF attachment, in Kurswerk."
    )

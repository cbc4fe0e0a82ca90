"""The uploads domain's service: what other packages call.

The feedback domain (tutor queue, review, release) reads a submission through the functions
below and changes its status only through :func:`set_submission_status`, a conditional
``UPDATE`` so that a status change never overwrites a change it did not see (a
resubmission arriving during a release, for instance). It also names the gradebook
column of a submission (``submission_line_item``) and shows its released feedback on the
learner's submission page (``register_submission_panel``); the worker wiring registers the
tutors' digest (``register_jobs``). The file building blocks a feedback attachment needs
(intake, PDF check, virus scan, storage) are the shell's: ``kurswerk.core.files``.

The promised feedback date that the submission pages show and the upload stores comes
from feedback's promise desk through the slot ``PROMISE_DESK`` (``uploads.promised``),
whose types are named here for feedback to implement.

Nothing here commits.
"""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import update
from sqlmodel import Session, col, select

from kurswerk.core.clock import utcnow
from uploads.gradebook import submission_line_item
from uploads.mail import digest_task
from uploads.models import Submission, SubmissionStatus, SubmissionVersion
from uploads.panels import SUBMISSION_PANELS
from uploads.promised import PROMISE_DESK, PromisedDate, PromiseDesk

__all__ = [
    "get_submission",
    "get_version",
    "latest_submission",
    "list_versions",
    "digest_task",
    "SUBMISSION_PANELS",
    "PROMISE_DESK",
    "PromiseDesk",
    "PromisedDate",
    "set_submission_status",
    "submission_line_item",
]


def get_submission(session: Session, submission_id: int, *, context_id: int) -> Submission | None:
    """The submission with this id in this LMS course, or None (also for another course's
    id: callers answer 404 either way, so ids do not reveal what exists elsewhere)."""
    return session.exec(
        select(Submission).where(
            Submission.id == submission_id, Submission.context_id == context_id
        )
    ).first()


def latest_submission(
    session: Session, *, context_id: int, user_id: int, exercise_id: int
) -> Submission | None:
    """The learner's most recently submitted submission for an exercise in this LMS
    course (a learner has one per industry they worked in), or None."""
    return session.exec(
        select(Submission)
        .where(
            Submission.context_id == context_id,
            Submission.user_id == user_id,
            Submission.exercise_id == exercise_id,
        )
        .order_by(col(Submission.submitted_at).desc(), col(Submission.id).desc())
    ).first()


def get_version(session: Session, submission_id: int, number: int) -> SubmissionVersion | None:
    return session.exec(
        select(SubmissionVersion).where(
            SubmissionVersion.submission_id == submission_id, SubmissionVersion.number == number
        )
    ).first()


def list_versions(session: Session, submission_id: int) -> list[SubmissionVersion]:
    """Every version of a submission, oldest first."""
    return list(
        session.exec(
            select(SubmissionVersion)
            .where(SubmissionVersion.submission_id == submission_id)
            .order_by(col(SubmissionVersion.number))
        ).all()
    )


def set_submission_status(
    session: Session,
    submission_id: int,
    status: SubmissionStatus,
    *,
    only_from: Collection[SubmissionStatus] | None = None,
    only_version: int | None = None,
) -> bool:
    """Set the status, but only while the submission is in one of ``only_from`` and its
    latest version is ``only_version`` (when given). Returns whether it changed.

    One conditional ``UPDATE``: on PostgreSQL it waits for a concurrent writer of the row
    and then re-checks the conditions against the committed row.
    """
    table = Submission.__table__  # type: ignore[attr-defined]
    statement = update(table).where(table.c.id == submission_id)
    if only_from is not None:
        statement = statement.where(table.c.status.in_([s.value for s in only_from]))
    if only_version is not None:
        statement = statement.where(table.c.latest_version == only_version)
    result = session.execute(statement.values(status=status.value, updated_at=utcnow()))
    return bool(result.rowcount == 1)  # type: ignore[attr-defined]

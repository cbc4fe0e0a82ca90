"""What a learner sees of their own submissions: the list, one submission with all its
versions, a version's file (when feedback is due is stored with each version:
``uploads.promised``).

Every lookup is scoped to the asking learner *and* their LMS course: someone else's id
is "not found" (404), never "forbidden", so ids do not reveal that a submission exists.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, func, select

from course import service as course_service
from course.models import Exercise, Lesson
from kurswerk.core.auth import Principal
from kurswerk.core.errors import NotFound
from kurswerk.core.i18n import N_
from lti.models import PlatformUser
from uploads.models import Submission, SubmissionStatus, SubmissionVersion
from uploads.targets import SubmissionTarget, course_title_for

SUBMISSION_NOT_FOUND = N_("Diese Einreichung gibt es nicht.")
"""The refusal of a submission (or version) that is not the learner's or does not exist."""


@dataclass(frozen=True)
class VersionView:
    number: int
    created_at: datetime
    display_name: str
    pages: int
    size: int
    note: str


@dataclass(frozen=True)
class SubmissionView:
    id: int
    target: SubmissionTarget
    status: SubmissionStatus
    latest_version: int
    submitted_at: datetime
    versions: tuple[VersionView, ...] = ()

    @property
    def latest(self) -> VersionView | None:
        return self.versions[-1] if self.versions else None


def _views_query(principal: Principal) -> Any:
    return (
        select(Submission, Exercise, Lesson)
        .join(Exercise, col(Exercise.id) == col(Submission.exercise_id))
        .join(Lesson, col(Lesson.id) == col(Exercise.lesson_id))
        .where(
            Submission.user_id == principal.user_id,
            Submission.context_id == principal.context_id,
        )
    )


def _view(
    submission: Submission,
    exercise: Exercise,
    lesson: Lesson,
    course_title: str,
    industries: course_service.Industries,
    versions: tuple[VersionView, ...] = (),
) -> SubmissionView:
    assert submission.id is not None
    return SubmissionView(
        id=submission.id,
        target=SubmissionTarget.of(
            exercise,
            lesson,
            context_id=submission.context_id,
            course_title=course_title,
            industry=submission.industry,
            industries=industries,
        ),
        status=SubmissionStatus(submission.status),
        latest_version=submission.latest_version,
        submitted_at=submission.submitted_at,
        versions=versions,
    )


def learner_submissions(session: Session, principal: Principal) -> list[SubmissionView]:
    """The learner's submissions in this LMS course, latest activity first."""
    rows = session.exec(
        _views_query(principal).order_by(
            col(Submission.submitted_at).desc(), col(Submission.id).desc()
        )
    ).all()
    course_title = course_title_for(session, principal.context_id, "")
    industries = course_service.context_industries(session, principal.context_id)
    return [_view(s, e, lesson, course_title, industries) for s, e, lesson in rows]


def learner_submission(
    session: Session, principal: Principal, submission_id: int
) -> SubmissionView:
    """One of the learner's own submissions with every version, oldest first."""
    row = session.exec(_views_query(principal).where(Submission.id == submission_id)).first()
    if row is None:
        raise NotFound(SUBMISSION_NOT_FOUND, reason=f"submission {submission_id} not theirs")
    submission, exercise, lesson = row
    versions = session.exec(
        select(SubmissionVersion)
        .where(SubmissionVersion.submission_id == submission_id)
        .order_by(col(SubmissionVersion.number))
    ).all()
    return _view(
        submission,
        exercise,
        lesson,
        course_title_for(session, principal.context_id, ""),
        course_service.context_industries(session, principal.context_id),
        tuple(
            VersionView(v.number, v.created_at, v.display_name, v.pages, v.size, v.note)
            for v in versions
        ),
    )


@dataclass(frozen=True)
class VersionFile:
    file_key: str
    display_name: str
    size: int


def learner_version_file(
    session: Session, principal: Principal, submission_id: int, number: int
) -> VersionFile:
    """The stored file of one version of the learner's own submission."""
    row = session.exec(
        select(SubmissionVersion)
        .join(Submission, col(Submission.id) == col(SubmissionVersion.submission_id))
        .where(
            Submission.id == submission_id,
            Submission.user_id == principal.user_id,
            Submission.context_id == principal.context_id,
            SubmissionVersion.number == number,
        )
    ).first()
    if row is None:
        raise NotFound(SUBMISSION_NOT_FOUND, reason=f"version {submission_id}/{number}")
    return VersionFile(row.file_key, row.display_name, row.size)


def learner_email(session: Session, principal: Principal) -> str | None:
    """Where the receipt went (None: the LMS gave no address; the page says so)."""
    user = session.get(PlatformUser, principal.user_id)
    return user.email if user and user.email else None


def count_submissions(session: Session, context_id: int, user_id: int | None) -> dict[int, int]:
    """Submissions per learner in one LMS course (one learner's, or everyone's): what
    coaching's entitlement rule counts as spent (the ``count_submissions`` slot)."""
    query = (
        select(Submission.user_id, func.count())
        .where(Submission.context_id == context_id)
        .group_by(col(Submission.user_id))
    )
    if user_id is not None:
        query = query.where(Submission.user_id == user_id)
    return {int(uid): int(count) for uid, count in session.exec(query).all()}

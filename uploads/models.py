"""Tables of the uploads domain: submissions with their versions, and how tutors want to
hear of new submissions (the coaching tables are ``coaching.models``).

A *submission* is one learner's work on one exercise in one industry; each upload is a
new *version* of it (earlier versions stay). Files live in storage under their content
hash; a version row names the file by that key and keeps the original name only as
display text.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import (
    CheckConstraint,
    Column,
    Index,
    Text,
    UniqueConstraint,
)
from sqlmodel import Field, SQLModel

from kurswerk.core.db import timestamp_now, timestamp_or_none
from kurswerk.core.i18n import N_


class SubmissionStatus(enum.StrEnum):
    SUBMITTED = "submitted"
    IN_REVIEW = "in_review"
    FEEDBACK_RELEASED = "feedback_released"

    @property
    def label(self) -> str:
        """The state's name for the learner (a message id: translate it where shown)."""
        return _STATUS_LABELS[self]

    @property
    def help(self) -> str:
        """What the state means for the learner (a message id)."""
        return _STATUS_HELP[self]


_STATUS_LABELS = {
    SubmissionStatus.SUBMITTED: N_("eingereicht"),
    SubmissionStatus.IN_REVIEW: N_("in Bearbeitung"),
    SubmissionStatus.FEEDBACK_RELEASED: N_("Feedback erhalten"),
}
_STATUS_HELP = {
    SubmissionStatus.SUBMITTED: N_(
        "Ihre Datei ist angekommen und wartet auf Ihre Tutorin oder Ihren Tutor."
    ),
    SubmissionStatus.IN_REVIEW: N_("Ihre Tutorin oder Ihr Tutor arbeitet an Ihrem Feedback."),
    SubmissionStatus.FEEDBACK_RELEASED: N_(
        "Ihr Feedback ist freigegeben: Sie finden es bei der Einreichung und in Ihrer E-Mail."
    ),
}


class Submission(SQLModel, table=True):
    """One learner's work on one exercise in one industry; the queue holds its latest
    version."""

    __tablename__ = "submission"
    __table_args__ = (
        UniqueConstraint("context_id", "user_id", "exercise_id", "industry"),
        CheckConstraint("status IN ('submitted', 'in_review', 'feedback_released')", name="status"),
        Index("ix_submission_queue", "context_id", "status", "submitted_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    context_id: int = Field(foreign_key="lms_context.id", ondelete="CASCADE")
    user_id: int = Field(foreign_key="lti_user.id", index=True, ondelete="CASCADE")
    exercise_id: int = Field(foreign_key="exercise.id", index=True)
    industry: str = Field(max_length=16)
    status: str = Field(default=SubmissionStatus.SUBMITTED.value, max_length=20)
    latest_version: int = Field(default=1)
    submitted_at: datetime = timestamp_now()
    created_at: datetime = timestamp_now()
    updated_at: datetime = timestamp_now()


class SubmissionVersion(SQLModel, table=True):
    """One uploaded PDF. ``idempotency_key`` makes a double-click or retry one version."""

    __tablename__ = "submission_version"
    __table_args__ = (UniqueConstraint("submission_id", "number"),)

    id: int | None = Field(default=None, primary_key=True)
    submission_id: int = Field(foreign_key="submission.id", index=True, ondelete="CASCADE")
    number: int
    file_key: str = Field(max_length=200)
    sha256: str = Field(max_length=64)
    size: int
    pages: int
    display_name: str = Field(max_length=255)
    note: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    idempotency_key: str = Field(max_length=64, unique=True)
    created_at: datetime = timestamp_now()


class TutorMailMode(enum.StrEnum):
    EACH = "each"  # one email per new submission
    DAILY = "daily"  # one digest a day

    @property
    def label(self) -> str:
        """The choice's name for the tutor (a message id: translate it where shown)."""
        return _MAIL_MODE_LABELS[self]

    @property
    def hint(self) -> str:
        """What the choice means (a message id; ``%(hour)s``: the digest's hour)."""
        return _MAIL_MODE_HINTS[self]


_MAIL_MODE_LABELS = {
    TutorMailMode.EACH: N_("Eine E-Mail je Einreichung"),
    TutorMailMode.DAILY: N_("Eine Tagesübersicht"),
}
_MAIL_MODE_HINTS = {
    TutorMailMode.EACH: N_("Sie erhalten sofort eine E-Mail, wenn jemand einreicht."),
    TutorMailMode.DAILY: N_(
        "Sie erhalten einmal am Tag (ab %(hour)s Uhr) eine E-Mail mit allen neuen "
        "Einreichungen – nur an Tagen, an denen es welche gibt."
    ),
}


class TutorMailPreference(SQLModel, table=True):
    __tablename__ = "tutor_mail_preference"
    __table_args__ = (
        UniqueConstraint("user_id", "context_id"),
        CheckConstraint("mode IN ('each', 'daily')", name="mode"),
    )

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="lti_user.id", ondelete="CASCADE")
    context_id: int = Field(foreign_key="lms_context.id", ondelete="CASCADE")
    mode: str = Field(default=TutorMailMode.EACH.value, max_length=8)
    last_digest_at: datetime | None = timestamp_or_none()

"""Tables of the uploads domain: submissions with their versions, and how tutors want to
hear of new submissions (the coaching tables are ``coaching.models``).

A *submission* is one learner's work on one exercise in one industry; each upload is a
new *version* of it (earlier versions stay). Files live in storage under their content
hash; a version row names the file by that key and keeps the original name only as
display text.
"""

from __future__ import annotations

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
from kurswerk.core.i18n import N_, LabelledChoice


class SubmissionStatus(LabelledChoice):
    """``label``: the state's name for the learner; ``hint``: what it means for them."""

    SUBMITTED = (
        "submitted",
        N_("eingereicht"),
        N_("Ihre Datei ist angekommen und wartet auf Ihre Tutorin oder Ihren Tutor."),
    )
    IN_REVIEW = (
        "in_review",
        N_("in Bearbeitung"),
        N_("Ihre Tutorin oder Ihr Tutor arbeitet an Ihrem Feedback."),
    )
    FEEDBACK_RELEASED = (
        "feedback_released",
        N_("Feedback erhalten"),
        N_("Ihr Feedback ist freigegeben: Sie finden es bei der Einreichung und in Ihrer E-Mail."),
    )


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


class TutorMailMode(LabelledChoice):
    """``label``: the choice's name for the tutor; ``hint``: what it means (``%(hour)s``:
    the digest's hour)."""

    EACH = (  # one email per new submission
        "each",
        N_("Eine E-Mail je Einreichung"),
        N_("Sie erhalten sofort eine E-Mail, wenn jemand einreicht."),
    )
    DAILY = (  # one digest a day
        "daily",
        N_("Eine Tagesübersicht"),
        N_(
            "Sie erhalten einmal am Tag (ab %(hour)s Uhr) eine E-Mail mit allen neuen "
            "Einreichungen – nur an Tagen, an denen es welche gibt."
        ),
    )


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

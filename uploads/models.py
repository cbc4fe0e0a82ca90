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


class SubmissionStatus(enum.StrEnum):
    SUBMITTED = "submitted"  # eingereicht
    IN_REVIEW = "in_review"  # in Bearbeitung
    FEEDBACK_RELEASED = "feedback_released"  # Feedback erhalten


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

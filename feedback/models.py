"""Tables of the feedback domain: review claims and written feedback."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from kurswerk.core.db import timestamp_column, timestamp_now, timestamp_or_none
from uploads.models import Submission


class ReviewClaim(SQLModel, table=True):
    """One tutor at a time works on a submission; a claim expires, and another tutor or an
    admin can take it over. Taking a claim is one conditional UPDATE/INSERT, so two tutors
    claiming at once cannot both win."""

    __tablename__ = "review_claim"

    id: int | None = Field(default=None, primary_key=True)
    submission_id: int = Field(foreign_key="submission.id", unique=True, ondelete="CASCADE")
    tutor_user_id: int = Field(foreign_key="lti_user.id", index=True, ondelete="CASCADE")
    claimed_at: datetime = timestamp_now()
    expires_at: datetime = Field(sa_column=timestamp_column())


class FeedbackStatus(enum.StrEnum):
    DRAFT = "draft"
    RELEASED = "released"


class Feedback(SQLModel, table=True):
    """A tutor's written feedback on one submission version; nothing reaches the learner
    before ``released_at`` is set."""

    __tablename__ = "feedback"
    __table_args__ = (
        UniqueConstraint("submission_version_id"),
        CheckConstraint("status IN ('draft', 'released')", name="status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    submission_id: int = Field(foreign_key="submission.id", index=True, ondelete="CASCADE")
    submission_version_id: int = Field(foreign_key="submission_version.id", ondelete="CASCADE")
    tutor_user_id: int = Field(foreign_key="lti_user.id", ondelete="CASCADE")
    body_markdown: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    body_html: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    attachment_key: str | None = Field(default=None, max_length=200)
    attachment_name: str | None = Field(default=None, max_length=255)
    # The learner's PDF with the tutor's annotations, written at release when the version
    # has any (feedback.workbench.release_pdf); beside a PDF the tutor attached, if any.
    annotated_key: str | None = Field(default=None, max_length=200)
    annotated_name: str | None = Field(default=None, max_length=255)
    status: str = Field(default=FeedbackStatus.DRAFT.value, max_length=16)
    created_at: datetime = timestamp_now()
    updated_at: datetime = timestamp_now()
    released_at: datetime | None = timestamp_or_none()


# The tutor queue's index for filtered pages (``feedback/queue.py``). It lives on the
# uploads domain's ``submission`` table but serves only the queue, so it is declared here.
# With ``ix_submission_queue (context_id, status, submitted_at)`` alone, a filter by
# exercise or industry reads every open submission of the course when few match; with
# this one each (status, exercise, industry) is an ordered range that stops after a page.
_submission = Submission.__table__  # type: ignore[attr-defined]
ix_submission_queue_filter = Index(
    "ix_submission_queue_filter",
    _submission.c.context_id,
    _submission.c.status,
    _submission.c.exercise_id,
    _submission.c.industry,
    _submission.c.submitted_at,
)

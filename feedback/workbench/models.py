"""The table of the workbench: the tutor's annotations on one submission version."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Column, Text
from sqlmodel import Field, SQLModel

from kurswerk.core.db import timestamp_now


class AnnotationSet(SQLModel, table=True):
    """The annotations of one submission version (its PDF's pages and coordinates), as the
    JSON list of ``feedback.workbench.document``. Whoever holds the claim edits it; each
    accepted save adds one to ``revision`` with a conditional write
    (``feedback.workbench.annotations``), so of two saves based on the same revision
    exactly one wins. No row: nothing saved yet (revision 0)."""

    __tablename__ = "feedback_annotation_set"
    __table_args__ = (CheckConstraint("revision >= 1", name="revision"),)

    id: int | None = Field(default=None, primary_key=True)
    submission_version_id: int = Field(
        foreign_key="submission_version.id", unique=True, ondelete="CASCADE"
    )
    annotations: str = Field(sa_column=Column(Text, nullable=False))
    revision: int = Field(default=1)
    editor_user_id: int | None = Field(default=None, foreign_key="lti_user.id", ondelete="SET NULL")
    created_at: datetime = timestamp_now()
    updated_at: datetime = timestamp_now()

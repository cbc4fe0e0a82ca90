"""The reading position: one row per reader and LMS course."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from kurswerk.core.db import timestamp_now


class ReadingPosition(SQLModel, table=True):
    """Where a person last was in one LMS course: the lesson they last opened (written by
    the lesson page) and the section of it they last reached (``section``: a heading's
    id from the lesson's table of contents, reported by the page's script; "" until one
    is). Another LMS course of the same person has its own row."""

    __tablename__ = "reading_position"
    __table_args__ = (UniqueConstraint("user_id", "context_id"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="lti_user.id", ondelete="CASCADE")
    context_id: int = Field(foreign_key="lms_context.id", index=True, ondelete="CASCADE")
    lesson_id: int = Field(foreign_key="lesson.id", index=True, ondelete="CASCADE")
    section: str = Field(default="", max_length=100)
    updated_at: datetime = timestamp_now()

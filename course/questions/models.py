"""The table of "ask the lecturer": private questions about a lesson.

Only the asker and the LMS course's tutors (and admins) ever see a question. Deleting
the asker (or the LMS course) deletes their questions: they are personal data.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Index, Text
from sqlmodel import Field, SQLModel

from kurswerk.core.db import timestamp_now, timestamp_or_none


class LecturerQuestion(SQLModel, table=True):
    __tablename__ = "lecturer_question"
    __table_args__ = (
        Index("ix_lecturer_question_context_id_created_at", "context_id", "created_at"),
        Index("ix_lecturer_question_asker_id_created_at", "asker_id", "created_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    context_id: int = Field(foreign_key="lms_context.id", ondelete="CASCADE")
    lesson_id: int = Field(foreign_key="lesson.id", index=True)
    asker_id: int = Field(foreign_key="lti_user.id", ondelete="CASCADE")
    subject: str = Field(max_length=200)
    body: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    created_at: datetime = timestamp_now()
    answer: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    answered_at: datetime | None = timestamp_or_none()
    answered_by: int | None = Field(default=None, foreign_key="lti_user.id", ondelete="SET NULL")

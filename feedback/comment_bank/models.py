"""Tables of the comment bank: the tutors' snippets ("Textbausteine") and the feedback
template ("Feedbackvorlage") of an exercise, both kept per LMS course.

A snippet belongs to one LMS course (``context_id``: an LMS course on one platform) *and*
the course that LMS course shows (``course_id``): the tutors of a second LMS course, on
the same platform or another, never see it, and neither does this LMS course after an
operator binds it to another course. ``exercise_id`` (``None``: every exercise of the
course) and ``industry`` (``""``: every industry) say where it is offered.

``title_key`` and ``search_text`` are the title and title + text folded with
``str.casefold`` when the snippet is written, so search is case-insensitive in SQL
alike on SQLite (whose ``lower()`` folds ASCII only) and PostgreSQL
(``feedback.comment_bank.search``).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from kurswerk.core.db import timestamp_now, timestamp_or_none


def _text() -> Column:
    return Column(Text, nullable=False, default="")


class CommentSnippet(SQLModel, table=True):
    """A reusable text the course's tutors insert into feedback (Markdown)."""

    __tablename__ = "comment_snippet"
    __table_args__ = (
        CheckConstraint("use_count >= 0", name="use_count"),
        # The search reads one LMS course's snippets of one course (hundreds), narrowed
        # by exercise; the substring match runs over those rows only.
        Index("ix_comment_snippet_scope", "context_id", "course_id", "exercise_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    context_id: int = Field(foreign_key="lms_context.id", ondelete="CASCADE")
    course_id: int = Field(foreign_key="course.id")
    exercise_id: int | None = Field(default=None, foreign_key="exercise.id", index=True)
    industry: str = Field(default="", max_length=16)
    title: str = Field(max_length=120)
    body_markdown: str = Field(default="", sa_column=_text())
    title_key: str = Field(default="", sa_column=_text())
    search_text: str = Field(default="", sa_column=_text())
    use_count: int = Field(default=0)
    last_used_at: datetime | None = timestamp_or_none()
    created_by_user_id: int | None = Field(
        default=None, foreign_key="lti_user.id", index=True, ondelete="SET NULL"
    )
    created_at: datetime = timestamp_now()
    updated_at: datetime = timestamp_now()


class FeedbackTemplate(SQLModel, table=True):
    """An LMS course's own feedback template for one exercise (Markdown headings), which
    pre-fills a new draft instead of the default (``feedback.comment_bank.templates``)."""

    __tablename__ = "feedback_template"
    __table_args__ = (UniqueConstraint("context_id", "exercise_id"),)

    id: int | None = Field(default=None, primary_key=True)
    context_id: int = Field(foreign_key="lms_context.id", ondelete="CASCADE")
    exercise_id: int = Field(foreign_key="exercise.id", index=True)
    body_markdown: str = Field(default="", sa_column=_text())
    updated_by_user_id: int | None = Field(
        default=None, foreign_key="lti_user.id", index=True, ondelete="SET NULL"
    )
    updated_at: datetime = timestamp_now()

"""The FAQ of a lesson: entries from the content files and entries made in the tool.

Who owns an entry's text (the rule ``kurswerk content load`` follows):

* An entry from a file (``source_key`` set, ``context_id`` unset) is course content: it is
  shown in every LMS course that shows the course, and the loader keeps it in step with
  the file, *until someone edits it in the tool*. From then on (``edited_in_tool_at`` set)
  the tool owns the text: the loader only records the file's latest version in
  ``file_question`` / ``file_answer`` and reports the entry as kept. "Back to the file
  version" in the tool hands it back to the file.
* An entry made in the tool (written, promoted from a forum answer, or published from a
  question to the lecturer) belongs to the LMS course it was made in (``context_id``);
  the loader never touches it.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import CheckConstraint, Column, DateTime, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel


def utcnow() -> datetime:
    return datetime.now(UTC)


def _ts(nullable: bool = False) -> Column:
    return Column(DateTime(timezone=True), nullable=nullable)


class FaqEntry(SQLModel, table=True):
    __tablename__ = "faq_entry"
    __table_args__ = (
        UniqueConstraint("lesson_id", "source_key"),
        Index("ix_faq_entry_lesson_id_position", "lesson_id", "position"),
        CheckConstraint("origin IN ('file', 'tool', 'forum', 'question')", name="origin"),
    )

    id: int | None = Field(default=None, primary_key=True)
    lesson_id: int = Field(foreign_key="lesson.id")
    context_id: int | None = Field(
        default=None, foreign_key="lms_context.id", ondelete="CASCADE", index=True
    )
    """Unset for course content (every LMS course); set for entries made in one."""
    origin: str = Field(default="tool", max_length=16)
    source_key: str | None = Field(default=None, max_length=100)
    """The entry's ``key`` in the content file (``faq/<lesson>.yaml``)."""
    question: str = Field(max_length=300)
    answer: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    """Markdown; rendered through ``kurswerk.usertext`` (the user-text sanitiser)."""
    position: int = 0
    quote_anchor: str | None = Field(default=None, max_length=200)
    """The answer is quoted word for word from the lesson section with this id."""
    quote_section: str = Field(default="", max_length=300)
    thread_id: int | None = Field(default=None, foreign_key="forum_thread.id", ondelete="SET NULL")
    """Promoted from an answer in this forum thread."""
    question_id: int | None = Field(
        default=None, foreign_key="lecturer_question.id", ondelete="SET NULL"
    )
    """Published (anonymised) from this question to the lecturer."""
    file_question: str | None = Field(default=None, max_length=300)
    file_answer: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    """The file's latest version of a file entry, kept while the tool owns the text."""
    edited_in_tool_at: datetime | None = Field(default=None, sa_column=_ts(nullable=True))
    edited_by: int | None = Field(default=None, foreign_key="lti_user.id", ondelete="SET NULL")
    created_by: int | None = Field(default=None, foreign_key="lti_user.id", ondelete="SET NULL")
    created_at: datetime = Field(default_factory=utcnow, sa_column=_ts())
    updated_at: datetime = Field(default_factory=utcnow, sa_column=_ts())
    deleted_at: datetime | None = Field(default=None, sa_column=_ts(nullable=True))
    archived_at: datetime | None = Field(default=None, sa_column=_ts(nullable=True))
    """A file entry that is no longer in the file (and was not edited in the tool)."""

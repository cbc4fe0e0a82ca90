"""The FAQ of a lesson: entries from the content files and entries made in the tool.

Who owns an entry's text (the rule ``kurswerk content load`` follows):

* An entry from a file (``source_key`` set, ``context_id`` unset) belongs to the course
  package: it is shown in every LMS course that shows the course, on every platform, and
  the loader always keeps it in step with the file. No tutor ever writes to it.
* A tutor's change of a file entry is an *override* of one LMS course: a row of that
  course (``context_id`` set) naming the file entry in ``overrides_id``, holding the
  course's question, answer and position; deleting a file entry there is an override
  with ``deleted_at`` set (hidden in that course only). While an override exists, that
  LMS course shows it instead of the file entry; every other LMS course still shows the
  file entry. The loader never touches overrides; "Back to the file version" deletes one.
* An entry made in the tool (written, promoted from a forum answer, or published from a
  question to the lecturer) belongs to the LMS course it was made in (``context_id``);
  the loader never touches it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from kurswerk.core.db import timestamp_now, timestamp_or_none


class FaqEntry(SQLModel, table=True):
    __tablename__ = "faq_entry"
    __table_args__ = (
        UniqueConstraint("lesson_id", "source_key"),
        UniqueConstraint("context_id", "overrides_id"),
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
    """Markdown; rendered through ``kurswerk.core.usertext`` (the user-text sanitiser)."""
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
    overrides_id: int | None = Field(default=None, foreign_key="faq_entry.id", ondelete="CASCADE")
    """This LMS course's version of the file entry with this id (see the module's rule)."""
    edited_by: int | None = Field(default=None, foreign_key="lti_user.id", ondelete="SET NULL")
    created_by: int | None = Field(default=None, foreign_key="lti_user.id", ondelete="SET NULL")
    created_at: datetime = timestamp_now()
    updated_at: datetime = timestamp_now()
    deleted_at: datetime | None = timestamp_or_none()
    archived_at: datetime | None = timestamp_or_none()
    """A file entry that is no longer in the file."""

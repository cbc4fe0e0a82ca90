"""Tables of the course domain: the course as loaded from ``content/``, its binding to LMS
courses, and each learner's reading progress.

Content rows are written only by ``course.content.load.load`` and are never deleted: content
that disappears from the files gets ``archived_at`` set, because learner data (progress,
later submissions and forum posts) points at it. Learner rows reference content by id.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, LargeBinary, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

# The FAQ, forum and question tables live in modules of their own; importing this module
# registers them too, and other packages name them from here (foreign keys).
from course.faq.models import FaqEntry  # noqa: F401
from course.forum.models import (  # noqa: F401
    ForumLessonRead,
    ForumNotifySetting,
    ForumPost,
    ForumReadState,
    ForumReport,
    ForumSubscription,
    ForumThread,
    SearchTerm,
)
from course.questions.models import LecturerQuestion  # noqa: F401
from kurswerk.core.db import timestamp_now, timestamp_or_none


def _text() -> Column:
    return Column(Text, nullable=False, default="")


def _json() -> Column:
    return Column(JSON, nullable=False)


class ContentRow(SQLModel):
    """What every table the loader writes from ``content/`` has: an id, and
    ``archived_at`` set instead of deleting the row when its content leaves the files."""

    id: int | None = Field(default=None, primary_key=True)
    archived_at: datetime | None = timestamp_or_none()
    updated_at: datetime = timestamp_now()


class Course(ContentRow, table=True):
    """A course as one folder under ``content/``. ``content_version`` is a hash of
    everything the loader wrote for it: pages cache rendered content under it."""

    __tablename__ = "course"

    slug: str = Field(max_length=100, unique=True)
    title: str = Field(max_length=300)
    description: str = Field(default="", sa_column=_text())
    language: str = Field(default="de", max_length=8)
    content_version: str = Field(default="", max_length=64)
    source_path: str = Field(default="", max_length=500)
    accent: str = Field(default="", max_length=7)
    """The course's accent colour (``#rrggbb``, checked for contrast when loaded), or ""."""
    logo: str = Field(default="", sa_column=_text())
    """The course's logo as a ``data:`` URI (``course.content.branding``), or ""."""
    logo_alt: str = Field(default="", max_length=200)
    created_at: datetime = timestamp_now()


class CourseIndustry(ContentRow, table=True):
    """An industry a course's exercises are practised in ("Branchenvorschläge"), as its
    ``course.yaml`` declares it: the slug (what submissions and variants store) and its
    name in each language (``{"de": ..., "en": ...}``). Archived, never deleted, when it
    leaves the files: submissions made in it still show its name."""

    __tablename__ = "course_industry"
    __table_args__ = (UniqueConstraint("course_id", "slug"),)

    course_id: int = Field(foreign_key="course.id", index=True)
    slug: str = Field(max_length=16)
    position: int = 0
    names: dict[str, str] = Field(default_factory=dict, sa_column=_json())


class Author(SQLModel, table=True):
    """A person credited for a lesson or a reading. The profile link is shown only when
    ``profile_url`` is set: we never invent one."""

    __tablename__ = "course_author"

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=100, unique=True)
    name: str = Field(max_length=200)
    profile_url: str | None = Field(default=None, max_length=500)
    profile_label: str | None = Field(default=None, max_length=200)


class Lesson(ContentRow, table=True):
    __tablename__ = "lesson"
    __table_args__ = (UniqueConstraint("course_id", "slug"),)

    course_id: int = Field(foreign_key="course.id", index=True)
    slug: str = Field(max_length=100)
    position: int = 0
    title: str = Field(max_length=300)
    learning_goal: str = Field(default="", sa_column=_text())
    author_id: int | None = Field(default=None, foreign_key="course_author.id", ondelete="SET NULL")
    body_html: str = Field(default="", sa_column=_text())
    toc: list[dict[str, Any]] = Field(default_factory=list, sa_column=_json())
    word_count: int = 0
    reading_minutes: int = 0
    source_path: str = Field(default="", max_length=500)
    created_at: datetime = timestamp_now()


class LessonItem(ContentRow):
    """What an exercise and a worksheet of a lesson have: the lesson, a slug unique in it
    (each table says so in its ``__table_args__``), the place in the lesson and a title."""

    lesson_id: int = Field(foreign_key="lesson.id", index=True)
    slug: str = Field(max_length=100)
    position: int = 0
    title: str = Field(max_length=300)


class Exercise(LessonItem, table=True):
    """An exercise of a lesson; its task is the lesson's ``::: arbeitsschritt`` block
    named by ``work_step`` (kept as rendered HTML in ``task_html``)."""

    __tablename__ = "exercise"
    __table_args__ = (UniqueConstraint("lesson_id", "slug"),)

    work_step: str = Field(default="", max_length=120)
    task_html: str = Field(default="", sa_column=_text())
    created_at: datetime = timestamp_now()


class ExerciseVariant(ContentRow, table=True):
    """The exercise applied to one industry (a ``CourseIndustry`` slug of its course):
    example companies and the task for it.

    ``companies`` is a list of ``{"name": str, "url": str | None, "note": str | None}``.
    """

    __tablename__ = "exercise_variant"
    __table_args__ = (UniqueConstraint("exercise_id", "industry"),)

    exercise_id: int = Field(foreign_key="exercise.id", index=True)
    industry: str = Field(max_length=16)
    position: int = 0
    companies: list[dict[str, Any]] = Field(default_factory=list, sa_column=_json())
    task_html: str = Field(default="", sa_column=_text())


class Worksheet(LessonItem, table=True):
    """A worksheet template ("Arbeitsvorlage") the lesson names: the process step it
    belongs to (where the text names it), that step's items (``step_items``: a list of
    ``{"role", "label", "text"}``, plain text) and its table as the front matter declares
    it (``layout``: ``{"columns", "rows", "blank_rows", "fields"}``, see
    ``course.worksheets.layout``). Its files are built from these when asked for; the
    owner's own file, if any, is a :class:`WorksheetFile`."""

    __tablename__ = "worksheet"
    __table_args__ = (UniqueConstraint("lesson_id", "slug"),)

    step_anchor: str = Field(default="", max_length=200)
    step_title: str = Field(default="", max_length=300)
    step_items: list[dict[str, str]] = Field(default_factory=list, sa_column=_json())
    layout: dict[str, Any] = Field(default_factory=dict, sa_column=_json())


class WorksheetFile(SQLModel, table=True):
    """The course owner's own file for a worksheet (``file:`` in the lesson's front matter),
    checked (``course.worksheets.own_file``) and copied in by ``kurswerk content load``, so
    serving it needs no access to the course folder. Pure content: replaced when the file
    changes, deleted when the front matter no longer names one."""

    __tablename__ = "worksheet_file"

    id: int | None = Field(default=None, primary_key=True)
    worksheet_id: int = Field(foreign_key="worksheet.id", unique=True, ondelete="CASCADE")
    path: str = Field(max_length=300)
    media_type: str = Field(max_length=100)
    extension: str = Field(max_length=8)
    size: int = 0
    sha256: str = Field(max_length=64)
    data: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    updated_at: datetime = timestamp_now()


class Reading(ContentRow, table=True):
    """Further reading ("Weiterführende Literatur") of a course, e.g. a guest article."""

    __tablename__ = "reading"
    __table_args__ = (UniqueConstraint("course_id", "slug"),)

    course_id: int = Field(foreign_key="course.id", index=True)
    slug: str = Field(max_length=100)
    title: str = Field(max_length=300)
    credit_label: str = Field(default="", max_length=200)
    author_id: int | None = Field(default=None, foreign_key="course_author.id", ondelete="SET NULL")
    body_html: str = Field(default="", sa_column=_text())
    word_count: int = 0
    reading_minutes: int = 0
    source_path: str = Field(default="", max_length=500)


class LessonReading(SQLModel, table=True):
    """Which readings a lesson recommends, in order."""

    __tablename__ = "lesson_reading"
    __table_args__ = (UniqueConstraint("lesson_id", "reading_id"),)

    id: int | None = Field(default=None, primary_key=True)
    lesson_id: int = Field(foreign_key="lesson.id", index=True)
    reading_id: int = Field(foreign_key="reading.id", index=True)
    position: int = 0


class CourseBinding(SQLModel, table=True):
    """Which course an LMS course (context) shows; chosen once, then remembered."""

    __tablename__ = "course_binding"

    id: int | None = Field(default=None, primary_key=True)
    context_id: int = Field(foreign_key="lms_context.id", unique=True, ondelete="CASCADE")
    course_id: int = Field(foreign_key="course.id", index=True)
    created_at: datetime = timestamp_now()


class LessonProgress(SQLModel, table=True):
    """A learner's reading state of a lesson within one LMS course (``read_at`` set =
    "gelesen"; unset again when the learner marks it unread)."""

    __tablename__ = "lesson_progress"
    __table_args__ = (
        UniqueConstraint("user_id", "context_id", "lesson_id"),
        Index("ix_lesson_progress_context_id_lesson_id", "context_id", "lesson_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="lti_user.id", ondelete="CASCADE")
    context_id: int = Field(foreign_key="lms_context.id", ondelete="CASCADE")
    lesson_id: int = Field(foreign_key="lesson.id")
    read_at: datetime | None = timestamp_or_none()
    updated_at: datetime = timestamp_now()

"""What the course pages show, as plain immutable values (safe to cache across requests).

Stored HTML links to course pages as ``kurswerk:<path>`` (see ``course.content.markdown``); a
page expands them (:class:`LinkedHtml`) into real URLs for the viewer's context, through
the template's ``link()`` so they carry the page token.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup, escape

from course.content.markdown_rules import INTERNAL_SCHEME
from course.worksheets.layout import StepText, Table
from kurswerk.core.paths import path_for

_INTERNAL_HREF = re.compile(r'href="' + re.escape(INTERNAL_SCHEME) + r'([^"]*)"')


@dataclass(frozen=True)
class LinkedHtml:
    """Stored HTML with its internal links cut out (``parts``: even items are HTML, odd
    items internal paths); a template shows it with ``.html(link, context_id)``."""

    parts: tuple[str, ...]

    @classmethod
    def split(cls, html: str) -> LinkedHtml:
        return cls(tuple(_INTERNAL_HREF.split(html)))

    def html(self, link: Callable[..., str], context_id: int) -> Markup:
        out = []
        for index, part in enumerate(self.parts):
            if index % 2:
                course_start = path_for("course_home", context=context_id)
                out.append(f'href="{escape(link(course_start + part))}"')
            else:
                out.append(part)
        return Markup("".join(out))  # noqa: S704 - sanitised with nh3 at load time


@dataclass(frozen=True)
class AuthorView:
    name: str
    profile_url: str | None
    profile_label: str | None


@dataclass(frozen=True)
class ItemView:
    """A linkable thing of a lesson: exercise, worksheet or reading."""

    slug: str
    title: str
    extra: str = ""


@dataclass(frozen=True)
class LessonView:
    course_id: int
    course_title: str
    language: str
    lesson_id: int
    slug: str
    title: str
    learning_goal: str
    reading_minutes: int
    author: AuthorView | None
    toc: tuple[dict[str, Any], ...]
    body: LinkedHtml
    exercises: tuple[ItemView, ...]
    worksheets: tuple[ItemView, ...]
    readings: tuple[ItemView, ...]


@dataclass(frozen=True)
class LessonPage:
    view: LessonView
    read: bool


@dataclass(frozen=True)
class LessonSummary:
    slug: str
    title: str
    reading_minutes: int
    read: bool


@dataclass(frozen=True)
class CourseHome:
    course_id: int
    title: str
    description: str
    language: str
    lessons: tuple[LessonSummary, ...]

    @property
    def read_count(self) -> int:
        return sum(1 for lesson in self.lessons if lesson.read)


@dataclass(frozen=True)
class Company:
    name: str
    url: str | None
    note: str | None


@dataclass(frozen=True)
class VariantView:
    industry: str
    name: str  # the industry's name in the reader's language
    companies: tuple[Company, ...]
    task: LinkedHtml


@dataclass(frozen=True)
class ExercisePage:
    course_title: str
    language: str
    lesson: ItemView
    exercise_id: int
    slug: str
    title: str
    task: LinkedHtml
    variants: tuple[VariantView, ...]
    selected: VariantView | None = None


@dataclass(frozen=True)
class DownloadView:
    """A file the worksheet page offers: ``kind`` is ``own`` (the course owner's file) or
    a template format (``docx``, ``pdf``); its size in bytes."""

    kind: str
    extension: str
    size: int


@dataclass(frozen=True)
class WorksheetPage:
    course_title: str
    language: str
    lesson: ItemView
    slug: str
    title: str
    step_anchor: str
    step_title: str
    step: tuple[StepText, ...]
    """The process step's items, labelled in the reader's language."""
    table: Table
    downloads: tuple[DownloadView, ...]


@dataclass(frozen=True)
class ReadingPage:
    course_title: str
    language: str
    slug: str
    title: str
    credit_label: str
    author: AuthorView | None
    reading_minutes: int
    body: LinkedHtml
    lessons: tuple[ItemView, ...] = field(default=())

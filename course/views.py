"""What the course pages show, as plain immutable values (safe to cache across requests).

Stored HTML links to course pages as ``kurswerk:<path>`` (see ``course.content.markdown``); a
page expands them (:class:`LinkedHtml`) into real URLs for the viewer's context, through
the template's ``link()`` so they carry the page token.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from markupsafe import Markup, escape

from course.content.links import HELP_PATH, INTERNAL_SCHEME
from course.help_rungs import help_rung_path
from course.industries import Industries
from course.worksheets.layout import StepText, Table
from kurswerk.core.paths import path_for

_INTERNAL_LINK = re.compile(
    # a rung of the help ladder: the whole link, so that it can show as plain text
    r'<a href="' + re.escape(INTERNAL_SCHEME + HELP_PATH)
    + r'(?P<rung>[a-z]+)/(?P<lesson>[a-z0-9-]+)"[^>]*>(?P<text>.*?)</a>'
    # a page of the course: its href
    + r'|href="' + re.escape(INTERNAL_SCHEME) + r'(?P<path>[^"]*)"',
    re.DOTALL,
)  # fmt: skip


@lru_cache(maxsize=4096)
def _course_start(context_id: int) -> str:
    """``/c/{context}/``, what internal paths are relative to (a route's path takes a walk
    through the route table; the lesson page asks for it on every view)."""
    return path_for("course_home", context=context_id)


@dataclass(frozen=True)
class HelpLink:
    """A rung of the help ladder in stored HTML (``kurswerk:hilfe/<rung>/<lesson>``)."""

    rung: str
    lesson: str
    text: str
    """The link's content: HTML, sanitised with nh3 at load time."""


@dataclass(frozen=True)
class LinkedHtml:
    """Stored HTML with its internal links cut out (``parts``: even items are HTML, odd
    items an internal path or a :class:`HelpLink`); a template shows it with
    ``.html(link, context_id)``, which resolves them for the reader's LMS course, so the
    same value serves every reader (the lesson page caches it)."""

    parts: tuple[str | HelpLink, ...]

    @classmethod
    def split(cls, html: str) -> LinkedHtml:
        parts: list[str | HelpLink] = []
        position = 0
        for match in _INTERNAL_LINK.finditer(html):
            parts.append(html[position : match.start()])
            if match["path"] is not None:
                parts.append(match["path"])
            else:
                parts.append(HelpLink(match["rung"], match["lesson"], match["text"]))
            position = match.end()
        parts.append(html[position:])
        return cls(tuple(parts))

    def html(self, link: Callable[..., str], context_id: int) -> Markup:
        """The HTML with real URLs (through the template's ``link``, which adds the page
        token); a help rung without a page in this LMS course shows as its text."""
        out: list[str] = []
        course_start = ""
        for index, part in enumerate(self.parts):
            if isinstance(part, HelpLink):
                path = help_rung_path(part.rung, context_id, part.lesson)
                out.append(f'<a href="{escape(link(path))}">{part.text}</a>' if path else part.text)
            elif index % 2:
                course_start = course_start or _course_start(context_id)
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
class ExerciseChoice:
    """An exercise of a lesson as a choice of the upload at the end of the lesson page."""

    id: int
    slug: str
    title: str
    industries: tuple[str, ...]
    """The industries it has a task in, in the course's order."""


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
    exercise_choices: tuple[ExerciseChoice, ...] = ()
    industries: Industries = field(default_factory=Industries)
    """The course's industries (their names in each language)."""
    content_version: str = ""
    """The course's ``content_version`` this view was built from (the rendered page's
    cache key names it)."""


@dataclass(frozen=True)
class LessonPage:
    view: LessonView
    read: bool
    at_position: bool = True
    """Whether the reader's position (``course.progress``) is this lesson already; if
    not, the page view records it."""


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

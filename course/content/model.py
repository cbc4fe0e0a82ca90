"""The course files as read and checked: plain data, before anything touches the database."""

from __future__ import annotations

from dataclasses import dataclass, field

from course.content.markdown import Rendered
from course.worksheets.own_file import OwnFile

COURSE_FILE = "course.yaml"


@dataclass(frozen=True)
class Problem:
    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


@dataclass(frozen=True)
class Where:
    path: str
    line: int


@dataclass
class AuthorSource:
    slug: str
    name: str
    profile_url: str | None
    profile_label: str | None
    where: Where = field(compare=False)


@dataclass
class IndustrySource:
    """An industry ``course.yaml`` declares: its slug and its name in each language."""

    slug: str
    names: dict[str, str]
    line: int


@dataclass
class WorksheetSource:
    """A worksheet a lesson's front matter lists (read by ``course.content.worksheets``):
    the table its template holds, as declared (empty lists: the defaults of
    ``course.worksheets.layout``), and the owner's own file if it names one."""

    slug: str
    title: str
    line: int
    columns: list[str] = field(default_factory=list)
    rows: list[str] = field(default_factory=list)
    blank_rows: int | None = None
    fields: list[str] = field(default_factory=list)
    file: OwnFile | None = None


@dataclass
class LessonSource:
    slug: str
    title: str
    path: str
    author: str | None
    learning_goal: str
    reading: list[str]
    worksheets: list[WorksheetSource]
    rendered: Rendered
    lines: dict[str, int] = field(default_factory=dict)
    """File lines of front matter keys, and of each listed reading ("reading:<slug>")."""


@dataclass
class VariantSource:
    industry: str
    companies: list[dict[str, str | None]]
    task_html: str


@dataclass
class ExerciseSource:
    slug: str
    title: str
    lesson: str
    work_step: str
    variants: list[VariantSource]
    where: Where
    lesson_line: int
    work_step_line: int


@dataclass
class ReadingSource:
    slug: str
    title: str
    credit: str
    author: str | None
    path: str
    rendered: Rendered
    lines: dict[str, int] = field(default_factory=dict)


@dataclass
class FaqSource:
    """One FAQ entry of ``faq/<lesson>.yaml`` (read and checked by ``course.faq.source``)."""

    lesson: str
    key: str
    question: str
    answer: str
    from_lesson: str | None
    """Id of the lesson section the answer quotes word for word, if it does."""
    where: Where
    lesson_line: int
    from_lesson_line: int
    answer_line: int


@dataclass(frozen=True)
class BrandingSource:
    """A course's own look (``course.content.branding``): "" for what it does not set."""

    accent: str = ""
    logo: str = ""
    """A ``data:`` URI."""
    logo_alt: str = ""


@dataclass
class CourseSource:
    slug: str
    title: str
    description: str
    language: str
    path: str
    slug_line: int = 1
    branding: BrandingSource = field(default_factory=BrandingSource)
    authors: list[AuthorSource] = field(default_factory=list)
    industries: list[IndustrySource] = field(default_factory=list)
    lessons: list[LessonSource] = field(default_factory=list)
    exercises: list[ExerciseSource] = field(default_factory=list)
    readings: list[ReadingSource] = field(default_factory=list)
    faq: list[FaqSource] = field(default_factory=list)


@dataclass
class ContentTree:
    root: str
    is_single_course: bool
    courses: list[CourseSource] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

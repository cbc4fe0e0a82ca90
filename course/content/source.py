"""Read the course files into checked structures; every problem names its file and line.

Layout of one course folder (the guide for authors is ``content/README.md``)::

    <course>/course.yaml             slug, title, language, authors, industries, lesson order
    <course>/lessons/<slug>.md       front matter + Markdown (see course.content.markdown)
    <course>/reading/<slug>.md       further reading: front matter + Markdown
    <course>/exercises/<lesson>.yaml exercises of one lesson with their industry variants
    <course>/faq/<lesson>.yaml       FAQ entries of one lesson (see course.faq.source)
    <course>/<any folder>/<file>     a worksheet's own file, named by its lesson (``file:``)

``read_tree(path)`` accepts a content root (folders holding ``course.yaml``) or one
course folder. Nothing here touches the database.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from course.content.branding import KEYS as BRANDING_KEYS
from course.content.branding import read_branding
from course.content.checks import check_across_courses, check_course
from course.content.files import SourceFile
from course.content.markdown import SLUG_PATTERN, Rendered, render
from course.content.model import (
    COURSE_FILE,
    AuthorSource,
    ContentTree,
    CourseSource,
    ExerciseSource,
    IndustrySource,
    LessonSource,
    Problem,
    ReadingSource,
    VariantSource,
    Where,
)
from course.content.worksheets import read_worksheets
from course.content.yaml_lines import LineMap
from course.faq.source import check_faq, read_faq

MAX_INDUSTRY_SLUG = 16  # the width of the columns that store an industry
NAME_LOCALES = ("de", "en")  # an industry is named in German and in English

__all__ = ["ContentTree", "CourseSource", "LessonSource", "Problem", "read_tree"]


def read_tree(path: str | Path) -> ContentTree:
    root = Path(path)
    single = (root / COURSE_FILE).is_file()
    tree = ContentTree(root=str(root), is_single_course=single)
    if not root.is_dir():
        tree.problems.append(Problem(str(root), 0, "no such folder"))
        return tree
    folders = [root] if single else sorted(p for p in root.iterdir() if (p / COURSE_FILE).is_file())
    if not folders:
        tree.problems.append(Problem(str(root), 0, f"no course found (no */{COURSE_FILE})"))
    for folder in folders:
        course = _read_course(tree, folder)
        if course is not None:
            tree.courses.append(course)
    check_across_courses(tree)
    return tree


def _read_course(tree: ContentTree, folder: Path) -> CourseSource | None:
    f = SourceFile(tree, folder / COURSE_FILE)
    allowed = {"slug", "title", "description", "language", "authors", "industries", "lessons"}
    allowed |= BRANDING_KEYS
    data = f.yaml_file(folder / COURSE_FILE, allowed, COURSE_FILE)
    if data is None:
        return None
    course = CourseSource(
        slug=f.slug(data, "slug"),
        title=f.text(data, "title"),
        description=f.text(data, "description", required=False, limit=2000),
        language=f.text(data, "language", required=False, limit=8) or "de",
        path=str(folder),
        slug_line=data.line_of("slug"),
    )
    course.branding = read_branding(f, data, folder, course.title)
    if course.slug and course.slug != folder.name:
        f.problem(data.line_of("slug"), f"slug '{course.slug}' must match folder '{folder.name}'")
    course.authors = _read_authors(f, data)
    course.industries = _read_course_industries(f, data)
    industries = [industry.slug for industry in course.industries]
    order = f.slug_list(data, "lessons")
    lessons = {p.stem: p for p in sorted((folder / "lessons").glob("*.md"))}
    seen: set[str] = set()
    for slug, line in order:
        if slug in seen:
            f.problem(line, f"lesson '{slug}' is listed twice")
        elif slug not in lessons:
            f.problem(line, f"lesson '{slug}' is listed but lessons/{slug}.md does not exist")
        seen.add(slug)
    for stem, lesson_path in lessons.items():
        if stem not in seen:
            tree.problems.append(
                Problem(str(lesson_path), 1, f"lesson not listed under 'lessons:' in {COURSE_FILE}")
            )
    for slug, _line in order:
        if slug in lessons and (lesson := _read_lesson(tree, lessons[slug])) is not None:
            course.lessons.append(lesson)
            lessons.pop(slug)
    for reading_path in sorted((folder / "reading").glob("*.md")):
        if (reading := _read_reading(tree, reading_path)) is not None:
            course.readings.append(reading)
    for exercise_path in sorted((folder / "exercises").glob("*.yaml")):
        course.exercises += _read_exercises(tree, exercise_path, industries)
    for faq_path in sorted((folder / "faq").glob("*.yaml")):
        course.faq += read_faq(tree, faq_path)
    check_course(tree, course)
    check_faq(tree, course)
    return course


def _read_authors(f: SourceFile, data: LineMap) -> list[AuthorSource]:
    allowed = {"slug", "name", "profile_url", "profile_label"}
    authors = []
    for entry in f.entries(data, "authors", allowed, "an author", required=False):
        authors.append(
            AuthorSource(
                slug=f.slug(entry, "slug"),
                name=f.text(entry, "name", limit=200),
                profile_url=f.url(entry, "profile_url"),
                profile_label=f.text(entry, "profile_label", required=False, limit=200) or None,
                where=Where(f.path, entry.line),
            )
        )
    return authors


def _read_course_industries(f: SourceFile, data: LineMap) -> list[IndustrySource]:
    """``industries:`` of ``course.yaml``: ``<slug>: {de: <name>, en: <name>}`` in the
    order the exercise page and the tutor queue list them."""
    raw = data.get("industries")
    if raw is None:
        return []
    mapping = f.mapping(raw, data.line_of("industries"), "'industries'")
    if mapping is None:
        return []
    industries = []
    for slug, value in mapping.items():
        line = mapping.line_of(slug)
        if (
            not isinstance(slug, str)
            or not SLUG_PATTERN.match(slug)
            or len(slug) > MAX_INDUSTRY_SLUG
        ):
            f.problem(
                line,
                f"industry '{slug}' is not a slug (a-z, 0-9, -) of at most "
                f"{MAX_INDUSTRY_SLUG} characters",
            )
            continue
        names = f.mapping(value, line, f"industry '{slug}'")
        if names is None:
            continue
        f.keys(names, set(NAME_LOCALES), f"industry '{slug}' (its name in each language)")
        industries.append(
            IndustrySource(
                slug=slug,
                names={locale: f.text(names, locale, limit=100) for locale in NAME_LOCALES},
                line=line,
            )
        )
    return industries


@dataclass(frozen=True)
class _MarkdownFile:
    """A lesson's or a reading's file: its front matter (only ``allowed`` keys; ``slug``
    is the file's name) and its body."""

    f: SourceFile
    data: LineMap
    body: str
    first_line: int
    closing_line: int
    slug: str

    @classmethod
    def read(
        cls, tree: ContentTree, path: Path, allowed: set[str], what: str
    ) -> _MarkdownFile | None:
        f = SourceFile(tree, path)
        parsed = f.front_matter(path)
        if parsed is None:
            return None
        data, body, first_line, closing_line = parsed
        f.keys(data, allowed, f"{what} front matter")
        slug = f.slug(data, "slug")
        if slug and slug != path.stem:
            f.problem(data.line_of("slug"), f"slug '{slug}' must match the file name '{path.stem}'")
        return cls(f, data, body, first_line, closing_line, slug)

    def rendered(self, what: str, *, lesson: str | None, parts: bool = True) -> Rendered:
        """The body rendered; a problem if it has no text."""
        rendered = self.f.rendered(
            render(self.body, first_line=self.first_line, lesson=lesson, parts=parts)
        )
        if rendered.word_count == 0:
            empty = f"the {what} is empty: no text after its front matter"
            self.f.problem(self.closing_line, empty)
        return rendered


def _read_lesson(tree: ContentTree, path: Path) -> LessonSource | None:
    allowed = {"slug", "title", "author", "learning_goal", "reading", "worksheets"}
    md = _MarkdownFile.read(tree, path, allowed, "lesson")
    if md is None:
        return None
    f, data, slug = md.f, md.data, md.slug
    worksheets = read_worksheets(f, data, path.parent.parent)
    rendered = md.rendered("lesson", lesson=slug or path.stem)
    reading = f.slug_list(data, "reading")
    return LessonSource(
        slug=slug,
        title=f.text(data, "title"),
        path=str(path),
        author=f.slug(data, "author", required=False) or None,
        learning_goal=f.text(data, "learning_goal", required=False, limit=2000),
        reading=[slug for slug, _ in reading],
        worksheets=worksheets,
        rendered=rendered,
        lines={"author": data.line_of("author")} | {f"reading:{s}": n for s, n in reading},
    )


def _read_reading(tree: ContentTree, path: Path) -> ReadingSource | None:
    md = _MarkdownFile.read(tree, path, {"slug", "title", "credit", "author"}, "reading")
    if md is None:
        return None
    f, data = md.f, md.data
    rendered = md.rendered("reading", lesson=None, parts=False)
    return ReadingSource(
        slug=md.slug,
        title=f.text(data, "title"),
        credit=f.text(data, "credit", required=False, limit=200),
        author=f.slug(data, "author", required=False) or None,
        path=str(path),
        rendered=rendered,
        lines={"author": data.line_of("author"), "slug": data.line_of("slug")},
    )


def _read_exercises(tree: ContentTree, path: Path, industries: list[str]) -> list[ExerciseSource]:
    f = SourceFile(tree, path)
    data = f.yaml_file(path, {"lesson", "industries", "exercises"}, "an exercises file")
    if data is None:
        return []
    lesson = f.slug(data, "lesson")
    shared = _read_industries(
        f, data.get("industries"), data.line_of("industries"), lesson, industries
    )
    allowed = {"slug", "title", "work_step", "variants"}
    exercises = []
    for entry in f.entries(data, "exercises", allowed, "an exercise", non_empty=True):
        own = _read_industries(
            f, entry.get("variants"), entry.line_of("variants"), lesson, industries
        )
        variants = {**shared, **own}
        if not variants:
            f.problem(entry.line, "the exercise has no industry variants")
        exercises.append(
            ExerciseSource(
                slug=f.slug(entry, "slug"),
                title=f.text(entry, "title"),
                lesson=lesson,
                work_step=f.slug(entry, "work_step"),
                variants=[variants[i] for i in industries if i in variants],
                where=Where(f.path, entry.line_of("slug")),
                lesson_line=data.line_of("lesson"),
                work_step_line=entry.line_of("work_step"),
            )
        )
    return exercises


def _read_industries(
    f: SourceFile, raw: Any, line: int, lesson: str, known: list[str]
) -> dict[str, VariantSource]:
    """The variants of an exercises file (or of one exercise) by industry; each industry
    must be one its ``course.yaml`` declares."""
    if raw is None:
        return {}
    data = f.mapping(raw, line, "industries")
    if data is None:
        return {}
    result: dict[str, VariantSource] = {}
    for industry, value in data.items():
        if industry not in known:
            declared = ", ".join(known) if known else "none"
            f.problem(
                data.line_of(industry),
                f"unknown industry '{industry}': not declared under 'industries:' in "
                f"{COURSE_FILE} (declared: {declared})",
            )
            continue
        entry = f.mapping(value, data.line_of(industry), f"industry '{industry}'")
        if entry is None:
            continue
        if "label" in entry:
            f.problem(
                entry.line_of("label"),
                f"'label' of industry '{industry}' is no longer read: its names in each "
                f"language are declared once, under 'industries:' in {COURSE_FILE}; remove "
                "the line",
            )
        f.keys(entry, {"label", "companies", "task"}, f"industry '{industry}'")
        task = f.text(entry, "task", limit=4000)
        rendered = f.rendered(
            render(task, first_line=entry.line_of("task"), lesson=lesson, parts=False)
        )
        result[industry] = VariantSource(
            industry=industry,
            companies=_read_companies(f, entry),
            task_html=rendered.html,
        )
    return result


def _read_companies(f: SourceFile, entry: LineMap) -> list[dict[str, str | None]]:
    raw = entry.get("companies")
    if not isinstance(raw, list) or not raw:
        f.problem(entry.line_of("companies"), "'companies' must be a non-empty list")
        return []
    companies = []
    for index, item in enumerate(raw):
        company = f.mapping(item, entry.line_of("companies"), f"companies[{index}]")
        if company is not None:
            f.keys(company, {"name", "url", "note"}, "a company")
            companies.append(
                {
                    "name": f.text(company, "name", limit=200),
                    "url": f.url(company, "url"),
                    "note": f.text(company, "note", required=False, limit=200) or None,
                }
            )
    return companies

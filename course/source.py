"""Read the course files into checked structures; every problem names its file and line.

Layout of one course folder (the guide for authors is ``content/README.md``)::

    <course>/course.yaml             slug, title, language, authors, lesson order
    <course>/lessons/<slug>.md       front matter + Markdown (see course.markdown)
    <course>/reading/<slug>.md       further reading: front matter + Markdown
    <course>/exercises/<lesson>.yaml exercises of one lesson with their industry variants

``read_tree(path)`` accepts a content root (folders holding ``course.yaml``) or one
course folder. Nothing here touches the database.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from frontmatter.default_handlers import YAMLHandler

from course import yaml_lines
from course.markdown import SLUG_PATTERN, Rendered, render
from course.models import Industry
from course.yaml_lines import LineList, LineMap, YamlError

COURSE_FILE = "course.yaml"
MAX_FILE_BYTES = 2 * 1024 * 1024
_URL = re.compile(r"^https?://[^\s/$.?#][^\s]*$")


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
class WorksheetSource:
    slug: str
    title: str
    line: int


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
    label: str
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
class CourseSource:
    slug: str
    title: str
    description: str
    language: str
    path: str
    slug_line: int = 1
    authors: list[AuthorSource] = field(default_factory=list)
    lessons: list[LessonSource] = field(default_factory=list)
    exercises: list[ExerciseSource] = field(default_factory=list)
    readings: list[ReadingSource] = field(default_factory=list)


@dataclass
class ContentTree:
    root: str
    is_single_course: bool
    courses: list[CourseSource] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


class _File:
    """Problems and typed field access for one file."""

    def __init__(self, tree: ContentTree, path: Path) -> None:
        self.tree = tree
        self.path = str(path)

    def problem(self, line: int, message: str) -> None:
        self.tree.problems.append(Problem(self.path, line, message))

    def mapping(self, value: Any, line: int, what: str) -> LineMap | None:
        if isinstance(value, LineMap):
            return value
        self.problem(line, f"{what} must be a mapping of 'key: value' lines")
        return None

    def keys(self, data: LineMap, allowed: set[str], what: str) -> None:
        for key in data:
            if key not in allowed:
                known = ", ".join(sorted(allowed))
                self.problem(data.line_of(key), f"unknown key '{key}' in {what} (known: {known})")

    def text(self, data: LineMap, key: str, *, required: bool = True, limit: int = 300) -> str:
        value = data.get(key)
        if value is None:
            if required:
                self.problem(data.line, f"missing key '{key}'")
            return ""
        if not isinstance(value, str) or not value.strip():
            self.problem(data.line_of(key), f"'{key}' must be non-empty text")
            return ""
        if len(value) > limit:
            self.problem(data.line_of(key), f"'{key}' is longer than {limit} characters")
        return value.strip()

    def slug(self, data: LineMap, key: str, *, required: bool = True) -> str:
        value = self.text(data, key, required=required, limit=100)
        if value and not SLUG_PATTERN.match(value):
            self.problem(data.line_of(key), f"'{key}: {value}' is not a slug (a-z, 0-9, -)")
            return ""
        return value

    def url(self, data: LineMap, key: str) -> str | None:
        value = self.text(data, key, required=False, limit=500)
        if value and not _URL.match(value):
            self.problem(data.line_of(key), f"'{key}' must be an http(s) URL")
            return None
        return value or None

    def slug_list(self, data: LineMap, key: str) -> list[tuple[str, int]]:
        value = data.get(key, [])
        if not isinstance(value, list):
            self.problem(data.line_of(key), f"'{key}' must be a list")
            return []
        result = []
        for index, item in enumerate(value):
            line = value.line_of(index) if isinstance(value, LineList) else data.line_of(key)
            if not isinstance(item, str) or not SLUG_PATTERN.match(item):
                self.problem(line, f"'{item}' in '{key}' is not a slug (a-z, 0-9, -)")
            else:
                result.append((item, line))
        return result

    def read(self, path: Path) -> str | None:
        try:
            if path.stat().st_size > MAX_FILE_BYTES:
                self.problem(1, f"file is larger than {MAX_FILE_BYTES // 1024} KiB")
                return None
            return path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            self.problem(1, "file is not UTF-8 text")
        except OSError as exc:
            self.problem(1, f"cannot read file: {exc.strerror}")
        return None

    def yaml(self, text: str, first_line: int = 1) -> Any:
        try:
            return yaml_lines.load(text, first_line)
        except YamlError as exc:
            self.problem(exc.line, exc.message)
            return None

    def front_matter(self, path: Path) -> tuple[LineMap, str, int, int] | None:
        """(front matter, body, body's first line, closing '---' line) of a Markdown file."""
        text = self.read(path)
        if text is None:
            return None
        boundaries = list(YAMLHandler.FM_BOUNDARY.finditer(text))
        if not YAMLHandler().detect(text) or len(boundaries) < 2 or boundaries[0].start() != 0:
            self.problem(1, "missing front matter: start the file with '---', YAML, '---'")
            return None
        start, end = boundaries[0], boundaries[1]
        meta = self.yaml(text[start.end() : end.start()], text.count("\n", 0, start.end()) + 1)
        if meta is None:
            return None
        data = self.mapping(meta, 2, "front matter")
        if data is None:
            return None
        body_line = text.count("\n", 0, end.end()) + 1
        return data, text[end.end() :], body_line, text.count("\n", 0, end.start()) + 1

    def rendered(self, rendered: Rendered) -> Rendered:
        for line, message in rendered.problems:
            self.problem(line, message)
        return rendered


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
    _check_across_courses(tree)
    return tree


def _read_course(tree: ContentTree, folder: Path) -> CourseSource | None:
    f = _File(tree, folder / COURSE_FILE)
    text = f.read(folder / COURSE_FILE)
    raw = f.yaml(text) if text is not None else None
    data = f.mapping(raw, 1, COURSE_FILE) if raw is not None else None
    if data is None:
        return None
    f.keys(data, {"slug", "title", "description", "language", "authors", "lessons"}, COURSE_FILE)
    course = CourseSource(
        slug=f.slug(data, "slug"),
        title=f.text(data, "title"),
        description=f.text(data, "description", required=False, limit=2000),
        language=f.text(data, "language", required=False, limit=8) or "de",
        path=str(folder),
        slug_line=data.line_of("slug"),
    )
    if course.slug and course.slug != folder.name:
        f.problem(data.line_of("slug"), f"slug '{course.slug}' must match folder '{folder.name}'")
    course.authors = _read_authors(f, data)
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
        course.exercises += _read_exercises(tree, exercise_path)
    _check_course(tree, course)
    return course


def _read_authors(f: _File, data: LineMap) -> list[AuthorSource]:
    raw = data.get("authors", [])
    if not isinstance(raw, list):
        f.problem(data.line_of("authors"), "'authors' must be a list")
        return []
    authors = []
    for index, item in enumerate(raw):
        entry = f.mapping(item, data.line_of("authors"), f"authors[{index}]")
        if entry is None:
            continue
        f.keys(entry, {"slug", "name", "profile_url", "profile_label"}, "an author")
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


def _read_lesson(tree: ContentTree, path: Path) -> LessonSource | None:
    f = _File(tree, path)
    parsed = f.front_matter(path)
    if parsed is None:
        return None
    data, body, first_line, closing_line = parsed
    allowed = {"slug", "title", "author", "learning_goal", "reading", "worksheets"}
    f.keys(data, allowed, "lesson front matter")
    slug = f.slug(data, "slug")
    if slug and slug != path.stem:
        f.problem(data.line_of("slug"), f"slug '{slug}' must match the file name '{path.stem}'")
    worksheets = []
    raw_sheets = data.get("worksheets", [])
    if not isinstance(raw_sheets, list):
        f.problem(data.line_of("worksheets"), "'worksheets' must be a list")
        raw_sheets = []
    for index, item in enumerate(raw_sheets):
        entry = f.mapping(item, data.line_of("worksheets"), f"worksheets[{index}]")
        if entry is not None:
            f.keys(entry, {"slug", "title"}, "a worksheet")
            worksheets.append(
                WorksheetSource(f.slug(entry, "slug"), f.text(entry, "title"), entry.line)
            )
    rendered = f.rendered(render(body, first_line=first_line, lesson=slug or path.stem))
    if rendered.word_count == 0:
        f.problem(closing_line, "the lesson is empty: no text after its front matter")
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
    f = _File(tree, path)
    parsed = f.front_matter(path)
    if parsed is None:
        return None
    data, body, first_line, closing_line = parsed
    f.keys(data, {"slug", "title", "credit", "author"}, "reading front matter")
    slug = f.slug(data, "slug")
    if slug and slug != path.stem:
        f.problem(data.line_of("slug"), f"slug '{slug}' must match the file name '{path.stem}'")
    rendered = f.rendered(render(body, first_line=first_line, lesson=None, parts=False))
    if rendered.word_count == 0:
        f.problem(closing_line, "the reading is empty: no text after its front matter")
    return ReadingSource(
        slug=slug,
        title=f.text(data, "title"),
        credit=f.text(data, "credit", required=False, limit=200),
        author=f.slug(data, "author", required=False) or None,
        path=str(path),
        rendered=rendered,
        lines={"author": data.line_of("author"), "slug": data.line_of("slug")},
    )


def _read_exercises(tree: ContentTree, path: Path) -> list[ExerciseSource]:
    f = _File(tree, path)
    text = f.read(path)
    raw = f.yaml(text) if text is not None else None
    data = f.mapping(raw, 1, path.name) if raw is not None else None
    if data is None:
        return []
    f.keys(data, {"lesson", "industries", "exercises"}, "an exercises file")
    lesson = f.slug(data, "lesson")
    shared = _read_industries(f, data.get("industries"), data.line_of("industries"), lesson)
    raw_list = data.get("exercises")
    if not isinstance(raw_list, list) or not raw_list:
        f.problem(data.line_of("exercises"), "'exercises' must be a non-empty list")
        return []
    exercises = []
    for index, item in enumerate(raw_list):
        entry = f.mapping(item, data.line_of("exercises"), f"exercises[{index}]")
        if entry is None:
            continue
        f.keys(entry, {"slug", "title", "work_step", "variants"}, "an exercise")
        own = _read_industries(f, entry.get("variants"), entry.line_of("variants"), lesson)
        variants = {**shared, **own}
        if not variants:
            f.problem(entry.line, "the exercise has no industry variants")
        exercises.append(
            ExerciseSource(
                slug=f.slug(entry, "slug"),
                title=f.text(entry, "title"),
                lesson=lesson,
                work_step=f.slug(entry, "work_step"),
                variants=[variants[i.value] for i in Industry if i.value in variants],
                where=Where(f.path, entry.line_of("slug")),
                lesson_line=data.line_of("lesson"),
                work_step_line=entry.line_of("work_step"),
            )
        )
    return exercises


def _read_industries(f: _File, raw: Any, line: int, lesson: str) -> dict[str, VariantSource]:
    if raw is None:
        return {}
    data = f.mapping(raw, line, "industries")
    if data is None:
        return {}
    result: dict[str, VariantSource] = {}
    known = [i.value for i in Industry]
    for industry, value in data.items():
        if industry not in known:
            f.problem(
                data.line_of(industry), f"unknown industry '{industry}' (known: {', '.join(known)})"
            )
            continue
        entry = f.mapping(value, data.line_of(industry), f"industry '{industry}'")
        if entry is None:
            continue
        f.keys(entry, {"label", "companies", "task"}, f"industry '{industry}'")
        task = f.text(entry, "task", limit=4000)
        rendered = f.rendered(
            render(task, first_line=entry.line_of("task"), lesson=lesson, parts=False)
        )
        result[industry] = VariantSource(
            industry=industry,
            label=f.text(entry, "label", limit=200),
            companies=_read_companies(f, entry),
            task_html=rendered.html,
        )
    return result


def _read_companies(f: _File, entry: LineMap) -> list[dict[str, str | None]]:
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


def _check_course(tree: ContentTree, course: CourseSource) -> None:
    """References between the files of one course, and duplicate slugs."""
    authors = {a.slug for a in course.authors}
    lessons = {lesson.slug: lesson for lesson in course.lessons}
    readings = {r.slug for r in course.readings}
    _duplicates(tree, "author", [(a.slug, a.where) for a in course.authors])
    for lesson in course.lessons:
        f = _File(tree, Path(lesson.path))
        if lesson.author and lesson.author not in authors:
            f.problem(lesson.lines["author"], f"author '{lesson.author}' is not in {COURSE_FILE}")
        for slug in lesson.reading:
            if slug not in readings:
                f.problem(lesson.lines[f"reading:{slug}"], f"reading '{slug}' does not exist")
        sheets = [(w.slug, Where(lesson.path, w.line)) for w in lesson.worksheets]
        _duplicates(tree, "worksheet", sheets)
        targets = {
            "worksheet": {w.slug for w in lesson.worksheets},
            "exercise": {e.slug for e in course.exercises if e.lesson == lesson.slug},
            "lesson": set(lessons),
            "reading": readings,
        }
        _check_references(f, lesson.rendered, targets)
        named = {r.target for r in lesson.rendered.references if r.kind == "worksheet"}
        for sheet in lesson.worksheets:
            if sheet.slug and sheet.slug not in named:
                f.problem(sheet.line, f"worksheet '{sheet.slug}' is never named in the text")
    for reading in course.readings:
        f = _File(tree, Path(reading.path))
        if reading.author and reading.author not in authors:
            f.problem(reading.lines["author"], f"author '{reading.author}' is not in {COURSE_FILE}")
        targets = {"lesson": set(lessons), "reading": readings, "worksheet": set()}
        _check_references(f, reading.rendered, targets | {"exercise": set()})
    _duplicates(
        tree, "reading", [(r.slug, Where(r.path, r.lines["slug"])) for r in course.readings]
    )
    for exercise in course.exercises:
        f = _File(tree, Path(exercise.where.path))
        lesson_source = lessons.get(exercise.lesson)
        if lesson_source is None:
            if exercise.lesson:
                f.problem(exercise.lesson_line, f"lesson '{exercise.lesson}' does not exist")
        elif exercise.work_step and not lesson_source.rendered.block(
            "arbeitsschritt", exercise.work_step
        ):
            f.problem(
                exercise.work_step_line,
                f"work step '{exercise.work_step}' does not exist in lesson '{exercise.lesson}'"
                f" (write '::: arbeitsschritt {exercise.work_step}' there)",
            )
    _duplicates(tree, "exercise", [(f"{e.lesson}/{e.slug}", e.where) for e in course.exercises])


def _check_references(f: _File, rendered: Rendered, targets: dict[str, set[str]]) -> None:
    for ref in rendered.references:
        if ref.kind == "fragment":
            if ref.target not in rendered.ids:
                f.problem(ref.line, f"link to '#{ref.target}': no heading or block has that id")
        elif ref.target not in targets[ref.kind]:
            f.problem(ref.line, f"link to {ref.kind} '{ref.target}': it does not exist")


def _duplicates(tree: ContentTree, what: str, items: list[tuple[str, Where]]) -> None:
    first: dict[str, Where] = {}
    for slug, where in items:
        if slug and slug in first:
            earlier = first[slug]
            tree.problems.append(
                Problem(
                    where.path,
                    where.line,
                    f"duplicate {what} slug '{slug}' (first at {earlier.path}:{earlier.line})",
                )
            )
        first.setdefault(slug, where)


def _check_across_courses(tree: ContentTree) -> None:
    courses = [(c.slug, Where(f"{c.path}/{COURSE_FILE}", c.slug_line)) for c in tree.courses]
    _duplicates(tree, "course", courses)
    authors: dict[str, AuthorSource] = {}
    for course in tree.courses:
        for author in course.authors:
            other = authors.setdefault(author.slug, author)
            if other != author:
                tree.problems.append(
                    Problem(
                        author.where.path,
                        author.where.line,
                        f"author '{author.slug}' differs from its entry in {other.where.path}",
                    )
                )

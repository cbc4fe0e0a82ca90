"""``kurswerk content check|load``: validate the course files and load them into the database.

``load`` is idempotent: rows are matched by slug and updated in place, so ids stay stable
and re-running changes nothing but what changed in the files. Nothing is ever deleted:
content missing from the files gets ``archived_at`` (learner progress, and later
submissions and forum posts, keep pointing at it); it comes back if the files bring it
back. ``load`` never commits: the caller (the CLI, the demo, a test) owns the transaction.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

from sqlmodel import Session, SQLModel, col, delete, select

from course.content.model import CourseSource, Problem, VariantSource
from course.content.source import read_tree
from course.content.worksheets import sync_own_files, worksheet_values
from course.faq import sync as faq_sync
from course.models import (
    Author,
    ContentRow,
    Course,
    CourseIndustry,
    Exercise,
    ExerciseVariant,
    Lesson,
    LessonReading,
    Reading,
    Worksheet,
)
from course.worksheets.own_file import OwnFile
from kurswerk.core.clock import utcnow

__all__ = ["ContentError", "LoadReport", "Problem", "check", "load"]

KINDS = (
    "courses",
    "industries",
    "authors",
    "lessons",
    "readings",
    "exercises",
    "variants",
    "worksheets",
    "faq",
)
Row = TypeVar("Row", bound=SQLModel)
Content = TypeVar("Content", bound=ContentRow)
Key = TypeVar("Key")


class ContentError(ValueError):
    """The files have problems; nothing was loaded."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{len(problems)} content problem(s), first: {problems[0]}")
        self.problems = problems


@dataclass
class LoadReport:
    source: str
    courses: list[str] = field(default_factory=list)
    counts: dict[str, Counter[str]] = field(default_factory=lambda: {k: Counter() for k in KINDS})
    notes: list[str] = field(default_factory=list)
    """What the load deliberately left alone, e.g. FAQ entries edited in the tool."""

    def count(self, kind: str, outcome: str) -> None:
        self.counts[kind][outcome] += 1

    def note(self, text: str) -> None:
        self.notes.append(text)

    def __str__(self) -> str:
        lines = [f"Content loaded from {self.source}: {', '.join(self.courses) or 'no course'}"]
        for kind in KINDS:
            c = self.counts[kind]
            kept = f", {c['kept']} kept (an LMS course's own version)" if c["kept"] else ""
            lines.append(
                f"  {kind:<11} {c['created']} created, {c['updated']} updated, "
                f"{c['unchanged']} unchanged, {c['archived']} archived{kept}"
            )
        lines += [f"  note: {text}" for text in self.notes]
        return "\n".join(lines)


def check(path: str | Path) -> list[Problem]:
    """Every problem in the content under ``path``, sorted by file and line."""
    return sorted(read_tree(path).problems, key=lambda p: (p.path, p.line, p.message))


def load(session: Session, path: str | Path) -> LoadReport:
    """Load (or update) the content under ``path``. Raises ContentError if it has problems.

    When ``path`` is a content root, courses whose folder is gone are archived; when it is
    one course folder, other courses are left alone.
    """
    tree = read_tree(path)
    if tree.problems:
        raise ContentError(sorted(tree.problems, key=lambda p: (p.path, p.line)))
    report = LoadReport(source=str(path))
    authors = _sync_authors(session, tree.courses, report)
    for source in tree.courses:
        _Loader(session, source, authors, report).run()
        report.courses.append(source.slug)
    if not tree.is_single_course:
        present = {c.slug for c in tree.courses}
        for course in session.exec(select(Course)).all():
            if course.slug not in present:
                _archive(course, report, "courses")
    session.flush()
    return report


def _content_version(source: CourseSource) -> str:
    """A hash of everything loaded for the course: pages cache rendered HTML under it."""
    payload = json.dumps(asdict(source), sort_keys=True, default=_canonical, ensure_ascii=False)
    return hashlib.sha256(payload.encode()).hexdigest()[:32]


def _row_id(row: ContentRow) -> int:
    assert row.id is not None
    return row.id


def _canonical(value: object) -> object:
    if isinstance(value, set | frozenset):
        return sorted(value)  # sets iterate in a per-process order: sort for a stable hash
    if isinstance(value, bytes):
        return hashlib.sha256(value).hexdigest()  # a worksheet's own file: its hash stands in
    return str(value)


def _apply(
    session: Session,
    row: Row | None,
    model: type[Row],
    values: dict[str, Any],
    report: LoadReport,
    kind: str,
) -> Row:
    """Create ``row`` or update it in place; count the outcome; un-archive it."""
    if row is None:
        row = model(**values)
        session.add(row)
        report.count(kind, "created")
        return row
    changed = False
    for name, value in values.items():
        if getattr(row, name) != value:
            setattr(row, name, value)
            changed = True
    if getattr(row, "archived_at", None) is not None:
        row.archived_at = None
        changed = True
    if changed and hasattr(row, "updated_at"):
        row.updated_at = utcnow()
    report.count(kind, "updated" if changed else "unchanged")
    return row


def _archive(row: ContentRow, report: LoadReport, kind: str, now: datetime | None = None) -> None:
    if row.archived_at is None:
        row.archived_at = now or utcnow()
        report.count(kind, "archived")


def _sync_authors(
    session: Session, courses: list[CourseSource], report: LoadReport
) -> dict[str, Author]:
    existing = {a.slug: a for a in session.exec(select(Author)).all()}
    result: dict[str, Author] = {}
    for course in courses:
        for source in course.authors:
            if source.slug in result:
                continue
            values = {
                "slug": source.slug,
                "name": source.name,
                "profile_url": source.profile_url,
                "profile_label": source.profile_label,
            }
            row = _apply(session, existing.get(source.slug), Author, values, report, "authors")
            result[source.slug] = row
    session.flush()
    return result


class _Loader:
    """Loads one course: its row, lessons, readings, exercises, variants, worksheets."""

    def __init__(
        self,
        session: Session,
        source: CourseSource,
        authors: dict[str, Author],
        report: LoadReport,
    ) -> None:
        self.session = session
        self.source = source
        self.authors = authors
        self.report = report
        self.now = utcnow()

    def _author_id(self, slug: str | None) -> int | None:
        return self.authors[slug].id if slug else None

    def run(self) -> None:
        source = self.source
        existing = self.session.exec(select(Course).where(Course.slug == source.slug)).first()
        course = _apply(
            self.session,
            existing,
            Course,
            {
                "slug": source.slug,
                "title": source.title,
                "description": source.description,
                "language": source.language,
                "source_path": source.path,
                "content_version": _content_version(source),
                "accent": source.branding.accent,
                "logo": source.branding.logo,
                "logo_alt": source.branding.logo_alt,
            },
            self.report,
            "courses",
        )
        self.session.flush()
        assert course.id is not None
        self._industries(course.id)
        lessons = self._lessons(course.id)
        readings = self._readings(course.id)
        self._lesson_readings(lessons, readings)
        self._exercises(course.id, lessons)
        self._worksheets(course.id, lessons)
        faq_sync.sync_from_content(self.session, lessons, source.faq, self.report)

    def _sync(
        self,
        kind: str,
        model: type[Content],
        stored: dict[Key, Content],
        wanted: Iterable[tuple[Key, dict[str, Any]]],
    ) -> dict[Key, Content]:
        """Write each row the files want (created, or the stored row of its key updated);
        archive the stored rows the files no longer have."""
        result = {}
        for key, values in wanted:
            row = stored.pop(key, None)
            result[key] = _apply(self.session, row, model, values, self.report, kind)
        for gone in stored.values():
            _archive(gone, self.report, kind, self.now)
        self.session.flush()
        return result

    def _industries(self, course_id: int) -> None:
        query = select(CourseIndustry).where(CourseIndustry.course_id == course_id)
        stored = {row.slug: row for row in self.session.exec(query)}
        wanted = []
        for position, industry in enumerate(self.source.industries):
            values = {
                "course_id": course_id,
                "slug": industry.slug,
                "position": position,
                "names": industry.names,
            }
            wanted.append((industry.slug, values))
        self._sync("industries", CourseIndustry, stored, wanted)

    def _lessons(self, course_id: int) -> dict[str, Lesson]:
        query = select(Lesson).where(Lesson.course_id == course_id)
        stored = {row.slug: row for row in self.session.exec(query)}
        wanted = []
        for position, lesson in enumerate(self.source.lessons):
            values = {
                "course_id": course_id,
                "slug": lesson.slug,
                "position": position,
                "title": lesson.title,
                "learning_goal": lesson.learning_goal,
                "author_id": self._author_id(lesson.author),
                "body_html": lesson.rendered.html,
                "toc": lesson.rendered.toc,
                "word_count": lesson.rendered.word_count,
                "reading_minutes": lesson.rendered.reading_minutes,
                "source_path": lesson.path,
            }
            wanted.append((lesson.slug, values))
        return self._sync("lessons", Lesson, stored, wanted)

    def _readings(self, course_id: int) -> dict[str, Reading]:
        query = select(Reading).where(Reading.course_id == course_id)
        stored = {row.slug: row for row in self.session.exec(query)}
        wanted = []
        for reading in self.source.readings:
            values = {
                "course_id": course_id,
                "slug": reading.slug,
                "title": reading.title,
                "credit_label": reading.credit,
                "author_id": self._author_id(reading.author),
                "body_html": reading.rendered.html,
                "word_count": reading.rendered.word_count,
                "reading_minutes": reading.rendered.reading_minutes,
                "source_path": reading.path,
            }
            wanted.append((reading.slug, values))
        return self._sync("readings", Reading, stored, wanted)

    def _lesson_readings(self, lessons: dict[str, Lesson], readings: dict[str, Reading]) -> None:
        """The recommendation links are pure content (no learner data): replace them."""
        ids = [lesson.id for lesson in lessons.values()]
        if ids:
            self.session.exec(delete(LessonReading).where(col(LessonReading.lesson_id).in_(ids)))
        for lesson in self.source.lessons:
            for position, slug in enumerate(lesson.reading):
                lesson_id, reading_id = lessons[lesson.slug].id, readings[slug].id
                assert lesson_id is not None and reading_id is not None
                self.session.add(
                    LessonReading(lesson_id=lesson_id, reading_id=reading_id, position=position)
                )

    def _exercises(self, course_id: int, lessons: dict[str, Lesson]) -> None:
        query = select(Exercise).join(Lesson).where(Lesson.course_id == course_id)
        stored = {(row.lesson_id, row.slug): row for row in self.session.exec(query)}
        stored_variants = {
            (row.exercise_id, row.industry): row
            for row in self.session.exec(
                select(ExerciseVariant).where(
                    col(ExerciseVariant.exercise_id).in_([r.id for r in stored.values()])
                )
            )
        }
        by_lesson = {lesson.slug: lesson for lesson in self.source.lessons}
        positions: Counter[str] = Counter()
        wanted: list[tuple[tuple[int, str], dict[str, Any]]] = []
        variants: dict[tuple[int, str], list[VariantSource]] = {}
        for exercise in self.source.exercises:
            lesson_id = lessons[exercise.lesson].id
            block = by_lesson[exercise.lesson].rendered.block("arbeitsschritt", exercise.work_step)
            assert lesson_id is not None and block is not None
            key = (lesson_id, exercise.slug)
            values = {
                "lesson_id": lesson_id,
                "slug": exercise.slug,
                "position": positions[exercise.lesson],
                "title": exercise.title,
                "work_step": exercise.work_step,
                "task_html": block.html,
            }
            positions[exercise.lesson] += 1
            wanted.append((key, values))
            variants[key] = exercise.variants
        rows = self._sync("exercises", Exercise, stored, wanted)
        wanted_variants = []
        for key, row in rows.items():
            assert row.id is not None
            for position, variant in enumerate(variants[key]):
                values = {
                    "exercise_id": row.id,
                    "industry": variant.industry,
                    "position": position,
                    "companies": variant.companies,
                    "task_html": variant.task_html,
                }
                wanted_variants.append(((row.id, variant.industry), values))
        self._sync("variants", ExerciseVariant, stored_variants, wanted_variants)

    def _worksheets(self, course_id: int, lessons: dict[str, Lesson]) -> None:
        query = select(Worksheet).join(Lesson).where(Lesson.course_id == course_id)
        stored = {(row.lesson_id, row.slug): row for row in self.session.exec(query)}
        wanted = []
        files: dict[tuple[int, str], OwnFile | None] = {}
        for lesson in self.source.lessons:
            lesson_id = _row_id(lessons[lesson.slug])
            for position, sheet in enumerate(lesson.worksheets):
                key = (lesson_id, sheet.slug)
                wanted.append((key, worksheet_values(lesson, lesson_id, position, sheet)))
                files[key] = sheet.file
        rows = self._sync("worksheets", Worksheet, stored, wanted)
        own_files = {_row_id(rows[key]): own for key, own in files.items()}
        sync_own_files(self.session, course_id, own_files, self.now)

"""The course's rules, callable without HTTP: which course an LMS course shows, the pages'
data, reading progress, and the registry of links a lesson may show.

Nothing here commits; the request's session (or the caller) owns the transaction.

The lesson page is the hot path: the principal comes from the signed token (no query),
the rendered lesson is cached in memory under the course's ``content_version`` (a hash
the loader writes), and one query per request answers "which course, which lesson, which
version, read or not". A content load changes the version, so the next request rebuilds.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, and_, bindparam
from sqlalchemy import select as sa_select
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from course.models import (
    Author,
    Course,
    CourseBinding,
    Exercise,
    ExerciseVariant,
    Industry,
    Lesson,
    LessonProgress,
    LessonReading,
    Reading,
    Worksheet,
    utcnow,
)
from course.views import (
    AuthorView,
    Company,
    CourseHome,
    ExercisePage,
    ItemView,
    LessonPage,
    LessonSummary,
    LessonView,
    ReadingPage,
    VariantView,
    WorksheetPage,
    split_links,
)
from kurswerk.auth import Principal
from kurswerk.errors import NotFound

__all__ = [
    "LessonLink",
    "bind_course",
    "cached_lesson_page",
    "course_for_context",
    "course_home",
    "exercise_page",
    "find_exercise",
    "lesson_links",
    "lesson_page",
    "reading_page",
    "register_lesson_link",
    "set_lesson_read",
    "unregister_lesson_link",
    "worksheet_page",
]


# --- Links a lesson shows only when their target exists ------------------------------


@dataclass(frozen=True)
class LessonLink:
    """A link in the lesson header that a later feature provides (FAQ/forum for
    "Fragen zum Inhalt der Lektion", ...). ``path(context_id, lesson_slug)`` returns the
    target path, or None where it does not exist; unregistered links are not shown."""

    key: str
    label_key: str
    path: Callable[[int, str], str | None]


_lesson_links: dict[str, LessonLink] = {}


def register_lesson_link(link: LessonLink) -> None:
    _lesson_links[link.key] = link


def unregister_lesson_link(key: str) -> None:
    _lesson_links.pop(key, None)


def lesson_links(context_id: int, lesson_slug: str) -> list[tuple[str, str]]:
    """(label key, path) of every registered link that has a target for this lesson."""
    result = []
    for link in _lesson_links.values():
        path = link.path(context_id, lesson_slug)
        if path:
            result.append((link.label_key, path))
    return result


# --- Which course an LMS course shows ------------------------------------------------


def _insert_ignoring_conflict(session: Session, table: Any, values: dict[str, Any]) -> None:
    """INSERT ... ON CONFLICT DO NOTHING (race-free on SQLite and PostgreSQL)."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    session.exec(dialect.insert(table).values(**values).on_conflict_do_nothing())


def course_for_context(session: Session, context_id: int) -> Course:
    """The course this LMS course shows: its binding, or else the first loaded course,
    which is then remembered for it."""
    query = select(Course).join(CourseBinding).where(CourseBinding.context_id == context_id)
    course = session.exec(query).first()
    if course is not None:
        return course
    first = select(Course).where(col(Course.archived_at).is_(None)).order_by(col(Course.id))
    course = session.exec(first).first()
    if course is None:
        raise NotFound("course.none_loaded", 404, reason="no course loaded")
    values = {"context_id": context_id, "course_id": course.id, "created_at": utcnow()}
    _insert_ignoring_conflict(session, CourseBinding.__table__, values)  # type: ignore[attr-defined]
    bound = session.exec(query).first()  # another request may have bound it first
    assert bound is not None
    return bound


def bind_course(session: Session, context_id: int, course_slug: str) -> Course:
    """Make an LMS course show the course ``course_slug`` (for admins, the demo)."""
    course = session.exec(select(Course).where(Course.slug == course_slug)).first()
    if course is None:
        raise NotFound("course.not_found", reason=f"no course {course_slug!r}")
    binding = session.exec(
        select(CourseBinding).where(CourseBinding.context_id == context_id)
    ).first()
    assert course.id is not None
    if binding is None:
        session.add(CourseBinding(context_id=context_id, course_id=course.id))
    else:
        binding.course_id = course.id
    session.flush()
    return course


def _active_course(session: Session, context_id: int) -> Course:
    course = course_for_context(session, context_id)
    if course.archived_at is not None:
        raise NotFound("course.archived", reason=f"course {course.slug} is archived")
    return course


def _active_lesson(session: Session, course_id: int, slug: str) -> Lesson:
    lesson = session.exec(
        select(Lesson).where(
            Lesson.course_id == course_id,
            Lesson.slug == slug,
            col(Lesson.archived_at).is_(None),
        )
    ).first()
    if lesson is None:
        raise NotFound("course.lesson_not_found", reason=f"no lesson {slug!r}")
    return lesson


# --- The lesson page (hot path) ------------------------------------------------------

_LESSON_PROBE = (
    sa_select(
        col(Course.id),
        col(Course.content_version),
        col(Course.archived_at),
        col(Lesson.id),
        col(Lesson.archived_at),
        col(LessonProgress.read_at),
    )
    .select_from(CourseBinding)
    .join(Course, col(Course.id) == col(CourseBinding.course_id))
    .outerjoin(
        Lesson, and_(col(Lesson.course_id) == col(Course.id), col(Lesson.slug) == bindparam("slug"))
    )
    .outerjoin(
        LessonProgress,
        and_(
            col(LessonProgress.lesson_id) == col(Lesson.id),
            col(LessonProgress.user_id) == bindparam("user_id"),
            col(LessonProgress.context_id) == col(CourseBinding.context_id),
        ),
    )
    .where(col(CourseBinding.context_id) == bindparam("context_id"))
)

_views: dict[tuple[int, str, int], LessonView] = {}
_views_lock = threading.Lock()


@dataclass(frozen=True)
class _Probe:
    """The probe compiled once per engine, run as driver SQL: the warm path skips the
    statement cache lookup and result typing (it only tests values for NULL)."""

    source: Engine  # the app's engine this was compiled for
    reader: Engine  # the engine the probe runs on
    sql: str
    names: tuple[str, ...] | None  # parameter order for positional paramstyles

    def params(self, principal: Principal, slug: str) -> Any:
        values = {"slug": slug, "user_id": principal.user_id, "context_id": principal.context_id}
        return tuple(values[n] for n in self.names) if self.names is not None else values


_probes: dict[int, _Probe] = {}


def _probe_for(engine: Engine) -> _Probe:
    probe = _probes.get(id(engine))
    if probe is None or probe.source is not engine:
        compiled = _LESSON_PROBE.compile(dialect=engine.dialect)
        names = tuple(compiled.positiontup or ()) if compiled.positional else None
        # PostgreSQL: autocommit spares a lone SELECT its BEGIN and ROLLBACK round trips.
        # (SQLite's driver opens no transaction for a SELECT; its autocommit switch would
        # cost a PRAGMA per checkout instead.)
        reader = engine
        if engine.dialect.name == "postgresql":
            reader = engine.execution_options(isolation_level="AUTOCOMMIT")
        probe = _Probe(engine, reader, str(compiled), names)
        _probes[id(engine)] = probe
    return probe


def _probe(connection: Connection, principal: Principal, slug: str) -> Sequence[Any] | None:
    params = {"slug": slug, "user_id": principal.user_id, "context_id": principal.context_id}
    return connection.execute(_LESSON_PROBE, params).first()


def _checked(row: Sequence[Any], slug: str) -> tuple[tuple[int, str, int], bool]:
    """(cache key, read?) of a probe row; NotFound for archived or unknown lessons."""
    course_id, version, course_archived, lesson_id, lesson_archived, read_at = row
    if course_archived is not None:
        raise NotFound("course.archived", reason=f"course {course_id} is archived")
    if lesson_id is None or lesson_archived is not None:
        raise NotFound("course.lesson_not_found", reason=f"no lesson {slug!r}")
    return (int(course_id), str(version), int(lesson_id)), read_at is not None


def cached_lesson_page(engine: Engine, principal: Principal, slug: str) -> LessonPage | None:
    """The warm path: one indexed read, no session, no write. None when the LMS course is
    not bound yet or the lesson is not cached for the current content version: then call
    ``lesson_page`` (which may write) in a thread with a session."""
    probe = _probe_for(engine)
    with probe.reader.connect() as connection:
        row = connection.exec_driver_sql(probe.sql, probe.params(principal, slug)).first()
    if row is None:
        return None
    key, read = _checked(row, slug)
    view = _views.get(key)
    return LessonPage(view=view, read=read) if view is not None else None


def lesson_page(session: Session, principal: Principal, slug: str) -> LessonPage:
    """The lesson page's data: binds the LMS course on its first visit, builds and caches
    the rendered lesson on a cache miss."""
    connection = session.connection()
    row = _probe(connection, principal, slug)
    if row is None:  # first visit of this LMS course: bind it, then ask again
        course_for_context(session, principal.context_id)
        row = _probe(connection, principal, slug)
        assert row is not None
    key, read = _checked(row, slug)
    course_id, version, lesson_id = key
    view = _views.get(key)
    if view is None:
        view = _build_lesson_view(session, course_id, lesson_id)
        with _views_lock:
            for stale in [k for k in _views if k[0] == course_id and k[1] != version]:
                del _views[stale]
            _views[key] = view
    return LessonPage(view=view, read=read)


def clear_cache() -> None:
    with _views_lock:
        _views.clear()


def _author_view(session: Session, author_id: int | None) -> AuthorView | None:
    author = session.get(Author, author_id) if author_id else None
    if author is None:
        return None
    return AuthorView(author.name, author.profile_url, author.profile_label)


def _build_lesson_view(session: Session, course_id: int, lesson_id: int) -> LessonView:
    course = session.get(Course, course_id)
    lesson = session.get(Lesson, lesson_id)
    assert course is not None and lesson is not None
    exercises = session.exec(
        select(Exercise)
        .where(Exercise.lesson_id == lesson_id, col(Exercise.archived_at).is_(None))
        .order_by(col(Exercise.position))
    ).all()
    worksheets = session.exec(
        select(Worksheet)
        .where(Worksheet.lesson_id == lesson_id, col(Worksheet.archived_at).is_(None))
        .order_by(col(Worksheet.position))
    ).all()
    readings = session.exec(
        select(Reading)
        .join(LessonReading)
        .where(LessonReading.lesson_id == lesson_id, col(Reading.archived_at).is_(None))
        .order_by(col(LessonReading.position))
    ).all()
    return LessonView(
        course_id=course_id,
        course_title=course.title,
        language=course.language,
        lesson_id=lesson_id,
        slug=lesson.slug,
        title=lesson.title,
        learning_goal=lesson.learning_goal,
        reading_minutes=lesson.reading_minutes,
        author=_author_view(session, lesson.author_id),
        toc=tuple(lesson.toc),
        body_parts=split_links(lesson.body_html),
        exercises=tuple(ItemView(e.slug, e.title) for e in exercises),
        worksheets=tuple(ItemView(w.slug, w.title, w.step_title) for w in worksheets),
        readings=tuple(ItemView(r.slug, r.title, str(r.reading_minutes)) for r in readings),
    )


# --- Progress ------------------------------------------------------------------------


def set_lesson_read(session: Session, principal: Principal, slug: str, read: bool) -> datetime:
    """Mark a lesson read (or unread again) for this learner in this LMS course."""
    course = _active_course(session, principal.context_id)
    assert course.id is not None
    lesson = _active_lesson(session, course.id, slug)
    now = utcnow()
    values = {
        "user_id": principal.user_id,
        "context_id": principal.context_id,
        "lesson_id": lesson.id,
        "read_at": now if read else None,
        "updated_at": now,
    }
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    statement = dialect.insert(LessonProgress.__table__).values(**values)  # type: ignore[attr-defined]
    statement = statement.on_conflict_do_update(
        index_elements=["user_id", "context_id", "lesson_id"],
        set_={"read_at": values["read_at"], "updated_at": now},
    )
    session.exec(statement)
    return now


# --- Other pages ---------------------------------------------------------------------


def course_home(session: Session, principal: Principal) -> CourseHome:
    course = _active_course(session, principal.context_id)
    rows = session.exec(
        select(Lesson.slug, Lesson.title, Lesson.reading_minutes, LessonProgress.read_at)
        .outerjoin(
            LessonProgress,
            and_(
                col(LessonProgress.lesson_id) == col(Lesson.id),
                col(LessonProgress.user_id) == principal.user_id,
                col(LessonProgress.context_id) == principal.context_id,
            ),
        )
        .where(Lesson.course_id == course.id, col(Lesson.archived_at).is_(None))
        .order_by(col(Lesson.position))
    ).all()
    return CourseHome(
        course_id=course.id or 0,
        title=course.title,
        description=course.description,
        language=course.language,
        lessons=tuple(LessonSummary(s, t, m, read_at is not None) for s, t, m, read_at in rows),
    )


def find_exercise(
    session: Session, context_id: int, lesson_slug: str, exercise_slug: str
) -> Exercise:
    """The active exercise of a lesson of this LMS course's course (for later features)."""
    course = _active_course(session, context_id)
    lesson = _active_lesson(session, course.id or 0, lesson_slug)
    exercise = session.exec(
        select(Exercise).where(
            Exercise.lesson_id == lesson.id,
            Exercise.slug == exercise_slug,
            col(Exercise.archived_at).is_(None),
        )
    ).first()
    if exercise is None:
        raise NotFound("course.exercise_not_found", reason=f"no exercise {exercise_slug!r}")
    return exercise


def exercise_page(
    session: Session,
    principal: Principal,
    lesson_slug: str,
    exercise_slug: str,
    industry: Industry | None = None,
) -> ExercisePage:
    course = _active_course(session, principal.context_id)
    lesson = _active_lesson(session, course.id or 0, lesson_slug)
    exercise = find_exercise(session, principal.context_id, lesson_slug, exercise_slug)
    rows = session.exec(
        select(ExerciseVariant)
        .where(
            ExerciseVariant.exercise_id == exercise.id,
            col(ExerciseVariant.archived_at).is_(None),
        )
        .order_by(col(ExerciseVariant.position))
    ).all()
    variants = tuple(
        VariantView(
            industry=row.industry,
            label=row.label,
            companies=tuple(Company(c["name"], c.get("url"), c.get("note")) for c in row.companies),
            task_parts=split_links(row.task_html),
        )
        for row in rows
    )
    selected = None
    if industry is not None:
        selected = next((v for v in variants if v.industry == industry.value), None)
        if selected is None:
            raise NotFound("course.variant_not_found", reason=f"no variant {industry.value}")
    return ExercisePage(
        course_title=course.title,
        language=course.language,
        lesson=ItemView(lesson.slug, lesson.title),
        exercise_id=exercise.id or 0,
        slug=exercise.slug,
        title=exercise.title,
        task_parts=split_links(exercise.task_html),
        variants=variants,
        selected=selected,
    )


def worksheet_page(
    session: Session, principal: Principal, lesson_slug: str, worksheet_slug: str
) -> WorksheetPage:
    course = _active_course(session, principal.context_id)
    lesson = _active_lesson(session, course.id or 0, lesson_slug)
    sheet = session.exec(
        select(Worksheet).where(
            Worksheet.lesson_id == lesson.id,
            Worksheet.slug == worksheet_slug,
            col(Worksheet.archived_at).is_(None),
        )
    ).first()
    if sheet is None:
        raise NotFound("course.worksheet_not_found", reason=f"no worksheet {worksheet_slug!r}")
    return WorksheetPage(
        course_title=course.title,
        language=course.language,
        lesson=ItemView(lesson.slug, lesson.title),
        slug=sheet.slug,
        title=sheet.title,
        step_anchor=sheet.step_anchor,
        step_title=sheet.step_title,
        step_parts=split_links(sheet.step_html),
    )


def reading_page(session: Session, principal: Principal, slug: str) -> ReadingPage:
    course = _active_course(session, principal.context_id)
    reading = session.exec(
        select(Reading).where(
            Reading.course_id == course.id,
            Reading.slug == slug,
            col(Reading.archived_at).is_(None),
        )
    ).first()
    if reading is None:
        raise NotFound("course.reading_not_found", reason=f"no reading {slug!r}")
    lessons = session.exec(
        select(Lesson.slug, Lesson.title)
        .join(LessonReading)
        .where(LessonReading.reading_id == reading.id, col(Lesson.archived_at).is_(None))
        .order_by(col(Lesson.position))
    ).all()
    return ReadingPage(
        course_title=course.title,
        language=course.language,
        slug=reading.slug,
        title=reading.title,
        credit_label=reading.credit_label,
        author=_author_view(session, reading.author_id),
        reading_minutes=reading.reading_minutes,
        body_parts=split_links(reading.body_html),
        lessons=tuple(ItemView(s, t) for s, t in lessons),
    )

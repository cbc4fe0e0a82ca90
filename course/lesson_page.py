"""The lesson page's data: the hot path.

The principal comes from the signed token (no query). The rendered lesson is cached in
memory under the course's ``content_version`` (a hash the loader writes), so a content
load invalidates it. A warm request makes one indexed read that answers "which course,
which lesson, which version, read or not, is the reader's position (``course.progress``)
there already" (``cached_lesson_page``); anything else goes
through ``lesson_page`` with a session, in a thread. The cached view is the same for
every reader: what differs per reader (links for their LMS course, the panels at the end
of the page) is added when the page is rendered.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, and_, bindparam
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from course import render_cache
from course.binding import COURSE_ARCHIVED, NO_SUCH_LESSON, active_in_order, course_for_context
from course.industries import course_industries
from course.models import (
    Author,
    Course,
    CourseBinding,
    Exercise,
    ExerciseVariant,
    Lesson,
    LessonProgress,
    LessonReading,
    Reading,
    Worksheet,
)
from course.progress.models import ReadingPosition
from course.views import (
    AuthorView,
    ExerciseChoice,
    ItemView,
    LessonPage,
    LessonView,
    LinkedHtml,
)
from kurswerk.core.auth import Principal
from kurswerk.core.errors import NotFound

_LESSON_PROBE = (
    sa_select(
        col(Course.id),
        col(Course.content_version),
        col(Course.archived_at),
        col(Lesson.id),
        col(Lesson.archived_at),
        col(LessonProgress.read_at),
        col(ReadingPosition.lesson_id),
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
    .outerjoin(
        ReadingPosition,
        and_(
            col(ReadingPosition.user_id) == bindparam("user_id"),
            col(ReadingPosition.context_id) == col(CourseBinding.context_id),
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


_last_probe: _Probe | None = None


def _probe_for(engine: Engine) -> _Probe:
    """The compiled probe for ``engine`` (one slot: a process has one app engine)."""
    global _last_probe
    probe = _last_probe
    if probe is None or probe.source is not engine:
        compiled = _LESSON_PROBE.compile(dialect=engine.dialect)
        names = tuple(compiled.positiontup or ()) if compiled.positional else None
        # PostgreSQL: autocommit spares a lone SELECT its BEGIN and ROLLBACK round trips.
        # (SQLite's driver opens no transaction for a SELECT; its autocommit switch would
        # cost a PRAGMA per checkout instead.)
        reader = engine
        if engine.dialect.name == "postgresql":
            reader = engine.execution_options(isolation_level="AUTOCOMMIT")
        probe = _last_probe = _Probe(engine, reader, str(compiled), names)
    return probe


def _probe(connection: Connection, principal: Principal, slug: str) -> Sequence[Any] | None:
    params = {"slug": slug, "user_id": principal.user_id, "context_id": principal.context_id}
    return connection.execute(_LESSON_PROBE, params).first()


def _checked(row: Sequence[Any], slug: str) -> tuple[tuple[int, str, int], bool, bool]:
    """(cache key, read?, the reader's position already in it?) of a probe row; NotFound
    for archived or unknown lessons."""
    course_id, version, course_archived, lesson_id, lesson_archived, read_at, at = row
    if course_archived is not None:
        raise NotFound(COURSE_ARCHIVED, reason=f"course {course_id} is archived")
    if lesson_id is None or lesson_archived is not None:
        raise NotFound(NO_SUCH_LESSON, reason=f"no lesson {slug!r}")
    return (int(course_id), str(version), int(lesson_id)), read_at is not None, at == lesson_id


def read_connection(engine: Engine) -> Connection:
    """A connection for the warm path's reads (a context manager): on PostgreSQL in
    autocommit, so a lone SELECT needs no BEGIN and ROLLBACK round trips."""
    return _probe_for(engine).reader.connect()


def cached_lesson_page(
    connection: Connection, engine: Engine, principal: Principal, slug: str
) -> LessonPage | None:
    """The warm path: one indexed read on ``connection`` (from :func:`read_connection`
    for ``engine``), no session, no write. None when the LMS course is not bound yet or
    the lesson is not cached for the current content version: then call ``lesson_page``
    (which may write) in a thread with a session."""
    probe = _probe_for(engine)
    row = connection.exec_driver_sql(probe.sql, probe.params(principal, slug)).first()
    if row is None:
        return None
    key, read, at_position = _checked(row, slug)
    view = _views.get(key)
    return LessonPage(view=view, read=read, at_position=at_position) if view is not None else None


def lesson_page(session: Session, principal: Principal, slug: str) -> LessonPage:
    """The lesson page's data: binds the LMS course on its first visit, builds and caches
    the rendered lesson on a cache miss."""
    connection = session.connection()
    row = _probe(connection, principal, slug)
    if row is None:  # first visit of this LMS course: bind it, then ask again
        course_for_context(session, principal.context_id)
        row = _probe(connection, principal, slug)
        assert row is not None
    key, read, at_position = _checked(row, slug)
    course_id, version, lesson_id = key
    view = _views.get(key)
    if view is None:
        view = _build_lesson_view(session, course_id, lesson_id, version)
        with _views_lock:
            for stale in [k for k in _views if k[0] == course_id and k[1] != version]:
                del _views[stale]
            _views[key] = view
    return LessonPage(view=view, read=read, at_position=at_position)


def clear_cache() -> None:
    """Forget the lessons' views and their rendered parts (``course.render_cache``)."""
    with _views_lock:
        _views.clear()
    render_cache.LESSONS.clear()


def author_view(session: Session, author_id: int | None) -> AuthorView | None:
    author = session.get(Author, author_id) if author_id else None
    if author is None:
        return None
    return AuthorView(author.name, author.profile_url, author.profile_label)


def _build_lesson_view(
    session: Session, course_id: int, lesson_id: int, version: str
) -> LessonView:
    course = session.get(Course, course_id)
    lesson = session.get(Lesson, lesson_id)
    assert course is not None and lesson is not None
    exercises = active_in_order(session, Exercise, Exercise.lesson_id == lesson_id)
    variants = _industries_by_exercise(session, [_id(e.id) for e in exercises])
    worksheets = active_in_order(session, Worksheet, Worksheet.lesson_id == lesson_id)
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
        author=author_view(session, lesson.author_id),
        toc=tuple(lesson.toc),
        body=LinkedHtml.split(lesson.body_html),
        exercises=tuple(ItemView(e.slug, e.title) for e in exercises),
        worksheets=tuple(ItemView(w.slug, w.title, w.step_title) for w in worksheets),
        readings=tuple(ItemView(r.slug, r.title, str(r.reading_minutes)) for r in readings),
        exercise_choices=tuple(
            ExerciseChoice(_id(e.id), e.slug, e.title, tuple(variants.get(_id(e.id), ())))
            for e in exercises
        ),
        industries=course_industries(session, course_id),
        content_version=version,
    )


def _id(value: int | None) -> int:
    assert value is not None
    return value


def _industries_by_exercise(session: Session, exercise_ids: list[int]) -> dict[int, list[str]]:
    """The active industry variants of each exercise, in their order (one query)."""
    rows = session.exec(
        select(ExerciseVariant.exercise_id, ExerciseVariant.industry)
        .where(
            col(ExerciseVariant.exercise_id).in_(exercise_ids),
            col(ExerciseVariant.archived_at).is_(None),
        )
        .order_by(col(ExerciseVariant.exercise_id), col(ExerciseVariant.position))
    ).all()
    found: dict[int, list[str]] = {}
    for exercise_id, industry in rows:
        found.setdefault(exercise_id, []).append(industry)
    return found

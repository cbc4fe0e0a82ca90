"""Which course an LMS course (context) shows, and lookups of active (not archived)
content for it.

An LMS course is bound to one course package, once, and stays bound:

* a launch names the course in its custom parameter ``kurswerk_course`` - set by a deep
  link placed from the picker (each link carries its course), or by an LMS admin in the
  tool's settings: :func:`bind_named_course`;
* when nothing names one and exactly one course is loaded, the first use binds to it
  (what a single-course deployment and the demo rely on): :func:`course_for_context`;
* when several are loaded and nothing names one, an instructor or admin of the LMS
  course chooses on a page (:func:`choose_course`); until then every page says the LMS
  course is not set up yet (:class:`CourseNotChosen`).

A binding is never changed by a later launch: a launch naming another course than the
bound one is refused (:class:`BindingConflict`), so a misplaced link or setting shows
rather than silently moving learners' progress, submissions and posts to another course.
Only :func:`bind_course` (an operator's tool, the demo) moves a binding deliberately.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from sqlalchemy import ColumnElement
from sqlmodel import Session, col, select

from course.models import (
    Course,
    CourseBinding,
    Exercise,
    ExerciseVariant,
    Lesson,
    Reading,
    Worksheet,
)
from kurswerk.core.branding import Brand
from kurswerk.core.clock import utcnow
from kurswerk.core.db import upsert
from kurswerk.core.errors import AppError, NotFound
from kurswerk.core.i18n import N_

NO_SUCH_COURSE = N_("Diesen Kurs gibt es nicht.")
COURSE_ARCHIVED = N_("Dieser Kurs ist nicht mehr verfügbar.")
NO_SUCH_LESSON = N_("Diese Lektion gibt es nicht (mehr).")
NAMED_NOT_LOADED = N_(
    "Der Link nennt den Kurs „%(course)s“, den Kurswerk nicht kennt. Bitte wenden Sie sich "
    "an die LMS-Administration (Parameter kurswerk_course)."
)

Named = TypeVar("Named", Lesson, Exercise, Worksheet, Reading)
Ordered = TypeVar("Ordered", Lesson, Exercise, ExerciseVariant, Worksheet)


class CourseNotChosen(AppError):
    """Several courses are loaded and nothing has said yet which one this LMS course
    shows: an instructor or admin chooses (``course_choice``)."""

    status_code = 409

    def __init__(self, context_id: int) -> None:
        super().__init__(
            N_(
                "Kurswerk ist für diesen Kurs im LMS noch nicht eingerichtet: Die "
                "Kursleitung wählt beim ersten Öffnen, welcher Kurs hier erscheint. "
                "Bitte versuchen Sie es später noch einmal."
            ),
            reason=f"context {context_id}: no course chosen",
        )
        self.context_id = context_id


class BindingConflict(AppError):
    """A launch (or a choice) names another course than the one this LMS course shows."""

    status_code = 409

    def __init__(self, bound: Course, named: Course) -> None:
        super().__init__(
            N_(
                "Dieser Link gehört zum Kurs „%(named)s“, dieser Kurs im LMS zeigt aber "
                "den Kurs „%(bound)s“. Bitte wenden Sie sich an die Kursleitung oder die "
                "LMS-Administration."
            ),
            reason=f"bound to {bound.slug!r}, the launch names {named.slug!r}",
            params={"bound": bound.title, "named": named.title},
        )


def insert_ignoring_conflict(session: Session, table: Any, values: dict[str, Any]) -> None:
    """INSERT ... ON CONFLICT DO NOTHING (race-free on SQLite and PostgreSQL)."""
    session.exec(upsert(session, table).values(**values).on_conflict_do_nothing())


def _bound_query(context_id: int) -> Any:
    return select(Course).join(CourseBinding).where(CourseBinding.context_id == context_id)


def bound_course(session: Session, context_id: int) -> Course | None:
    """The course this LMS course is bound to, if it is bound yet."""
    return session.exec(_bound_query(context_id)).first()


def loaded_courses(session: Session) -> list[Course]:
    """The courses an LMS course may be bound to (loaded, not archived), by title."""
    query = (
        select(Course)
        .where(col(Course.archived_at).is_(None))
        .order_by(col(Course.title), col(Course.id))
    )
    return list(session.exec(query).all())


def _bind(session: Session, context_id: int, course: Course) -> Course:
    """Bind if unbound (race-free); the course it is bound to afterwards."""
    values = {"context_id": context_id, "course_id": course.id, "created_at": utcnow()}
    insert_ignoring_conflict(session, CourseBinding.__table__, values)  # type: ignore[attr-defined]
    bound = bound_course(session, context_id)  # another request may have bound it first
    assert bound is not None
    return bound


def course_for_context(session: Session, context_id: int) -> Course:
    """The course this LMS course shows: its binding; else, when exactly one course is
    loaded, that one (then remembered). Several loaded and none chosen:
    :class:`CourseNotChosen`; none loaded: not found."""
    course = bound_course(session, context_id)
    if course is not None:
        return course
    courses = loaded_courses(session)
    if not courses:
        raise NotFound(
            N_(
                "Für diesen Kurs sind noch keine Inhalte geladen. Bitte wenden Sie sich "
                "an die Kursleitung."
            ),
            404,
            reason="no course loaded",
        )
    if len(courses) > 1:
        raise CourseNotChosen(context_id)
    return _bind(session, context_id, courses[0])


def _loaded(session: Session, slug: str) -> Course | None:
    course = session.exec(select(Course).where(Course.slug == slug)).first()
    return course if course is not None and course.archived_at is None else None


def bind_named_course(session: Session, context_id: int, slug: str) -> Course:
    """A launch names ``slug`` (custom parameter ``kurswerk_course``): bind an unbound LMS
    course to it; a bound one must already show it (else :class:`BindingConflict`). A
    course that is not loaded is refused, naming it (an LMS admin's typo shows)."""
    course = _loaded(session, slug)
    if course is None:
        raise NotFound(
            NAMED_NOT_LOADED,
            reason=f"launch names {slug!r}",
            params={"course": slug},
        )
    bound = _bind(session, context_id, course)
    if bound.id != course.id:
        raise BindingConflict(bound, course)
    return bound


def choose_course(session: Session, context_id: int, slug: str) -> Course:
    """An instructor's or admin's choice for an unbound LMS course (the choice page). A
    choice made meanwhile by someone else for another course is not overwritten."""
    course = _loaded(session, slug)
    if course is None:
        raise NotFound(NO_SUCH_COURSE, reason=f"no loaded course {slug!r}")
    bound = _bind(session, context_id, course)
    if bound.id != course.id:
        raise BindingConflict(bound, course)
    return bound


def bind_course(session: Session, context_id: int, course_slug: str) -> Course:
    """Make an LMS course show the course ``course_slug``, even when it showed another
    (an operator's deliberate move, the demo; never a launch)."""
    course = session.exec(select(Course).where(Course.slug == course_slug)).first()
    if course is None:
        raise NotFound(NO_SUCH_COURSE, reason=f"no course {course_slug!r}")
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


def active_course(session: Session, context_id: int) -> Course:
    course = course_for_context(session, context_id)
    if course.archived_at is not None:
        raise NotFound(COURSE_ARCHIVED, reason=f"course {course.slug} is archived")
    return course


def active_lesson(session: Session, course: Course, slug: str) -> Lesson:
    return active_named(session, Lesson, Lesson.course_id == course.id, slug, NO_SUCH_LESSON)


def active_named(
    session: Session,
    model: type[Named],
    parent: ColumnElement[bool] | bool,
    slug: str,
    missing: str,
) -> Named:
    """The row of ``model`` named ``slug`` among those ``parent`` selects (a course's or a
    lesson's), unless archived; else "not found" with the message ``missing``."""
    row = session.exec(
        select(model).where(parent, model.slug == slug, col(model.archived_at).is_(None))
    ).first()
    if row is None:
        raise NotFound(missing, reason=f"no {model.__name__.lower()} {slug!r}")
    return row


def active_in_order(
    session: Session, model: type[Ordered], parent: ColumnElement[bool] | bool
) -> Sequence[Ordered]:
    """The rows of ``model`` that ``parent`` selects (a course's lessons, a lesson's
    exercises, ...), unless archived, in their order."""
    return session.exec(
        select(model).where(parent, col(model.archived_at).is_(None)).order_by(col(model.position))
    ).all()


def course_brand(session: Session, context_id: int) -> Brand | None:
    """The accent and logo of the course this LMS course is bound to (``None``: not bound
    yet, or the course has neither): the pages' header and accent (kurswerk.core.branding)."""
    course = bound_course(session, context_id)
    if course is None or not (course.accent or course.logo):
        return None
    return Brand(accent=course.accent, logo=course.logo, logo_alt=course.logo_alt)

"""Which course an LMS course (context) shows: a binding chosen on the first visit and
remembered; and lookups of active (not archived) content for it."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, select

from course.models import Course, CourseBinding, Lesson
from kurswerk.core.clock import utcnow
from kurswerk.core.db import upsert
from kurswerk.core.errors import NotFound


def insert_ignoring_conflict(session: Session, table: Any, values: dict[str, Any]) -> None:
    """INSERT ... ON CONFLICT DO NOTHING (race-free on SQLite and PostgreSQL)."""
    session.exec(upsert(session, table).values(**values).on_conflict_do_nothing())


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
    insert_ignoring_conflict(session, CourseBinding.__table__, values)  # type: ignore[attr-defined]
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


def active_course(session: Session, context_id: int) -> Course:
    course = course_for_context(session, context_id)
    if course.archived_at is not None:
        raise NotFound("course.archived", reason=f"course {course.slug} is archived")
    return course


def active_lesson(session: Session, course: Course, slug: str) -> Lesson:
    lesson = session.exec(
        select(Lesson).where(
            Lesson.course_id == course.id,
            Lesson.slug == slug,
            col(Lesson.archived_at).is_(None),
        )
    ).first()
    if lesson is None:
        raise NotFound("course.lesson_not_found", reason=f"no lesson {slug!r}")
    return lesson

"""How the LMS names an exercise, and back: the gradebook column's ``resourceId``, a link's
``kurswerk_target`` path, and the line item spec built from them.

One place for all three, because they must agree wherever they are made: the deep-link
catalog asks the LMS for a column, a submission sends "submitted" into it, a released
feedback sends "fully graded" into the same one, and a submission review launch from
that column has to find the exercise again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, col, select

from course.binding import CourseNotChosen, course_for_context
from course.models import Exercise, Lesson
from kurswerk.core.errors import NotFound
from kurswerk.core.paths import path_for
from lti.service import LineItemSpec

RESOURCE_PREFIX = "exercise:"
_RESOURCE_ID = re.compile(r"exercise:([1-9][0-9]{0,17})")
_TARGET = re.compile(r"lessons/([^/?]+)/exercises/([^/?]+)(?:\?.*)?")


def exercise_resource_id(exercise_id: int) -> str:
    """The exercise's stable ``resourceId`` for its gradebook column (LTI AGS): one column
    per exercise, whatever the industry. The deep-link catalog and the scores sent on
    submit and on release all use it, so a column created through deep linking is found
    again."""
    return f"{RESOURCE_PREFIX}{exercise_id}"


_ANY_COURSE = 1  # a course's pages have the same paths inside every course


def course_target(route: str, /, **params: Any) -> str:
    """The path of the route ``route`` inside a course, relative to the course start
    ``/c/{context}/`` (the same in every course): what a link's ``kurswerk_target`` holds."""
    start = path_for("course_home", context=_ANY_COURSE)
    return path_for(route, context=_ANY_COURSE, **params).removeprefix(start)


def exercise_target(lesson_slug: str, exercise_slug: str, industry: str | None = None) -> str:
    """The exercise page relative to ``/c/{context}/`` (a deep link's ``kurswerk_target``),
    with the industry chosen when one is given."""
    path = course_target("exercise", slug=lesson_slug, exercise_slug=exercise_slug)
    return f"{path}?industry={industry}" if industry else path


def exercise_line_item(
    *,
    exercise_id: int,
    exercise_title: str,
    lesson_slug: str,
    exercise_slug: str,
    industry: str | None = None,
) -> LineItemSpec:
    """The gradebook column of an exercise: its ``resourceId``, its title as the label,
    and the link target of the exercise page (in ``industry``, when given) by which a
    resource link with its own line item is recognised."""
    return LineItemSpec(
        resource_id=exercise_resource_id(exercise_id),
        label=exercise_title,
        target=exercise_target(lesson_slug, exercise_slug, industry or None),
    )


@dataclass(frozen=True)
class ExerciseRef:
    """An exercise of the course an LMS course shows (archived ones included: their
    submissions can still be reviewed)."""

    id: int
    title: str
    lesson_slug: str
    slug: str

    def line_item(self, industry: str | None = None) -> LineItemSpec:
        return exercise_line_item(
            exercise_id=self.id,
            exercise_title=self.title,
            lesson_slug=self.lesson_slug,
            exercise_slug=self.slug,
            industry=industry,
        )


def _exercise_query(session: Session, context_id: int) -> Any:
    """Exercises (with their lesson) of the course this LMS course shows, or ``None``."""
    try:
        course = course_for_context(session, context_id)
    except (NotFound, CourseNotChosen):
        return None
    return (
        select(Exercise, Lesson)
        .join(Lesson, col(Lesson.id) == col(Exercise.lesson_id))
        .where(Lesson.course_id == course.id)
    )


def _ref(row: tuple[Exercise, Lesson] | None) -> ExerciseRef | None:
    if row is None:
        return None
    exercise, lesson = row
    assert exercise.id is not None
    return ExerciseRef(exercise.id, exercise.title, lesson.slug, exercise.slug)


def exercise_by_id(session: Session, exercise_id: int) -> ExerciseRef:
    """The exercise ``exercise_id`` (a foreign key the caller holds, e.g. a submission's)."""
    ref = _ref(
        session.exec(
            select(Exercise, Lesson)
            .join(Lesson, col(Lesson.id) == col(Exercise.lesson_id))
            .where(Exercise.id == exercise_id)
        ).first()
    )
    if ref is None:
        raise ValueError(f"no exercise {exercise_id}")
    return ref


def exercise_in_course(session: Session, context_id: int, exercise_id: int) -> ExerciseRef | None:
    """The exercise ``exercise_id`` if it is one of this LMS course's course, else None."""
    query = _exercise_query(session, context_id)
    if query is None:
        return None
    return _ref(session.exec(query.where(Exercise.id == exercise_id)).first())


def exercise_of_resource_id(
    session: Session, context_id: int, resource_id: str | None
) -> ExerciseRef | None:
    """The exercise a column's ``resourceId`` names, if it is one of this LMS course's
    course; ``None`` for anything else (another course's exercise, not an exercise)."""
    found = _RESOURCE_ID.fullmatch(resource_id or "")
    return exercise_in_course(session, context_id, int(found.group(1))) if found else None


def exercise_of_target(session: Session, context_id: int, target: str | None) -> ExerciseRef | None:
    """The exercise a ``kurswerk_target`` path leads to (``lessons/x/exercises/y``, with
    or without an industry), if it is one of this LMS course's course."""
    found = _TARGET.fullmatch(target or "")
    query = _exercise_query(session, context_id) if found else None
    if found is None or query is None:
        return None
    lesson_slug, exercise_slug = found.groups()
    return _ref(
        session.exec(
            query.where(Lesson.slug == lesson_slug, Exercise.slug == exercise_slug)
        ).first()
    )

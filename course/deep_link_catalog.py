"""What an instructor can place into their LMS course by deep linking (LTI Deep Linking
2.0, issue 5 §2): the course start, each lesson, each exercise with the industry left
open, each exercise in each of its industries, and each lesson's forum.

``lti`` shows the picker and signs the answer; it asks this catalog (the composition
root puts it into the slot ``lti.service.DEEP_LINK_CATALOG``) what there is. Every
exercise link asks for one gradebook column per exercise (``course.exercise_names``):
the learner's submission scores into the same column whichever industry link they came
through. A forum asks for none: nothing there is graded.

Titles and texts that Kurswerk writes itself (not the content's) are in the course's
language, not the instructor's: the LMS shows them to the course's learners.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import Session

from course.binding import active_in_order, bound_course, loaded_courses
from course.exercise_names import ExerciseRef, exercise_target
from course.industries import course_industries
from course.models import Course, Exercise, Lesson
from course.service import active_variants, forum_target
from kurswerk.core import i18n
from lti.service import LinkTarget

MAX_TEXT_CHARS = 300


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= MAX_TEXT_CHARS else text[: MAX_TEXT_CHARS - 1] + "…"


class CourseDeepLinkCatalog:
    """The ``lti.service.DeepLinkCatalog``: the places of the course bound to an LMS
    course; of every loaded course while it is not bound yet (the first link placed, and
    launched, binds it). Every place carries its course (``kurswerk_course``)."""

    def items(self, session: Session, context_id: int) -> Sequence[LinkTarget]:
        bound = bound_course(session, context_id)
        if bound is None:
            courses = loaded_courses(session)
        else:
            courses = [bound] if bound.archived_at is None else []
        if not courses:
            # Nothing loaded (yet): the course start is still a valid place to link.
            return [LinkTarget(title="Kurswerk", text="", path="", kind="course")]
        targets = []
        for course in courses:
            targets += _course_targets(session, course)
        return targets


def _course_targets(session: Session, course: Course) -> list[LinkTarget]:
    targets = [_course_start(course)]
    for lesson in active_in_order(session, Lesson, Lesson.course_id == course.id):
        targets.append(
            LinkTarget(
                title=lesson.title,
                text=_short(lesson.learning_goal),
                path=f"lessons/{lesson.slug}",
                kind="lesson",
                course=course.slug,
            )
        )
        for exercise in active_in_order(session, Exercise, Exercise.lesson_id == lesson.id):
            targets.extend(_exercise_targets(session, course, lesson, exercise))
        targets.append(_forum_target(course, lesson))
    return targets


def _course_start(course: Course) -> LinkTarget:
    return LinkTarget(
        title=course.title,
        text=_short(course.description),
        path="",
        kind="course",
        course=course.slug,
    )


def _exercise_targets(
    session: Session, course: Course, lesson: Lesson, exercise: Exercise
) -> list[LinkTarget]:
    """The exercise with the industry open, then once per industry it has a variant for."""
    assert exercise.id is not None
    ref = ExerciseRef(exercise.id, exercise.title, lesson.slug, exercise.slug)
    variants = active_variants(session, exercise)
    industries = course_industries(session, course.id)
    open_path = exercise_target(lesson.slug, exercise.slug)
    targets = [
        LinkTarget(
            title=exercise.title,
            text=lesson.title,
            path=open_path,
            kind="exercise",
            line_item=ref.line_item(),
            course=course.slug,
        )
    ]
    for variant in variants:
        path = exercise_target(lesson.slug, exercise.slug, variant.industry)
        targets.append(
            LinkTarget(
                title=f"{exercise.title} – {industries.name(variant.industry, course.language)}",
                text=lesson.title,
                path=path,
                kind="exercise",
                custom={"kurswerk_industry": variant.industry},
                line_item=ref.line_item(variant.industry),
                course=course.slug,
            )
        )
    return targets


def _forum_target(course: Course, lesson: Lesson) -> LinkTarget:
    """The lesson's forum: its list of threads, where a learner asks a new question."""
    return LinkTarget(
        title=i18n.gettext(course.language, "Forum: %(lesson)s", lesson=lesson.title),
        text=i18n.gettext(
            course.language, "Teilnehmende und Tutor:innen fragen und antworten zu dieser Lektion."
        ),
        path=forum_target(lesson.slug),
        kind="forum",
        course=course.slug,
    )

"""The course's rules, callable without HTTP: which course an LMS course shows, the pages'
data, reading progress, and the slots of links and panels other rooms give its pages.
Other packages reach the course domain through this module.

Nothing here commits; the request's session (or the caller) owns the transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from markupsafe import Markup
from sqlalchemy import and_
from sqlmodel import Session, col, select

from course import lesson_page
from course.binding import (
    active_course,
    active_in_order,
    active_lesson,
    active_named,
    bind_named_course,
    course_for_context,
)
from course.exercise_names import (
    ExerciseRef,
    course_target,
    exercise_by_id,
    exercise_in_course,
    exercise_of_resource_id,
    exercise_of_target,
)
from course.forum.moderation import open_report_count
from course.forum.periodic import forum_task
from course.forum.periodic import run_periodic as run_forum_periodic
from course.forum.search_rebuild import rebuild_search_index
from course.help_rungs import HELP_RUNGS, RungPath, help_rung_path
from course.home_panels import (
    COURSE_HOME_PANELS,
    CourseHomePanel,
    HomePanel,
    course_home_panels,
    templated,
)
from course.industries import Industries, context_industries, course_industries, name_in
from course.lesson_end import LESSON_END_PANELS, EndPanel, LessonEndPanel, lesson_end_panels
from course.models import (
    Exercise,
    ExerciseVariant,
    Lesson,
    LessonProgress,
    LessonReading,
    Reading,
)
from course.questions.service import open_question_count
from course.views import (
    Company,
    CourseHome,
    ExerciseChoice,
    ExercisePage,
    ItemView,
    LessonSummary,
    LessonView,
    LinkedHtml,
    ReadingPage,
    VariantView,
)
from kurswerk.core.auth import Principal
from kurswerk.core.clock import utcnow
from kurswerk.core.db import upsert
from kurswerk.core.errors import BAD_REQUEST, AppError, NotFound
from kurswerk.core.extensions import CourseHomeLink, Slot, extensions
from kurswerk.core.i18n import N_

if TYPE_CHECKING:
    from starlette.requests import Request

__all__ = [
    "COURSE_HOME_LINKS",
    "COURSE_HOME_PANELS",
    "CourseHomePanel",
    "HomePanel",
    "EXERCISE_PANELS",
    "EndPanel",
    "HELP_RUNGS",
    "LESSON_END_PANELS",
    "LESSON_LINKS",
    "ExerciseChoice",
    "ExercisePage",
    "ExerciseRef",
    "ExercisePanel",
    "Industries",
    "LessonEndPanel",
    "LessonLink",
    "LessonView",
    "RungPath",
    "bind_named_course",
    "rebuild_search_index",
    "context_industries",
    "course_industries",
    "course_for_context",
    "course_home",
    "course_home_links",
    "course_home_panels",
    "templated",
    "exercise_page",
    "exercise_panels",
    "exercise_by_id",
    "exercise_in_course",
    "exercise_of_resource_id",
    "exercise_of_target",
    "find_exercise",
    "forum_target",
    "help_rung_path",
    "lesson_end_panels",
    "lesson_view",
    "name_in",
    "open_question_count",
    "open_report_count",
    "lesson_links",
    "reading_page",
    "forum_task",
    "run_forum_periodic",
    "set_lesson_read",
]


def _id(value: int | None) -> int:
    """The id of a row read from the database (never None there)."""
    assert value is not None
    return value


# --- How the LMS names a lesson's forum ---------------------------------------------


def forum_target(lesson_slug: str) -> str:
    """The lesson's forum (its list of threads) relative to ``/c/{context}/``, as a deep
    link's ``kurswerk_target``: the path of the route ``forum_list``."""
    return course_target("forum_list", slug=lesson_slug)


# --- Links a lesson shows only when their target exists ------------------------------


@dataclass(frozen=True)
class LessonLink:
    """A link in the lesson header that a later feature provides (FAQ/forum for
    "Fragen zum Inhalt der Lektion", ...). ``path(context_id, lesson_slug)`` returns the
    target path, or None where it does not exist."""

    key: str
    label: str
    path: Callable[[int, str], str | None]


LESSON_LINKS: Slot[tuple[LessonLink, ...]] = Slot("lesson links")
"""The lesson header's links, in order (the FAQ and forum pages give theirs)."""


def lesson_links(context_id: int, lesson_slug: str) -> list[tuple[str, str]]:
    """(label key, path) of every link in :data:`LESSON_LINKS` that has a target for this
    lesson."""
    result = []
    for link in extensions.get(LESSON_LINKS):
        path = link.path(context_id, lesson_slug)
        if path:
            result.append((link.label, path))
    return result


# --- Panels a later feature adds at the end of the exercise page --------------------

ExercisePanel = Callable[["Request", Session, Principal, ExercisePage, str | None], Markup | None]
"""``panel(request, session, principal, page, industry)`` returns safe HTML to show at the
end of the exercise page (e.g. the submission form of the coaching feature), or None to
show nothing. It gets the request's session, so it reads in the page's transaction."""

EXERCISE_PANELS: Slot[tuple[ExercisePanel, ...]] = Slot("exercise panels")
"""The exercise page's panels, in order (``uploads`` gives its upload panel)."""


def exercise_panels(
    request: Request,
    session: Session,
    principal: Principal,
    page: ExercisePage,
    industry: str | None,
) -> list[Markup]:
    """The HTML of every panel of :data:`EXERCISE_PANELS` that has something to show."""
    shown = []
    for panel in extensions.get(EXERCISE_PANELS):
        html = panel(request, session, principal, page, industry)
        if html:
            shown.append(html)
    return shown


# --- The lesson for other rooms' pages ----------------------------------------------


def lesson_view(session: Session, principal: Principal, slug: str) -> LessonView:
    """The lesson as its page shows it (cached; binds the LMS course on its first visit),
    for a page of another room that repeats a part of it (the upload refused)."""
    return lesson_page.lesson_page(session, principal, slug).view


# --- Links to other rooms' pages on the course home ----------------------------------

COURSE_HOME_LINKS: Slot[tuple[CourseHomeLink, ...]] = Slot("course home links")
"""The pages of other rooms the course home links to, in order (each room gives its own
``kurswerk.core.extensions.CourseHomeLink``)."""


def course_home_links() -> tuple[CourseHomeLink, ...]:
    return extensions.get(COURSE_HOME_LINKS)


# --- Progress ------------------------------------------------------------------------


def set_lesson_read(session: Session, principal: Principal, slug: str, read: bool) -> datetime:
    """Mark a lesson read (or unread again) for this learner in this LMS course."""
    course = active_course(session, principal.context_id)
    lesson = active_lesson(session, course, slug)
    now = utcnow()
    values = {
        "user_id": principal.user_id,
        "context_id": principal.context_id,
        "lesson_id": lesson.id,
        "read_at": now if read else None,
        "updated_at": now,
    }
    statement = upsert(session, LessonProgress).values(**values)
    statement = statement.on_conflict_do_update(
        index_elements=["user_id", "context_id", "lesson_id"],
        set_={"read_at": values["read_at"], "updated_at": now},
    )
    session.exec(statement)
    return now


# --- Other pages ---------------------------------------------------------------------


def course_home(session: Session, principal: Principal) -> CourseHome:
    course = active_course(session, principal.context_id)
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
        course_id=_id(course.id),
        title=course.title,
        description=course.description,
        language=course.language,
        lessons=tuple(LessonSummary(s, t, m, read_at is not None) for s, t, m, read_at in rows),
    )


def find_exercise(
    session: Session, context_id: int, lesson_slug: str, exercise_slug: str
) -> Exercise:
    """The active exercise of a lesson of this LMS course's course (for later features)."""
    course = active_course(session, context_id)
    lesson = active_lesson(session, course, lesson_slug)
    return active_named(
        session,
        Exercise,
        Exercise.lesson_id == lesson.id,
        exercise_slug,
        N_("Diese Übung gibt es nicht (mehr)."),
    )


def active_variants(session: Session, exercise: Exercise) -> Sequence[ExerciseVariant]:
    """The exercise's industry variants that are not archived, in their order."""
    return active_in_order(session, ExerciseVariant, ExerciseVariant.exercise_id == exercise.id)


def exercise_page(
    session: Session,
    principal: Principal,
    lesson_slug: str,
    exercise_slug: str,
    industry: str | None = None,
) -> ExercisePage:
    course = active_course(session, principal.context_id)
    lesson = active_lesson(session, course, lesson_slug)
    exercise = find_exercise(session, principal.context_id, lesson_slug, exercise_slug)
    rows = active_variants(session, exercise)
    industries = course_industries(session, course.id)
    if industry is not None and industry not in industries.every:
        # not one of the course's industries: a malformed request, as for any other field
        raise AppError(
            BAD_REQUEST,
            400,
            reason=f"no industry {industry!r}",
            params={"fields": "industry"},
        )
    variants = tuple(
        VariantView(
            industry=row.industry,
            name=industries.name(row.industry, principal.locale),
            companies=tuple(Company(c["name"], c.get("url"), c.get("note")) for c in row.companies),
            task=LinkedHtml.split(row.task_html),
        )
        for row in rows
    )
    selected = None
    if industry is not None:
        selected = next((v for v in variants if v.industry == industry), None)
        if selected is None:
            raise NotFound(
                N_("Zu dieser Übung gibt es keine Aufgabe für diese Branche."),
                reason=f"no variant {industry!r}",
            )
    return ExercisePage(
        course_title=course.title,
        language=course.language,
        lesson=ItemView(lesson.slug, lesson.title),
        exercise_id=_id(exercise.id),
        slug=exercise.slug,
        title=exercise.title,
        task=LinkedHtml.split(exercise.task_html),
        variants=variants,
        selected=selected,
    )


def reading_page(session: Session, principal: Principal, slug: str) -> ReadingPage:
    course = active_course(session, principal.context_id)
    reading = active_named(
        session,
        Reading,
        Reading.course_id == course.id,
        slug,
        N_("Diesen Text gibt es nicht (mehr)."),
    )
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
        author=lesson_page.author_view(session, reading.author_id),
        reading_minutes=reading.reading_minutes,
        body=LinkedHtml.split(reading.body_html),
        lessons=tuple(ItemView(s, t) for s, t in lessons),
    )

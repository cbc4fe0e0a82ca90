"""The course home's panel of the course room, for learners: where they left off (the
lesson and section they last read, one link back into it) and their progress (lessons
marked read of the course's lessons).

One query, whatever the course's size: the LMS course's binding and course, the counts as
subqueries, the position's lesson joined (only while it is an active lesson of that
course: a position in a lesson since archived shows nothing).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, bindparam, func
from sqlalchemy import select as sa_select
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from course.home_panels import HomePanel
from course.models import Course, CourseBinding, Lesson, LessonProgress
from course.progress.models import ReadingPosition
from course.progress.position import toc_ids
from kurswerk.core.auth import Principal, Role

if TYPE_CHECKING:
    from starlette.requests import Request

TEMPLATE = "course/home_progress.html"

_Counted = aliased(Lesson)
_Read = aliased(Lesson)
_First = aliased(Lesson)
_Here = aliased(Lesson)


def _active_of_course(lesson: Any) -> Any:
    return and_(lesson.course_id == col(Course.id), col(lesson.archived_at).is_(None))


_QUERY = (
    sa_select(
        sa_select(func.count())
        .select_from(_Counted)
        .where(_active_of_course(_Counted))
        .scalar_subquery()
        .label("total"),
        sa_select(func.count())
        .select_from(LessonProgress)
        .join(_Read, col(_Read.id) == col(LessonProgress.lesson_id))
        .where(
            col(LessonProgress.user_id) == bindparam("user_id"),
            col(LessonProgress.context_id) == col(CourseBinding.context_id),
            col(LessonProgress.read_at).is_not(None),
            _active_of_course(_Read),
        )
        .scalar_subquery()
        .label("read"),
        sa_select(col(_First.slug))
        .where(_active_of_course(_First))
        .order_by(col(_First.position), col(_First.id))
        .limit(1)
        .scalar_subquery()
        .label("first_slug"),
        col(_Here.slug),
        col(_Here.title),
        col(_Here.toc),
        col(ReadingPosition.section),
        col(Course.language),
    )
    .select_from(CourseBinding)
    .join(Course, col(Course.id) == col(CourseBinding.course_id))
    .outerjoin(
        ReadingPosition,
        and_(
            col(ReadingPosition.context_id) == col(CourseBinding.context_id),
            col(ReadingPosition.user_id) == bindparam("user_id"),
        ),
    )
    .outerjoin(
        _Here, and_(col(_Here.id) == col(ReadingPosition.lesson_id), _active_of_course(_Here))
    )
    .where(col(CourseBinding.context_id) == bindparam("context_id"))
)


@dataclass(frozen=True)
class Position:
    """The lesson (and section, "" for its top) to go back to."""

    slug: str
    title: str
    section: str = ""
    section_title: str = ""


@dataclass(frozen=True)
class ReadingProgress:
    total: int  # the course's active lessons
    read: int  # of them marked read by this learner in this LMS course
    first_slug: str | None  # where to begin without a position
    position: Position | None
    language: str  # the course's (titles are written in it)

    @property
    def percent(self) -> int:
        return round(100 * self.read / self.total) if self.total else 0


def reading_progress(session: Session, principal: Principal) -> ReadingProgress | None:
    """The learner's progress and position in their LMS course (None: no course bound)."""
    row = session.execute(
        _QUERY, {"user_id": principal.user_id, "context_id": principal.context_id}
    ).first()
    if row is None:
        return None
    position = None
    if row.slug is not None:
        section = row.section or ""
        title = toc_ids(row.toc or ()).get(section, "") if section else ""
        position = Position(row.slug, row.title, section if title else "", title)
    return ReadingProgress(
        total=int(row.total),
        read=int(row.read),
        first_slug=row.first_slug,
        position=position,
        language=row.language,
    )


def progress_panel(request: Request, session: Session, principal: Principal) -> HomePanel | None:
    """Where the learner left off and how far they are; nothing for tutors and admins
    (their home shows what waits for them)."""
    if principal.role is not Role.LEARNER:
        return None
    progress = reading_progress(session, principal)
    if progress is None or progress.total == 0:
        return None
    return HomePanel(TEMPLATE, {"progress": progress})

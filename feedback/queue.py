"""The tutor feedback queue (coaching issue §3, DESIGN.md §2 step 4: ``GET /c/{context}/queue``).

Awaiting submissions of one LMS course, oldest first, each with its age against the
feedback target (``feedback.workdays``), filtered by lesson, exercise, industry and
status, in pages of :data:`PAGE_SIZE` with a keyset cursor ``(submitted_at, id)``.

It has to stay fast with 100,000 submissions (goal: p99 under 50 ms server time for the
page), so the list is **one query** built around the index
``ix_submission_queue (context_id, status, submitted_at)``:

* one branch per status asked for, each ``WHERE context_id = ? AND status = ?`` plus the
  cursor as a range on ``submitted_at``, ``ORDER BY submitted_at, id LIMIT n + 1``: an
  ordered index range scan that stops after n + 1 matching rows. Several statuses
  ("open" = eingereicht + in Bearbeitung) are a ``UNION ALL`` of such branches merged by
  the outer query; a single ``status IN (...)`` would make the database read and sort
  every open submission, since one index range cannot return two statuses in date order;
* only the page's rows are joined to learner, exercise, lesson and claim (with the
  claim holder's name): no query per row.

The filter choices (lessons and exercises of the course) are a second, small query over
the course content.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any

from sqlalchemy import bindparam, or_, select, union_all
from sqlmodel import Session

from course import service as course_service
from course.models import CourseBinding, Exercise, Lesson
from feedback.claims import display_name
from feedback.models import ReviewClaim
from feedback.workdays import Age, age_of, as_utc
from lti.models import PlatformUser
from uploads.models import Submission, SubmissionStatus

PAGE_SIZE = 50
INDUSTRIES = ("media", "fmcg", "retail", "b2b")

_s = Submission.__table__  # type: ignore[attr-defined]
_e = Exercise.__table__  # type: ignore[attr-defined]
_l = Lesson.__table__  # type: ignore[attr-defined]
_claims = ReviewClaim.__table__  # type: ignore[attr-defined]
_binding = CourseBinding.__table__  # type: ignore[attr-defined]
_learner = PlatformUser.__table__.alias("learner")  # type: ignore[attr-defined]
_holder = PlatformUser.__table__.alias("holder")  # type: ignore[attr-defined]


class StatusFilter(enum.StrEnum):
    OPEN = "open"  # eingereicht or in Bearbeitung (the default)
    SUBMITTED = "submitted"
    IN_REVIEW = "in_review"
    RELEASED = "feedback_released"
    ALL = "all"

    @property
    def statuses(self) -> tuple[SubmissionStatus, ...]:
        return {
            StatusFilter.OPEN: (SubmissionStatus.SUBMITTED, SubmissionStatus.IN_REVIEW),
            StatusFilter.SUBMITTED: (SubmissionStatus.SUBMITTED,),
            StatusFilter.IN_REVIEW: (SubmissionStatus.IN_REVIEW,),
            StatusFilter.RELEASED: (SubmissionStatus.FEEDBACK_RELEASED,),
            StatusFilter.ALL: tuple(SubmissionStatus),
        }[self]


class BadCursor(ValueError):
    pass


@dataclass(frozen=True)
class Cursor:
    """Where a page ends: the last row's ``(submitted_at, id)``; in URLs ``<µs>.<id>``."""

    submitted_at: datetime
    submission_id: int

    def encode(self) -> str:
        moment = as_utc(self.submitted_at) - datetime(1970, 1, 1, tzinfo=UTC)
        micros = (moment.days * 86_400 + moment.seconds) * 1_000_000 + moment.microseconds
        return f"{micros}.{self.submission_id}"

    @classmethod
    def decode(cls, value: str) -> Cursor:
        micros, dot, ident = value.partition(".")
        if not (dot and micros.isdigit() and ident.isdigit()) or len(value) > 40:
            raise BadCursor(value)
        try:
            moment = datetime(1970, 1, 1, tzinfo=UTC) + timedelta(microseconds=int(micros))
        except OverflowError as exc:
            raise BadCursor(value) from exc
        return cls(moment, int(ident))


@dataclass(frozen=True)
class QueueFilters:
    status: StatusFilter = StatusFilter.OPEN
    lesson: str | None = None  # lesson slug
    exercise: int | None = None  # exercise id
    industry: str | None = None
    after: Cursor | None = None

    def query(self, **changes: Any) -> dict[str, str]:
        """The filters as URL parameters (without defaults), e.g. for the next page."""
        values = {
            "status": self.status.value if self.status != StatusFilter.OPEN else None,
            "lesson": self.lesson,
            "exercise": str(self.exercise) if self.exercise is not None else None,
            "industry": self.industry,
            "after": self.after.encode() if self.after else None,
        }
        values.update(changes)
        return {k: v for k, v in values.items() if v}


@dataclass(frozen=True)
class ExerciseOption:
    id: int
    title: str


@dataclass(frozen=True)
class LessonOption:
    slug: str
    title: str
    exercises: tuple[ExerciseOption, ...]


@dataclass(frozen=True)
class QueueRow:
    submission_id: int
    submitted_at: datetime
    version: int
    status: SubmissionStatus
    learner_name: str
    lesson_title: str
    exercise_title: str
    industry: str
    holder_name: str | None
    claim_mine: bool
    claim_expired: bool
    age: Age


@dataclass(frozen=True)
class QueuePage:
    rows: tuple[QueueRow, ...]
    filters: QueueFilters
    next_cursor: Cursor | None
    outline: tuple[LessonOption, ...]
    target_days: int
    overdue_on_page: int = field(default=0)


def course_outline(session: Session, context_id: int) -> tuple[LessonOption, ...]:
    """Lessons and their exercises of the course this LMS course shows (filter choices).

    One query over the course binding; an LMS course without one yet (nobody has opened
    it) is bound the way the course pages do it, on this first use.
    """
    rows = session.execute(_outline_statement(), {"context_id": context_id}).all()
    if not rows:
        course_service.course_for_context(session, context_id)  # binds, or 404 without content
        rows = session.execute(_outline_statement(), {"context_id": context_id}).all()
    lessons: dict[str, tuple[str, list[ExerciseOption]]] = {}
    for row in rows:
        lessons.setdefault(row.slug, (row.title, []))[1].append(
            ExerciseOption(row.id, row.exercise_title)
        )
    return tuple(LessonOption(slug, title, tuple(ex)) for slug, (title, ex) in lessons.items())


@lru_cache(maxsize=1)
def _outline_statement() -> Any:
    return (
        select(_l.c.slug, _l.c.title, _e.c.id, _e.c.title.label("exercise_title"))
        .select_from(
            _binding.join(_l, _l.c.course_id == _binding.c.course_id).join(
                _e, _e.c.lesson_id == _l.c.id
            )
        )
        .where(
            _binding.c.context_id == bindparam("context_id"),
            _l.c.archived_at.is_(None),
            _e.c.archived_at.is_(None),
        )
        .order_by(_l.c.position, _e.c.position)
    )


def _exercise_ids(outline: Sequence[LessonOption], filters: QueueFilters) -> list[int] | None:
    """The exercise ids the filters allow; None: no restriction."""
    if filters.exercise is not None:
        return [filters.exercise]
    if filters.lesson is not None:
        lesson = next((item for item in outline if item.slug == filters.lesson), None)
        return [e.id for e in lesson.exercises] if lesson else []
    return None


def _branch(
    status: SubmissionStatus, by_exercise: bool, by_industry: bool, after: bool, limit: int
) -> Any:
    query = select(_s.c.id, _s.c.submitted_at).where(
        _s.c.context_id == bindparam("context_id"), _s.c.status == status.value
    )
    if by_exercise:
        query = query.where(_s.c.exercise_id.in_(bindparam("exercise_ids", expanding=True)))
    if by_industry:
        query = query.where(_s.c.industry == bindparam("industry"))
    if after:
        at = bindparam("after_at", type_=_s.c.submitted_at.type)
        # The range on submitted_at is what the index uses; the OR settles ties by id.
        query = query.where(
            _s.c.submitted_at >= at, or_(_s.c.submitted_at > at, _s.c.id > bindparam("after_id"))
        )
    return query.order_by(_s.c.submitted_at, _s.c.id).limit(limit)


@lru_cache(maxsize=128)
def _statement(
    statuses: tuple[SubmissionStatus, ...],
    by_exercise: bool,
    by_industry: bool,
    after: bool,
    limit: int,
) -> Any:
    """The page's statement for one shape of filters, built once (values are bound)."""
    branches = [_branch(status, by_exercise, by_industry, after, limit) for status in statuses]
    if len(branches) == 1:
        page = branches[0].subquery("page")
    else:
        page = union_all(*(select(b.subquery()) for b in branches)).subquery("page")
    return (
        select(
            page.c.id,
            page.c.submitted_at,
            _s.c.status,
            _s.c.industry,
            _s.c.latest_version,
            _s.c.user_id,
            _learner.c.name.label("learner_name"),
            _e.c.title.label("exercise_title"),
            _l.c.title.label("lesson_title"),
            _claims.c.tutor_user_id.label("holder_id"),
            _claims.c.expires_at.label("claim_expires_at"),
            _holder.c.name.label("holder_name"),
        )
        .select_from(
            page.join(_s, _s.c.id == page.c.id)
            .join(_e, _e.c.id == _s.c.exercise_id)
            .join(_l, _l.c.id == _e.c.lesson_id)
            .join(_learner, _learner.c.id == _s.c.user_id)
            .outerjoin(_claims, _claims.c.submission_id == _s.c.id)
            .outerjoin(_holder, _holder.c.id == _claims.c.tutor_user_id)
        )
        .order_by(page.c.submitted_at, page.c.id)
        .limit(limit)
    )


def queue_query(
    context_id: int, filters: QueueFilters, exercise_ids: list[int] | None, limit: int
) -> tuple[Any, dict[str, Any]]:
    """The page's one query and its parameters (exposed for the benchmark's plans)."""
    statement = _statement(
        filters.status.statuses,
        exercise_ids is not None,
        filters.industry is not None,
        filters.after is not None,
        limit,
    )
    params: dict[str, Any] = {"context_id": context_id}
    if exercise_ids is not None:
        params["exercise_ids"] = exercise_ids
    if filters.industry is not None:
        params["industry"] = filters.industry
    if filters.after is not None:
        params["after_at"] = filters.after.submitted_at
        params["after_id"] = filters.after.submission_id
    return statement, params


def queue_page(
    session: Session,
    *,
    context_id: int,
    user_id: int,
    filters: QueueFilters,
    target_days: int,
    now: datetime,
    page_size: int = PAGE_SIZE,
) -> QueuePage:
    outline = course_outline(session, context_id)
    exercise_ids = _exercise_ids(outline, filters)
    rows: list[Any] = []
    if exercise_ids != []:
        statement, params = queue_query(context_id, filters, exercise_ids, page_size + 1)
        rows = list(session.execute(statement, params).all())
    more = len(rows) > page_size
    rows = rows[:page_size]
    now = as_utc(now)
    items = tuple(
        QueueRow(
            submission_id=row.id,
            submitted_at=as_utc(row.submitted_at),
            version=row.latest_version,
            status=SubmissionStatus(row.status),
            learner_name=display_name(row.learner_name, row.user_id),
            lesson_title=row.lesson_title,
            exercise_title=row.exercise_title,
            industry=row.industry,
            holder_name=(
                display_name(row.holder_name, row.holder_id) if row.holder_id is not None else None
            ),
            claim_mine=row.holder_id == user_id,
            claim_expired=(
                row.claim_expires_at is not None and as_utc(row.claim_expires_at) <= now
            ),
            age=age_of(row.submitted_at, now, target_days),
        )
        for row in rows
    )
    last = items[-1] if more and items else None
    return QueuePage(
        rows=items,
        filters=filters,
        next_cursor=Cursor(last.submitted_at, last.submission_id) if last else None,
        outline=outline,
        target_days=target_days,
        overdue_on_page=sum(
            1
            for item in items
            if item.age.overdue and item.status != SubmissionStatus.FEEDBACK_RELEASED
        ),
    )


__all__ = [
    "INDUSTRIES",
    "PAGE_SIZE",
    "BadCursor",
    "Cursor",
    "ExerciseOption",
    "LessonOption",
    "QueueFilters",
    "QueuePage",
    "QueueRow",
    "StatusFilter",
    "course_outline",
    "queue_page",
    "queue_query",
]

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
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any

from sqlalchemy import and_, bindparam, or_, select, union_all
from sqlmodel import Session

from course import service as course_service
from course.models import CourseBinding, Exercise, Lesson
from feedback.claims import display_name
from feedback.models import ReviewClaim
from feedback.workdays import Age, age_of, as_utc
from lti.models import PlatformUser
from uploads.models import Submission, SubmissionStatus

PAGE_SIZE = 50
MAX_BRANCHES = 120  # index ranges one page may merge (SQLite allows 500 in a compound)
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


@dataclass(frozen=True)
class Outline:
    lessons: tuple[LessonOption, ...]  # active lessons and exercises: the filter choices
    exercise_ids: tuple[int, ...]  # every exercise of the course, archived ones too


def course_outline(session: Session, context_id: int) -> Outline:
    """Lessons and exercises of the course this LMS course shows.

    One query over the course binding; an LMS course without one yet (nobody has opened
    it) is bound the way the course pages do it, on this first use.
    """
    rows = session.execute(_outline_statement(), {"context_id": context_id}).all()
    if not rows:
        course_service.course_for_context(session, context_id)  # binds, or 404 without content
        rows = session.execute(_outline_statement(), {"context_id": context_id}).all()
    lessons: dict[str, tuple[str, list[ExerciseOption]]] = {}
    for row in rows:
        if row.active:
            lessons.setdefault(row.slug, (row.title, []))[1].append(
                ExerciseOption(row.id, row.exercise_title)
            )
    return Outline(
        lessons=tuple(
            LessonOption(slug, title, tuple(ex)) for slug, (title, ex) in lessons.items()
        ),
        exercise_ids=tuple(row.id for row in rows),
    )


@lru_cache(maxsize=1)
def _outline_statement() -> Any:
    active = and_(_l.c.archived_at.is_(None), _e.c.archived_at.is_(None))
    return (
        select(
            _l.c.slug,
            _l.c.title,
            _e.c.id,
            _e.c.title.label("exercise_title"),
            active.label("active"),
        )
        .select_from(
            _binding.join(_l, _l.c.course_id == _binding.c.course_id).join(
                _e, _e.c.lesson_id == _l.c.id
            )
        )
        .where(_binding.c.context_id == bindparam("context_id"))
        .order_by(_l.c.position, _e.c.position)
    )


def _exercise_ids(outline: Outline, filters: QueueFilters) -> list[int] | None:
    """The exercise ids the filters allow; None: no restriction."""
    if filters.exercise is not None:
        return [filters.exercise]
    if filters.lesson is not None:
        lesson = next((item for item in outline.lessons if item.slug == filters.lesson), None)
        return [e.id for e in lesson.exercises] if lesson else []
    return None


def _branch(
    status: SubmissionStatus,
    *,
    exercise: str | None = None,
    industry: str | None = None,
    exercise_list: bool = False,
    after: bool,
    limit: int,
) -> Any:
    """One ordered index range: a status (and an exercise and an industry), oldest first.

    ``exercise``/``industry`` name the bound parameters of an exact match;
    ``exercise_list`` filters by the expanding parameter ``exercise_ids`` instead.
    """
    query = select(_s.c.id, _s.c.submitted_at).where(
        _s.c.context_id == bindparam("context_id"), _s.c.status == status.value
    )
    if exercise is not None:
        query = query.where(_s.c.exercise_id == bindparam(exercise))
    if exercise_list:
        query = query.where(_s.c.exercise_id.in_(bindparam("exercise_ids", expanding=True)))
    if industry is not None:
        query = query.where(_s.c.industry == bindparam(industry))
    if after:
        at = bindparam("after_at", type_=_s.c.submitted_at.type)
        # The range on submitted_at is what the index uses; the OR settles ties by id.
        query = query.where(
            _s.c.submitted_at >= at, or_(_s.c.submitted_at > at, _s.c.id > bindparam("after_id"))
        )
    return query.order_by(_s.c.submitted_at, _s.c.id).limit(limit)


def _page_select(branches: list[Any], limit: int) -> Any:
    """Merge the branches (oldest first), keep ``limit`` rows, join what the rows show."""
    if len(branches) == 1:
        page = branches[0].subquery("page")
    else:
        # Ordered and limited itself, the merged page cannot be flattened into the outer
        # query (SQLite would otherwise run the joins in every branch).
        merged = union_all(*(select(b.subquery()) for b in branches))
        page = merged.order_by("submitted_at", "id").limit(limit).subquery("page")
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


@lru_cache(maxsize=128)
def _statement(
    statuses: tuple[SubmissionStatus, ...],
    exercises: int,
    industries: int,
    after: bool,
    limit: int,
) -> Any:
    """The page's statement for one shape of filters, built once (values are bound).

    ``exercises``/``industries``: how many of each the branches enumerate (0: not
    filtered). Unfiltered, a branch per status uses ``ix_submission_queue``; filtered, a
    branch per (status, exercise, industry) uses ``ix_submission_queue_filter``.
    """
    exercise_names: list[str | None] = [f"exercise_{n}" for n in range(exercises)] or [None]
    industry_names: list[str | None] = [f"industry_{n}" for n in range(industries)] or [None]
    branches = [
        _branch(status, exercise=exercise, industry=industry, after=after, limit=limit)
        for status in statuses
        for exercise in exercise_names
        for industry in industry_names
    ]
    return _page_select(branches, limit)


@lru_cache(maxsize=32)
def _filtered_scan(
    statuses: tuple[SubmissionStatus, ...],
    by_exercise: bool,
    by_industry: bool,
    after: bool,
    limit: int,
) -> Any:
    """The fallback for very many branches: per status one range, filtered while read."""
    branches = [
        _branch(
            status,
            exercise_list=by_exercise,
            industry="industry" if by_industry else None,
            after=after,
            limit=limit,
        )
        for status in statuses
    ]
    return _page_select(branches, limit)


def queue_query(
    context_id: int, filters: QueueFilters, outline: Outline, limit: int
) -> tuple[Any, dict[str, Any]] | None:
    """The page's one query and its parameters; None when the filters match nothing.

    With an exercise or industry filter the branches enumerate the other dimension too
    (every exercise of the course, every industry), so that each branch is an exact
    prefix of the filter index and stops after ``limit`` rows, however few match. Past
    :data:`MAX_BRANCHES` (a course with very many exercises) it falls back to one branch
    per status that filters while it reads.
    """
    exercise_ids = _exercise_ids(outline, filters)
    params: dict[str, Any] = {"context_id": context_id}
    after = filters.after is not None
    if filters.after is not None:
        params["after_at"] = filters.after.submitted_at
        params["after_id"] = filters.after.submission_id
    statuses = filters.status.statuses
    if exercise_ids is None and filters.industry is None:
        return _statement(statuses, 0, 0, after, limit), params
    exercises = list(outline.exercise_ids) if exercise_ids is None else exercise_ids
    industries = list(INDUSTRIES) if filters.industry is None else [filters.industry]
    if not exercises:
        return None
    if len(statuses) * len(exercises) * len(industries) > MAX_BRANCHES:
        if exercise_ids is not None:
            params["exercise_ids"] = exercise_ids
        if filters.industry is not None:
            params["industry"] = filters.industry
        by_exercise, by_industry = exercise_ids is not None, filters.industry is not None
        return _filtered_scan(statuses, by_exercise, by_industry, after, limit), params
    params.update({f"exercise_{n}": ident for n, ident in enumerate(exercises)})
    params.update({f"industry_{n}": name for n, name in enumerate(industries)})
    return _statement(statuses, len(exercises), len(industries), after, limit), params


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
    query = queue_query(context_id, filters, outline, page_size + 1)
    rows: list[Any] = list(session.execute(*query).all()) if query is not None else []
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
        outline=outline.lessons,
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
    "Outline",
    "QueueFilters",
    "QueuePage",
    "QueueRow",
    "StatusFilter",
    "course_outline",
    "queue_page",
    "queue_query",
]

"""The tutor queue's SQL: the filter choices (one query) and the page (one query).

Every branch of the page's query is one ordered index range that stops after a page:

* unfiltered, one branch per status on ``ix_submission_queue (context_id, status,
  submitted_at)``;
* filtered by exercise (or lesson) or industry, one branch per (status, exercise,
  industry) on ``ix_submission_queue_filter (context_id, status, exercise_id, industry,
  submitted_at)`` (migration 0008): the dimension not filtered is enumerated (every
  exercise of the course, every industry), so each branch is an exact index prefix and
  a filter that matches few or no open submissions costs no more than one that matches
  many. Past :data:`MAX_BRANCHES` it falls back to one branch per status that filters
  while it reads.

Who works on it (``claim``: nobody, or the tutor looking) and "overdue" (submitted
before a moment, ``feedback.workdays.overdue_before``) narrow every branch: the first is
an index lookup per row read, the second the range's upper end. "Unread" (released
feedback its learner has not opened, ``feedback.dialogue.receipts``) is an index lookup
per row read, like the claim.

The branches are merged ``UNION ALL`` and limited, then joined to what a row shows.
Statements are built once per shape of filters (``lru_cache``) with bound values.
"""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import and_, bindparam, exists, or_, select, union_all
from sqlmodel import Session

from course import service as course_service
from course.models import CourseBinding, Exercise, Lesson
from feedback.dialogue.receipts import unread_latest
from feedback.models import ReviewClaim
from feedback.queue_values import (
    ClaimFilter,
    ExerciseOption,
    LessonOption,
    Outline,
    QueueFilters,
)
from lti.models import PlatformUser
from uploads.models import Submission, SubmissionStatus

MAX_BRANCHES = 120  # index ranges one page may merge (SQLite allows 500 in a compound)

_s = Submission.__table__  # type: ignore[attr-defined]
_e = Exercise.__table__  # type: ignore[attr-defined]
_l = Lesson.__table__  # type: ignore[attr-defined]
_claims = ReviewClaim.__table__  # type: ignore[attr-defined]
_binding = CourseBinding.__table__  # type: ignore[attr-defined]
_learner = PlatformUser.__table__.alias("learner")  # type: ignore[attr-defined]
_holder = PlatformUser.__table__.alias("holder")  # type: ignore[attr-defined]


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
        industries=course_service.context_industries(session, context_id),
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
    claim: ClaimFilter | None = None,
    before: bool = False,
    unread: bool = False,
    after: bool,
    limit: int,
) -> Any:
    """One ordered index range: a status (and an exercise and an industry), oldest first.

    ``exercise``/``industry`` name the bound parameters of an exact match;
    ``exercise_list`` filters by the expanding parameter ``exercise_ids`` instead;
    ``claim`` by the claim (``me``: the tutor), ``before`` by ``submitted_at < before_at``,
    ``unread`` by the latest version's feedback having no read receipt.
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
    if claim is not None:
        claimed = exists().where(_claims.c.submission_id == _s.c.id)
        if claim == ClaimFilter.MINE:
            query = query.where(claimed.where(_claims.c.tutor_user_id == bindparam("me")))
        else:
            query = query.where(~claimed)
    if before:
        query = query.where(
            _s.c.submitted_at < bindparam("before_at", type_=_s.c.submitted_at.type)
        )
    if unread:
        query = query.where(unread_latest())
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
    narrow: tuple[ClaimFilter | None, bool, bool],
    after: bool,
    limit: int,
) -> Any:
    """The page's statement for one shape of filters, built once (values are bound).

    ``exercises``/``industries``: how many of each the branches enumerate (0: not
    filtered). Unfiltered, a branch per status uses ``ix_submission_queue``; filtered, a
    branch per (status, exercise, industry) uses ``ix_submission_queue_filter``.
    ``narrow``: the claim filter and whether "overdue" and "unread" apply.
    """
    exercise_names: list[str | None] = [f"exercise_{n}" for n in range(exercises)] or [None]
    industry_names: list[str | None] = [f"industry_{n}" for n in range(industries)] or [None]
    claim, before, unread = narrow
    branches = [
        _branch(
            status,
            exercise=exercise,
            industry=industry,
            claim=claim,
            before=before,
            unread=unread,
            after=after,
            limit=limit,
        )
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
    narrow: tuple[ClaimFilter | None, bool, bool],
    after: bool,
    limit: int,
) -> Any:
    """The fallback for very many branches: per status one range, filtered while read."""
    claim, before, unread = narrow
    branches = [
        _branch(
            status,
            exercise_list=by_exercise,
            industry="industry" if by_industry else None,
            claim=claim,
            before=before,
            unread=unread,
            after=after,
            limit=limit,
        )
        for status in statuses
    ]
    return _page_select(branches, limit)


def queue_query(
    context_id: int,
    filters: QueueFilters,
    outline: Outline,
    limit: int,
    *,
    user_id: int | None = None,
    overdue_before: datetime | None = None,
) -> tuple[Any, dict[str, Any]] | None:
    """The page's one query and its parameters; None when the filters match nothing.

    With an exercise or industry filter the branches enumerate the other dimension too
    (every exercise of the course, every industry), so that each branch is an exact
    prefix of the filter index and stops after ``limit`` rows, however few match. Past
    :data:`MAX_BRANCHES` (a course with very many exercises) it falls back to one branch
    per status that filters while it reads.

    ``user_id`` is the tutor of the claim filter "mine"; ``overdue_before`` the moment
    the filter "overdue" lists the submissions before (``feedback.workdays``).
    """
    exercise_ids = _exercise_ids(outline, filters)
    params: dict[str, Any] = {"context_id": context_id}
    after = filters.after is not None
    if filters.after is not None:
        params["after_at"] = filters.after.submitted_at
        params["after_id"] = filters.after.submission_id
    if filters.claim == ClaimFilter.MINE:
        if user_id is None:
            raise ValueError("the claim filter 'mine' needs the tutor's user_id")
        params["me"] = user_id
    if filters.overdue:
        if overdue_before is None:
            raise ValueError("the filter 'overdue' needs the moment overdue_before")
        params["before_at"] = overdue_before
    narrow = (filters.claim, filters.overdue, filters.unread)
    statuses = filters.statuses
    if not statuses:
        return None
    if exercise_ids is None and filters.industry is None:
        return _statement(statuses, 0, 0, narrow, after, limit), params
    exercises = list(outline.exercise_ids) if exercise_ids is None else exercise_ids
    industries = list(outline.industries.every) if filters.industry is None else [filters.industry]
    if not exercises:
        return None
    if len(statuses) * len(exercises) * len(industries) > MAX_BRANCHES:
        if exercise_ids is not None:
            params["exercise_ids"] = exercise_ids
        if filters.industry is not None:
            params["industry"] = filters.industry
        by_exercise, by_industry = exercise_ids is not None, filters.industry is not None
        return _filtered_scan(statuses, by_exercise, by_industry, narrow, after, limit), params
    params.update({f"exercise_{n}": ident for n, ident in enumerate(exercises)})
    params.update({f"industry_{n}": name for n, name in enumerate(industries)})
    return _statement(statuses, len(exercises), len(industries), narrow, after, limit), params

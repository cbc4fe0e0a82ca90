"""The tutor feedback queue (coaching issue §3, DESIGN.md §2 step 4: ``GET /c/{context}/queue``).

Awaiting submissions of one LMS course, oldest first, each with its age against the
feedback target (``feedback.workdays``), filtered by lesson, exercise, industry and
status, in pages of :data:`PAGE_SIZE` with a keyset cursor ``(submitted_at, id)``.

It has to stay fast with 100,000 submissions (goal: p99 under 50 ms server time for the
page; ``bench/queue.py`` measures it), so the list is **one query** whose every branch is
an ordered index range that stops after a page (``feedback.queue_sql``): several
statuses ("open" = eingereicht + in Bearbeitung) are merged from one range each, because
a single ``status IN (...)`` would make the database read and sort every open submission
(one index range cannot return two statuses in date order). Only the page's rows are
joined to learner, exercise, lesson and claim: no query per row. The filter choices are
a second, small query over the course content.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlmodel import Session

from course import service as course_service
from feedback.claims import display_name
from feedback.queue_sql import MAX_BRANCHES, course_outline, queue_query
from feedback.queue_values import (
    BadCursor,
    ClaimFilter,
    Cursor,
    ExerciseOption,
    LessonOption,
    Outline,
    QueueFilters,
    StatusFilter,
)
from feedback.workdays import Age, age_of, overdue_before
from kurswerk.core.clock import as_utc
from kurswerk.core.errors import AppError
from kurswerk.core.i18n import N_
from uploads.models import SubmissionStatus

PAGE_SIZE = 50
BAD_FILTER = N_(
    "Dieser Filter oder Seitenverweis ist ungültig. Bitte wählen Sie die Filter auf der Seite neu."
)
"""The refusal of a filter or page link the queue cannot read."""


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
    industries: course_service.Industries = field(default_factory=course_service.Industries)
    overdue_on_page: int = field(default=0)


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
    if filters.industry is not None and filters.industry not in outline.industries.every:
        raise AppError(BAD_FILTER, 400, reason=f"{filters.industry!r}")
    query = queue_query(
        context_id,
        filters,
        outline,
        page_size + 1,
        user_id=user_id,
        overdue_before=overdue_before(now, target_days) if filters.overdue else None,
    )
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
        industries=outline.industries,
        overdue_on_page=sum(
            1
            for item in items
            if item.age.overdue and item.status != SubmissionStatus.FEEDBACK_RELEASED
        ),
    )


__all__ = [
    "MAX_BRANCHES",
    "PAGE_SIZE",
    "BadCursor",
    "ClaimFilter",
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

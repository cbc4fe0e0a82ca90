"""The tutors' queue (``/c/{context}/queue``): the course's submissions by status, lesson,
exercise and industry, oldest first, a page at a time (keyset cursor).

Thin: parse the filters (a bad one is a 400), call ``feedback.queue.queue_page``, render.
"""

from __future__ import annotations

from types import SimpleNamespace

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from course.service import Industries
from feedback import queue as feedback_queue
from feedback.formatting import HELPERS
from feedback.routes.tutor import MAX_ID, TutorPrincipal, bounded_id, settings_of
from kurswerk.core import i18n
from kurswerk.core.auth import Role
from kurswerk.core.clock import utcnow
from kurswerk.core.db import SessionDep
from kurswerk.core.errors import AppError
from kurswerk.core.extensions import CourseHomeLink
from kurswerk.core.templating import render
from lti import service as lti_service
from uploads.models import SubmissionStatus

MAX_INDUSTRY_CHARS = 16  # the width of the column (which industries: the course's own)

router = APIRouter(prefix="/c/{context}")


def _filters(
    status: str, lesson: str, exercise: str, industry: str, after: str
) -> feedback_queue.QueueFilters:
    try:
        status_filter = feedback_queue.StatusFilter(status or "open")
        cursor = feedback_queue.Cursor.decode(after) if after else None
    except ValueError as exc:  # BadCursor is a ValueError too
        raise AppError("feedback.queue.bad_filter", 400, reason=str(exc)) from exc
    exercise_id = bounded_id(exercise) if exercise else None
    if (exercise and exercise_id is None) or len(industry) > MAX_INDUSTRY_CHARS:
        raise AppError("feedback.queue.bad_filter", 400, reason=f"{exercise!r} {industry!r}")
    if cursor is not None and cursor.submission_id > MAX_ID:
        raise AppError("feedback.queue.bad_filter", 400, reason="cursor id out of range")
    return feedback_queue.QueueFilters(
        status=status_filter,
        lesson=lesson[:100] or None,
        exercise=exercise_id,
        industry=industry or None,
        after=cursor,
    )


QUEUE_LINK = CourseHomeLink(
    "feedback.queue.title", "feedback_queue", frozenset({Role.TUTOR, Role.ADMIN})
)
"""The tutors' queue on the course home, for tutors and admins."""


@router.get("/queue", name="feedback_queue")
def queue(
    request: Request,
    principal: TutorPrincipal,
    session: SessionDep,
    status: str = "",
    lesson: str = "",
    exercise: str = "",
    industry: str = "",
    after: str = "",
) -> HTMLResponse:
    filters = _filters(status, lesson, exercise, industry, after)
    page = feedback_queue.queue_page(
        session,
        context_id=principal.context_id,
        user_id=principal.user_id,
        filters=filters,
        target_days=settings_of(request).feedback_target_days,
        now=utcnow(),
        page_size=feedback_queue.PAGE_SIZE,
    )
    return render(
        request,
        "feedback/review_queue.html",
        {
            "page": page,
            # Tutors should know when their feedback will not show in the LMS gradebook.
            "gradebook_note": lti_service.course_services(session, principal.context_id).grades,
            "industries": page.industries.active,
            "statuses": list(feedback_queue.StatusFilter),
            "labels": _queue_labels(principal.locale, page.industries),
            **HELPERS,
        },
    )


def _queue_labels(locale: str, industries: Industries) -> SimpleNamespace:
    """The texts every queue row repeats, translated once per page. A namespace, not a
    dict: Jinja looks up ``labels.x`` as an attribute first, and a dict makes that raise
    and catch an AttributeError on every row (measured: most of the page's render time)."""

    def t(key: str) -> str:
        return i18n.translate(locale, key)

    return SimpleNamespace(
        **{
            "status": {s.value: t(f"feedback.status.{s.value}") for s in SubmissionStatus},
            "industry": industries.names_in(locale),
            "version": t("feedback.queue.col.version"),
            "by": t("feedback.queue.claimed_by"),
            "by_you": t("feedback.queue.claimed_by_you"),
            "expired": t("feedback.queue.claim_expired"),
            "no_target": t("feedback.age.none"),
            "overdue": t("feedback.age.overdue"),
            "last_day": t("feedback.age.last_day"),
            "left_one": t("feedback.age.left_one"),
            "open": t("feedback.queue.open"),
        }
    )

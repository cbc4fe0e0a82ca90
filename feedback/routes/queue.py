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
from feedback.formatting import HELPERS, STATUS_NAMES
from feedback.routes.tutor import MAX_ID, TutorPrincipal, bounded_id, settings_of
from kurswerk.core import i18n
from kurswerk.core.auth import Role
from kurswerk.core.clock import utcnow
from kurswerk.core.db import SessionDep
from kurswerk.core.errors import AppError
from kurswerk.core.extensions import CourseHomeLink
from kurswerk.core.i18n import N_
from kurswerk.core.templating import render
from lti import service as lti_service

MAX_INDUSTRY_CHARS = 16  # the width of the column (which industries: the course's own)

router = APIRouter(prefix="/c/{context}")


def _filters(
    status: str, lesson: str, exercise: str, industry: str, after: str
) -> feedback_queue.QueueFilters:
    try:
        status_filter = feedback_queue.StatusFilter(status or "open")
        cursor = feedback_queue.Cursor.decode(after) if after else None
    except ValueError as exc:  # BadCursor is a ValueError too
        raise AppError(feedback_queue.BAD_FILTER, 400, reason=str(exc)) from exc
    exercise_id = bounded_id(exercise) if exercise else None
    if (exercise and exercise_id is None) or len(industry) > MAX_INDUSTRY_CHARS:
        raise AppError(feedback_queue.BAD_FILTER, 400, reason=f"{exercise!r} {industry!r}")
    if cursor is not None and cursor.submission_id > MAX_ID:
        raise AppError(feedback_queue.BAD_FILTER, 400, reason="cursor id out of range")
    return feedback_queue.QueueFilters(
        status=status_filter,
        lesson=lesson[:100] or None,
        exercise=exercise_id,
        industry=industry or None,
        after=cursor,
    )


QUEUE_LINK = CourseHomeLink(
    N_("Feedback-Warteschlange"), "feedback_queue", frozenset({Role.TUTOR, Role.ADMIN})
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

    return SimpleNamespace(
        **{
            "status": {s.value: i18n.gettext(locale, name) for s, name in STATUS_NAMES.items()},
            "industry": industries.names_in(locale),
            "version": i18n.gettext(locale, "Fassung"),
            # "von <name>": who holds the claim
            "by": i18n.pgettext(locale, "claim held by", "von"),
            "by_you": i18n.gettext(locale, "von Ihnen"),
            "expired": i18n.gettext(locale, "Vormerkung abgelaufen"),
            "no_target": i18n.gettext(locale, "keine Frist"),
            "overdue": i18n.gettext(locale, "Überfällig"),
            "last_day": i18n.gettext(locale, "letzter Tag"),
            "open": i18n.gettext(locale, "Öffnen"),
        }
    )

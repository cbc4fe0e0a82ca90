"""The tutors' queue (``/c/{context}/queue``): the course's submissions by status, lesson,
exercise, industry, claim and deadline, oldest first, a page at a time (keyset cursor);
with the tutor's day (``feedback.tutor_day``) above it, on the course home too, and
"Nächste Einreichung" (``feedback.next_submission``), which claims the oldest free one.

Thin: parse the filters (a bad one is a 400), call the use-case modules, render.
"""

from __future__ import annotations

from types import SimpleNamespace

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlmodel import Session

from course.service import HomePanel, Industries
from feedback import access, tutor_day
from feedback import next_submission as next_module
from feedback import queue as feedback_queue
from feedback.dialogue import inbox
from feedback.formatting import HELPERS, STATUS_NAMES
from feedback.routes.tutor import (
    FORM_POST,
    MAX_ID,
    FormData,
    TutorPrincipal,
    bounded_id,
    claim_ttl,
    done_message,
    review_path,
    settings_of,
)
from kurswerk.core import i18n
from kurswerk.core.auth import Principal, Role
from kurswerk.core.clock import utcnow
from kurswerk.core.db import SessionDep
from kurswerk.core.errors import AppError
from kurswerk.core.extensions import CourseHomeLink
from kurswerk.core.i18n import N_
from kurswerk.core.paths import request_path
from kurswerk.core.templating import redirect_to, render
from lti import service as lti_service

MAX_INDUSTRY_CHARS = 16  # the width of the column (which industries: the course's own)

router = APIRouter(prefix="/c/{context}")


NONE_LEFT = "none_left"
"""``?done=`` of the queue after "Nächste Einreichung" found nothing to take."""


def _filters(
    status: str,
    lesson: str,
    exercise: str,
    industry: str,
    after: str,
    claim: str = "",
    overdue: str = "",
) -> feedback_queue.QueueFilters:
    try:
        status_filter = feedback_queue.StatusFilter(status or "open")
        claim_filter = feedback_queue.ClaimFilter(claim) if claim else None
        cursor = feedback_queue.Cursor.decode(after) if after else None
    except ValueError as exc:  # BadCursor is a ValueError too
        raise AppError(feedback_queue.BAD_FILTER, 400, reason=str(exc)) from exc
    exercise_id = bounded_id(exercise) if exercise else None
    if (
        (exercise and exercise_id is None)
        or len(industry) > MAX_INDUSTRY_CHARS
        or overdue not in ("", "1")
    ):
        raise AppError(
            feedback_queue.BAD_FILTER, 400, reason=f"{exercise!r} {industry!r} {overdue!r}"
        )
    if cursor is not None and cursor.submission_id > MAX_ID:
        raise AppError(feedback_queue.BAD_FILTER, 400, reason="cursor id out of range")
    return feedback_queue.QueueFilters(
        status=status_filter,
        lesson=lesson[:100] or None,
        exercise=exercise_id,
        industry=industry or None,
        after=cursor,
        claim=claim_filter,
        overdue=overdue == "1",
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
    claim: str = "",
    overdue: str = "",
    done: str = "",
) -> HTMLResponse:
    filters = _filters(status, lesson, exercise, industry, after, claim, overdue)
    target_days = settings_of(request).feedback_target_days
    now = utcnow()
    page = feedback_queue.queue_page(
        session,
        context_id=principal.context_id,
        user_id=principal.user_id,
        filters=filters,
        target_days=target_days,
        now=now,
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
            "claims": list(feedback_queue.ClaimFilter),
            "labels": _queue_labels(principal.locale, page.industries),
            "counts": tutor_day.tutor_day(session, principal, target_days=target_days, now=now),
            # Follow-up questions to answer, each with its promised day (feedback.dialogue).
            "followups": inbox.open_questions(session, principal, now=now),
            "done": _queue_done(principal.locale, done),
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


def _queue_done(locale: str, done: str) -> str:
    if done == NONE_LEFT:
        return i18n.gettext(
            locale, "Für diese Auswahl wartet keine Einreichung, die noch niemand übernommen hat."
        )
    return done_message(locale, done)


@router.post("/queue/next", name="feedback_next", dependencies=FORM_POST)
def next_submission(
    request: Request, principal: TutorPrincipal, session: SessionDep, form: FormData
) -> Response:
    """Claim the oldest free submission within the queue's filters (the form carries the
    filters of the page it was sent from) and open it; none left: back to the queue."""
    filters = _filters(
        form.get("status", ""),
        form.get("lesson", ""),
        form.get("exercise", ""),
        form.get("industry", ""),
        "",
        overdue=form.get("overdue", ""),
    )
    taken = next_module.take_next(
        session,
        principal,
        filters,
        ttl=claim_ttl(request),
        target_days=settings_of(request).feedback_target_days,
        now=utcnow(),
    )
    if taken is None:
        queue_path = request_path(request, "feedback_queue", context=principal.context_id)
        return redirect_to(request, principal, queue_path, done=NONE_LEFT, **filters.query())
    path = review_path(principal, taken)
    return redirect_to(request, principal, path, done="claimed")


def tutor_day_panel(request: Request, session: Session, principal: Principal) -> HomePanel | None:
    """The course home's "Ihr Tag" for tutors and admins (``course.service``'s
    ``COURSE_HOME_PANELS``); nothing for learners."""
    if not access.is_staff(principal):
        return None
    day = tutor_day.tutor_day(
        session,
        principal,
        target_days=settings_of(request).feedback_target_days,
        now=utcnow(),
    )
    return HomePanel("feedback/tutor_day_panel.html", {"day": day})

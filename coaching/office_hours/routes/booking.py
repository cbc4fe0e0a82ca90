"""The learner's office hours: the page ``/c/{context}/office-hours`` (what is left this
month and in the months with free slots, the free slots by day, their bookings with
cancelling), booking one slot with a topic and optionally one PDF, and the PDF.

Booking is a ``multipart/form-data`` POST that this route streams itself, the way a
submission is uploaded (``uploads.submissions``): the rules are checked first in a short
transaction of its own (nothing is held while the body arrives), then the body is read
with the CSRF field before the file (``kurswerk.core.files.intake.receive_form``: the
file may be left out), the PDF is checked and stored like a submission's
(``kurswerk.core.files``), and the booking is written in the request's session, with
every rule checked again under the learner's grant lock (``booking.book``).
"""

from __future__ import annotations

from functools import lru_cache, partial
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, Response, StreamingResponse
from sqlalchemy.engine import Engine
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from coaching.common import CoachingRefused, Problem, coaching_offers, coaching_summary
from coaching.format import Formatter
from coaching.office_hours import booking, queries, views
from coaching.office_hours.models import OfficeHourSlot
from coaching.routes.base import router
from kurswerk.core.auth import ContextPrincipal, Principal, Role
from kurswerk.core.body_limit import StreamedBody, streams_own_body
from kurswerk.core.clock import as_utc, utcnow
from kurswerk.core.csrf import CsrfChecked, CsrfGate, StreamedCsrf
from kurswerk.core.db import RowId, SessionDep, new_session
from kurswerk.core.errors import NotFound
from kurswerk.core.extensions import CourseHomeLink
from kurswerk.core.files.download import pdf_download
from kurswerk.core.files.errors import UploadRejected
from kurswerk.core.files.intake import IntakeLimits, ReceivedUpload, receive_form
from kurswerk.core.files.pdf.check import check_pdf
from kurswerk.core.files.scan import ensure_clean, scanner_from_settings
from kurswerk.core.files.storage import Storage, storage_from_settings
from kurswerk.core.http import content_disposition
from kurswerk.core.i18n import N_
from kurswerk.core.paths import path_for, request_path
from kurswerk.core.settings import Settings
from kurswerk.core.templating import redirect_to, render
from kurswerk.core.usertext import render_markdown
from lti.models import PlatformUser

OFFICE_HOURS_LINK = CourseHomeLink(N_("Sprechstunden"), "office_hours", frozenset({Role.LEARNER}))
"""The learner's office hours on the course home."""


@lru_cache(maxsize=4096)
def help_rung_path(context_id: int, lesson_slug: str) -> str:
    """The help ladder's rung "Dozentensprechstunde" (``course.help_rungs.HELP_RUNGS``,
    rung ``sprechstunde``): this LMS course's office hours, for every lesson. Remembered:
    the lesson page asks on every view."""
    return path_for("office_hours", context=context_id)


BOOK_PATH = "/c/{context}/office-hours/book/{slot_id}"

DONE = {
    "booked": N_(
        "Ihr Termin ist gebucht. Sie erhalten eine Bestätigung mit einer Kalendereinladung "
        "per E-Mail."
    ),
    "cancelled_free": N_(
        "Der Termin ist abgesagt. Die Sprechstunde steht Ihnen wieder zur Verfügung."
    ),
    "cancelled_late": N_(
        "Der Termin ist abgesagt. Weil die Frist zum kostenlosen Absagen vorbei war, zählt "
        "die Sprechstunde trotzdem."
    ),
}


def rules_of(request: Request) -> booking.Rules:
    settings: Settings = request.app.state.settings
    return booking.Rules.from_settings(settings)


def page(
    request: Request,
    principal: Principal,
    template: str,
    context: dict[str, Any],
    *,
    done: dict[str, str],
    status_code: int = 200,
) -> HTMLResponse:
    """An office-hours page: the formatters, the rules, the confirmation line
    (``?done=``, one of ``done``'s keys) and the refusals (``problems``)."""
    settings: Settings = request.app.state.settings
    return render(
        request,
        f"coaching/office_hours/{template}",
        {
            "fmt": Formatter(principal.locale),
            "oh": views.OfficeHoursFormat(principal.locale),
            "markdown": render_markdown,
            "done": done.get(request.query_params.get("done") or ""),
            "min_notice_hours": settings.office_hours_min_notice_hours,
            "free_cancel_hours": settings.office_hours_free_cancel_hours,
            "problems": [],
            **context,
        },
        status_code=status_code,
    )


# --- The learner's page -----------------------------------------------------------------


def _learner_page(
    request: Request,
    principal: Principal,
    session: Session,
    *,
    problems: list[Problem] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    view = views.learner_view(session, principal, now=utcnow(), rules=rules_of(request))
    summary = coaching_summary(session, user_id=principal.user_id, context_id=principal.context_id)
    offers = (
        []
        if view.books
        else [
            p
            for p in coaching_offers(session, platform_id=principal.platform_id)
            if p.office_hours_per_month > 0
        ]
    )
    return page(
        request,
        principal,
        "booking.html",
        {"view": view, "coaching": summary, "offers": offers, "problems": problems or []},
        done=DONE,
        status_code=status_code,
    )


@router.get("/c/{context}/office-hours", name="office_hours")
def office_hours(request: Request, principal: ContextPrincipal, session: SessionDep) -> Response:
    return _learner_page(request, principal, session)


@router.post(
    "/c/{context}/office-hours/bookings/{booking_id}/cancel",
    name="office_hours_cancel",
    dependencies=[CsrfChecked],
)
def cancel(
    request: Request, principal: ContextPrincipal, session: SessionDep, booking_id: RowId
) -> Response:
    try:
        cancelled = booking.cancel_by_learner(
            session, principal, booking_id, now=utcnow(), rules=rules_of(request)
        )
    except CoachingRefused as refused:
        session.rollback()
        return _learner_page(
            request, principal, session, problems=refused.problems, status_code=refused.status_code
        )
    done = "cancelled_late" if cancelled.spends_hour else "cancelled_free"
    path = request_path(request, "office_hours", context=principal.context_id)
    return redirect_to(request, principal, path, done=done)


# --- Booking one slot -------------------------------------------------------------------


def _slot_page(
    request: Request,
    principal: Principal,
    session: Session,
    slot_id: int,
    *,
    problems: list[Problem] | None = None,
    topic: str = "",
    status_code: int = 200,
) -> HTMLResponse:
    """The slot with the booking form; when it cannot be booked (now), the reason
    instead of the form (``bookable`` is None). Another course's slot is not found."""
    slot = session.get(OfficeHourSlot, slot_id)
    if slot is None or slot.context_id != principal.context_id:
        raise NotFound(booking.SLOT_NOT_FOUND, reason=f"slot {slot_id}: none in this course")
    now, rules = utcnow(), rules_of(request)
    bookable: booking.Bookable | None = None
    try:
        bookable = booking.check_bookable(session, principal, slot_id, now=now, rules=rules)
    except CoachingRefused as refused:
        if not problems:
            problems, status_code = refused.problems, refused.status_code
    settings: Settings = request.app.state.settings
    return page(
        request,
        principal,
        "booking_slot.html",
        {
            "slot": slot,
            "tutor": queries.person_name(session.get(PlatformUser, slot.tutor_user_id)),
            "bookable": bookable,
            "problems": problems or [],
            "topic": topic,
            "max_topic": booking.MAX_TOPIC,
            "limit_mb": settings.max_upload_mb,
            "deadline": as_utc(slot.starts_at) - rules.free_cancel,
        },
        done={},
        status_code=status_code,
    )


@router.get(BOOK_PATH, name="office_hours_slot")
def slot_page(
    request: Request, principal: ContextPrincipal, session: SessionDep, slot_id: RowId
) -> Response:
    return _slot_page(request, principal, session, slot_id)


@router.post(BOOK_PATH, name="office_hours_book")
@streams_own_body
async def book_slot(
    request: Request,
    principal: ContextPrincipal,
    session: SessionDep,
    slot_id: RowId,
    csrf: StreamedCsrf,
) -> Response:
    body = StreamedBody(request)
    response = await _book(request, principal, session, slot_id, body, csrf)
    return body.close_unless_read(response)


def _preflight(engine: Engine, principal: Principal, slot_id: int, rules: booking.Rules) -> None:
    """The rules, before the body is read, in a short transaction of its own (it may bind
    an email grant, which is why it commits)."""
    with new_session(engine) as session:
        booking.check_bookable(session, principal, slot_id, now=utcnow(), rules=rules)
        session.commit()


async def _book(
    request: Request,
    principal: Principal,
    session: Session,
    slot_id: int,
    body: StreamedBody,
    csrf: CsrfGate,
) -> Response:
    settings: Settings = request.app.state.settings
    rules = rules_of(request)

    async def refused(problems: list[Problem], status: int, topic: str = "") -> Response:
        await run_in_threadpool(session.rollback)
        return await run_in_threadpool(
            partial(
                _slot_page,
                request,
                principal,
                session,
                slot_id,
                problems=problems,
                topic=topic,
                status_code=status,
            )
        )

    try:
        await run_in_threadpool(_preflight, request.app.state.engine, principal, slot_id, rules)
    except CoachingRefused as refusal:
        if refusal.status_code == 404:
            raise
        return await refused(refusal.problems, refusal.status_code)
    storage = storage_from_settings(settings)
    limits = IntakeLimits(
        max_file_bytes=settings.max_upload_bytes,
        text_fields={"csrf_token": 256, "topic": 4 * booking.MAX_TOPIC},
    )
    try:
        form = await receive_form(body.chunks(), request.headers, storage, limits, csrf=csrf)
    except UploadRejected as rejected:
        return await refused([_file_problem(rejected)], rejected.status_code)
    topic = form.fields.get("topic", "")
    try:
        cleaned = booking.clean_topic(topic)
        pdf = None
        if form.file is not None:
            pdf = await run_in_threadpool(_check_and_store, form.file, storage, settings)
        await run_in_threadpool(
            partial(
                booking.book,
                session,
                principal,
                slot_id,
                topic=cleaned,
                pdf=pdf,
                now=utcnow(),
                rules=rules,
            )
        )
    except UploadRejected as rejected:
        return await refused([_file_problem(rejected)], rejected.status_code, topic)
    except CoachingRefused as refusal:
        return await refused(refusal.problems, refusal.status_code, topic)
    finally:
        if form.file is not None:
            storage.delete_temp(form.file.temp_path)  # gone already once committed
    path = request_path(request, "office_hours", context=principal.context_id)
    return redirect_to(request, principal, path, done="booked")


def _file_problem(rejected: UploadRejected) -> Problem:
    if rejected.code == "field_too_long":
        return Problem("topic", booking.TOPIC_TOO_LONG, {"max": booking.MAX_TOPIC})
    return Problem("file", rejected.message, dict(rejected.params))


def _check_and_store(
    received: ReceivedUpload, storage: Storage, settings: Settings
) -> booking.StoredPdf:
    """The PDF check (in the isolated worker) and the virus scan of a submission, then
    the file committed to storage under its hash."""
    check_pdf(received.temp_path)
    ensure_clean(received.temp_path, scanner_from_settings(settings))
    key = storage.commit(received.temp_path, received.sha256)
    return booking.StoredPdf(file_key=key, name=received.display_name, size=received.size)


# --- The learner's PDF ------------------------------------------------------------------


@router.get("/c/{context}/office-hours/bookings/{booking_id}/file", name="office_hours_file")
def booking_file(
    request: Request, principal: ContextPrincipal, session: SessionDep, booking_id: RowId
) -> StreamingResponse:
    """The PDF a learner added to a booking, as a download: for that learner, the tutor
    whose slot it is, and admins of the course; anyone else finds nothing."""
    found = queries.course_booking(session, principal, booking_id)
    slot = session.get(OfficeHourSlot, found.slot_id)
    allowed = (
        found.user_id == principal.user_id
        or principal.role is Role.ADMIN
        or (slot is not None and slot.tutor_user_id == principal.user_id)
    )
    if not allowed or found.file_key is None:
        raise NotFound(queries.BOOKING_NOT_FOUND, reason=f"booking {booking_id}: no file for them")
    return pdf_download(
        storage_from_settings(request.app.state.settings),
        found.file_key,
        disposition=content_disposition(
            "attachment", found.file_name or "", suffix=".pdf", default="dokument"
        ),
        size=found.file_size or 0,
    )

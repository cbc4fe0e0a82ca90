"""Course pages: course home, lesson, exercise by industry, worksheet (and its files),
further reading, and the "gelesen" toggle. Thin: authorise (ContextPrincipal), call the
service, render."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import Engine
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool
from starlette.routing import NoMatchFound

from course import binding, lesson_end, lesson_page, render_cache, service
from course.content.markdown import SLUG_PATTERN
from course.faq import routes as faq_routes
from course.forum import routes as forum_routes
from course.progress import position
from course.progress import routes as progress_routes
from course.questions import routes as questions_routes
from course.views import LessonPage
from course.worksheets import service as worksheets
from kurswerk.core.auth import ContextPrincipal, Principal, Role, require_role
from kurswerk.core.clock import utcnow
from kurswerk.core.csrf import CsrfChecked
from kurswerk.core.db import SessionDep, new_session
from kurswerk.core.http import content_disposition
from kurswerk.core.i18n import N_
from kurswerk.core.paths import request_path
from kurswerk.core.templating import redirect_to, render

router = APIRouter(prefix="/c/{context}")
TutorPrincipal = Annotated[Principal, require_role(Role.TUTOR)]

TEMPLATES = Path(__file__).parent / "templates"


def staff_links(request: Request, principal: Principal) -> list[tuple[str, str]]:
    """(label key, path) of the pages of other rooms this person may open, in order: the
    rooms' own links (``service.course_home_links``); a route not installed is not linked."""
    links = []
    for link in service.course_home_links():
        if principal.role not in link.roles:
            continue
        try:
            path = request.app.url_path_for(link.route_name, context=str(principal.context_id))
        except NoMatchFound:
            continue
        links.append((link.label, str(path)))
    return links


@router.get("/", name="course_home")
def course_home(request: Request, principal: ContextPrincipal, session: SessionDep) -> Response:
    """The course's start page. While several courses are loaded and none is chosen for
    this LMS course, instructors and admins choose here; learners are told it is not set
    up yet (``course.not_chosen``)."""
    try:
        home = service.course_home(session, principal)
    except binding.CourseNotChosen:
        if not principal.at_least(Role.TUTOR):
            raise
        return _choice_page(request, session)
    return render(
        request,
        "course/home.html",
        {
            "home": home,
            "panels": service.course_home_panels(request, session, principal),
            "staff_links": staff_links(request, principal),
        },
    )


def _choice_page(
    request: Request, session: Session, *, error: str | None = None, status: int = 200
) -> HTMLResponse:
    return render(
        request,
        "course/choice.html",
        {"courses": binding.loaded_courses(session), "error": error},
        status_code=status,
    )


@router.post("/course-choice", name="course_choice", dependencies=[CsrfChecked])
def course_choice(
    request: Request,
    principal: TutorPrincipal,
    session: SessionDep,
    course: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    """An instructor's or admin's choice of the course this LMS course shows (once: a
    bound LMS course keeps its course, see ``course.binding``)."""
    if course not in {c.slug for c in binding.loaded_courses(session)}:
        return _choice_page(
            request, session, error=N_("Bitte wählen Sie einen der angebotenen Kurse."), status=400
        )
    binding.choose_course(session, principal.context_id, course)
    return redirect_to(
        request, principal, request_path(request, "course_home", context=principal.context_id)
    )


@router.get("/lessons/{slug}", name="lesson")
async def lesson(request: Request, principal: ContextPrincipal, slug: str) -> HTMLResponse:
    """The hot path, ``async`` by exception to "DB routes are def" (measured: the thread
    hops of a ``def`` route and ``SessionDep`` cost more CPU than the page's one query).

    The warm path makes one indexed read inline (no session, no write), and the panels at
    the end of the page (``course.lesson_end``) read what they need for this reader on the
    same connection; everything else (first visit of an LMS course, a lesson not cached
    yet) runs in the threadpool with a session that commits.
    """
    engine = request.app.state.engine
    end: list[lesson_end.EndPanel] = []
    with lesson_page.read_connection(engine) as connection:
        page = lesson_page.cached_lesson_page(connection, engine, principal, slug)
        if page is not None:
            end = lesson_end.lesson_end_panels(request, connection, principal, page.view)
    if page is None:
        page, end = await run_in_threadpool(
            _lesson_page_in_transaction, request, engine, principal, slug
        )
    elif not page.at_position:  # another lesson than the reader's last: it becomes theirs
        await run_in_threadpool(_record_lesson, engine, principal, page.view.lesson_id)
    assert page is not None
    links = service.lesson_links(principal.context_id, slug)
    return render_cache.lesson_response(request, page, links, end)


def _lesson_page_in_transaction(
    request: Request, engine: Engine, principal: Principal, slug: str
) -> tuple[LessonPage, list[lesson_end.EndPanel]]:
    with new_session(engine) as session:
        page = lesson_page.lesson_page(session, principal, slug)
        end = lesson_end.lesson_end_panels(request, session.connection(), principal, page.view)
        if not page.at_position:
            position.record_lesson(session, principal, page.view.lesson_id, utcnow())
        session.commit()
    return page, end


def _record_lesson(engine: Engine, principal: Principal, lesson_id: int) -> None:
    with new_session(engine) as session:
        position.record_lesson(session, principal, lesson_id, utcnow())
        session.commit()


@router.post("/lessons/{slug}/read", name="lesson_read", dependencies=[CsrfChecked])
def lesson_read(
    request: Request,
    principal: ContextPrincipal,
    session: SessionDep,
    slug: str,
    read: Annotated[bool, Form()],
) -> RedirectResponse:
    """Mark read / unread, then back to the lesson (post-redirect-get)."""
    service.set_lesson_read(session, principal, slug, read)
    path = request_path(request, "lesson", context=principal.context_id, slug=slug)
    return redirect_to(request, principal, path, anchor="kw-progress")


@router.get("/lessons/{slug}/exercises/{exercise_slug}", name="exercise")
def exercise(
    request: Request,
    principal: ContextPrincipal,
    session: SessionDep,
    slug: str,
    exercise_slug: str,
    industry: Annotated[str | None, Query(max_length=16, pattern=SLUG_PATTERN.pattern)] = None,
) -> HTMLResponse:
    page = service.exercise_page(session, principal, slug, exercise_slug, industry)
    panels = service.exercise_panels(request, session, principal, page, industry)
    return render(request, "course/exercise.html", {"page": page, "panels": panels})


@router.get("/lessons/{slug}/worksheets/{worksheet_slug}", name="worksheet")
def worksheet(
    request: Request,
    principal: ContextPrincipal,
    session: SessionDep,
    slug: str,
    worksheet_slug: str,
) -> HTMLResponse:
    page = worksheets.worksheet_page(session, principal, slug, worksheet_slug)
    return render(request, "course/worksheet.html", {"page": page})


@router.get("/lessons/{slug}/worksheets/{worksheet_slug}/template.{fmt}", name="worksheet_template")
def worksheet_template(
    principal: ContextPrincipal, session: SessionDep, slug: str, worksheet_slug: str, fmt: str
) -> Response:
    """The worksheet's template to fill in, built from the lesson: ``.docx`` or ``.pdf``."""
    found = worksheets.template_download(session, principal, slug, worksheet_slug, fmt)
    return _file_response(found)


@router.get("/lessons/{slug}/worksheets/{worksheet_slug}/file", name="worksheet_file")
def worksheet_file(
    principal: ContextPrincipal, session: SessionDep, slug: str, worksheet_slug: str
) -> Response:
    """The course owner's own file for the worksheet, where the course files carry one."""
    found = worksheets.own_file_download(session, principal, slug, worksheet_slug)
    return _file_response(found)


def _file_response(found: worksheets.Download) -> Response:
    """A download, never shown inline by us: its type, a safe name, no sniffing."""
    disposition = content_disposition(
        "attachment", found.filename, suffix=found.extension, default="arbeitsvorlage"
    )
    return Response(
        found.data,
        media_type=found.media_type,
        headers={
            "Content-Disposition": disposition,
            "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": "sandbox; default-src 'none'",
        },
    )


@router.get("/reading/{slug}", name="reading")
def reading(
    request: Request, principal: ContextPrincipal, session: SessionDep, slug: str
) -> HTMLResponse:
    page = service.reading_page(session, principal, slug)
    return render(request, "course/reading.html", {"page": page})


router.include_router(faq_routes.router)
router.include_router(forum_routes.router)
router.include_router(questions_routes.router)
router.include_router(progress_routes.router)

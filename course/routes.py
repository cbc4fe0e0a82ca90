"""Course pages: course home, lesson, exercise by industry, worksheet, further reading,
and the "gelesen" toggle. Thin: authorise (ContextPrincipal), call the service, render."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from course import service
from course.messages import MESSAGES
from course.models import Industry
from kurswerk import i18n
from kurswerk.auth import ContextPrincipal, CsrfChecked, codec
from kurswerk.db import SessionDep
from kurswerk.templating import add_template_folder, render, with_query

add_template_folder(Path(__file__).parent / "templates")
i18n.register(MESSAGES)

router = APIRouter(prefix="/c/{context}")


@router.get("/", name="course_home")
def course_home(request: Request, principal: ContextPrincipal, session: SessionDep) -> HTMLResponse:
    home = service.course_home(session, principal)
    return render(request, "course/home.html", {"home": home})


@router.get("/lessons/{slug}", name="lesson")
def lesson(
    request: Request, principal: ContextPrincipal, session: SessionDep, slug: str
) -> HTMLResponse:
    page = service.lesson_page(session, principal, slug)
    links = service.lesson_links(principal.context_id, slug)
    return render(request, "course/lesson.html", {"page": page, "links": links})


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
    target = with_query(
        f"/c/{principal.context_id}/lessons/{slug}", kt=codec(request).issue(principal)
    )
    return RedirectResponse(f"{target}#kw-progress", status_code=303)


@router.get("/lessons/{slug}/exercises/{exercise_slug}", name="exercise")
def exercise(
    request: Request,
    principal: ContextPrincipal,
    session: SessionDep,
    slug: str,
    exercise_slug: str,
    industry: Industry | None = None,
) -> HTMLResponse:
    page = service.exercise_page(session, principal, slug, exercise_slug, industry)
    return render(request, "course/exercise.html", {"page": page})


@router.get("/lessons/{slug}/worksheets/{worksheet_slug}", name="worksheet")
def worksheet(
    request: Request,
    principal: ContextPrincipal,
    session: SessionDep,
    slug: str,
    worksheet_slug: str,
) -> HTMLResponse:
    page = service.worksheet_page(session, principal, slug, worksheet_slug)
    return render(request, "course/worksheet.html", {"page": page})


@router.get("/reading/{slug}", name="reading")
def reading(
    request: Request, principal: ContextPrincipal, session: SessionDep, slug: str
) -> HTMLResponse:
    page = service.reading_page(session, principal, slug)
    return render(request, "course/reading.html", {"page": page})

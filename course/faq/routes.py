"""The FAQ of a lesson over HTTP, and the page "Fragen zum Inhalt der Lektion" that
leads a learner through the places for questions in the order the lesson gives: re-read
the lesson, the FAQ, the forum, then the lecturer. Registers the lesson page's links
(``course.service.register_lesson_link``): each points at a page that exists for every
lesson, so none is dead.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import func
from sqlmodel import Session, col, select

from course import service
from course.faq import editing as faq_editing
from course.faq import reading as faq_reading
from course.faq.models import FaqEntry
from course.forum import access as forum_access
from course.forum.models import ForumThread, row_id
from course.forum.rules import InputError, require_moderator
from course.forum.views import LessonRef
from course.http import Text, form_page, limits, notice_of, redirect
from kurswerk.core.auth import ContextPrincipal, Principal
from kurswerk.core.csrf import CsrfChecked
from kurswerk.core.db import RowId, SessionDep
from kurswerk.core.templating import render

router = APIRouter()

Position = Annotated[str, Form(max_length=12, pattern="^[0-9]*$")]

LESSON_LINKS = (
    ("questions", "lesson.questions", "questions"),
    ("faq", "faq.title", "faq"),
    ("forum", "forum.title", "forum"),
    ("ask", "questions.ask_title", "ask"),
)


def _lesson_page(tail: str) -> Callable[[int, str], str]:
    def path(context_id: int, slug: str) -> str:
        return f"/c/{context_id}/lessons/{slug}/{tail}"

    return path


for _key, _label, _tail in LESSON_LINKS:
    service.register_lesson_link(
        service.LessonLink(key=_key, label_key=_label, path=_lesson_page(_tail))
    )


@router.get("/lessons/{slug}/questions", name="lesson_questions")
def lesson_questions(
    request: Request, principal: ContextPrincipal, session: SessionDep, slug: str
) -> HTMLResponse:
    course, lesson = forum_access.lesson_for(session, principal, slug)
    faq_count = faq_reading.count_visible(session, principal, row_id(lesson.id))
    thread_count = session.exec(
        select(func.count()).where(
            ForumThread.context_id == principal.context_id,
            ForumThread.lesson_id == lesson.id,
            col(ForumThread.deleted_at).is_(None),
            col(ForumThread.hidden_at).is_(None),
        )
    ).one()
    return render(
        request,
        "course/faq_hub.html",
        {
            "course_title": course.title,
            "lesson": LessonRef(lesson.slug, lesson.title, course.language),
            "faq_count": faq_count,
            "thread_count": thread_count,
        },
    )


@router.get("/lessons/{slug}/faq", name="faq")
def faq(
    request: Request,
    principal: ContextPrincipal,
    session: SessionDep,
    slug: str,
    q: Annotated[str, Query(max_length=500)] = "",
) -> HTMLResponse:
    page = faq_reading.faq_page(session, principal, slug, q)
    return render(request, "course/faq_list.html", {"page": page, "notice": notice_of(request)})


def _form(
    request: Request,
    *,
    heading: str,
    action: str,
    lesson_slug: str,
    question: str,
    answer: str,
    position: str,
    shared: bool,
    error: InputError | None = None,
    show_position: bool = True,
) -> HTMLResponse:
    return form_page(
        request,
        "course/faq_form.html",
        {
            "heading_key": heading,
            "action": action,
            "lesson_slug": lesson_slug,
            "question": question,
            "answer": answer,
            "position": position,
            "shared": shared,
            "show_position": show_position,
        },
        error,
    )


@router.get("/lessons/{slug}/faq/new", name="faq_new")
def faq_new(
    request: Request, principal: ContextPrincipal, session: SessionDep, slug: str
) -> HTMLResponse:
    require_moderator(principal)
    forum_access.lesson_for(session, principal, slug)
    return _form(
        request,
        heading="faq.new",
        action=f"/c/{principal.context_id}/lessons/{slug}/faq/new",
        lesson_slug=slug,
        question="",
        answer="",
        position="",
        shared=False,
    )


def _position(value: str) -> int | None:
    return int(value) if value else None


@router.post("/lessons/{slug}/faq/new", name="faq_create", dependencies=[CsrfChecked])
def faq_create(
    request: Request,
    principal: ContextPrincipal,
    session: SessionDep,
    slug: str,
    question: Text = "",
    answer: Text = "",
    position: Position = "",
) -> Response:
    try:
        entry = faq_editing.create_entry(
            session, principal, slug, question=question, answer=answer,
            position=_position(position), limits=limits(request),
        )  # fmt: skip
    except InputError as error:
        session.rollback()
        return _form(
            request, heading="faq.new",
            action=f"/c/{principal.context_id}/lessons/{slug}/faq/new", lesson_slug=slug,
            question=question[:1000], answer=answer[:200_000], position=position, shared=False,
            error=error,
        )  # fmt: skip
    path = f"/c/{principal.context_id}/lessons/{slug}/faq"
    return redirect(request, principal, path, notice="faq_saved", anchor=f"faq-{entry.id}")


def _from_files(entry: FaqEntry) -> bool:
    """A file entry, or this LMS course's override of one (the form explains the rule)."""
    return entry.source_key is not None or entry.overrides_id is not None


def _entry(session: Session, principal: Principal, entry_id: RowId) -> tuple[FaqEntry, str]:
    require_moderator(principal)
    entry = faq_reading.get_entry(session, principal, entry_id)
    return entry, faq_reading.entry_lesson(session, entry).slug


@router.get("/faq/{entry_id}/edit", name="faq_edit_form")
def faq_edit_form(
    request: Request, principal: ContextPrincipal, session: SessionDep, entry_id: RowId
) -> HTMLResponse:
    entry, slug = _entry(session, principal, entry_id)
    return _form(
        request,
        heading="faq.edit",
        action=f"/c/{principal.context_id}/faq/{entry_id}/edit",
        lesson_slug=slug,
        question=entry.question,
        answer=entry.answer,
        position=str(entry.position),
        shared=_from_files(entry),
    )


@router.post("/faq/{entry_id}/edit", name="faq_edit", dependencies=[CsrfChecked])
def faq_edit(
    request: Request,
    principal: ContextPrincipal,
    session: SessionDep,
    entry_id: RowId,
    question: Text = "",
    answer: Text = "",
    position: Position = "",
) -> Response:
    entry, slug = _entry(session, principal, entry_id)
    shared = _from_files(entry)
    try:
        faq_editing.update_entry(
            session, principal, entry_id, question=question, answer=answer,
            position=_position(position), limits=limits(request),
        )  # fmt: skip
    except InputError as error:
        session.rollback()
        return _form(
            request, heading="faq.edit",
            action=f"/c/{principal.context_id}/faq/{entry_id}/edit", lesson_slug=slug,
            question=question[:1000], answer=answer[:200_000], position=position, shared=shared,
            error=error,
        )  # fmt: skip
    path = f"/c/{principal.context_id}/lessons/{slug}/faq"
    return redirect(request, principal, path, notice="faq_saved", anchor=f"faq-{entry_id}")


@router.post("/faq/{entry_id}/delete", name="faq_delete", dependencies=[CsrfChecked])
def faq_delete(
    request: Request, principal: ContextPrincipal, session: SessionDep, entry_id: RowId
) -> RedirectResponse:
    _, slug = _entry(session, principal, entry_id)
    faq_editing.delete_entry(session, principal, entry_id)
    path = f"/c/{principal.context_id}/lessons/{slug}/faq"
    return redirect(request, principal, path, notice="faq_deleted")


@router.post("/faq/{entry_id}/revert", name="faq_revert", dependencies=[CsrfChecked])
def faq_revert(
    request: Request, principal: ContextPrincipal, session: SessionDep, entry_id: RowId
) -> RedirectResponse:
    entry = faq_editing.revert_to_file(session, principal, entry_id)
    slug = faq_reading.entry_lesson(session, entry).slug
    path = f"/c/{principal.context_id}/lessons/{slug}/faq"
    return redirect(request, principal, path, notice="faq_reverted", anchor=f"faq-{entry_id}")

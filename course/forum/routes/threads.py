"""Asking and answering in a lesson forum over HTTP: the lesson's list of threads (and
"mark all as read"), a new question with the similar questions found while one types, a
thread's page and the reply to it. Part of the forum's router (``course.forum.routes``).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import Session

from course.forum import access as forum_access
from course.forum import posting as forum_posting
from course.forum import read_state as forum_read_state
from course.forum import reading as forum_reading
from course.forum import suggest as forum_suggest
from course.forum.rules import InputError, is_moderator
from course.forum.views import LessonRef
from course.http import (
    Text,
    form_page,
    lesson_path,
    limits,
    notice_of,
    redirect,
    thread_path,
)
from kurswerk.core.auth import ContextPrincipal, Principal, email_links
from kurswerk.core.clock import utcnow
from kurswerk.core.csrf import CsrfChecked
from kurswerk.core.db import RowId, SessionDep
from kurswerk.core.templating import render

router = APIRouter()

Page = Annotated[int, Query(ge=1, le=100_000)]


# --- the lesson forum --------------------------------------------------------------------


@router.get("/lessons/{slug}/forum", name="forum_list")
def forum_list(
    request: Request,
    principal: ContextPrincipal,
    session: SessionDep,
    slug: str,
    page: Page = 1,
    q: Annotated[str, Query(max_length=500)] = "",
    scope: Annotated[str, Query(pattern="^(lesson|course)$")] = "lesson",
) -> HTMLResponse:
    listing = forum_reading.thread_list(session, principal, slug, page=page, query=q, scope=scope)
    return render(
        request, "course/forum_list.html", {"page": listing, "notice": notice_of(request)}
    )


@router.post("/lessons/{slug}/forum/read", name="forum_read_all", dependencies=[CsrfChecked])
def forum_read_all(
    request: Request, principal: ContextPrincipal, session: SessionDep, slug: str
) -> RedirectResponse:
    forum_read_state.mark_lesson_read(session, principal, slug, utcnow())
    return redirect(request, principal, lesson_path(principal, slug) + "/forum", notice="all_read")


# --- a new question ------------------------------------------------------------------------


def _new_form(
    request: Request,
    session: Session,
    principal: Principal,
    slug: str,
    *,
    title: str = "",
    body: str = "",
    anonymous: bool = False,
    checked: bool = False,
    error: InputError | None = None,
) -> HTMLResponse:
    course, lesson = forum_access.lesson_for(session, principal, slug)
    faq_hits, thread_hits = (
        forum_suggest.suggestions(session, principal, slug, f"{title}\n{body}")
        if checked
        else ([], [])
    )
    return form_page(
        request,
        "course/forum_new.html",
        {
            "course_title": course.title,
            "lesson": LessonRef(lesson.slug, lesson.title, course.language),
            "title": title,
            "body": body,
            "anonymous": anonymous,
            "checked": checked,
            "faq_hits": faq_hits,
            "thread_hits": thread_hits,
            "moderator": is_moderator(principal),
        },
        error,
    )


@router.get("/lessons/{slug}/forum/new", name="forum_new")
def forum_new(
    request: Request, principal: ContextPrincipal, session: SessionDep, slug: str
) -> HTMLResponse:
    return _new_form(request, session, principal, slug)


@router.post("/lessons/{slug}/forum/new", name="forum_create", dependencies=[CsrfChecked])
def forum_create(
    request: Request,
    principal: ContextPrincipal,
    session: SessionDep,
    slug: str,
    title: Text = "",
    body: Text = "",
    anonymous: Annotated[bool, Form()] = False,
    action: Annotated[str, Form(pattern="^(check|post)$")] = "post",
) -> Response:
    """ "check" shows similar questions (the no-JavaScript path); "post" publishes."""
    if action == "check":
        return _new_form(
            request, session, principal, slug, title=title, body=body, anonymous=anonymous,
            checked=True,
        )  # fmt: skip
    try:
        thread = forum_posting.create_thread(
            session,
            principal,
            slug,
            title=title,
            body=body,
            anonymous=anonymous,
            limits=limits(request),
            links=email_links(request),
        )
    except InputError as error:
        session.rollback()
        return _new_form(
            request, session, principal, slug, title=title[:500], body=body[:200_000],
            anonymous=anonymous, checked=True, error=error,
        )  # fmt: skip
    assert thread.id is not None
    return redirect(request, principal, thread_path(principal, thread.id), notice="posted")


@router.get("/lessons/{slug}/forum/suggest", name="forum_suggest")
def forum_suggest_fragment(
    request: Request,
    principal: ContextPrincipal,
    session: SessionDep,
    slug: str,
    text: Annotated[str, Query(max_length=5000)] = "",
) -> HTMLResponse:
    """The similar-questions fragment the new-question page fetches while one types."""
    course, lesson = forum_access.lesson_for(session, principal, slug)
    faq_hits, thread_hits = forum_suggest.suggestions(session, principal, slug, text)
    return render(
        request,
        "course/forum_suggestions.html",
        {
            "lesson": LessonRef(lesson.slug, lesson.title, course.language),
            "faq_hits": faq_hits,
            "thread_hits": thread_hits,
            "checked": bool(text.strip()),
        },
    )


# --- a thread ------------------------------------------------------------------------------


def _thread(
    request: Request,
    session: Session,
    principal: Principal,
    thread_id: RowId,
    *,
    page: int = 1,
    error: InputError | None = None,
    reply_text: str = "",
    reply_anonymous: bool = False,
) -> HTMLResponse:
    view = forum_reading.thread_page(
        session, principal, thread_id, page=page, limits=limits(request), mark_read=error is None
    )
    return form_page(
        request,
        "course/forum_thread.html",
        {
            "page": view,
            "notice": notice_of(request) if error is None else "",
            "reply_text": reply_text,
            "reply_anonymous": reply_anonymous,
        },
        error,
    )


@router.get("/forum/threads/{thread_id}", name="forum_thread")
def forum_thread(
    request: Request,
    principal: ContextPrincipal,
    session: SessionDep,
    thread_id: RowId,
    page: Page = 1,
) -> HTMLResponse:
    return _thread(request, session, principal, thread_id, page=page)


@router.post("/forum/threads/{thread_id}/reply", name="forum_reply", dependencies=[CsrfChecked])
def forum_reply(
    request: Request,
    principal: ContextPrincipal,
    session: SessionDep,
    thread_id: RowId,
    body: Text = "",
    anonymous: Annotated[bool, Form()] = False,
) -> Response:
    try:
        post = forum_posting.reply(
            session,
            principal,
            thread_id,
            body=body,
            anonymous=anonymous,
            limits=limits(request),
            links=email_links(request),
        )
    except InputError as error:
        session.rollback()
        return _thread(
            request, session, principal, thread_id, page=10**5, error=error,
            reply_text=body[:200_000], reply_anonymous=anonymous,
        )  # fmt: skip
    path = thread_path(principal, thread_id)
    return redirect(
        request, principal, path + "?page=100000", notice="replied", anchor=f"post-{post.id}"
    )

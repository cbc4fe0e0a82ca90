"""Asking and answering in a lesson forum over HTTP: the lesson's list of threads (and
"mark all as read"), a new question with the similar questions found while one types, a
thread's page and the reply to it. Part of the forum's router (``course.forum.routes``).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Query
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from course.forum import access as forum_access
from course.forum import moderation as forum_moderation
from course.forum import posting as forum_posting
from course.forum import read_state as forum_read_state
from course.forum import reading as forum_reading
from course.forum import suggest as forum_suggest
from course.forum.rules import InputError, is_moderator
from course.forum.views import LessonRef
from course.http import CoursePage, Page, Text, thread_path
from kurswerk.core.clock import utcnow
from kurswerk.core.csrf import CsrfChecked
from kurswerk.core.db import RowId

router = APIRouter()

PageNumber = Annotated[int, Query(alias="page", ge=1, le=100_000)]
"""The number of a page of a list (``?page=``; ``page`` names the handler's ``Page``)."""


# --- the lesson forum --------------------------------------------------------------------


@router.get("/lessons/{slug}/forum", name="forum_list")
def forum_list(
    page: CoursePage,
    slug: str,
    q: Annotated[str, Query(max_length=500)] = "",
    scope: Annotated[str, Query(pattern="^(lesson|course)$")] = "lesson",
    page_number: PageNumber = 1,
) -> HTMLResponse:
    listing = forum_reading.thread_list(
        page.session, page.principal, slug, page=page_number, query=q, scope=scope
    )
    return page.show("course/forum_list.html", {"page": listing, "notice": page.notice})


@router.post("/lessons/{slug}/forum/read", name="forum_read_all", dependencies=[CsrfChecked])
def forum_read_all(page: CoursePage, slug: str) -> RedirectResponse:
    forum_read_state.mark_lesson_read(page.session, page.principal, slug, utcnow())
    return page.redirect(page.path("forum_list", slug=slug), notice="all_read")


# --- a new question ------------------------------------------------------------------------


def _new_form(
    page: Page,
    slug: str,
    *,
    title: str = "",
    body: str = "",
    anonymous: bool = False,
    checked: bool = False,
    error: InputError | None = None,
) -> HTMLResponse:
    course, lesson = forum_access.lesson_for(page.session, page.principal, slug)
    faq_hits, thread_hits = (
        forum_suggest.suggestions(page.session, page.principal, slug, f"{title}\n{body}")
        if checked
        else ([], [])
    )
    return page.form(
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
            "moderator": is_moderator(page.principal),
        },
        error,
    )


@router.get("/lessons/{slug}/forum/new", name="forum_new")
def forum_new(page: CoursePage, slug: str) -> HTMLResponse:
    return _new_form(page, slug)


@router.post("/lessons/{slug}/forum/new", name="forum_create", dependencies=[CsrfChecked])
def forum_create(
    page: CoursePage,
    slug: str,
    title: Text = "",
    body: Text = "",
    anonymous: Annotated[bool, Form()] = False,
    action: Annotated[str, Form(pattern="^(check|post)$")] = "post",
) -> Response:
    """ "check" shows similar questions (the no-JavaScript path); "post" publishes."""
    if action == "check":
        return _new_form(page, slug, title=title, body=body, anonymous=anonymous, checked=True)
    try:
        thread = forum_posting.create_thread(
            page.session, page.principal, slug, title=title, body=body, anonymous=anonymous,
            limits=page.limits, links=page.links,
        )  # fmt: skip
    except InputError as error:
        page.session.rollback()
        return _new_form(
            page, slug, title=title[:500], body=body[:200_000], anonymous=anonymous,
            checked=True, error=error,
        )  # fmt: skip
    assert thread.id is not None
    return page.redirect(thread_path(page.principal, thread.id), notice="posted")


@router.get("/lessons/{slug}/forum/suggest", name="forum_suggest")
def forum_suggest_fragment(
    page: CoursePage, slug: str, text: Annotated[str, Query(max_length=5000)] = ""
) -> HTMLResponse:
    """The similar-questions fragment the new-question page fetches while one types."""
    course, lesson = forum_access.lesson_for(page.session, page.principal, slug)
    faq_hits, thread_hits = forum_suggest.suggestions(page.session, page.principal, slug, text)
    return page.show(
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
    page: Page,
    thread_id: RowId,
    *,
    page_number: int = 1,
    error: InputError | None = None,
    reply_text: str = "",
    reply_anonymous: bool = False,
) -> HTMLResponse:
    view = forum_reading.thread_page(
        page.session, page.principal, thread_id, page=page_number, limits=page.limits,
        mark_read=error is None,
    )  # fmt: skip
    return page.form(
        "course/forum_thread.html",
        {
            "page": view,
            "flag_buttons": forum_moderation.THREAD_FLAGS,
            "notice": page.notice if error is None else "",
            "reply_text": reply_text,
            "reply_anonymous": reply_anonymous,
        },
        error,
    )


@router.get("/forum/threads/{thread_id}", name="forum_thread")
def forum_thread(
    page: CoursePage,
    thread_id: RowId,
    page_number: PageNumber = 1,
) -> HTMLResponse:
    return _thread(page, thread_id, page_number=page_number)


@router.post("/forum/threads/{thread_id}/reply", name="forum_reply", dependencies=[CsrfChecked])
def forum_reply(
    page: CoursePage,
    thread_id: RowId,
    body: Text = "",
    anonymous: Annotated[bool, Form()] = False,
) -> Response:
    try:
        post = forum_posting.reply(
            page.session, page.principal, thread_id, body=body, anonymous=anonymous,
            limits=page.limits, links=page.links,
        )  # fmt: skip
    except InputError as error:
        page.session.rollback()
        return _thread(
            page, thread_id, page_number=10**5, error=error, reply_text=body[:200_000],
            reply_anonymous=anonymous,
        )  # fmt: skip
    path = thread_path(page.principal, thread_id) + "?page=100000"
    return page.redirect(path, notice="replied", anchor=f"post-{post.id}")

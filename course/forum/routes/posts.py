"""A forum post over HTTP: its author edits it (learners within the edit window), its
author or a tutor deletes it, anyone else reports it to the tutors. Part of
the forum's router (``course.forum.routes``).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from course.forum import access as forum_access
from course.forum import moderation as forum_moderation
from course.forum import posting as forum_posting
from course.forum.rules import InputError, is_moderator
from course.http import CoursePage, Page, Text, thread_path
from course.models import Lesson
from kurswerk.core.csrf import CsrfChecked
from kurswerk.core.db import RowId
from kurswerk.core.usertext import render_markdown

router = APIRouter()

# --- editing and deleting ----------------------------------------------------------------


def _edit_form(
    page: Page,
    post_id: RowId,
    *,
    title: str | None = None,
    body: str | None = None,
    anonymous: bool | None = None,
    error: InputError | None = None,
) -> HTMLResponse:
    post, thread = forum_posting.post_for_edit(page.session, page.principal, post_id, page.limits)
    lesson = page.session.get(Lesson, thread.lesson_id)
    assert lesson is not None
    return page.form(
        "course/forum_edit.html",
        {
            "post": post,
            "thread": thread,
            "lesson_slug": lesson.slug,
            "title": thread.title if title is None else title,
            "body": post.body if body is None else body,
            "anonymous": post.anonymous if anonymous is None else anonymous,
            "moderator": is_moderator(page.principal),
        },
        error,
    )


@router.get("/forum/posts/{post_id}/edit", name="forum_post_edit_form")
def forum_post_edit_form(page: CoursePage, post_id: RowId) -> HTMLResponse:
    return _edit_form(page, post_id)


@router.post("/forum/posts/{post_id}/edit", name="forum_post_edit", dependencies=[CsrfChecked])
def forum_post_edit(
    page: CoursePage,
    post_id: RowId,
    body: Text = "",
    title: Text | None = None,
    anonymous: Annotated[bool, Form()] = False,
) -> Response:
    try:
        post = forum_posting.edit_post(
            page.session, page.principal, post_id, body=body, title=title, anonymous=anonymous,
            limits=page.limits,
        )  # fmt: skip
    except InputError as error:
        page.session.rollback()
        if error.status_code == 403:
            raise
        return _edit_form(
            page, post_id, title=(title or "")[:500], body=body[:200_000], anonymous=anonymous,
            error=error,
        )  # fmt: skip
    return page.to_post(post.thread_id, post_id, "edited")


@router.post("/forum/posts/{post_id}/delete", name="forum_post_delete", dependencies=[CsrfChecked])
def forum_post_delete(page: CoursePage, post_id: RowId) -> RedirectResponse:
    _, thread = forum_access.get_post(page.session, page.principal, post_id)
    remaining = forum_posting.delete_post(page.session, page.principal, post_id)
    if remaining is None:
        lesson = page.session.get(Lesson, thread.lesson_id)
        assert lesson is not None
        path = page.path("forum_list", slug=lesson.slug)
        return page.redirect(path, notice="thread_deleted")
    assert thread.id is not None
    return page.redirect(thread_path(page.principal, thread.id), notice="deleted")


# --- reporting ---------------------------------------------------------------------------


def _report_form(
    page: Page, post_id: RowId, *, reason: str = "", error: InputError | None = None
) -> HTMLResponse:
    post, thread = forum_access.get_post(page.session, page.principal, post_id)
    return page.form(
        "course/forum_report.html",
        {
            "post_id": post_id,
            "post_html": render_markdown(post.body),
            "thread": thread,
            "reason": reason,
        },
        error,
    )


@router.get("/forum/posts/{post_id}/report", name="forum_report_form")
def forum_report_form(page: CoursePage, post_id: RowId) -> HTMLResponse:
    return _report_form(page, post_id)


@router.post("/forum/posts/{post_id}/report", name="forum_report", dependencies=[CsrfChecked])
def forum_report(page: CoursePage, post_id: RowId, reason: Text = "") -> Response:
    try:
        report, new = forum_moderation.report_post(
            page.session, page.principal, post_id, reason=reason, limits=page.limits,
            links=page.links,
        )  # fmt: skip
    except InputError as error:
        page.session.rollback()
        return _report_form(page, post_id, reason=reason[:5000], error=error)
    _, thread = forum_access.get_post(page.session, page.principal, post_id)
    return page.to_post(thread.id, post_id, "reported" if new else "already_reported")

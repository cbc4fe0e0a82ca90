"""The lesson forums over HTTP (thin: parse, call ``course.forum_*``, render).

Lesson-level pages live under ``/c/{context}/lessons/{slug}/forum``; threads, posts and
the course-wide pages (reports, notification settings) under ``/c/{context}/forum/``.
Every POST checks the CSRF token. A form the service refuses (too long, empty, too many
posts per minute) is shown again with the text as typed and the message; the
transaction is rolled back first, so nothing of it is saved.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import Session

from course import faq_service, forum_moderation, forum_notify, forum_service, forum_suggest
from course.forum_models import utcnow
from course.forum_rules import InputError, is_moderator
from course.forum_views import LessonRef
from course.forum_web import base_url, limits, notice_of, redirect
from course.models import Lesson
from kurswerk.auth import ContextPrincipal, CsrfChecked, Principal
from kurswerk.db import RowId, SessionDep
from kurswerk.templating import render
from kurswerk.usertext import render_markdown

router = APIRouter()

Page = Annotated[int, Query(ge=1, le=100_000)]
Text = Annotated[str, Form(max_length=1_000_000)]


def _lesson_path(principal: Principal, slug: str) -> str:
    return f"/c/{principal.context_id}/lessons/{slug}"


def _thread_path(principal: Principal, thread_id: RowId) -> str:
    return f"/c/{principal.context_id}/forum/threads/{thread_id}"


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
    listing = forum_service.thread_list(session, principal, slug, page=page, query=q, scope=scope)
    return render(
        request, "course/forum_list.html", {"page": listing, "notice": notice_of(request)}
    )


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
    course, lesson = forum_service.lesson_for(session, principal, slug)
    faq_hits, thread_hits = (
        forum_suggest.suggestions(session, principal, slug, f"{title}\n{body}")
        if checked
        else ([], [])
    )
    return render(
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
            "error": error,
        },
        status_code=error.status_code if error else 200,
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
        thread = forum_service.create_thread(
            session,
            principal,
            slug,
            title=title,
            body=body,
            anonymous=anonymous,
            limits=limits(request),
            base_url=base_url(request),
        )
    except InputError as error:
        session.rollback()
        return _new_form(
            request, session, principal, slug, title=title[:500], body=body[:200_000],
            anonymous=anonymous, checked=True, error=error,
        )  # fmt: skip
    assert thread.id is not None
    return redirect(request, principal, _thread_path(principal, thread.id), notice="posted")


@router.get("/lessons/{slug}/forum/suggest", name="forum_suggest")
def forum_suggest_fragment(
    request: Request,
    principal: ContextPrincipal,
    session: SessionDep,
    slug: str,
    text: Annotated[str, Query(max_length=5000)] = "",
) -> HTMLResponse:
    """The similar-questions fragment the new-question page fetches while one types."""
    course, lesson = forum_service.lesson_for(session, principal, slug)
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


@router.post("/lessons/{slug}/forum/follow", name="forum_follow", dependencies=[CsrfChecked])
def forum_follow(
    request: Request,
    principal: ContextPrincipal,
    session: SessionDep,
    slug: str,
    follow: Annotated[bool, Form()],
) -> RedirectResponse:
    _, lesson = forum_service.lesson_for(session, principal, slug)
    assert lesson.id is not None
    target = forum_notify.lesson_target(lesson.id)
    if follow:
        forum_notify.subscribe(session, principal, target, utcnow())
    else:
        forum_notify.unsubscribe(session, principal, target)
    notice = "followed" if follow else "unfollowed"
    return redirect(request, principal, _lesson_path(principal, slug) + "/forum", notice=notice)


@router.post("/lessons/{slug}/forum/read", name="forum_read_all", dependencies=[CsrfChecked])
def forum_read_all(
    request: Request, principal: ContextPrincipal, session: SessionDep, slug: str
) -> RedirectResponse:
    forum_service.mark_lesson_read(session, principal, slug, utcnow())
    return redirect(request, principal, _lesson_path(principal, slug) + "/forum", notice="all_read")


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
    view = forum_service.thread_page(
        session, principal, thread_id, page=page, limits=limits(request), mark_read=error is None
    )
    return render(
        request,
        "course/forum_thread.html",
        {
            "page": view,
            "notice": notice_of(request) if error is None else "",
            "error": error,
            "reply_text": reply_text,
            "reply_anonymous": reply_anonymous,
        },
        status_code=error.status_code if error else 200,
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
        post = forum_service.reply(
            session,
            principal,
            thread_id,
            body=body,
            anonymous=anonymous,
            limits=limits(request),
            base_url=base_url(request),
        )
    except InputError as error:
        session.rollback()
        return _thread(
            request, session, principal, thread_id, page=10**5, error=error,
            reply_text=body[:200_000], reply_anonymous=anonymous,
        )  # fmt: skip
    path = _thread_path(principal, thread_id)
    return redirect(
        request, principal, path + "?page=100000", notice="replied", anchor=f"post-{post.id}"
    )


@router.post(
    "/forum/threads/{thread_id}/follow", name="forum_follow_thread", dependencies=[CsrfChecked]
)
def forum_follow_thread(
    request: Request,
    principal: ContextPrincipal,
    session: SessionDep,
    thread_id: RowId,
    follow: Annotated[bool, Form()],
) -> RedirectResponse:
    forum_service.get_thread(session, principal, thread_id)
    target = forum_notify.thread_target(thread_id)
    if follow:
        forum_notify.subscribe(session, principal, target, utcnow())
    else:
        forum_notify.unsubscribe(session, principal, target)
    notice = "followed" if follow else "unfollowed"
    return redirect(request, principal, _thread_path(principal, thread_id), notice=notice)


@router.post(
    "/forum/threads/{thread_id}/flags", name="forum_thread_flag", dependencies=[CsrfChecked]
)
def forum_thread_flag(
    request: Request,
    principal: ContextPrincipal,
    session: SessionDep,
    thread_id: RowId,
    flag: Annotated[str, Form(pattern="^(pinned|locked|hidden)$")],
    value: Annotated[bool, Form()],
) -> RedirectResponse:
    forum_moderation.set_thread_flag(session, principal, thread_id, flag, value)
    return redirect(request, principal, _thread_path(principal, thread_id), notice="moderated")


@router.post(
    "/forum/threads/{thread_id}/delete", name="forum_thread_delete", dependencies=[CsrfChecked]
)
def forum_thread_delete(
    request: Request, principal: ContextPrincipal, session: SessionDep, thread_id: RowId
) -> RedirectResponse:
    thread = forum_moderation.delete_thread(session, principal, thread_id)
    lesson = session.get(Lesson, thread.lesson_id)
    assert lesson is not None
    path = _lesson_path(principal, lesson.slug) + "/forum"
    return redirect(request, principal, path, notice="thread_deleted")


@router.post(
    "/forum/threads/{thread_id}/move", name="forum_thread_move", dependencies=[CsrfChecked]
)
def forum_thread_move(
    request: Request,
    principal: ContextPrincipal,
    session: SessionDep,
    thread_id: RowId,
    lesson: Annotated[str, Form(max_length=100)],
) -> RedirectResponse:
    forum_moderation.move_thread(session, principal, thread_id, lesson)
    return redirect(request, principal, _thread_path(principal, thread_id), notice="moved")


# --- a post --------------------------------------------------------------------------------


def _edit_form(
    request: Request,
    session: Session,
    principal: Principal,
    post_id: RowId,
    *,
    title: str | None = None,
    body: str | None = None,
    anonymous: bool | None = None,
    error: InputError | None = None,
) -> HTMLResponse:
    post, thread = forum_service.post_for_edit(session, principal, post_id, limits(request))
    lesson = session.get(Lesson, thread.lesson_id)
    assert lesson is not None
    return render(
        request,
        "course/forum_edit.html",
        {
            "post": post,
            "thread": thread,
            "lesson_slug": lesson.slug,
            "title": thread.title if title is None else title,
            "body": post.body if body is None else body,
            "anonymous": post.anonymous if anonymous is None else anonymous,
            "moderator": is_moderator(principal),
            "error": error,
        },
        status_code=error.status_code if error else 200,
    )


@router.get("/forum/posts/{post_id}/edit", name="forum_post_edit_form")
def forum_post_edit_form(
    request: Request, principal: ContextPrincipal, session: SessionDep, post_id: RowId
) -> HTMLResponse:
    return _edit_form(request, session, principal, post_id)


@router.post("/forum/posts/{post_id}/edit", name="forum_post_edit", dependencies=[CsrfChecked])
def forum_post_edit(
    request: Request,
    principal: ContextPrincipal,
    session: SessionDep,
    post_id: RowId,
    body: Text = "",
    title: Text | None = None,
    anonymous: Annotated[bool, Form()] = False,
) -> Response:
    try:
        post = forum_service.edit_post(
            session, principal, post_id, body=body, title=title, anonymous=anonymous,
            limits=limits(request),
        )  # fmt: skip
    except InputError as error:
        session.rollback()
        if error.status_code == 403:
            raise
        return _edit_form(
            request, session, principal, post_id, title=(title or "")[:500],
            body=body[:200_000], anonymous=anonymous, error=error,
        )  # fmt: skip
    path = _thread_path(principal, post.thread_id)
    return redirect(request, principal, path, notice="edited", anchor=f"post-{post_id}")


@router.post("/forum/posts/{post_id}/delete", name="forum_post_delete", dependencies=[CsrfChecked])
def forum_post_delete(
    request: Request, principal: ContextPrincipal, session: SessionDep, post_id: RowId
) -> RedirectResponse:
    _, thread = forum_service.get_post(session, principal, post_id)
    remaining = forum_service.delete_post(session, principal, post_id)
    if remaining is None:
        lesson = session.get(Lesson, thread.lesson_id)
        assert lesson is not None
        path = _lesson_path(principal, lesson.slug) + "/forum"
        return redirect(request, principal, path, notice="thread_deleted")
    assert thread.id is not None
    return redirect(request, principal, _thread_path(principal, thread.id), notice="deleted")


@router.post("/forum/posts/{post_id}/hide", name="forum_post_hide", dependencies=[CsrfChecked])
def forum_post_hide(
    request: Request,
    principal: ContextPrincipal,
    session: SessionDep,
    post_id: RowId,
    hidden: Annotated[bool, Form()],
) -> RedirectResponse:
    thread = forum_moderation.set_post_hidden(session, principal, post_id, hidden)
    assert thread.id is not None
    path = _thread_path(principal, thread.id)
    return redirect(request, principal, path, notice="moderated", anchor=f"post-{post_id}")


@router.post("/forum/posts/{post_id}/accept", name="forum_post_accept", dependencies=[CsrfChecked])
def forum_post_accept(
    request: Request,
    principal: ContextPrincipal,
    session: SessionDep,
    post_id: RowId,
    accepted: Annotated[bool, Form()],
) -> RedirectResponse:
    thread = forum_moderation.set_accepted(session, principal, post_id, accepted)
    assert thread.id is not None
    path = _thread_path(principal, thread.id)
    return redirect(request, principal, path, notice="accepted", anchor=f"post-{post_id}")


@router.post(
    "/forum/posts/{post_id}/promote", name="forum_post_promote", dependencies=[CsrfChecked]
)
def forum_post_promote(
    request: Request, principal: ContextPrincipal, session: SessionDep, post_id: RowId
) -> RedirectResponse:
    """A tutor turns this answer into an FAQ entry in one step (then may edit it)."""
    entry, new = faq_service.promote_post(session, principal, post_id, limits=limits(request))
    lesson = faq_service.entry_lesson(session, entry)
    path = _lesson_path(principal, lesson.slug) + "/faq"
    notice = "promoted" if new else "already_promoted"
    return redirect(request, principal, path, notice=notice, anchor=f"faq-{entry.id}")


def _report_form(
    request: Request,
    session: Session,
    principal: Principal,
    post_id: RowId,
    *,
    reason: str = "",
    error: InputError | None = None,
) -> HTMLResponse:
    post, thread = forum_service.get_post(session, principal, post_id)
    return render(
        request,
        "course/forum_report.html",
        {
            "post_id": post_id,
            "post_html": render_markdown(post.body),
            "thread": thread,
            "reason": reason,
            "error": error,
        },
        status_code=error.status_code if error else 200,
    )


@router.get("/forum/posts/{post_id}/report", name="forum_report_form")
def forum_report_form(
    request: Request, principal: ContextPrincipal, session: SessionDep, post_id: RowId
) -> HTMLResponse:
    return _report_form(request, session, principal, post_id)


@router.post("/forum/posts/{post_id}/report", name="forum_report", dependencies=[CsrfChecked])
def forum_report(
    request: Request,
    principal: ContextPrincipal,
    session: SessionDep,
    post_id: RowId,
    reason: Text = "",
) -> Response:
    try:
        report, new = forum_moderation.report_post(
            session, principal, post_id, reason=reason, limits=limits(request),
            base_url=base_url(request),
        )  # fmt: skip
    except InputError as error:
        session.rollback()
        return _report_form(request, session, principal, post_id, reason=reason[:5000], error=error)
    _, thread = forum_service.get_post(session, principal, post_id)
    assert thread.id is not None
    notice = "reported" if new else "already_reported"
    path = _thread_path(principal, thread.id)
    return redirect(request, principal, path, notice=notice, anchor=f"post-{post_id}")


# --- course-wide pages ---------------------------------------------------------------------


@router.get("/forum/reports", name="forum_reports")
def forum_reports(
    request: Request,
    principal: ContextPrincipal,
    session: SessionDep,
    resolved: Annotated[str, Query(pattern="^(|1)$")] = "",
) -> HTMLResponse:
    rows = forum_moderation.reports(session, principal, resolved=bool(resolved))
    return render(
        request,
        "course/forum_reports.html",
        {"reports": rows, "resolved": bool(resolved), "notice": notice_of(request)},
    )


@router.post(
    "/forum/reports/{report_id}/resolve", name="forum_report_resolve", dependencies=[CsrfChecked]
)
def forum_report_resolve(
    request: Request,
    principal: ContextPrincipal,
    session: SessionDep,
    report_id: RowId,
    resolution: Annotated[str, Form(pattern="^(hidden|deleted|dismissed)$")],
) -> RedirectResponse:
    forum_moderation.resolve_report(session, principal, report_id, resolution)
    path = f"/c/{principal.context_id}/forum/reports"
    return redirect(request, principal, path, notice="resolved")


@router.get("/forum/notifications", name="forum_notifications")
def forum_notifications(
    request: Request, principal: ContextPrincipal, session: SessionDep
) -> HTMLResponse:
    return render(
        request,
        "course/forum_notifications.html",
        {
            "delivery": forum_notify.delivery_of(session, principal.user_id, principal.context_id),
            "followed": forum_notify.followed(session, principal),
            "notice": notice_of(request),
        },
    )


@router.post("/forum/notifications", name="forum_notifications_save", dependencies=[CsrfChecked])
def forum_notifications_save(
    request: Request,
    principal: ContextPrincipal,
    session: SessionDep,
    delivery: Annotated[str, Form(pattern="^(instant|digest)$")],
) -> RedirectResponse:
    forum_notify.set_delivery(session, principal, delivery, utcnow())
    path = f"/c/{principal.context_id}/forum/notifications"
    return redirect(request, principal, path, notice="settings_saved")


@router.post("/forum/notifications/unfollow", name="forum_unfollow", dependencies=[CsrfChecked])
def forum_unfollow(
    request: Request,
    principal: ContextPrincipal,
    session: SessionDep,
    target: Annotated[str, Form(pattern="^(thread|lesson):[0-9]{1,12}$")],
) -> RedirectResponse:
    forum_notify.unsubscribe(session, principal, target)
    path = f"/c/{principal.context_id}/forum/notifications"
    return redirect(request, principal, path, notice="unfollowed")

"""Following the forums over HTTP: follow or unfollow a lesson forum or a thread, and the
page of one's notification settings (instant emails or a daily digest, what one follows).
The rules are in ``course.forum.following``. Part of the forum's router
(``course.forum.routes``).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlmodel import Session

from course.forum import access as forum_access
from course.forum import following as forum_following
from course.http import lesson_path, notice_of, redirect, thread_path
from kurswerk.core.auth import ContextPrincipal, Principal
from kurswerk.core.clock import utcnow
from kurswerk.core.csrf import CsrfChecked
from kurswerk.core.db import RowId, SessionDep
from kurswerk.core.templating import render

router = APIRouter()


def _follow(session: Session, principal: Principal, target: str, follow: bool) -> str:
    """Follow or unfollow ``target``; the notice that says which."""
    if follow:
        forum_following.subscribe(session, principal, target, utcnow())
    else:
        forum_following.unsubscribe(session, principal, target)
    return "followed" if follow else "unfollowed"


@router.post("/lessons/{slug}/forum/follow", name="forum_follow", dependencies=[CsrfChecked])
def forum_follow(
    request: Request,
    principal: ContextPrincipal,
    session: SessionDep,
    slug: str,
    follow: Annotated[bool, Form()],
) -> RedirectResponse:
    _, lesson = forum_access.lesson_for(session, principal, slug)
    assert lesson.id is not None
    notice = _follow(session, principal, forum_following.lesson_target(lesson.id), follow)
    return redirect(request, principal, lesson_path(principal, slug) + "/forum", notice=notice)


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
    forum_access.get_thread(session, principal, thread_id)
    notice = _follow(session, principal, forum_following.thread_target(thread_id), follow)
    return redirect(request, principal, thread_path(principal, thread_id), notice=notice)


@router.get("/forum/notifications", name="forum_notifications")
def forum_notifications(
    request: Request, principal: ContextPrincipal, session: SessionDep
) -> HTMLResponse:
    return render(
        request,
        "course/forum_notifications.html",
        {
            "delivery": forum_following.delivery_of(
                session, principal.user_id, principal.context_id
            ),
            "followed": forum_following.followed(session, principal),
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
    forum_following.set_delivery(session, principal, delivery, utcnow())
    path = f"/c/{principal.context_id}/forum/notifications"
    return redirect(request, principal, path, notice="settings_saved")


@router.post("/forum/notifications/unfollow", name="forum_unfollow", dependencies=[CsrfChecked])
def forum_unfollow(
    request: Request,
    principal: ContextPrincipal,
    session: SessionDep,
    target: Annotated[str, Form(pattern="^(thread|lesson):[0-9]{1,12}$")],
) -> RedirectResponse:
    forum_following.unsubscribe(session, principal, target)
    path = f"/c/{principal.context_id}/forum/notifications"
    return redirect(request, principal, path, notice="unfollowed")

"""Following the forums over HTTP: follow or unfollow a lesson forum or a thread, and the
page of one's notification settings (instant emails or a daily digest, what one follows).
The rules are in ``course.forum.following``. Part of the forum's router
(``course.forum.routes``).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form
from fastapi.responses import HTMLResponse, RedirectResponse

from course.forum import access as forum_access
from course.forum import following as forum_following
from course.http import CoursePage, Page, thread_path
from kurswerk.core.clock import utcnow
from kurswerk.core.csrf import CsrfChecked
from kurswerk.core.db import RowId

router = APIRouter()


def _follow(page: Page, target: str, follow: bool) -> str:
    """Follow or unfollow ``target``; the notice that says which."""
    if follow:
        forum_following.subscribe(page.session, page.principal, target, utcnow())
    else:
        forum_following.unsubscribe(page.session, page.principal, target)
    return "followed" if follow else "unfollowed"


@router.post("/lessons/{slug}/forum/follow", name="forum_follow", dependencies=[CsrfChecked])
def forum_follow(page: CoursePage, slug: str, follow: Annotated[bool, Form()]) -> RedirectResponse:
    _, lesson = forum_access.lesson_for(page.session, page.principal, slug)
    assert lesson.id is not None
    notice = _follow(page, forum_following.lesson_target(lesson.id), follow)
    return page.redirect(page.path("forum_list", slug=slug), notice=notice)


@router.post(
    "/forum/threads/{thread_id}/follow", name="forum_follow_thread", dependencies=[CsrfChecked]
)
def forum_follow_thread(
    page: CoursePage, thread_id: RowId, follow: Annotated[bool, Form()]
) -> RedirectResponse:
    forum_access.get_thread(page.session, page.principal, thread_id)
    notice = _follow(page, forum_following.thread_target(thread_id), follow)
    return page.redirect(thread_path(page.principal, thread_id), notice=notice)


@router.get("/forum/notifications", name="forum_notifications")
def forum_notifications(page: CoursePage) -> HTMLResponse:
    principal = page.principal
    return page.show(
        "course/forum_notifications.html",
        {
            "delivery": forum_following.delivery_of(
                page.session, principal.user_id, principal.context_id
            ),
            "deliveries": forum_following.DELIVERIES,
            "followed": forum_following.followed(page.session, principal),
            "notice": page.notice,
        },
    )


@router.post("/forum/notifications", name="forum_notifications_save", dependencies=[CsrfChecked])
def forum_notifications_save(
    page: CoursePage, delivery: Annotated[str, Form(pattern="^(instant|digest)$")]
) -> RedirectResponse:
    forum_following.set_delivery(page.session, page.principal, delivery, utcnow())
    path = page.path("forum_notifications")
    return page.redirect(path, notice="settings_saved")


@router.post("/forum/notifications/unfollow", name="forum_unfollow", dependencies=[CsrfChecked])
def forum_unfollow(
    page: CoursePage, target: Annotated[str, Form(pattern="^(thread|lesson):[0-9]{1,12}$")]
) -> RedirectResponse:
    forum_following.unsubscribe(page.session, page.principal, target)
    path = page.path("forum_notifications")
    return page.redirect(path, notice="unfollowed")

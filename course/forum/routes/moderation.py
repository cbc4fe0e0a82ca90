"""Keeping a forum useful over HTTP: tutors pin, lock, hide, delete and move threads, hide
posts, turn an answer into an FAQ entry and deal with reports; tutors or the asker mark the
accepted answer. The rules (who may) are in ``course.forum.moderation``. Part of
the forum's router (``course.forum.routes``).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Query
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from course.faq import editing as faq_editing
from course.faq import reading as faq_reading
from course.faq.models import FaqEntry
from course.forum import moderation as forum_moderation
from course.http import CoursePage, Page, thread_path
from course.models import Lesson
from kurswerk.core.csrf import CsrfChecked
from kurswerk.core.db import RowId
from kurswerk.core.usertext import render_markdown

router = APIRouter()

# --- threads -----------------------------------------------------------------------------


@router.post(
    "/forum/threads/{thread_id}/flags", name="forum_thread_flag", dependencies=[CsrfChecked]
)
def forum_thread_flag(
    page: CoursePage,
    thread_id: RowId,
    flag: Annotated[str, Form(pattern="^(pinned|locked|hidden)$")],
    value: Annotated[bool, Form()],
) -> RedirectResponse:
    forum_moderation.set_thread_flag(page.session, page.principal, thread_id, flag, value)
    return page.redirect(thread_path(page.principal, thread_id), notice="moderated")


@router.post(
    "/forum/threads/{thread_id}/delete", name="forum_thread_delete", dependencies=[CsrfChecked]
)
def forum_thread_delete(page: CoursePage, thread_id: RowId) -> RedirectResponse:
    thread = forum_moderation.delete_thread(page.session, page.principal, thread_id)
    lesson = page.session.get(Lesson, thread.lesson_id)
    assert lesson is not None
    path = page.path("forum_list", slug=lesson.slug)
    return page.redirect(path, notice="thread_deleted")


@router.post(
    "/forum/threads/{thread_id}/move", name="forum_thread_move", dependencies=[CsrfChecked]
)
def forum_thread_move(
    page: CoursePage, thread_id: RowId, lesson: Annotated[str, Form(max_length=100)]
) -> RedirectResponse:
    forum_moderation.move_thread(page.session, page.principal, thread_id, lesson)
    return page.redirect(thread_path(page.principal, thread_id), notice="moved")


# --- posts -------------------------------------------------------------------------------


@router.post("/forum/posts/{post_id}/hide", name="forum_post_hide", dependencies=[CsrfChecked])
def forum_post_hide(
    page: CoursePage, post_id: RowId, hidden: Annotated[bool, Form()]
) -> RedirectResponse:
    thread = forum_moderation.set_post_hidden(page.session, page.principal, post_id, hidden)
    return page.to_post(thread.id, post_id, "moderated")


@router.post("/forum/posts/{post_id}/accept", name="forum_post_accept", dependencies=[CsrfChecked])
def forum_post_accept(
    page: CoursePage, post_id: RowId, accepted: Annotated[bool, Form()]
) -> RedirectResponse:
    thread = forum_moderation.set_accepted(page.session, page.principal, post_id, accepted)
    return page.to_post(thread.id, post_id, "accepted")


def _faq_entry_redirect(page: Page, entry: FaqEntry, notice: str) -> RedirectResponse:
    lesson = faq_reading.entry_lesson(page.session, entry)
    path = page.path("faq", slug=lesson.slug)
    return page.redirect(path, notice=notice, anchor=f"faq-{entry.id}")


@router.get("/forum/posts/{post_id}/promote", name="forum_post_promote_confirm")
def forum_post_promote_confirm(page: CoursePage, post_id: RowId) -> Response:
    """What "In die FAQ übernehmen" would publish, for the tutor to confirm (nothing is
    published by opening this page)."""
    promotion = faq_editing.promotion_of(page.session, page.principal, post_id)
    if promotion.existing is not None:
        return _faq_entry_redirect(page, promotion.existing, "already_promoted")
    return page.show(
        "course/forum_promote.html",
        {
            "post_id": post_id,
            "promotion": promotion,
            "answer_html": render_markdown(promotion.answer),
            "thread_url": thread_path(page.principal, promotion.thread_id) + f"#post-{post_id}",
        },
    )


@router.post(
    "/forum/posts/{post_id}/promote", name="forum_post_promote", dependencies=[CsrfChecked]
)
def forum_post_promote(
    page: CoursePage, post_id: RowId, confirm: Annotated[str, Form(max_length=10)] = ""
) -> RedirectResponse:
    """A tutor turns this answer into an FAQ entry (then may edit it) - only with the
    confirmation page's ``confirm=yes``; anything else is sent to that page first."""
    if confirm != "yes":
        faq_editing.promotion_of(page.session, page.principal, post_id)  # who may, which post
        return page.redirect(page.path("forum_post_promote_confirm", post_id=post_id))
    entry, new = faq_editing.promote_post(page.session, page.principal, post_id, limits=page.limits)
    return _faq_entry_redirect(page, entry, "promoted" if new else "already_promoted")


# --- reports -----------------------------------------------------------------------------


@router.get("/forum/reports", name="forum_reports")
def forum_reports(
    page: CoursePage, resolved: Annotated[str, Query(pattern="^(|1)$")] = ""
) -> HTMLResponse:
    rows = forum_moderation.reports(page.session, page.principal, resolved=bool(resolved))
    return page.show(
        "course/forum_reports.html",
        {
            "reports": rows,
            "resolved": bool(resolved),
            "resolutions": forum_moderation.RESOLUTIONS,
            "notice": page.notice,
        },
    )


@router.post(
    "/forum/reports/{report_id}/resolve", name="forum_report_resolve", dependencies=[CsrfChecked]
)
def forum_report_resolve(
    page: CoursePage,
    report_id: RowId,
    resolution: Annotated[str, Form(pattern="^(hidden|deleted|dismissed)$")],
) -> RedirectResponse:
    forum_moderation.resolve_report(page.session, page.principal, report_id, resolution)
    return page.redirect(page.path("forum_reports"), notice="resolved")

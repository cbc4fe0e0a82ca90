"""Keeping a forum useful over HTTP: tutors pin, lock, hide, delete and move threads, hide
posts, turn an answer into an FAQ entry and deal with reports; tutors or the asker mark the
accepted answer. The rules (who may) are in ``course.forum.moderation``. Part of
the forum's router (``course.forum.routes``).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from course.faq import editing as faq_editing
from course.faq import reading as faq_reading
from course.faq.models import FaqEntry
from course.forum import moderation as forum_moderation
from course.http import lesson_path, limits, notice_of, redirect, thread_path
from course.models import Lesson
from kurswerk.core.auth import ContextPrincipal
from kurswerk.core.csrf import CsrfChecked
from kurswerk.core.db import RowId, SessionDep
from kurswerk.core.templating import render
from kurswerk.core.usertext import render_markdown

router = APIRouter()

# --- threads -----------------------------------------------------------------------------


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
    return redirect(request, principal, thread_path(principal, thread_id), notice="moderated")


@router.post(
    "/forum/threads/{thread_id}/delete", name="forum_thread_delete", dependencies=[CsrfChecked]
)
def forum_thread_delete(
    request: Request, principal: ContextPrincipal, session: SessionDep, thread_id: RowId
) -> RedirectResponse:
    thread = forum_moderation.delete_thread(session, principal, thread_id)
    lesson = session.get(Lesson, thread.lesson_id)
    assert lesson is not None
    path = lesson_path(principal, lesson.slug) + "/forum"
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
    return redirect(request, principal, thread_path(principal, thread_id), notice="moved")


# --- posts -------------------------------------------------------------------------------


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
    path = thread_path(principal, thread.id)
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
    path = thread_path(principal, thread.id)
    return redirect(request, principal, path, notice="accepted", anchor=f"post-{post_id}")


def _faq_entry_redirect(
    request: Request, principal: ContextPrincipal, session: SessionDep, entry: FaqEntry, notice: str
) -> RedirectResponse:
    lesson = faq_reading.entry_lesson(session, entry)
    path = lesson_path(principal, lesson.slug) + "/faq"
    return redirect(request, principal, path, notice=notice, anchor=f"faq-{entry.id}")


@router.get("/forum/posts/{post_id}/promote", name="forum_post_promote_confirm")
def forum_post_promote_confirm(
    request: Request, principal: ContextPrincipal, session: SessionDep, post_id: RowId
) -> Response:
    """What "In die FAQ übernehmen" would publish, for the tutor to confirm (nothing is
    published by opening this page)."""
    promotion = faq_editing.promotion_of(session, principal, post_id)
    if promotion.existing is not None:
        return _faq_entry_redirect(
            request, principal, session, promotion.existing, "already_promoted"
        )
    return render(
        request,
        "course/forum_promote.html",
        {
            "post_id": post_id,
            "promotion": promotion,
            "answer_html": render_markdown(promotion.answer),
            "thread_url": thread_path(principal, promotion.thread_id) + f"#post-{post_id}",
        },
    )


@router.post(
    "/forum/posts/{post_id}/promote", name="forum_post_promote", dependencies=[CsrfChecked]
)
def forum_post_promote(
    request: Request,
    principal: ContextPrincipal,
    session: SessionDep,
    post_id: RowId,
    confirm: Annotated[str, Form(max_length=10)] = "",
) -> RedirectResponse:
    """A tutor turns this answer into an FAQ entry (then may edit it) - only with the
    confirmation page's ``confirm=yes``; anything else is sent to that page first."""
    if confirm != "yes":
        faq_editing.promotion_of(session, principal, post_id)  # who may, which post
        path = f"/c/{principal.context_id}/forum/posts/{post_id}/promote"
        return redirect(request, principal, path)
    entry, new = faq_editing.promote_post(session, principal, post_id, limits=limits(request))
    notice = "promoted" if new else "already_promoted"
    return _faq_entry_redirect(request, principal, session, entry, notice)


# --- reports -----------------------------------------------------------------------------


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

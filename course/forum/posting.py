"""Writing in the lesson forums: a new question, a reply, editing and deleting one's post,
and keeping each thread's search document up to date with what is visible. Every check
runs before anything is written (``course.forum.rules``). Nothing here commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from course.forum import following as forum_following
from course.forum import mail as forum_mail
from course.forum.access import get_post, get_thread, lesson_for
from course.forum.models import ForumPost, ForumThread, row_id
from course.forum.read_state import record_read
from course.forum.rules import (
    InputError,
    Limits,
    check_flood,
    clean_text,
    clean_title,
    is_moderator,
    may_edit,
)
from course.forum.search import THREAD, index_document, remove_document, weigh
from course.models import Course, Lesson
from kurswerk.core import i18n
from kurswerk.core.auth import Principal
from kurswerk.core.clock import utcnow
from kurswerk.core.email_links import EmailLinks
from kurswerk.core.errors import Forbidden
from kurswerk.core.i18n import N_

NOT_YOURS = N_("Das geht nur mit eigenen Beiträgen.")
"""The refusal of a change to someone else's post."""

# --- the search index --------------------------------------------------------------------


def reindex_thread(session: Session, thread: ForumThread) -> None:
    """Write the thread's title and visible posts to the search index (or take it out)."""
    thread_id = row_id(thread.id)
    if thread.deleted_at is not None or thread.hidden_at is not None:
        remove_document(session, THREAD, thread_id)
        return
    bodies = session.exec(
        select(ForumPost.body).where(
            ForumPost.thread_id == thread_id,
            col(ForumPost.deleted_at).is_(None),
            col(ForumPost.hidden_at).is_(None),
        )
    ).all()
    index_document(
        session,
        THREAD,
        thread_id,
        scope=thread.context_id,
        lesson_id=thread.lesson_id,
        weights=weigh(thread.title, bodies),
    )


def reindex_all_threads(session: Session) -> int:
    count = 0
    for thread in session.exec(select(ForumThread)).all():
        reindex_thread(session, thread)
        count += 1
    return count


# --- writing -----------------------------------------------------------------------------


@dataclass(frozen=True)
class NewQuestion:
    """A new question, in a forum or to the lecturer, checked before anything is written."""

    title: str
    text: str
    course: Course
    lesson: Lesson


def check_new_question(
    session: Session,
    principal: Principal,
    slug: str,
    *,
    title: str,
    body: str,
    limits: Limits,
    now: datetime,
) -> NewQuestion:
    """Its title and text as stored, the lesson it is about, and the asker's pace."""
    clean = clean_title(title)
    text = clean_text(body, field="body", limit=limits.max_post_chars)
    course, lesson = lesson_for(session, principal, slug)
    check_flood(session, principal, limits, now)
    return NewQuestion(clean, text, course, lesson)


def create_thread(
    session: Session,
    principal: Principal,
    slug: str,
    *,
    title: str,
    body: str,
    anonymous: bool,
    limits: Limits,
    links: EmailLinks,
    now: datetime | None = None,
) -> ForumThread:
    """A new question in a lesson forum. Checks everything before writing anything."""
    now = now or utcnow()
    new = check_new_question(
        session, principal, slug, title=title, body=body, limits=limits, now=now
    )
    anonymous = anonymous and not is_moderator(principal)
    thread = ForumThread(
        context_id=principal.context_id,
        lesson_id=row_id(new.lesson.id),
        author_id=principal.user_id,
        anonymous=anonymous,
        title=new.title,
        created_at=now,
        last_post_at=now,
    )
    session.add(thread)
    session.flush()
    _publish_post(
        session, principal, thread, new.text, anonymous, now, links=links, is_question=True
    )
    return thread


def reply(
    session: Session,
    principal: Principal,
    thread_id: int,
    *,
    body: str,
    anonymous: bool,
    limits: Limits,
    links: EmailLinks,
    now: datetime | None = None,
) -> ForumPost:
    now = now or utcnow()
    thread = get_thread(session, principal, thread_id)
    if thread.locked and not is_moderator(principal):
        raise Forbidden(N_("Diese Frage ist geschlossen."), reason=f"thread {thread_id} is locked")
    text = clean_text(body, field="body", limit=limits.max_post_chars)
    check_flood(session, principal, limits, now)
    anonymous = anonymous and not is_moderator(principal)
    thread.last_post_at = now
    thread.reply_count += 1
    if thread.first_answer_at is None and thread.author_id != principal.user_id:
        thread.first_answer_at = now
    return _publish_post(session, principal, thread, text, anonymous, now, links=links)


def _publish_post(
    session: Session,
    principal: Principal,
    thread: ForumThread,
    text: str,
    anonymous: bool,
    now: datetime,
    *,
    links: EmailLinks,
    is_question: bool = False,
) -> ForumPost:
    """Write the principal's post (question or reply) in ``thread`` as the thread's latest.
    It is found by search, counts as seen by its author, makes them follow the thread, and
    is sent to the thread's followers."""
    post = ForumPost(
        thread_id=row_id(thread.id),
        author_id=principal.user_id,
        author_role=principal.role.value,
        anonymous=anonymous,
        is_question=is_question,
        body=text,
        created_at=now,
    )
    session.add(post)
    session.flush()
    thread.last_post_id = row_id(post.id)
    session.flush()
    thread_id = row_id(thread.id)
    reindex_thread(session, thread)
    record_read(session, principal.user_id, thread_id, row_id(post.id), now)
    forum_following.subscribe(session, principal, forum_following.thread_target(thread_id), now)
    forum_mail.notify_post(session, post, thread, links=links, now=now)
    return post


def post_for_edit(
    session: Session,
    principal: Principal,
    post_id: int,
    limits: Limits,
    now: datetime | None = None,
) -> tuple[ForumPost, ForumThread]:
    """The principal's own post while they may still edit it (the edit form, the edit)."""
    post, thread = get_post(session, principal, post_id)
    if post.author_id != principal.user_id:
        raise Forbidden(NOT_YOURS, reason=f"post {post_id} is someone else's")
    if not may_edit(principal, post, limits, now or utcnow()):
        minutes = int(limits.edit_window.total_seconds() // 60)
        # Worded here: the count needs a plural form, which one message id cannot carry.
        over = i18n.ngettext(
            principal.locale,
            "Beiträge lassen sich nur in der ersten Minute bearbeiten.",
            "Beiträge lassen sich nur in den ersten %(minutes)s Minuten bearbeiten.",
            minutes,
            minutes=minutes,
        )
        raise InputError(over, 403, params={"minutes": minutes})
    return post, thread


def edit_post(
    session: Session,
    principal: Principal,
    post_id: int,
    *,
    body: str,
    title: str | None,
    anonymous: bool,
    limits: Limits,
    now: datetime | None = None,
) -> ForumPost:
    """The author changes their post (and, for the question, the thread's title)."""
    now = now or utcnow()
    post, thread = post_for_edit(session, principal, post_id, limits, now)
    text = clean_text(body, field="body", limit=limits.max_post_chars)
    clean = clean_title(title) if post.is_question else None
    anonymous = anonymous and not is_moderator(principal)
    post.body = text
    post.anonymous = anonymous
    post.edited_at = now
    if post.is_question:
        assert clean is not None
        thread.title = clean
        thread.anonymous = anonymous
    session.flush()
    reindex_thread(session, thread)
    return post


def delete_post(session: Session, principal: Principal, post_id: int) -> ForumThread | None:
    """The author (or a tutor) deletes a post: its text is gone, its place stays, so the
    replies around it still read in order. Deleting a question nobody else answered
    deletes the thread. Returns the thread if it still exists."""
    now = utcnow()
    post, thread = get_post(session, principal, post_id)
    if post.author_id != principal.user_id and not is_moderator(principal):
        raise Forbidden(NOT_YOURS, reason=f"post {post_id} is someone else's")
    others = session.exec(
        select(func.count()).where(
            ForumPost.thread_id == thread.id,
            ForumPost.id != post.id,
            col(ForumPost.deleted_at).is_(None),
        )
    ).one()
    post.deleted_at = now
    post.body = ""
    if post.is_question and others == 0:
        thread.deleted_at = now
        session.flush()
        reindex_thread(session, thread)
        return None
    if not post.is_question:
        thread.reply_count = max(0, thread.reply_count - 1)
    if thread.accepted_post_id == post.id:
        thread.accepted_post_id = None
    session.flush()
    reindex_thread(session, thread)
    return thread

"""Reading the lesson forums: a lesson's list of threads (or search hits) and a thread's
page of posts, as the viewer may see them (``course.forum.views`` decides what an author
label shows). Reading a thread records that the viewer has seen it. Nothing here commits.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import and_, func
from sqlmodel import Session, col, select

from course.binding import active_in_order
from course.faq.models import FaqEntry
from course.forum import following as forum_following
from course.forum.access import get_thread, lesson_for
from course.forum.models import ForumPost, ForumReadState, ForumThread, row_id
from course.forum.people import names
from course.forum.read_state import lesson_watermark, record_read
from course.forum.rules import Limits, is_moderator, may_edit
from course.forum.search import THREAD, query_terms, search
from course.forum.views import (
    AuthorLabel,
    LessonRef,
    PostView,
    ThreadList,
    ThreadPage,
    ThreadRow,
    Viewer,
    author_label,
)
from course.models import Course, Lesson
from kurswerk.core.auth import Principal
from kurswerk.core.clock import as_utc, utcnow
from kurswerk.core.usertext import render_markdown

THREADS_PER_PAGE = 20
POSTS_PER_PAGE = 50


# --- a lesson's threads ------------------------------------------------------------------


def _rows(
    session: Session,
    principal: Principal,
    threads: Sequence[tuple[ForumThread, int | None]],
    watermark: int,
) -> tuple[ThreadRow, ...]:
    viewer = Viewer.of(principal, is_moderator(principal))
    who = names(session, [t.author_id for t, _ in threads if not t.anonymous or viewer.moderator])
    return tuple(
        ThreadRow(
            id=row_id(t.id),
            title=t.title,
            author=_thread_author(t, viewer, who),
            created_at=as_utc(t.created_at),
            last_post_at=as_utc(t.last_post_at),
            reply_count=t.reply_count,
            pinned=t.pinned,
            locked=t.locked,
            answered=t.first_answer_at is not None,
            accepted=t.accepted_post_id is not None,
            unread=t.last_post_id > max(read or 0, watermark),
            hidden=t.hidden_at is not None,
        )
        for t, read in threads
    )


def _with_read_state(principal: Principal) -> Any:
    return and_(
        col(ForumReadState.thread_id) == col(ForumThread.id),
        col(ForumReadState.user_id) == principal.user_id,
    )


def thread_list(
    session: Session,
    principal: Principal,
    slug: str,
    *,
    page: int = 1,
    query: str = "",
    scope: str = "lesson",
) -> ThreadList:
    """One page of a lesson forum: pinned first, then latest activity; or search hits,
    best first (``scope="course"`` searches every lesson of the course)."""
    course, lesson = lesson_for(session, principal, slug)
    lesson_id = row_id(lesson.id)
    moderator = is_moderator(principal)
    page = max(1, page)
    base = (
        select(ForumThread, ForumReadState.last_read_post_id)
        .outerjoin(ForumReadState, _with_read_state(principal))
        .where(
            ForumThread.context_id == principal.context_id,
            col(ForumThread.deleted_at).is_(None),
        )
    )
    if not moderator:
        base = base.where(col(ForumThread.hidden_at).is_(None))
    query = " ".join(query.split())[:200]
    terms = query_terms(query) if query else []
    if query:
        hits, total = search(
            session,
            THREAD,
            terms,
            scopes=[principal.context_id],
            lesson_id=None if scope == "course" else lesson_id,
            limit=THREADS_PER_PAGE,
            offset=(page - 1) * THREADS_PER_PAGE,
        )
        order = {hit.doc_id: index for index, hit in enumerate(hits)}
        found = session.exec(base.where(col(ForumThread.id).in_(list(order)))).all() if hits else []
        threads = sorted(found, key=lambda row: order[row_id(row[0].id)])
    else:
        scope = "lesson"
        visible: list[Any] = [
            col(ForumThread.context_id) == principal.context_id,
            col(ForumThread.lesson_id) == lesson_id,
            col(ForumThread.deleted_at).is_(None),
        ]
        if not moderator:
            visible.append(col(ForumThread.hidden_at).is_(None))
        total = int(session.exec(select(func.count()).where(*visible)).one())
        # The page's ids first, from the covering index alone (deep pages stay cheap),
        # then those rows with the reader's read state.
        page_ids = list(
            session.exec(
                select(ForumThread.id)
                .where(*visible)
                .order_by(
                    col(ForumThread.pinned).desc(),
                    col(ForumThread.last_post_at).desc(),
                    col(ForumThread.id).desc(),
                )
                .limit(THREADS_PER_PAGE)
                .offset((page - 1) * THREADS_PER_PAGE)
            ).all()
        )
        order = {row_id(thread_id): index for index, thread_id in enumerate(page_ids)}
        found = (
            session.exec(base.where(col(ForumThread.id).in_(page_ids))).all() if page_ids else []
        )
        threads = sorted(found, key=lambda row: order[row_id(row[0].id)])
    rows = _rows(session, principal, threads, lesson_watermark(session, principal, lesson_id))
    row_lessons: dict[int, LessonRef] = {}
    if scope == "course" and threads:
        lessons = lesson_refs(session, course)
        row_lessons = {
            row_id(t.id): lessons[t.lesson_id] for t, _ in threads if t.lesson_id in lessons
        }
    return ThreadList(
        course_title=course.title,
        lesson=LessonRef(lesson.slug, lesson.title, course.language),
        rows=rows,
        page=page,
        pages=max(1, math.ceil(total / THREADS_PER_PAGE)),
        total=total,
        query=query,
        scope=scope,
        subscribed=forum_following.is_subscribed(
            session, principal, forum_following.lesson_target(lesson_id)
        ),
        moderator=moderator,
        row_lessons=row_lessons,
    )


def lesson_refs(session: Session, course: Course) -> dict[int, LessonRef]:
    rows = active_in_order(session, Lesson, Lesson.course_id == course.id)
    return {row_id(row.id): LessonRef(row.slug, row.title, course.language) for row in rows}


# --- a thread's page ---------------------------------------------------------------------


def thread_page(
    session: Session,
    principal: Principal,
    thread_id: int,
    *,
    page: int = 1,
    limits: Limits,
    now: datetime | None = None,
    mark_read: bool = True,
) -> ThreadPage:
    """A thread with one page of its posts; records that the viewer has seen it."""
    now = now or utcnow()
    thread = get_thread(session, principal, thread_id)
    lesson = session.get(Lesson, thread.lesson_id)
    course = session.get(Course, lesson.course_id) if lesson else None
    assert lesson is not None and course is not None
    moderator = is_moderator(principal)
    viewer = Viewer.of(principal, moderator)
    query = select(ForumPost).where(ForumPost.thread_id == thread_id)
    if not moderator:
        query = query.where(
            (col(ForumPost.hidden_at).is_(None)) | (col(ForumPost.author_id) == principal.user_id)
        )
    total = int(session.exec(select(func.count()).select_from(query.subquery())).one())
    pages = max(1, math.ceil(total / POSTS_PER_PAGE))
    page = min(max(1, page), pages)
    posts = session.exec(
        query.order_by(col(ForumPost.id)).limit(POSTS_PER_PAGE).offset((page - 1) * POSTS_PER_PAGE)
    ).all()
    read_before = max(
        int(
            session.exec(
                select(ForumReadState.last_read_post_id).where(
                    ForumReadState.user_id == principal.user_id,
                    ForumReadState.thread_id == thread_id,
                )
            ).first()
            or 0
        ),
        lesson_watermark(session, principal, thread.lesson_id),
    )
    visible_authors = [
        p.author_id for p in posts if not p.anonymous or moderator or p.author_id == viewer.user_id
    ]
    show_asker = not thread.anonymous or moderator or thread.author_id == viewer.user_id
    who = names(session, [*visible_authors, thread.author_id if show_asker else None])
    is_asker = thread.author_id == principal.user_id
    views = []
    for post in posts:
        own = post.author_id is not None and post.author_id == principal.user_id
        deleted = post.deleted_at is not None
        hidden = post.hidden_at is not None
        views.append(
            PostView(
                id=row_id(post.id),
                author=author_label(
                    author_id=post.author_id,
                    anonymous=post.anonymous,
                    author_role=post.author_role,
                    viewer=viewer,
                    names=who,
                ),
                body_html=render_markdown("" if deleted else post.body),
                created_at=as_utc(post.created_at),
                edited_at=as_utc(post.edited_at) if post.edited_at else None,
                is_question=post.is_question,
                accepted=thread.accepted_post_id == post.id,
                hidden=hidden,
                deleted=deleted,
                is_new=row_id(post.id) > read_before and not own,
                can_edit=not deleted and may_edit(principal, post, limits, now),
                can_delete=not deleted and (own or moderator),
                can_report=not deleted and not own,
                can_accept=(moderator or is_asker) and not post.is_question and not deleted,
            )
        )
    if mark_read:
        record_read(session, principal.user_id, thread_id, thread.last_post_id, now)
    faq_entry_id = session.exec(
        select(FaqEntry.id).where(
            FaqEntry.thread_id == thread_id, col(FaqEntry.deleted_at).is_(None)
        )
    ).first()
    targets: tuple[LessonRef, ...] = ()
    if moderator:
        targets = tuple(
            ref for lid, ref in lesson_refs(session, course).items() if lid != lesson.id
        )
    return ThreadPage(
        course_title=course.title,
        lesson=LessonRef(lesson.slug, lesson.title, course.language),
        id=thread_id,
        title=thread.title,
        author=_thread_author(thread, viewer, who),
        anonymous=thread.anonymous,
        pinned=thread.pinned,
        locked=thread.locked,
        hidden=thread.hidden_at is not None,
        posts=tuple(views),
        page=page,
        pages=pages,
        subscribed=forum_following.is_subscribed(
            session, principal, forum_following.thread_target(thread_id)
        ),
        moderator=moderator,
        can_reply=not thread.locked or moderator,
        faq_entry_id=faq_entry_id,
        move_targets=targets,
    )


def _thread_author(thread: ForumThread, viewer: Viewer, names: dict[int, str]) -> AuthorLabel:
    """Who opened the thread, as ``viewer`` may see it (shown with a learner's label)."""
    return author_label(
        author_id=thread.author_id,
        anonymous=thread.anonymous,
        author_role="learner",
        viewer=viewer,
        names=names,
    )

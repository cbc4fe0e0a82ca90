"""The lesson forums' rules, callable without HTTP: reading threads, writing and editing
posts, read state. Moderation lives in ``course.forum_moderation``, emails in
``course.forum_notify``. Nothing here commits; the caller owns the transaction.

Every lookup starts from the principal's LMS course: an id from another LMS course is
"not found", never "forbidden" (that would confirm it exists).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import and_, func
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from course import forum_notify
from course.binding import active_course, active_lesson
from course.faq_models import FaqEntry
from course.forum_models import ForumLessonRead, ForumPost, ForumReadState, ForumThread, utcnow
from course.forum_people import names
from course.forum_rules import (
    InputError,
    Limits,
    check_flood,
    clean_text,
    clean_title,
    is_moderator,
)
from course.forum_search import THREAD, index_document, query_terms, remove_document, search, weigh
from course.forum_views import (
    LessonRef,
    PostView,
    ThreadList,
    ThreadPage,
    ThreadRow,
    Viewer,
    author_label,
)
from course.models import Course, Lesson
from kurswerk.auth import Principal
from kurswerk.errors import Forbidden, NotFound
from kurswerk.outbox import as_utc
from kurswerk.usertext import render_markdown

THREADS_PER_PAGE = 20
POSTS_PER_PAGE = 50


def _id(value: int | None) -> int:
    assert value is not None
    return value


# --- lookups ---------------------------------------------------------------------------


def lesson_for(session: Session, principal: Principal, slug: str) -> tuple[Course, Lesson]:
    course = active_course(session, principal.context_id)
    return course, active_lesson(session, course, slug)


def get_thread(session: Session, principal: Principal, thread_id: int) -> ForumThread:
    """A thread of the principal's LMS course that they may see (hidden: tutors only)."""
    thread = session.get(ForumThread, thread_id)
    if (
        thread is None
        or thread.context_id != principal.context_id
        or thread.deleted_at is not None
        or (thread.hidden_at is not None and not is_moderator(principal))
    ):
        raise NotFound("forum.thread_not_found", reason=f"no thread {thread_id} here")
    return thread


def get_post(session: Session, principal: Principal, post_id: int) -> tuple[ForumPost, ForumThread]:
    """A post the principal may see: not deleted; hidden ones only to tutors and the author."""
    post = session.get(ForumPost, post_id)
    if post is None or post.deleted_at is not None:
        raise NotFound("forum.post_not_found", reason=f"no post {post_id}")
    try:
        thread = get_thread(session, principal, post.thread_id)
    except NotFound:
        raise NotFound("forum.post_not_found", reason=f"no post {post_id} here") from None
    if (
        post.hidden_at is not None
        and not is_moderator(principal)
        and post.author_id != principal.user_id
    ):
        raise NotFound("forum.post_not_found", reason=f"post {post_id} is hidden")
    return post, thread


# --- the index ---------------------------------------------------------------------------


def reindex_thread(session: Session, thread: ForumThread) -> None:
    """Write the thread's title and visible posts to the search index (or take it out)."""
    thread_id = _id(thread.id)
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


# --- reading -----------------------------------------------------------------------------


def _watermark(session: Session, principal: Principal, lesson_id: int | None) -> int:
    if lesson_id is None:
        return 0
    value = session.exec(
        select(ForumLessonRead.up_to_post_id).where(
            ForumLessonRead.user_id == principal.user_id,
            ForumLessonRead.context_id == principal.context_id,
            ForumLessonRead.lesson_id == lesson_id,
        )
    ).first()
    return int(value or 0)


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
            id=_id(t.id),
            title=t.title,
            author=author_label(
                author_id=t.author_id,
                anonymous=t.anonymous,
                author_role="learner",
                viewer=viewer,
                names=who,
            ),
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
    lesson_id = _id(lesson.id)
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
        threads = sorted(found, key=lambda row: order[_id(row[0].id)])
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
        order = {_id(thread_id): index for index, thread_id in enumerate(page_ids)}
        found = (
            session.exec(base.where(col(ForumThread.id).in_(page_ids))).all() if page_ids else []
        )
        threads = sorted(found, key=lambda row: order[_id(row[0].id)])
    rows = _rows(session, principal, threads, _watermark(session, principal, lesson_id))
    row_lessons: dict[int, LessonRef] = {}
    if scope == "course" and threads:
        lessons = _lesson_refs(session, course)
        row_lessons = {
            _id(t.id): lessons[t.lesson_id] for t, _ in threads if t.lesson_id in lessons
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
        subscribed=forum_notify.is_subscribed(
            session, principal, forum_notify.lesson_target(lesson_id)
        ),
        moderator=moderator,
        row_lessons=row_lessons,
    )


def _lesson_refs(session: Session, course: Course) -> dict[int, LessonRef]:
    rows = session.exec(
        select(Lesson)
        .where(Lesson.course_id == course.id, col(Lesson.archived_at).is_(None))
        .order_by(col(Lesson.position))
    ).all()
    return {_id(row.id): LessonRef(row.slug, row.title, course.language) for row in rows}


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
        _watermark(session, principal, thread.lesson_id),
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
                id=_id(post.id),
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
                is_new=_id(post.id) > read_before and not own,
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
            ref for lid, ref in _lesson_refs(session, course).items() if lid != lesson.id
        )
    return ThreadPage(
        course_title=course.title,
        lesson=LessonRef(lesson.slug, lesson.title, course.language),
        id=thread_id,
        title=thread.title,
        author=author_label(
            author_id=thread.author_id,
            anonymous=thread.anonymous,
            author_role="learner",
            viewer=viewer,
            names=who,
        ),
        anonymous=thread.anonymous,
        pinned=thread.pinned,
        locked=thread.locked,
        hidden=thread.hidden_at is not None,
        posts=tuple(views),
        page=page,
        pages=pages,
        subscribed=forum_notify.is_subscribed(
            session, principal, forum_notify.thread_target(thread_id)
        ),
        moderator=moderator,
        can_reply=not thread.locked or moderator,
        faq_entry_id=faq_entry_id,
        move_targets=targets,
    )


def may_edit(principal: Principal, post: ForumPost, limits: Limits, now: datetime) -> bool:
    """Only the author edits a post: tutors any time, learners within the edit window."""
    if post.author_id != principal.user_id or post.deleted_at is not None:
        return False
    return is_moderator(principal) or as_utc(now) - as_utc(post.created_at) <= limits.edit_window


def record_read(
    session: Session, user_id: int, thread_id: int, post_id: int, now: datetime
) -> None:
    """The viewer has seen the thread up to ``post_id`` (never moves backwards)."""
    table = ForumReadState.__table__  # type: ignore[attr-defined]
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    statement = dialect.insert(table).values(
        user_id=user_id, thread_id=thread_id, last_read_post_id=post_id, updated_at=now
    )
    statement = statement.on_conflict_do_update(
        index_elements=["user_id", "thread_id"],
        set_={"last_read_post_id": post_id, "updated_at": now},
        where=table.c.last_read_post_id < post_id,
    )
    session.execute(statement)


def mark_lesson_read(session: Session, principal: Principal, slug: str, now: datetime) -> None:
    """Everything posted in this lesson forum so far counts as seen."""
    _, lesson = lesson_for(session, principal, slug)
    newest = session.exec(
        select(func.max(ForumThread.last_post_id)).where(
            ForumThread.context_id == principal.context_id, ForumThread.lesson_id == lesson.id
        )
    ).one()
    table = ForumLessonRead.__table__  # type: ignore[attr-defined]
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    values = {
        "user_id": principal.user_id,
        "context_id": principal.context_id,
        "lesson_id": lesson.id,
        "up_to_post_id": int(newest or 0),
        "updated_at": now,
    }
    session.execute(
        dialect.insert(table)
        .values(**values)
        .on_conflict_do_update(
            index_elements=["user_id", "context_id", "lesson_id"],
            set_={"up_to_post_id": values["up_to_post_id"], "updated_at": now},
        )
    )


# --- writing -----------------------------------------------------------------------------


def create_thread(
    session: Session,
    principal: Principal,
    slug: str,
    *,
    title: str,
    body: str,
    anonymous: bool,
    limits: Limits,
    base_url: str,
    now: datetime | None = None,
) -> ForumThread:
    """A new question in a lesson forum. Checks everything before writing anything."""
    now = now or utcnow()
    clean = clean_title(title)
    text = clean_text(body, field="body", limit=limits.max_post_chars)
    _, lesson = lesson_for(session, principal, slug)
    check_flood(session, principal, limits, now)
    anonymous = anonymous and not is_moderator(principal)
    thread = ForumThread(
        context_id=principal.context_id,
        lesson_id=_id(lesson.id),
        author_id=principal.user_id,
        anonymous=anonymous,
        title=clean,
        created_at=now,
        last_post_at=now,
    )
    session.add(thread)
    session.flush()
    post = ForumPost(
        thread_id=_id(thread.id),
        author_id=principal.user_id,
        author_role=principal.role.value,
        anonymous=anonymous,
        is_question=True,
        body=text,
        created_at=now,
    )
    session.add(post)
    session.flush()
    thread.last_post_id = _id(post.id)
    session.flush()
    reindex_thread(session, thread)
    record_read(session, principal.user_id, _id(thread.id), _id(post.id), now)
    forum_notify.subscribe(session, principal, forum_notify.thread_target(_id(thread.id)), now)
    forum_notify.notify_post(session, post, thread, base_url=base_url, now=now)
    return thread


def reply(
    session: Session,
    principal: Principal,
    thread_id: int,
    *,
    body: str,
    anonymous: bool,
    limits: Limits,
    base_url: str,
    now: datetime | None = None,
) -> ForumPost:
    now = now or utcnow()
    thread = get_thread(session, principal, thread_id)
    if thread.locked and not is_moderator(principal):
        raise Forbidden("forum.error.locked", reason=f"thread {thread_id} is locked")
    text = clean_text(body, field="body", limit=limits.max_post_chars)
    check_flood(session, principal, limits, now)
    anonymous = anonymous and not is_moderator(principal)
    post = ForumPost(
        thread_id=thread_id,
        author_id=principal.user_id,
        author_role=principal.role.value,
        anonymous=anonymous,
        body=text,
        created_at=now,
    )
    session.add(post)
    session.flush()
    thread.last_post_id = _id(post.id)
    thread.last_post_at = now
    thread.reply_count += 1
    if thread.first_answer_at is None and thread.author_id != principal.user_id:
        thread.first_answer_at = now
    session.flush()
    reindex_thread(session, thread)
    record_read(session, principal.user_id, thread_id, _id(post.id), now)
    forum_notify.subscribe(session, principal, forum_notify.thread_target(thread_id), now)
    forum_notify.notify_post(session, post, thread, base_url=base_url, now=now)
    return post


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
    post, thread = get_post(session, principal, post_id)
    if post.author_id != principal.user_id:
        raise Forbidden("forum.error.not_yours", reason=f"post {post_id} is someone else's")
    if not may_edit(principal, post, limits, now):
        raise InputError(
            "forum.error.edit_window_over",
            403,
            params={"minutes": int(limits.edit_window.total_seconds() // 60)},
        )
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
        raise Forbidden("forum.error.not_yours", reason=f"post {post_id} is someone else's")
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


def post_for_edit(
    session: Session, principal: Principal, post_id: int, limits: Limits
) -> tuple[ForumPost, ForumThread]:
    post, thread = get_post(session, principal, post_id)
    if post.author_id != principal.user_id:
        raise Forbidden("forum.error.not_yours", reason=f"post {post_id} is someone else's")
    if not may_edit(principal, post, limits, utcnow()):
        raise InputError(
            "forum.error.edit_window_over",
            403,
            params={"minutes": int(limits.edit_window.total_seconds() // 60)},
        )
    return post, thread

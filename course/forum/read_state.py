"""What a person has seen of the lesson forums: per thread, up to which post; per lesson
forum, a watermark below which everything counts as seen ("mark all as read"). Both only
move forwards. Nothing here commits.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, select

from course.forum.access import lesson_for
from course.forum.models import ForumLessonRead, ForumReadState, ForumThread
from kurswerk.core.auth import Principal
from kurswerk.core.db import upsert


def lesson_watermark(session: Session, principal: Principal, lesson_id: int | None) -> int:
    """The post id up to which everything in this lesson forum counts as seen (0: none)."""
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


def record_read(
    session: Session, user_id: int, thread_id: int, post_id: int, now: datetime
) -> None:
    """The viewer has seen the thread up to ``post_id`` (never moves backwards)."""
    table = ForumReadState.__table__  # type: ignore[attr-defined]
    statement = upsert(session, table).values(
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
    values = {
        "user_id": principal.user_id,
        "context_id": principal.context_id,
        "lesson_id": lesson.id,
        "up_to_post_id": int(newest or 0),
        "updated_at": now,
    }
    session.execute(
        upsert(session, ForumLessonRead)
        .values(**values)
        .on_conflict_do_update(
            index_elements=["user_id", "context_id", "lesson_id"],
            set_={"up_to_post_id": values["up_to_post_id"], "updated_at": now},
        )
    )

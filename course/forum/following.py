"""Who follows what in the lesson forums: a lesson's forum or a thread (``target``), and
each person's choice of one email per post or a daily digest in their LMS course.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, delete, select

from course.forum.models import ForumNotifySetting, ForumSubscription, ForumThread
from course.models import Lesson
from kurswerk.core.auth import Principal
from kurswerk.core.db import upsert
from kurswerk.core.i18n import N_

INSTANT = "instant"
DIGEST = "digest"
DELIVERIES = {  # stored value: the choice as the notifications page words it
    INSTANT: N_("Eine E-Mail je neuem Beitrag"),
    DIGEST: N_("Einmal täglich eine Zusammenfassung"),
}


def thread_target(thread_id: int) -> str:
    return f"thread:{thread_id}"


def lesson_target(lesson_id: int) -> str:
    return f"lesson:{lesson_id}"


def is_subscribed(session: Session, principal: Principal, target: str) -> bool:
    return (
        session.exec(
            select(ForumSubscription.id).where(
                ForumSubscription.user_id == principal.user_id,
                ForumSubscription.context_id == principal.context_id,
                ForumSubscription.target == target,
            )
        ).first()
        is not None
    )


def subscribe(session: Session, principal: Principal, target: str, now: datetime) -> None:
    kind, _, raw_id = target.partition(":")
    values = {
        "user_id": principal.user_id,
        "context_id": principal.context_id,
        "target": target,
        "lesson_id": int(raw_id) if kind == "lesson" else None,
        "thread_id": int(raw_id) if kind == "thread" else None,
        "created_at": now,
    }
    session.execute(upsert(session, ForumSubscription).values(**values).on_conflict_do_nothing())


def unsubscribe(session: Session, principal: Principal, target: str) -> None:
    session.execute(
        delete(ForumSubscription).where(
            col(ForumSubscription.user_id) == principal.user_id,
            col(ForumSubscription.context_id) == principal.context_id,
            col(ForumSubscription.target) == target,
        )
    )


def delivery_of(session: Session, user_id: int, context_id: int) -> str:
    value = session.exec(
        select(ForumNotifySetting.delivery).where(
            ForumNotifySetting.user_id == user_id, ForumNotifySetting.context_id == context_id
        )
    ).first()
    return value or INSTANT


def set_delivery(session: Session, principal: Principal, delivery: str, now: datetime) -> None:
    """One email per post, or one digest a day (starting from now)."""
    if delivery not in DELIVERIES:
        raise ValueError(delivery)
    row = session.exec(
        select(ForumNotifySetting).where(
            ForumNotifySetting.user_id == principal.user_id,
            ForumNotifySetting.context_id == principal.context_id,
        )
    ).first()
    if row is None:
        row = ForumNotifySetting(user_id=principal.user_id, context_id=principal.context_id)
        session.add(row)
    if row.delivery != delivery or row.last_digest_at is None:
        row.last_digest_at = now
    row.delivery = delivery
    session.flush()


@dataclass(frozen=True)
class Followed:
    target: str
    title: str
    lesson_slug: str
    thread_id: int | None


def followed(session: Session, principal: Principal) -> list[Followed]:
    """What this person follows in their LMS course (for the notification settings)."""
    rows = session.exec(
        select(ForumSubscription)
        .where(
            ForumSubscription.user_id == principal.user_id,
            ForumSubscription.context_id == principal.context_id,
        )
        .order_by(col(ForumSubscription.id))
    ).all()
    result = []
    for row in rows:
        if row.thread_id is not None:
            thread = session.get(ForumThread, row.thread_id)
            if thread is None or thread.deleted_at is not None:
                continue
            lesson = session.get(Lesson, thread.lesson_id)
            result.append(
                Followed(row.target, thread.title, lesson.slug if lesson else "", row.thread_id)
            )
        elif row.lesson_id is not None:
            lesson = session.get(Lesson, row.lesson_id)
            if lesson is not None and lesson.archived_at is None:
                result.append(Followed(row.target, lesson.title, lesson.slug, None))
    return result

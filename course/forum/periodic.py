"""The forum's timed work: the daily digests of those who chose one, and the tutors'
alert about questions nobody has answered.

``run_periodic(engine, settings)`` sends the digests that are due and the unanswered-
question alerts; the outbox worker (or cron) calls it every few minutes
(``forum_task``). Every email is an outbox row with a key, so a repeated run writes
nothing twice.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from course.forum.following import DIGEST
from course.forum.mail import author_text, excerpt, notifications_url, thread_url
from course.forum.models import (
    ForumNotifySetting,
    ForumPost,
    ForumSubscription,
    ForumThread,
    row_id,
)
from course.forum.people import Person, context_title, mail_person, members, names, tutors
from course.forum.rules import Limits
from course.models import Lesson
from kurswerk.core.clock import as_utc, utcnow
from kurswerk.core.db import new_session
from kurswerk.core.email_links import EmailLinks
from kurswerk.core.outbox.worker import PeriodicTask
from kurswerk.core.settings import Settings

DIGEST_EVERY = timedelta(hours=24)


def send_digests(session: Session, *, links: EmailLinks, now: datetime | None = None) -> int:
    """One email per digest reader whose last digest is a day old, listing the new posts
    in what they follow (none when nothing is new). Returns the emails written."""
    now = as_utc(now or utcnow())
    due = session.exec(
        select(ForumNotifySetting).where(
            ForumNotifySetting.delivery == DIGEST,
            or_(
                col(ForumNotifySetting.last_digest_at).is_(None),
                col(ForumNotifySetting.last_digest_at) <= now - DIGEST_EVERY,
            ),
        )
    ).all()
    written = 0
    for setting in due:
        since = as_utc(setting.last_digest_at) if setting.last_digest_at else now - DIGEST_EVERY
        setting.last_digest_at = now
        people = members(session, setting.context_id, [setting.user_id])
        if not people:
            continue
        person = people[0]
        posts = _digest_posts(session, person, setting.context_id, since, now)
        if not posts:
            continue
        who = names(session, [post.author_id for post, _ in posts])
        threads: dict[int, dict[str, object]] = {}
        for post, thread in posts:
            entry = threads.setdefault(
                row_id(thread.id),
                {"title": thread.title, "url": thread_url(links, person, thread), "posts": []},
            )
            entry["posts"].append(  # type: ignore[attr-defined]
                {
                    "author": author_text(post, person, who),
                    "excerpt": excerpt(post.body),
                    "created_at": as_utc(post.created_at),
                    "url": thread_url(links, person, thread, post.id),
                }
            )
        mail_person(
            session,
            person,
            "forum_digest",
            key=f"forum-digest:{person.user_id}:{setting.context_id}:{now:%Y-%m-%dT%H}",
            course_title=context_title(session, setting.context_id),
            context={
                "post_count": len(posts),
                "threads": list(threads.values()),
                "settings_url": notifications_url(links, person, setting.context_id),
            },
        )
        written += 1
    session.flush()
    return written


def _digest_posts(
    session: Session, person: Person, context_id: int, since: datetime, now: datetime
) -> list[tuple[ForumPost, ForumThread]]:
    subscriptions = session.exec(
        select(ForumSubscription).where(
            ForumSubscription.user_id == person.user_id,
            ForumSubscription.context_id == context_id,
        )
    ).all()
    thread_ids = [s.thread_id for s in subscriptions if s.thread_id is not None]
    lesson_ids = [s.lesson_id for s in subscriptions if s.lesson_id is not None]
    if not thread_ids and not lesson_ids:
        return []
    query = (
        select(ForumPost, ForumThread)
        .join(ForumThread, col(ForumThread.id) == col(ForumPost.thread_id))
        .where(
            ForumThread.context_id == context_id,
            col(ForumThread.deleted_at).is_(None),
            col(ForumThread.hidden_at).is_(None),
            col(ForumPost.deleted_at).is_(None),
            col(ForumPost.hidden_at).is_(None),
            col(ForumPost.created_at) > since,
            col(ForumPost.created_at) <= now,
            or_(col(ForumPost.author_id).is_(None), col(ForumPost.author_id) != person.user_id),
            or_(col(ForumThread.id).in_(thread_ids), col(ForumThread.lesson_id).in_(lesson_ids)),
        )
        .order_by(col(ForumThread.id), col(ForumPost.id))
    )
    return [(post, thread) for post, thread in session.exec(query).all()]


def alert_unanswered(
    session: Session, *, limits: Limits, links: EmailLinks, now: datetime | None = None
) -> int:
    """Tell each LMS course's tutors, once per thread, about questions nobody has answered
    for ``limits.unanswered_after``. Returns the emails written."""
    now = as_utc(now or utcnow())
    threads = session.exec(
        select(ForumThread)
        .where(
            col(ForumThread.first_answer_at).is_(None),
            col(ForumThread.created_at) <= now - limits.unanswered_after,
            col(ForumThread.unanswered_alert_at).is_(None),
            col(ForumThread.deleted_at).is_(None),
            col(ForumThread.hidden_at).is_(None),
        )
        .order_by(col(ForumThread.context_id), col(ForumThread.created_at))
    ).all()
    by_context: dict[int, list[ForumThread]] = defaultdict(list)
    for thread in threads:
        by_context[thread.context_id].append(thread)
        thread.unanswered_alert_at = now
    written = 0
    for context_id, waiting in by_context.items():
        lessons = {
            lesson.id: lesson.title
            for lesson in session.exec(
                select(Lesson).where(col(Lesson.id).in_({t.lesson_id for t in waiting}))
            ).all()
        }
        newest = max(row_id(t.id) for t in waiting)
        for person in tutors(session, context_id):
            items = [
                {
                    "title": t.title,
                    "lesson_title": lessons.get(t.lesson_id, ""),
                    "created_at": as_utc(t.created_at),
                    "url": thread_url(links, person, t),
                }
                for t in waiting
            ]
            mail_person(
                session,
                person,
                "forum_unanswered",
                key=f"forum-unanswered:{context_id}:{person.user_id}:{newest}",
                course_title=context_title(session, context_id),
                context={
                    "hours": int(limits.unanswered_after.total_seconds() // 3600),
                    "threads": items,
                },
            )
            written += 1
    session.flush()
    return written


@dataclass(frozen=True)
class PeriodicReport:
    digests: int
    unanswered_alerts: int


def run_periodic(engine: Engine, settings: Settings, now: datetime | None = None) -> PeriodicReport:
    """The forum's timed work in one transaction: due digests, unanswered alerts. Safe to
    run from several workers: the outbox keys make a repeated email a no-op."""
    links = EmailLinks(settings)
    with new_session(engine) as session:
        digests = send_digests(session, links=links, now=now)
        alerts = alert_unanswered(
            session, limits=Limits.from_settings(settings), links=links, now=now
        )
        session.commit()
    return PeriodicReport(digests, alerts)


FORUM_TASK = "forum-digests-and-unanswered-alerts"
FORUM_CHECK_SECONDS = 300


def forum_task(settings: Settings) -> PeriodicTask:
    """The outbox worker loop's job: the forum's timed work every few minutes."""

    def run(engine: Engine, now: datetime) -> None:
        run_periodic(engine, settings, now)

    return PeriodicTask(FORUM_TASK, FORUM_CHECK_SECONDS, run)

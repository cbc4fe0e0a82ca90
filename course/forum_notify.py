"""Who follows what, and the forum's emails: one per post or a daily digest (each
person's choice), reports to the tutors, and the tutors' alert about unanswered questions.

Every email is written to the outbox (``kurswerk.outbox.enqueue_email``) in the caller's
transaction, with a key that makes it idempotent. The author of an anonymous post is
named in an email only to tutors: the label comes from ``course.forum_views.author_label``
for each recipient.

``run_periodic(engine, settings)`` sends the digests that are due and the unanswered-
question alerts; the outbox worker (or cron) calls it every few minutes.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, delete, select

from course.forum_models import (
    ForumNotifySetting,
    ForumPost,
    ForumReport,
    ForumSubscription,
    ForumThread,
    utcnow,
)
from course.forum_people import Person, context_title, members, names, tutors
from course.forum_rules import Limits
from course.forum_views import Viewer, author_label
from course.models import Lesson
from kurswerk.auth import Principal
from kurswerk.db import new_session
from kurswerk.outbox import as_utc, enqueue_email
from kurswerk.outbox_worker import PeriodicTask, register_periodic
from kurswerk.settings import Settings
from kurswerk.usertext import plain_text, render_markdown

INSTANT = "instant"
DIGEST = "digest"
DELIVERIES = (INSTANT, DIGEST)
DIGEST_EVERY = timedelta(hours=24)
EXCERPT = 600

ANONYMOUS_LABEL = {"de": "Anonym", "en": "Anonymous"}
TUTOR_SUFFIX = {"de": " (Tutor/in)", "en": " (tutor)"}
ANONYMOUS_NOTE = {"de": " (anonym für Teilnehmende)", "en": " (anonymous to learners)"}
GONE_LABEL = {"de": "Gelöschte Person", "en": "Deleted person"}


def thread_target(thread_id: int) -> str:
    return f"thread:{thread_id}"


def lesson_target(lesson_id: int) -> str:
    return f"lesson:{lesson_id}"


# --- following -------------------------------------------------------------------------


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
    table = ForumSubscription.__table__  # type: ignore[attr-defined]
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    session.execute(dialect.insert(table).values(**values).on_conflict_do_nothing())


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


# --- emails ------------------------------------------------------------------------------


def author_text(post: ForumPost, recipient: Person, who: dict[int, str]) -> str:
    """How the author is named to this recipient (never by name when anonymous to them)."""
    label = author_label(
        author_id=post.author_id,
        anonymous=post.anonymous,
        author_role=post.author_role,
        viewer=Viewer(recipient.user_id, recipient.moderator),
        names=who,
    )
    locale = recipient.locale
    if label.name is None:
        return ANONYMOUS_LABEL.get(locale, ANONYMOUS_LABEL["de"])
    if label.gone:
        return GONE_LABEL.get(locale, GONE_LABEL["de"])
    text = label.name
    if label.tutor:
        text += TUTOR_SUFFIX.get(locale, TUTOR_SUFFIX["de"])
    if label.anonymous:
        text += ANONYMOUS_NOTE.get(locale, ANONYMOUS_NOTE["de"])
    return text


def thread_url(base_url: str, thread: ForumThread, post_id: int | None = None) -> str:
    anchor = f"#post-{post_id}" if post_id else ""
    return f"{base_url}/c/{thread.context_id}/forum/threads/{thread.id}{anchor}"


def _excerpt(body: str) -> str:
    text = plain_text(body)
    return text if len(text) <= EXCERPT else text[: EXCERPT - 1].rstrip() + "…"


def _subscribers(session: Session, context_id: int, targets: list[str]) -> set[int]:
    return set(
        session.exec(
            select(ForumSubscription.user_id).where(
                ForumSubscription.context_id == context_id,
                col(ForumSubscription.target).in_(targets),
            )
        ).all()
    )


def notify_post(
    session: Session, post: ForumPost, thread: ForumThread, *, base_url: str, now: datetime
) -> int:
    """Email everyone who follows the thread or its lesson forum and wants one email per
    post (digest readers get it in their next digest). Returns the emails written."""
    ids = _subscribers(
        session, thread.context_id, [thread_target(_id(thread.id)), lesson_target(thread.lesson_id)]
    )
    ids.discard(post.author_id or -1)
    if not ids:
        return 0
    digest_readers = set(
        session.exec(
            select(ForumNotifySetting.user_id).where(
                ForumNotifySetting.context_id == thread.context_id,
                ForumNotifySetting.delivery == DIGEST,
                col(ForumNotifySetting.user_id).in_(ids),
            )
        ).all()
    )
    recipients = [p for p in members(session, thread.context_id, ids - digest_readers)]
    if not recipients:
        return 0
    lesson = session.get(Lesson, thread.lesson_id)
    course_title = context_title(session, thread.context_id)
    who = names(session, [post.author_id])
    for person in recipients:
        enqueue_email(
            session,
            to=person.email,
            to_name=person.name,
            template="forum_post",
            locale=person.locale,
            key=f"forum-post:{post.id}:{person.user_id}",
            context={
                "recipient_name": person.name,
                "course_title": course_title,
                "lesson_title": lesson.title if lesson else "",
                "thread_title": thread.title,
                "is_question": post.is_question,
                "author": author_text(post, person, who),
                "post_text": plain_text(post.body),
                "post_html": render_markdown(post.body),
                "thread_url": thread_url(base_url, thread, post.id),
                "settings_url": f"{base_url}/c/{thread.context_id}/forum/notifications",
            },
        )
    return len(recipients)


def notify_report(
    session: Session, report: ForumReport, post: ForumPost, thread: ForumThread, *, base_url: str
) -> int:
    """Tell the LMS course's tutors that a post was reported."""
    people = [p for p in tutors(session, thread.context_id) if p.user_id != report.reporter_id]
    lesson = session.get(Lesson, thread.lesson_id)
    for person in people:
        enqueue_email(
            session,
            to=person.email,
            to_name=person.name,
            template="forum_report",
            locale=person.locale,
            key=f"forum-report:{report.id}:{person.user_id}",
            context={
                "recipient_name": person.name,
                "course_title": context_title(session, thread.context_id),
                "lesson_title": lesson.title if lesson else "",
                "thread_title": thread.title,
                "post_excerpt": _excerpt(post.body),
                "reason": report.reason,
                "reports_url": f"{base_url}/c/{thread.context_id}/forum/reports",
                "thread_url": thread_url(base_url, thread, post.id),
            },
        )
    return len(people)


def _id(value: int | None) -> int:
    assert value is not None
    return value


# --- periodic: digests and unanswered questions ------------------------------------------


def send_digests(session: Session, *, base_url: str, now: datetime | None = None) -> int:
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
                _id(thread.id),
                {"title": thread.title, "url": thread_url(base_url, thread), "posts": []},
            )
            entry["posts"].append(  # type: ignore[attr-defined]
                {
                    "author": author_text(post, person, who),
                    "excerpt": _excerpt(post.body),
                    "created_at": as_utc(post.created_at),
                    "url": thread_url(base_url, thread, post.id),
                }
            )
        enqueue_email(
            session,
            to=person.email,
            to_name=person.name,
            template="forum_digest",
            locale=person.locale,
            key=f"forum-digest:{person.user_id}:{setting.context_id}:{now:%Y-%m-%dT%H}",
            context={
                "recipient_name": person.name,
                "course_title": context_title(session, setting.context_id),
                "post_count": len(posts),
                "threads": list(threads.values()),
                "settings_url": f"{base_url}/c/{setting.context_id}/forum/notifications",
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
    session: Session, *, limits: Limits, base_url: str, now: datetime | None = None
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
        items = [
            {
                "title": t.title,
                "lesson_title": lessons.get(t.lesson_id, ""),
                "created_at": as_utc(t.created_at),
                "url": thread_url(base_url, t),
            }
            for t in waiting
        ]
        newest = max(_id(t.id) for t in waiting)
        for person in tutors(session, context_id):
            enqueue_email(
                session,
                to=person.email,
                to_name=person.name,
                template="forum_unanswered",
                locale=person.locale,
                key=f"forum-unanswered:{context_id}:{person.user_id}:{newest}",
                context={
                    "recipient_name": person.name,
                    "course_title": context_title(session, context_id),
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
    with new_session(engine) as session:
        digests = send_digests(session, base_url=settings.base_url, now=now)
        alerts = alert_unanswered(
            session, limits=Limits.from_settings(settings), base_url=settings.base_url, now=now
        )
        session.commit()
    return PeriodicReport(digests, alerts)


FORUM_TASK = "forum-digests-and-unanswered-alerts"
FORUM_CHECK_SECONDS = 300


def register_jobs(settings: Settings) -> None:
    """Let the outbox worker loop run the forum's timed work every few minutes."""

    def run(engine: Engine, now: datetime) -> None:
        run_periodic(engine, settings, now)

    register_periodic(PeriodicTask(FORUM_TASK, FORUM_CHECK_SECONDS, run))


__all__ = [
    "register_jobs",
    "DELIVERIES",
    "DIGEST",
    "INSTANT",
    "Followed",
    "PeriodicReport",
    "alert_unanswered",
    "delivery_of",
    "followed",
    "is_subscribed",
    "lesson_target",
    "notify_post",
    "notify_report",
    "run_periodic",
    "send_digests",
    "set_delivery",
    "subscribe",
    "thread_target",
    "unsubscribe",
]

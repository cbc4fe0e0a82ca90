"""The forum's emails as things happen: a new post to those who follow it and want one
email per post, a reported post to the LMS course's tutors.

Every email is written to the outbox (``kurswerk.core.outbox.queue.enqueue_email``) in the caller's
transaction, with a key that makes it idempotent. The author of an anonymous post is
named in an email only to tutors: the label comes from ``course.forum.views.author_label``
for each recipient (``author_text``, also used by the digests).
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, select

from course.forum.following import DIGEST, lesson_target, thread_target
from course.forum.models import (
    ForumNotifySetting,
    ForumPost,
    ForumReport,
    ForumSubscription,
    ForumThread,
    row_id,
)
from course.forum.people import Person, context_title, mail_person, members, names, tutors
from course.forum.views import Viewer, author_label
from course.models import Lesson
from kurswerk.core import i18n
from kurswerk.core.email_links import EmailLinks
from kurswerk.core.paths import path_for
from kurswerk.core.usertext import markdown_text, render_markdown

EXCERPT = 600


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
        return i18n.gettext(locale, "Anonym")
    if label.gone:
        return i18n.gettext(locale, "Gelöschte Person")
    text = label.name
    if label.tutor:
        text = i18n.gettext(locale, "%(name)s (Tutor:in)", name=text)
    if label.anonymous:
        text = i18n.gettext(locale, "%(name)s (anonym für Teilnehmende)", name=text)
    return text


def thread_url(
    links: EmailLinks, reader: Person, thread: ForumThread, post_id: int | None = None
) -> str:
    """A thread (at one post) as ``reader``'s mail links to it."""
    return links.url(
        path_for("forum_thread", context=thread.context_id, thread_id=thread.id),
        reader.link_reader(thread.context_id),
        anchor=f"post-{post_id}" if post_id else "",
    )


def notifications_url(links: EmailLinks, reader: Person, context_id: int) -> str:
    """Where ``reader`` sets how the forum mails them."""
    return links.url(
        path_for("forum_notifications", context=context_id), reader.link_reader(context_id)
    )


def excerpt(body: str) -> str:
    """A post's text as an email quotes it: as text, at most ``EXCERPT`` characters."""
    text = markdown_text(body)
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
    session: Session, post: ForumPost, thread: ForumThread, *, links: EmailLinks, now: datetime
) -> int:
    """Email everyone who follows the thread or its lesson forum and wants one email per
    post (digest readers get it in their next digest). Returns the emails written."""
    ids = _subscribers(
        session,
        thread.context_id,
        [thread_target(row_id(thread.id)), lesson_target(thread.lesson_id)],
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
        mail_person(
            session,
            person,
            "forum_post",
            key=f"forum-post:{post.id}:{person.user_id}",
            course_title=course_title,
            context={
                "lesson_title": lesson.title if lesson else "",
                "thread_title": thread.title,
                "is_question": post.is_question,
                "author": author_text(post, person, who),
                "post_text": markdown_text(post.body),
                "post_html": render_markdown(post.body),
                "thread_url": thread_url(links, person, thread, post.id),
                "settings_url": notifications_url(links, person, thread.context_id),
            },
        )
    return len(recipients)


def notify_report(
    session: Session,
    report: ForumReport,
    post: ForumPost,
    thread: ForumThread,
    *,
    links: EmailLinks,
) -> int:
    """Tell the LMS course's tutors that a post was reported."""
    people = [p for p in tutors(session, thread.context_id) if p.user_id != report.reporter_id]
    lesson = session.get(Lesson, thread.lesson_id)
    for person in people:
        mail_person(
            session,
            person,
            "forum_report",
            key=f"forum-report:{report.id}:{person.user_id}",
            course_title=context_title(session, thread.context_id),
            context={
                "lesson_title": lesson.title if lesson else "",
                "thread_title": thread.title,
                "post_excerpt": excerpt(post.body),
                "reason": report.reason,
                "reports_url": links.url(
                    path_for("forum_reports", context=thread.context_id),
                    person.link_reader(thread.context_id),
                ),
                "thread_url": thread_url(links, person, thread, post.id),
            },
        )
    return len(people)

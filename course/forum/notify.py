"""Who follows what, and the forum's emails: one per post or a daily digest (each
person's choice), reports to the tutors, and the tutors' alert about unanswered questions.

Every email is written to the outbox (``kurswerk.core.outbox.queue.enqueue_email``) in the caller's
transaction, with a key that makes it idempotent. The author of an anonymous post is
named in an email only to tutors: the label comes from ``course.forum.views.author_label``
for each recipient.

``run_periodic(engine, settings)`` sends the digests that are due and the unanswered-
question alerts; the outbox worker (or cron) calls it every few minutes.

Split by use case, each in a module of its own:

* ``course.forum.following`` following lessons and threads, the choice of email or digest
* ``course.forum.mail``      the email about a new post, a reported post
* ``course.forum.periodic``  the digests and the unanswered-question alerts, on a timer

This module names them for the forum's routes and rules and for ``course.service``.
"""

from __future__ import annotations

from course.forum.following import (
    DELIVERIES,
    DIGEST,
    INSTANT,
    Followed,
    delivery_of,
    followed,
    is_subscribed,
    lesson_target,
    set_delivery,
    subscribe,
    thread_target,
    unsubscribe,
)
from course.forum.mail import (
    ANONYMOUS_LABEL,
    ANONYMOUS_NOTE,
    EXCERPT,
    GONE_LABEL,
    TUTOR_SUFFIX,
    author_text,
    notify_post,
    notify_report,
    thread_url,
)
from course.forum.periodic import (
    DIGEST_EVERY,
    FORUM_CHECK_SECONDS,
    FORUM_TASK,
    PeriodicReport,
    alert_unanswered,
    forum_task,
    run_periodic,
    send_digests,
)

__all__ = [
    "ANONYMOUS_LABEL",
    "ANONYMOUS_NOTE",
    "DELIVERIES",
    "DIGEST",
    "DIGEST_EVERY",
    "EXCERPT",
    "FORUM_CHECK_SECONDS",
    "FORUM_TASK",
    "GONE_LABEL",
    "INSTANT",
    "TUTOR_SUFFIX",
    "Followed",
    "PeriodicReport",
    "alert_unanswered",
    "author_text",
    "delivery_of",
    "followed",
    "is_subscribed",
    "lesson_target",
    "notify_post",
    "notify_report",
    "forum_task",
    "run_periodic",
    "send_digests",
    "set_delivery",
    "subscribe",
    "thread_target",
    "thread_url",
    "unsubscribe",
]

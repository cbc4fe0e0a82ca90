"""The lesson forums over HTTP (thin: parse, call ``course.forum_*``, render).

Lesson-level pages live under ``/c/{context}/lessons/{slug}/forum``; threads, posts and
the course-wide pages (reports, notification settings) under ``/c/{context}/forum/``.
Every POST checks the CSRF token. A form the service refuses (too long, empty, too many
posts per minute) is shown again with the text as typed and the message; the
transaction is rolled back first, so nothing of it is saved.

The routes are split by use case, all on one router (``course.forum_router``):

* ``course.forum_thread_routes``       a lesson's forum, asking, a thread and replying
* ``course.forum_post_routes``         editing, deleting and reporting a post
* ``course.forum_moderation_routes``   the tutors' actions on threads and posts, reports
* ``course.forum_subscription_routes`` following lessons and threads, notification settings
"""

from __future__ import annotations

from course import (  # noqa: F401 - each adds its routes to the forum's router
    forum_moderation_routes,
    forum_post_routes,
    forum_subscription_routes,
    forum_thread_routes,
)
from course.forum_router import router

__all__ = ["router"]

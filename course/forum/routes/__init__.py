"""The lesson forums over HTTP (thin: parse, call ``course.forum``, render).

Lesson-level pages live under ``/c/{context}/lessons/{slug}/forum``; threads, posts and
the course-wide pages (reports, notification settings) under ``/c/{context}/forum/``.
Every POST checks the CSRF token. A form the service refuses (too long, empty, too many
posts per minute) is shown again with the text as typed and the message; the
transaction is rolled back first, so nothing of it is saved.

The routes are split by use case, all on one router (``course.forum.routes.base``):

* ``course.forum.routes.threads``       a lesson's forum, asking, a thread and replying
* ``course.forum.routes.posts``         editing, deleting and reporting a post
* ``course.forum.routes.moderation``   the tutors' actions on threads and posts, reports
* ``course.forum.routes.subscriptions`` following lessons and threads, notification settings
"""

from __future__ import annotations

from course.forum.routes import (  # noqa: F401 - each adds its routes to the forum's router
    moderation,
    posts,
    subscriptions,
    threads,
)
from course.forum.routes.base import router

__all__ = ["router"]

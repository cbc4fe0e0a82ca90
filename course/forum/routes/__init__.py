"""The lesson forums over HTTP (thin: parse, call ``course.forum``, render).

Lesson-level pages live under ``/c/{context}/lessons/{slug}/forum``; threads, posts and
the course-wide pages (reports, notification settings) under ``/c/{context}/forum/``.
Every POST checks the CSRF token. A form the rules refuse (too long, empty, too many
posts per minute) is shown again with the text as typed and the message; the
transaction is rolled back first, so nothing of it is saved.

The routes are split by use case, each module with a router of its own:

* ``course.forum.routes.threads``       a lesson's forum, asking, a thread and replying
* ``course.forum.routes.posts``         editing, deleting and reporting a post
* ``course.forum.routes.moderation``    the tutors' actions on threads and posts, reports
* ``course.forum.routes.subscriptions`` following lessons and threads, notification settings
"""

from __future__ import annotations

from fastapi import APIRouter

from course.forum.routes import moderation, posts, subscriptions, threads

router = APIRouter()
"""The forum's routes as one list, not included routers: FastAPI includes a router
lazily, so an included router's routes are not in the including router's ``routes``,
where the forum's routes are listed and checked as one set (every POST has the CSRF
check)."""
for _module in (moderation, posts, subscriptions, threads):
    router.routes.extend(_module.router.routes)

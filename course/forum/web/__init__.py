"""The lesson forums over HTTP (thin: parse, call the forum's rules, render).

Lesson-level pages live under ``/c/{context}/lessons/{slug}/forum``; threads, posts and
the course-wide pages (reports, notification settings) under ``/c/{context}/forum/``.
Every POST checks the CSRF token. A form the rules refuse (too long, empty, too many
posts per minute) is shown again with the text as typed and the message; the
transaction is rolled back first, so nothing of it is saved.

The routes are split by use case, all on one router (``course.forum.web.router``), which
``course.routes`` includes after importing them:

* ``course.forum.web.threads``       a lesson's forum, asking, a thread and replying
* ``course.forum.web.posts``         editing, deleting and reporting a post
* ``course.forum.web.moderation``    the tutors' actions on threads and posts, reports
* ``course.forum.web.subscriptions`` following lessons and threads, notification settings
"""

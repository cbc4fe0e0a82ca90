"""The lesson forums' rules, callable without HTTP, as the forum's routes and the other
features of the course package (FAQ, questions to the lecturer, suggestions) use them.

Split by use case, each in a module of its own:

* ``course.forum.access``     which lesson, thread or post a principal may see
* ``course.forum.reading``    a lesson's list of threads, a thread's page
* ``course.forum.read_state`` what a person has seen
* ``course.forum.posting``    asking, replying, editing and deleting; the search document

Moderation lives in ``course.forum.moderation``, emails and subscriptions in
``course.forum.notify``. Nothing here commits; the caller owns the transaction. Other
packages reach the forum through ``course.service`` only.
"""

from __future__ import annotations

from course.forum.access import get_post, get_thread, lesson_for
from course.forum.posting import (
    create_thread,
    delete_post,
    edit_post,
    post_for_edit,
    reindex_thread,
    reply,
)
from course.forum.read_state import mark_lesson_read
from course.forum.reading import THREADS_PER_PAGE, thread_list, thread_page

__all__ = [
    "THREADS_PER_PAGE",
    "create_thread",
    "delete_post",
    "edit_post",
    "get_post",
    "get_thread",
    "lesson_for",
    "mark_lesson_read",
    "post_for_edit",
    "reindex_thread",
    "reply",
    "thread_list",
    "thread_page",
]

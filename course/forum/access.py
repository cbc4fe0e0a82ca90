"""Which lesson, thread or post of the lesson forums a principal may see: the lookups
every forum use case starts from (reading, writing, moderating, the FAQ's promotion).

Every lookup starts from the principal's LMS course: an id from another LMS course is
"not found", never "forbidden" (that would confirm it exists).
"""

from __future__ import annotations

from sqlmodel import Session

from course.binding import active_course, active_lesson
from course.forum.models import ForumPost, ForumThread
from course.forum.rules import is_moderator
from course.models import Course, Lesson
from kurswerk.core.auth import Principal
from kurswerk.core.errors import NotFound
from kurswerk.core.i18n import N_

POST_NOT_FOUND = N_("Diesen Beitrag gibt es nicht (mehr).")
"""The refusal of a post that is not there, or not for this person."""


def lesson_for(session: Session, principal: Principal, slug: str) -> tuple[Course, Lesson]:
    course = active_course(session, principal.context_id)
    return course, active_lesson(session, course, slug)


def get_thread(session: Session, principal: Principal, thread_id: int) -> ForumThread:
    """A thread of the principal's LMS course that they may see (hidden: tutors only)."""
    thread = session.get(ForumThread, thread_id)
    if (
        thread is None
        or thread.context_id != principal.context_id
        or thread.deleted_at is not None
        or (thread.hidden_at is not None and not is_moderator(principal))
    ):
        raise NotFound(
            N_("Diese Frage gibt es nicht (mehr)."), reason=f"no thread {thread_id} here"
        )
    return thread


def get_post(session: Session, principal: Principal, post_id: int) -> tuple[ForumPost, ForumThread]:
    """A post the principal may see: not deleted; hidden ones only to tutors and the author."""
    post = session.get(ForumPost, post_id)
    if post is None or post.deleted_at is not None:
        raise NotFound(POST_NOT_FOUND, reason=f"no post {post_id}")
    try:
        thread = get_thread(session, principal, post.thread_id)
    except NotFound:
        raise NotFound(POST_NOT_FOUND, reason=f"no post {post_id} here") from None
    if (
        post.hidden_at is not None
        and not is_moderator(principal)
        and post.author_id != principal.user_id
    ):
        raise NotFound(POST_NOT_FOUND, reason=f"post {post_id} is hidden")
    return post, thread

"""Similar questions while a learner writes a new one: FAQ entries first, then threads
of the lesson forum, matched by German word stems (``course.forum_search``).

Suggestions carry titles and excerpts only, never an author: the fragment that shows
them is the same for everyone.
"""

from __future__ import annotations

import math

from sqlmodel import Session, col, select

from course import faq_service
from course.forum_models import ForumPost, ForumThread
from course.forum_search import THREAD, query_terms, search
from course.forum_service import lesson_for
from course.forum_views import Suggestion
from kurswerk.auth import Principal
from kurswerk.usertext import plain_text

MAX_THREADS = 5
MAX_FAQ = 3
MAX_INPUT = 1000


def suggestions(
    session: Session, principal: Principal, slug: str, text: str
) -> tuple[list[Suggestion], list[Suggestion]]:
    """(FAQ entries, threads) resembling ``text`` (title and start of the question)."""
    _, lesson = lesson_for(session, principal, slug)
    assert lesson.id is not None
    terms = query_terms(text[:MAX_INPUT])
    if not terms:
        return [], []
    faq = faq_service.suggest(session, principal, lesson.id, terms, limit=MAX_FAQ)
    hits, _ = search(
        session,
        THREAD,
        terms,
        scopes=[principal.context_id],
        lesson_id=lesson.id,
        min_match=math.ceil(len(terms) / 2),
        limit=MAX_THREADS,
    )
    if not hits:
        return faq, []
    order = {hit.doc_id: index for index, hit in enumerate(hits)}
    rows = session.exec(
        select(ForumThread, ForumPost.body)
        .join(ForumPost, col(ForumPost.thread_id) == col(ForumThread.id))
        .where(
            col(ForumThread.id).in_(list(order)),
            ForumThread.context_id == principal.context_id,
            col(ForumThread.deleted_at).is_(None),
            col(ForumThread.hidden_at).is_(None),
            col(ForumPost.is_question).is_(True),
        )
    ).all()
    threads = [
        Suggestion(
            "thread",
            int(thread.id or 0),
            thread.title,
            _excerpt(body),
            answered=thread.first_answer_at is not None,
            lesson_slug=lesson.slug,
        )
        for thread, body in sorted(rows, key=lambda row: order[int(row[0].id or 0)])
    ]
    return faq, threads


def _excerpt(markdown: str, limit: int = 200) -> str:
    text = " ".join(plain_text(markdown).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"

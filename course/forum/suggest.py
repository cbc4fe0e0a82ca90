"""Similar questions while a learner writes a new one: FAQ entries first, then threads
of the lesson forum, matched by German word stems (``course.forum.search``).

Suggestions carry titles and excerpts only, never an author: the fragment that shows
them is the same for everyone.
"""

from __future__ import annotations

from sqlmodel import Session, col, select

from course.faq import reading as faq_reading
from course.forum.access import lesson_for
from course.forum.models import ForumPost, ForumThread
from course.forum.search import (
    CANDIDATES,
    THREAD,
    query_terms,
    rank_by_title,
    search,
    suggest_threshold,
)
from course.forum.views import Suggestion
from kurswerk.core.auth import Principal
from kurswerk.core.usertext import plain_text

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
    faq = faq_reading.suggest(session, principal, lesson.id, terms, limit=MAX_FAQ)
    hits, _ = search(
        session,
        THREAD,
        terms,
        scopes=[principal.context_id],
        lesson_id=lesson.id,
        min_match=suggest_threshold(terms),
        limit=CANDIDATES,
    )
    if not hits:
        return faq, []
    rows = {
        int(thread.id or 0): (thread, body)
        for thread, body in session.exec(
            select(ForumThread, ForumPost.body)
            .join(ForumPost, col(ForumPost.thread_id) == col(ForumThread.id))
            .where(
                col(ForumThread.id).in_([hit.doc_id for hit in hits]),
                ForumThread.context_id == principal.context_id,
                col(ForumThread.deleted_at).is_(None),
                col(ForumThread.hidden_at).is_(None),
                col(ForumPost.is_question).is_(True),
            )
        ).all()
    }
    ranked = rank_by_title(hits, {i: t.title for i, (t, _) in rows.items()}, terms)
    threads = [
        Suggestion(
            "thread",
            i,
            rows[i][0].title,
            _excerpt(rows[i][1]),
            answered=rows[i][0].first_answer_at is not None,
            lesson_slug=lesson.slug,
        )
        for i in ranked[:MAX_THREADS]
    ]
    return faq, threads


def _excerpt(markdown: str, limit: int = 200) -> str:
    text = " ".join(plain_text(markdown).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"

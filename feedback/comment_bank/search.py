"""Finding snippets: the bank page's list and the search while typing, one query each.

**Which snippets**: those of the LMS course and the course it shows (both, always); for
an exercise, its own and those for every exercise; for an industry, its own and those for
every industry (an industry's snippet is offered only for submissions in it).

**Matching** is case-insensitive substring matching in SQL: every word of the query
must occur in the snippet's title or text. Both sides are folded the same way in Python
(``str.casefold``: the stored ``search_text`` when the snippet is written, the query
here), so ``Ä``/``ä`` and ``ß``/``ss`` match alike on SQLite, whose ``lower()`` and
``LIKE`` fold ASCII only, and on PostgreSQL. Wildcards typed by the tutor (``%``, ``_``)
are escaped.

**Why no text index**: a ``LIKE '%word%'`` cannot use a B-tree. The query first narrows
by the index ``ix_comment_snippet_scope (context_id, course_id, exercise_id)`` to one LMS
course's snippets - hundreds, at most :data:`~feedback.comment_bank.snippets.MAX_SNIPPETS`
- and filters those rows, which costs microseconds per row and needs nothing beside the
table. Were banks to grow to tens of thousands of snippets, the same shape would take a
trigram index (``pg_trgm`` / FTS5 trigram, as ``search_vocab`` in migration 0019 does).

**Order**: most used first; among equally used, the better match (the title starts with
the query, then every word in the title, then in the text only), then the most recently
used, then by title. At most :data:`SEARCH_LIMIT` results.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, case, or_, select
from sqlmodel import Session

from feedback.comment_bank.models import CommentSnippet
from feedback.comment_bank.scope import BankScope
from feedback.comment_bank.snippets import fold

SEARCH_LIMIT = 12
"""Results of one search: what a list under the caret can show, with the rest reached by
typing more."""
QUERY_MAX_CHARS = 100
MAX_WORDS = 6

_s = CommentSnippet.__table__  # type: ignore[attr-defined]


def _escaped(text: str) -> str:
    """``text`` for a LIKE pattern with ``\\`` as the escape: its wildcards taken literally."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _contains(column: Any, word: str) -> Any:
    return column.like(f"%{_escaped(word)}%", escape="\\")


def query_words(query: str) -> list[str]:
    """The folded words of a query (at most :data:`MAX_WORDS`, duplicates once)."""
    words: list[str] = []
    for word in fold(query).split():
        if word not in words:
            words.append(word)
    return words[:MAX_WORDS]


@dataclass(frozen=True)
class Found:
    snippets: tuple[CommentSnippet, ...]
    more: bool  # there were more than the limit


def _statement(
    scope: BankScope, words: list[str], exercise_id: int | None, industry: str | None
) -> Any:
    where = [_s.c.context_id == scope.context_id, _s.c.course_id == scope.course_id]
    if exercise_id is not None:
        where.append(or_(_s.c.exercise_id == exercise_id, _s.c.exercise_id.is_(None)))
    if industry is not None:
        where.append(or_(_s.c.industry == industry, _s.c.industry == ""))
    where.extend(_contains(_s.c.search_text, word) for word in words)
    order: list[Any] = [_s.c.use_count.desc()]
    if words:
        prefix = _escaped(" ".join(words)) + "%"
        order.append(
            case(
                (_s.c.title_key.like(prefix, escape="\\"), 0),
                (and_(*(_contains(_s.c.title_key, word) for word in words)), 1),
                else_=2,
            )
        )
    order += [_s.c.last_used_at.desc().nulls_last(), _s.c.title_key, _s.c.id]
    return select(CommentSnippet).where(*where).order_by(*order)


def find_snippets(
    session: Session,
    scope: BankScope,
    *,
    query: str = "",
    exercise_id: int | None = None,
    industry: str | None = None,
    limit: int = SEARCH_LIMIT,
) -> Found:
    """The snippets for an exercise and an industry (``None``: any) matching ``query``
    (empty: all of them), in the order above, at most ``limit``."""
    statement = _statement(scope, query_words(query), exercise_id, industry).limit(limit + 1)
    rows = tuple(session.execute(statement).scalars().all())
    return Found(rows[:limit], more=len(rows) > limit)

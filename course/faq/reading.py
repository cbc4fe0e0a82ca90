"""Reading the FAQ of a lesson: its entries in order or the ones a search finds (German
word forms; entries holding only some of the words when none holds them all), one entry
as the principal's LMS course shows it, and entries suggested while a question is typed.
Each LMS course sees its own view: the file entries, except those it overrides (its
override shows instead, or nothing when it deleted the entry), and its own entries.
Tutors also see the file entries deleted in their LMS course, to restore them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup
from sqlalchemy import or_
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, func, select

from course.binding import active_course
from course.faq.models import FaqEntry
from course.forum.access import lesson_for
from course.forum.models import ForumThread, row_id
from course.forum.rules import is_moderator
from course.forum.search import (
    CANDIDATES,
    FAQ,
    SHARED_SCOPE,
    query_terms,
    rank_by_title,
    search,
    suggest_threshold,
)
from course.forum.views import LessonRef, Suggestion
from course.models import Lesson
from kurswerk.core.auth import Principal
from kurswerk.core.errors import NotFound
from kurswerk.core.i18n import N_
from kurswerk.core.usertext import plain_text, render_markdown

SEARCH_LIMIT = 50

ORIGINS = {  # FaqEntry.origin: where the entry came from, as the FAQ page names it
    "file": N_("Aus den Kursdateien"),
    "tool": N_("Im Tool geschrieben"),
    "forum": N_("Aus dem Forum übernommen"),
    "question": N_("Aus einer Frage an die Kursleitung"),
}


@dataclass(frozen=True)
class FaqEntryView:
    id: int
    question: str
    answer_html: Markup
    origin: str
    quote_anchor: str | None
    quote_section: str
    thread_id: int | None
    shared: bool
    """Course content (from the files): shown in every LMS course of the course."""
    edited_in_tool: bool
    """This LMS course's version of a file entry (an override)."""
    file_differs: bool
    file_version: bool
    """The file entry it overrides is still in the files (it can be restored)."""
    position: int

    @property
    def origin_text(self) -> str:
        """Where the entry came from (a message id)."""
        return ORIGINS.get(self.origin, "")


@dataclass(frozen=True)
class FaqPage:
    course_title: str
    lesson: LessonRef
    entries: tuple[FaqEntryView, ...]
    query: str = ""
    partial: bool = False
    """No entry holds every word searched for; these hold some."""
    moderator: bool = False
    removed: tuple[FaqEntryView, ...] = ()
    """File entries deleted in the tool (tutors can restore the file version)."""


def overridden_here(context_id: int) -> Any:
    """The ids of the file entries this LMS course overrides (a subquery)."""
    override = aliased(FaqEntry)
    return select(override.overrides_id).where(
        override.context_id == context_id, col(override.overrides_id).is_not(None)
    )


def _visible(principal: Principal) -> Any:
    return (
        col(FaqEntry.deleted_at).is_(None),
        col(FaqEntry.archived_at).is_(None),
        or_(col(FaqEntry.context_id).is_(None), col(FaqEntry.context_id) == principal.context_id),
        col(FaqEntry.id).not_in(overridden_here(principal.context_id)),
    )


def count_visible(session: Session, principal: Principal, lesson_id: int) -> int:
    """How many entries the lesson's FAQ shows in the principal's LMS course."""
    query = select(func.count()).where(FaqEntry.lesson_id == lesson_id, *_visible(principal))
    return int(session.exec(query).one())


def _overridden_ids(session: Session, principal: Principal, lesson_id: int) -> list[int]:
    query = select(FaqEntry.overrides_id).where(
        FaqEntry.lesson_id == lesson_id,
        FaqEntry.context_id == principal.context_id,
        col(FaqEntry.overrides_id).is_not(None),
    )
    return [int(i) for i in session.exec(query).all() if i is not None]


def _originals(session: Session, entries: list[FaqEntry]) -> dict[int, FaqEntry]:
    ids = {e.overrides_id for e in entries if e.overrides_id is not None}
    if not ids:
        return {}
    rows = session.exec(select(FaqEntry).where(col(FaqEntry.id).in_(ids))).all()
    return {row_id(row.id): row for row in rows}


def _view(entry: FaqEntry, threads: set[int], original: FaqEntry | None = None) -> FaqEntryView:
    """An entry as the page shows it; an override under the id of the file entry it
    overrides, so links and anchors stay the same in every LMS course."""
    file_version = original is not None and original.archived_at is None
    differs = original is not None and (
        (original.question, original.answer) != (entry.question, entry.answer)
    )
    return FaqEntryView(
        id=row_id(entry.overrides_id or entry.id),
        question=entry.question,
        answer_html=render_markdown(entry.answer),
        origin=entry.origin,
        quote_anchor=entry.quote_anchor if entry.overrides_id is None else None,
        quote_section=entry.quote_section,
        thread_id=entry.thread_id if entry.thread_id in threads else None,
        shared=entry.context_id is None,
        edited_in_tool=entry.overrides_id is not None,
        file_differs=file_version and differs,
        file_version=file_version,
        position=entry.position,
    )


def _open_threads(session: Session, principal: Principal, ids: set[int]) -> set[int]:
    if not ids:
        return set()
    query = select(ForumThread.id).where(
        col(ForumThread.id).in_(ids),
        ForumThread.context_id == principal.context_id,
        col(ForumThread.deleted_at).is_(None),
    )
    if not is_moderator(principal):
        query = query.where(col(ForumThread.hidden_at).is_(None))
    return {int(i) for i in session.exec(query).all() if i is not None}


def faq_page(session: Session, principal: Principal, slug: str, query: str = "") -> FaqPage:
    """The lesson's FAQ in order, or the entries matching ``query`` (German word forms)."""
    course, lesson = lesson_for(session, principal, slug)
    query = " ".join(query.split())[:200]
    partial = False
    if query:
        terms = query_terms(query)
        scopes = [SHARED_SCOPE, principal.context_id]
        exclude = _overridden_ids(session, principal, row_id(lesson.id))
        hits, _ = search(
            session, FAQ, terms, scopes=scopes, lesson_id=lesson.id, exclude=exclude,
            limit=SEARCH_LIMIT,
        )  # fmt: skip
        if not hits and len(terms) > 1:
            partial = True
            hits, _ = search(
                session,
                FAQ,
                terms,
                scopes=scopes,
                lesson_id=lesson.id,
                exclude=exclude,
                min_match=math.ceil(len(terms) / 2),
                limit=SEARCH_LIMIT,
            )
        order = {hit.doc_id: index for index, hit in enumerate(hits)}
        rows = (
            session.exec(
                select(FaqEntry).where(col(FaqEntry.id).in_(list(order)), *_visible(principal))
            ).all()
            if order
            else []
        )
        entries = sorted(rows, key=lambda e: order[row_id(e.id)])
    else:
        entries = list(
            session.exec(
                select(FaqEntry)
                .where(FaqEntry.lesson_id == lesson.id, *_visible(principal))
                .order_by(col(FaqEntry.position), col(FaqEntry.id))
            ).all()
        )
    threads = _open_threads(session, principal, {e.thread_id for e in entries if e.thread_id})
    removed: list[FaqEntry] = []
    if is_moderator(principal) and not query:
        removed = list(
            session.exec(
                select(FaqEntry)
                .where(
                    FaqEntry.lesson_id == lesson.id,
                    FaqEntry.context_id == principal.context_id,
                    col(FaqEntry.deleted_at).is_not(None),
                    col(FaqEntry.overrides_id).is_not(None),
                )
                .order_by(col(FaqEntry.position))
            ).all()
        )
    originals = _originals(session, entries + removed)
    restorable = [
        originals[row_id(e.overrides_id)]
        for e in removed
        if originals[row_id(e.overrides_id)].archived_at is None
    ]
    return FaqPage(
        course_title=course.title,
        lesson=LessonRef(lesson.slug, lesson.title, course.language),
        entries=tuple(_view(e, threads, originals.get(e.overrides_id or 0)) for e in entries),
        query=query,
        partial=partial,
        moderator=is_moderator(principal),
        removed=tuple(_view(e, set()) for e in restorable),
    )


def get_entry(
    session: Session, principal: Principal, entry_id: int, *, deleted: bool = False
) -> FaqEntry:
    """The entry ``entry_id`` as the principal's LMS course shows it: an entry of its
    course, shared or its own; for a file entry this LMS course overrides, its override.
    With ``deleted``, also one deleted in this LMS course."""
    entry = session.get(FaqEntry, entry_id)
    course = active_course(session, principal.context_id)
    lesson = session.get(Lesson, entry.lesson_id) if entry else None
    if (
        entry is not None
        and lesson is not None
        and lesson.course_id == course.id
        and entry.context_id is None
    ):
        entry = override_of(session, principal, row_id(entry.id)) or entry
    if (
        entry is None
        or lesson is None
        or lesson.course_id != course.id
        or (entry.deleted_at is not None and not deleted)
        or entry.archived_at is not None
        or (entry.context_id is not None and entry.context_id != principal.context_id)
    ):
        raise NotFound(
            N_("Diesen FAQ-Eintrag gibt es nicht (mehr)."), reason=f"no FAQ entry {entry_id} here"
        )
    return entry


def override_of(session: Session, principal: Principal, file_entry_id: int) -> FaqEntry | None:
    """The principal's LMS course's override of a file entry, if it has one."""
    return session.exec(
        select(FaqEntry).where(
            FaqEntry.overrides_id == file_entry_id, FaqEntry.context_id == principal.context_id
        )
    ).first()


def entry_lesson(session: Session, entry: FaqEntry) -> Lesson:
    lesson = session.get(Lesson, entry.lesson_id)
    assert lesson is not None
    return lesson


def suggest(
    session: Session, principal: Principal, lesson_id: int, terms: list[str], limit: int = 3
) -> list[Suggestion]:
    """FAQ entries sharing words with what is typed so far, best first."""
    if not terms:
        return []
    hits, _ = search(
        session,
        FAQ,
        terms,
        scopes=[SHARED_SCOPE, principal.context_id],
        lesson_id=lesson_id,
        exclude=_overridden_ids(session, principal, lesson_id),
        min_match=suggest_threshold(terms),
        limit=CANDIDATES,
    )
    if not hits:
        return []
    rows = {
        row_id(e.id): e
        for e in session.exec(
            select(FaqEntry).where(
                col(FaqEntry.id).in_([h.doc_id for h in hits]), *_visible(principal)
            )
        ).all()
    }
    ranked = rank_by_title(hits, {i: e.question for i, e in rows.items()}, terms)[:limit]
    return [
        Suggestion("faq", i, rows[i].question, _excerpt(rows[i].answer), answered=True)
        for i in ranked
    ]


def _excerpt(markdown: str, limit: int = 220) -> str:
    text = " ".join(plain_text(markdown).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"

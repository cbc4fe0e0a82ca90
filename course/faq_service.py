"""The FAQ of a lesson: reading and searching it, tutors' edits, promoting a forum answer,
publishing a question to the lecturer, and keeping file entries in step with the content
files (the ownership rule is in ``course.faq_models``). Nothing here commits.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from markupsafe import Markup
from sqlalchemy import func, or_
from sqlmodel import Session, col, select

from course.binding import active_course
from course.faq_models import FaqEntry, utcnow
from course.faq_source import section_title
from course.forum_models import ForumThread
from course.forum_rules import MAX_TITLE, Limits, clean_text, is_moderator, require_moderator
from course.forum_search import (
    CANDIDATES,
    FAQ,
    SHARED_SCOPE,
    index_document,
    query_terms,
    rank_by_title,
    remove_document,
    search,
    suggest_threshold,
    weigh,
)
from course.forum_service import get_post, lesson_for
from course.forum_views import LessonRef, Suggestion
from course.models import Lesson
from course.source_model import FaqSource
from kurswerk.auth import Principal
from kurswerk.errors import NotFound
from kurswerk.usertext import plain_text, render_markdown

MAX_QUESTION = 300
SEARCH_LIMIT = 50


def _id(value: int | None) -> int:
    assert value is not None
    return value


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
    file_differs: bool
    position: int


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


# --- reading -----------------------------------------------------------------------------


def _visible(principal: Principal) -> Any:
    return (
        col(FaqEntry.deleted_at).is_(None),
        col(FaqEntry.archived_at).is_(None),
        or_(col(FaqEntry.context_id).is_(None), col(FaqEntry.context_id) == principal.context_id),
    )


def _view(entry: FaqEntry, threads: set[int]) -> FaqEntryView:
    differs = entry.file_question is not None and (
        entry.file_question != entry.question or (entry.file_answer or "") != entry.answer
    )
    return FaqEntryView(
        id=_id(entry.id),
        question=entry.question,
        answer_html=render_markdown(entry.answer),
        origin=entry.origin,
        quote_anchor=entry.quote_anchor if entry.edited_in_tool_at is None else None,
        quote_section=entry.quote_section,
        thread_id=entry.thread_id if entry.thread_id in threads else None,
        shared=entry.context_id is None,
        edited_in_tool=entry.edited_in_tool_at is not None,
        file_differs=entry.source_key is not None and differs,
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
        hits, _ = search(
            session, FAQ, terms, scopes=scopes, lesson_id=lesson.id, limit=SEARCH_LIMIT
        )
        if not hits and len(terms) > 1:
            partial = True
            hits, _ = search(
                session,
                FAQ,
                terms,
                scopes=scopes,
                lesson_id=lesson.id,
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
        entries = sorted(rows, key=lambda e: order[_id(e.id)])
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
                    col(FaqEntry.deleted_at).is_not(None),
                    col(FaqEntry.source_key).is_not(None),
                    col(FaqEntry.archived_at).is_(None),
                )
                .order_by(col(FaqEntry.position))
            ).all()
        )
    return FaqPage(
        course_title=course.title,
        lesson=LessonRef(lesson.slug, lesson.title, course.language),
        entries=tuple(_view(e, threads) for e in entries),
        query=query,
        partial=partial,
        moderator=is_moderator(principal),
        removed=tuple(_view(e, set()) for e in removed),
    )


def get_entry(
    session: Session, principal: Principal, entry_id: int, *, deleted: bool = False
) -> FaqEntry:
    """An entry the principal's LMS course shows (of its course, shared or its own);
    with ``deleted``, also one deleted in the tool."""
    entry = session.get(FaqEntry, entry_id)
    course = active_course(session, principal.context_id)
    lesson = session.get(Lesson, entry.lesson_id) if entry else None
    if (
        entry is None
        or lesson is None
        or lesson.course_id != course.id
        or (entry.deleted_at is not None and not deleted)
        or entry.archived_at is not None
        or (entry.context_id is not None and entry.context_id != principal.context_id)
    ):
        raise NotFound("faq.entry_not_found", reason=f"no FAQ entry {entry_id} here")
    return entry


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
        min_match=suggest_threshold(terms),
        limit=CANDIDATES,
    )
    if not hits:
        return []
    rows = {
        _id(e.id): e
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


# --- the index -----------------------------------------------------------------------------


def reindex_entry(session: Session, entry: FaqEntry) -> None:
    if entry.deleted_at is not None or entry.archived_at is not None:
        remove_document(session, FAQ, _id(entry.id))
        return
    index_document(
        session,
        FAQ,
        _id(entry.id),
        scope=entry.context_id or SHARED_SCOPE,
        lesson_id=entry.lesson_id,
        weights=weigh(entry.question, [entry.answer]),
    )


def reindex_all_faq(session: Session) -> int:
    entries = session.exec(select(FaqEntry)).all()
    for entry in entries:
        reindex_entry(session, entry)
    return len(entries)


# --- tutors' edits -------------------------------------------------------------------------


def _clean(question: str, answer: str, limits: Limits) -> tuple[str, str]:
    clean_q = clean_text(" ".join((question or "").split()), field="question", limit=MAX_QUESTION)
    clean_a = clean_text(answer, field="answer", limit=limits.max_post_chars)
    return clean_q, clean_a


def _next_position(session: Session, lesson_id: int) -> int:
    top = session.exec(select(func.max(FaqEntry.position)).where(FaqEntry.lesson_id == lesson_id))
    return int(top.one() or 0) + 10


def create_entry(
    session: Session,
    principal: Principal,
    slug: str,
    *,
    question: str,
    answer: str,
    position: int | None,
    limits: Limits,
    origin: str = "tool",
    thread_id: int | None = None,
    question_id: int | None = None,
    now: datetime | None = None,
) -> FaqEntry:
    """A new entry of this LMS course's FAQ for the lesson (tutors and admins)."""
    require_moderator(principal)
    now = now or utcnow()
    clean_q, clean_a = _clean(question, answer, limits)
    _, lesson = lesson_for(session, principal, slug)
    entry = FaqEntry(
        lesson_id=_id(lesson.id),
        context_id=principal.context_id,
        origin=origin,
        question=clean_q,
        answer=clean_a,
        position=position if position is not None else _next_position(session, _id(lesson.id)),
        thread_id=thread_id,
        question_id=question_id,
        created_by=principal.user_id,
        created_at=now,
        updated_at=now,
    )
    session.add(entry)
    session.flush()
    reindex_entry(session, entry)
    return entry


def update_entry(
    session: Session,
    principal: Principal,
    entry_id: int,
    *,
    question: str,
    answer: str,
    position: int | None,
    limits: Limits,
    now: datetime | None = None,
) -> FaqEntry:
    """Change an entry. A file entry changed here is the tool's from now on."""
    require_moderator(principal)
    now = now or utcnow()
    entry = get_entry(session, principal, entry_id)
    clean_q, clean_a = _clean(question, answer, limits)
    changed = (clean_q, clean_a) != (entry.question, entry.answer)
    entry.question, entry.answer = clean_q, clean_a
    if position is not None and position != entry.position:
        entry.position = position
        changed = True
    if changed:
        entry.updated_at = now
        entry.edited_by = principal.user_id
        if entry.source_key is not None:
            entry.edited_in_tool_at = now
    session.flush()
    reindex_entry(session, entry)
    return entry


def delete_entry(
    session: Session, principal: Principal, entry_id: int, now: datetime | None = None
) -> FaqEntry:
    """Take an entry out of the FAQ. A file entry deleted here stays deleted on the next
    load (it counts as an edit in the tool) until someone restores the file version."""
    require_moderator(principal)
    now = now or utcnow()
    entry = get_entry(session, principal, entry_id)
    entry.deleted_at = now
    entry.edited_by = principal.user_id
    if entry.source_key is not None:
        entry.edited_in_tool_at = now
    session.flush()
    reindex_entry(session, entry)
    return entry


def revert_to_file(
    session: Session, principal: Principal, entry_id: int, now: datetime | None = None
) -> FaqEntry:
    """Hand a file entry back to the content files: the file's text, at once."""
    require_moderator(principal)
    entry = get_entry(session, principal, entry_id, deleted=True)
    if entry.source_key is None or entry.file_question is None:
        raise NotFound("faq.not_from_file", 400, reason=f"entry {entry_id} has no file version")
    entry.question, entry.answer = entry.file_question, entry.file_answer or ""
    entry.edited_in_tool_at = None
    entry.deleted_at = None
    entry.updated_at = now or utcnow()
    session.flush()
    reindex_entry(session, entry)
    return entry


def promote_post(
    session: Session, principal: Principal, post_id: int, *, limits: Limits
) -> tuple[FaqEntry, bool]:
    """One step from a forum answer to an FAQ entry of this LMS course: the thread's title
    is the question, the post the answer, and the entry links the thread. Names are not
    copied. Returns the entry and whether it is new (a thread is promoted once)."""
    require_moderator(principal)
    post, thread = get_post(session, principal, post_id)
    if post.hidden_at is not None:
        raise NotFound("forum.post_not_found", reason="hidden posts are not promoted")
    existing = session.exec(
        select(FaqEntry).where(FaqEntry.thread_id == thread.id, col(FaqEntry.deleted_at).is_(None))
    ).first()
    if existing is not None:
        return existing, False
    lesson = session.get(Lesson, thread.lesson_id)
    assert lesson is not None
    entry = create_entry(
        session,
        principal,
        lesson.slug,
        question=thread.title[:MAX_TITLE],
        answer=post.body,
        position=None,
        limits=limits,
        origin="forum",
        thread_id=thread.id,
    )
    return entry, True


# --- the content files ---------------------------------------------------------------------


def sync_from_content(
    session: Session, lessons: dict[str, Lesson], sources: list[FaqSource], report: Any
) -> None:
    """Load a course's FAQ files (called by ``course.content.load``).

    Entries are matched by (lesson, key). The file wins unless the entry was edited (or
    deleted) in the tool: then only the file's version is recorded, and the report says
    the entry was kept. Entries gone from the files are archived, unless edited in the
    tool (kept, and reported).
    """
    lesson_ids = [_id(lesson.id) for lesson in lessons.values()]
    rows = {
        (row.lesson_id, row.source_key): row
        for row in session.exec(
            select(FaqEntry).where(
                col(FaqEntry.lesson_id).in_(lesson_ids), col(FaqEntry.source_key).is_not(None)
            )
        ).all()
    }
    now = utcnow()
    positions: dict[str, int] = {}
    for source in sources:
        lesson = lessons[source.lesson]
        position = positions.get(source.lesson, 0)
        positions[source.lesson] = position + 10
        section = section_title(lesson.body_html, source.from_lesson) if source.from_lesson else ""
        row = rows.pop((_id(lesson.id), source.key), None)
        values: dict[str, Any] = {
            "question": source.question,
            "answer": source.answer,
            "position": position,
            "quote_anchor": source.from_lesson,
            "quote_section": section,
        }
        if row is None:
            row = FaqEntry(
                lesson_id=_id(lesson.id),
                origin="file",
                source_key=source.key,
                file_question=source.question,
                file_answer=source.answer,
                created_at=now,
                updated_at=now,
                **values,
            )
            session.add(row)
            session.flush()
            reindex_entry(session, row)
            report.count("faq", "created")
            continue
        row.file_question, row.file_answer = source.question, source.answer
        if row.edited_in_tool_at is not None:
            row.archived_at = None
            report.count("faq", "kept")
            report.note(
                f"faq {source.lesson}/{source.key}: edited in the tool"
                f"{' (deleted there)' if row.deleted_at else ''}; the file's version was not "
                f"applied (restore it in the tool with 'Dateifassung wiederherstellen')"
            )
            continue
        changed = row.archived_at is not None
        row.archived_at = None
        for name, value in values.items():
            if getattr(row, name) != value:
                setattr(row, name, value)
                changed = True
        if changed:
            row.updated_at = now
            session.flush()
            reindex_entry(session, row)
        report.count("faq", "updated" if changed else "unchanged")
    for gone in rows.values():
        if gone.edited_in_tool_at is not None:
            gone.file_question = gone.file_answer = None
            report.count("faq", "kept")
            report.note(
                f"faq entry '{gone.source_key}' is no longer in the files; kept because it "
                f"was edited in the tool"
            )
            continue
        if gone.archived_at is None:
            gone.archived_at = now
            session.flush()
            reindex_entry(session, gone)
            report.count("faq", "archived")
    session.flush()

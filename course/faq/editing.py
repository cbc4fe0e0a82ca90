"""Tutors' edits of an LMS course's FAQ: new entries, changes, deleting, handing a file
entry back to the content files, and promoting a forum answer to an entry. Tutors and
admins only, and only ever in their own LMS course: a file entry changed or deleted here
gets an override of this LMS course, the file entry itself stays as the files say for
every other one (the ownership rule is in ``course.faq.models``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from course.faq.index import add_entry, reindex_entry
from course.faq.models import FaqEntry
from course.faq.reading import get_entry
from course.forum.access import POST_NOT_FOUND, get_post, lesson_for
from course.forum.models import ForumThread, row_id
from course.forum.rules import MAX_TITLE, Limits, clean_text, require_moderator
from course.forum.search import FAQ, remove_document
from course.models import Lesson
from kurswerk.core.auth import Principal
from kurswerk.core.clock import utcnow
from kurswerk.core.db import lock_row
from kurswerk.core.errors import NotFound
from kurswerk.core.i18n import N_

MAX_QUESTION = 300


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
        lesson_id=row_id(lesson.id),
        context_id=principal.context_id,
        origin=origin,
        question=clean_q,
        answer=clean_a,
        position=position if position is not None else _next_position(session, row_id(lesson.id)),
        thread_id=thread_id,
        question_id=question_id,
        created_by=principal.user_id,
        created_at=now,
        updated_at=now,
    )
    return add_entry(session, entry)


def _entry_to_change(session: Session, principal: Principal, entry_id: int) -> FaqEntry:
    """The entry as this LMS course shows it, read under the lock of the entry's row: two
    tutors changing a file entry at the same moment make one override of it (the second
    waits, then finds and changes the first's), not a unique-constraint error."""
    lock_row(session, FaqEntry, entry_id)
    return get_entry(session, principal, entry_id)


def _override(session: Session, principal: Principal, entry: FaqEntry, now: datetime) -> FaqEntry:
    """This LMS course's own version of a file entry, starting as a copy of it."""
    override = FaqEntry(
        lesson_id=entry.lesson_id,
        context_id=principal.context_id,
        origin=entry.origin,
        overrides_id=entry.id,
        question=entry.question,
        answer=entry.answer,
        position=entry.position,
        quote_anchor=entry.quote_anchor,
        quote_section=entry.quote_section,
        created_by=principal.user_id,
        created_at=now,
        updated_at=now,
    )
    session.add(override)
    return override


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
    """Change an entry of this LMS course. A file entry is not changed: this LMS course
    gets (or changes) its override of it."""
    require_moderator(principal)
    now = now or utcnow()
    entry = _entry_to_change(session, principal, entry_id)
    clean_q, clean_a = _clean(question, answer, limits)
    changed = (clean_q, clean_a) != (entry.question, entry.answer) or (
        position is not None and position != entry.position
    )
    if not changed:
        return entry
    if entry.context_id is None:
        entry = _override(session, principal, entry, now)
    entry.question, entry.answer = clean_q, clean_a
    if position is not None:
        entry.position = position
    entry.updated_at = now
    entry.edited_by = principal.user_id
    session.flush()
    reindex_entry(session, entry)
    return entry


def delete_entry(
    session: Session, principal: Principal, entry_id: int, now: datetime | None = None
) -> FaqEntry:
    """Take an entry out of this LMS course's FAQ. A file entry is hidden here only (an
    override marked deleted), until someone restores the file version."""
    require_moderator(principal)
    now = now or utcnow()
    entry = _entry_to_change(session, principal, entry_id)
    if entry.context_id is None:
        entry = _override(session, principal, entry, now)
    entry.deleted_at = now
    entry.edited_by = principal.user_id
    session.flush()
    reindex_entry(session, entry)
    return entry


def revert_to_file(session: Session, principal: Principal, entry_id: int) -> FaqEntry:
    """Hand a file entry back to the content files in this LMS course: its override is
    deleted, and the file entry shows again. Returns the file entry."""
    require_moderator(principal)
    entry = get_entry(session, principal, entry_id, deleted=True)
    if entry.context_id is None and entry.source_key is not None:
        return entry  # not overridden here: it is the file version already
    original = session.get(FaqEntry, entry.overrides_id) if entry.overrides_id else None
    if original is None or original.archived_at is not None:
        raise NotFound(
            N_("Dieser Eintrag stammt nicht aus den Kursdateien."),
            400,
            reason=f"entry {entry_id} has no file version",
        )
    remove_document(session, FAQ, row_id(entry.id))
    session.delete(entry)
    session.flush()
    return original


@dataclass(frozen=True)
class Promotion:
    """What promoting a forum answer would publish: the thread's title as the question,
    the post as the answer, into the FAQ of the thread's lesson - or the entry the thread
    already has (a thread is promoted once)."""

    question: str
    answer: str  # Markdown, as the post was written
    lesson: Lesson
    thread_id: int
    existing: FaqEntry | None


def promotion_of(
    session: Session, principal: Principal, post_id: int, *, for_writing: bool = False
) -> Promotion:
    """The promotion of ``post_id`` as a tutor of this LMS course would confirm it (404 for
    a post of another course or a hidden one, 403 for anyone but a tutor). ``for_writing``
    locks the thread's row before the entry is looked for, so two clicks at the same
    moment promote once; the confirmation page reads without a lock."""
    require_moderator(principal)
    post, thread = get_post(session, principal, post_id)
    if post.hidden_at is not None:
        raise NotFound(POST_NOT_FOUND, reason="hidden posts are not promoted")
    if for_writing:
        lock_row(session, ForumThread, row_id(thread.id))
    existing = session.exec(
        select(FaqEntry).where(FaqEntry.thread_id == thread.id, col(FaqEntry.deleted_at).is_(None))
    ).first()
    lesson = session.get(Lesson, thread.lesson_id)
    assert lesson is not None and thread.id is not None
    return Promotion(thread.title[:MAX_TITLE], post.body, lesson, thread.id, existing)


def promote_post(
    session: Session, principal: Principal, post_id: int, *, limits: Limits
) -> tuple[FaqEntry, bool]:
    """From a forum answer to an FAQ entry of this LMS course, once the tutor confirmed
    what :func:`promotion_of` showed: the thread's title is the question, the post the
    answer, and the entry links the thread. Names are not copied. Returns the entry and
    whether it is new (a thread is promoted once, also by two clicks at the same moment)."""
    promotion = promotion_of(session, principal, post_id, for_writing=True)
    if promotion.existing is not None:
        return promotion.existing, False
    entry = create_entry(
        session,
        principal,
        promotion.lesson.slug,
        question=promotion.question,
        answer=promotion.answer,
        position=None,
        limits=limits,
        origin="forum",
        thread_id=promotion.thread_id,
    )
    return entry, True

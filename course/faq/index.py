"""The FAQ's entries in the search index (``course.forum.search``): an entry is indexed
while it is shown and taken out when it is deleted or archived. Every change to an
entry (tutors' edits, the content files) calls ``reindex_entry``.
"""

from __future__ import annotations

from sqlmodel import Session, select

from course.faq.models import FaqEntry
from course.forum.models import row_id
from course.forum.search import FAQ, SHARED_SCOPE, index_document, remove_document, weigh


def reindex_entry(session: Session, entry: FaqEntry) -> None:
    if entry.deleted_at is not None or entry.archived_at is not None:
        remove_document(session, FAQ, row_id(entry.id))
        return
    index_document(
        session,
        FAQ,
        row_id(entry.id),
        scope=entry.context_id or SHARED_SCOPE,
        lesson_id=entry.lesson_id,
        weights=weigh(entry.question, [entry.answer]),
    )


def add_entry(session: Session, entry: FaqEntry) -> FaqEntry:
    """Write the new ``entry`` and make it findable (the index needs its id: flushed)."""
    session.add(entry)
    session.flush()
    reindex_entry(session, entry)
    return entry


def reindex_all_faq(session: Session) -> int:
    entries = session.exec(select(FaqEntry)).all()
    for entry in entries:
        reindex_entry(session, entry)
    return len(entries)

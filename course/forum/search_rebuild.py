"""Rebuild the forum and FAQ search index from scratch (``kurswerk content reindex``).

The index (``SearchTerm`` and its vocabulary ``SearchVocab``) is derived data, written
whenever a thread or an FAQ entry changes. A rebuild is for when the rules that derive it
change (a new stemmer, other weights in ``course.forum.search``) or the tables were lost
or restored out of step: every row is deleted, then each FAQ entry and each visible
thread is indexed again, in one transaction, so searches see the old index or the new
one and never half of it. It also drops the stems no document holds any more from the
vocabulary (the writes along the way leave them: they match nothing, but take room).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, func, select
from sqlmodel import Session

from course.faq.index import reindex_all_faq
from course.forum.models import SearchTerm, SearchVocab
from course.forum.posting import reindex_all_threads


@dataclass(frozen=True, slots=True)
class RebuildReport:
    faq_entries: int
    threads: int  # hidden and deleted ones are looked at and left out of the index
    terms: int  # index rows afterwards

    def __str__(self) -> str:
        return (
            f"Search index rebuilt: {self.faq_entries} FAQ entries, {self.threads} threads, "
            f"{self.terms} index rows."
        )


def rebuild_search_index(session: Session) -> RebuildReport:
    """Delete the whole index and write it again (flushes; the caller commits)."""
    session.execute(delete(SearchTerm))
    session.execute(delete(SearchVocab))
    faq_entries = reindex_all_faq(session)
    threads = reindex_all_threads(session)
    session.flush()
    terms = session.execute(select(func.count()).select_from(SearchTerm)).scalar_one()
    return RebuildReport(faq_entries=faq_entries, threads=threads, terms=int(terms))

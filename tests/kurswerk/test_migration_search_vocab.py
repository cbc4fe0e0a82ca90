"""Migration 0019: the search vocabulary is filled from the index rows already written,
so search finds compound parts right after the upgrade; its substring index (pg_trgm on
PostgreSQL, FTS5 trigram on SQLite) follows later writes and deletes; downgrading drops
both."""

from __future__ import annotations

from collections import Counter

import sqlalchemy as sa
from sqlmodel import delete, select

from course.forum.models import SearchVocab
from course.forum.search import THREAD, compound_parts, index_document, search
from kurswerk.core import migrations
from kurswerk.core.db import new_session
from tests.support.old_schema import at_revision

ROWS = [  # kind, doc_id, term, scope
    ("thread", 1, "brandcommunity", 5),
    ("thread", 1, "aufbau", 5),
    ("thread", 2, "themencommunity", 5),
    ("thread", 2, "aufbau", 5),
    ("thread", 3, "brandcommunity", 6),
    ("faq", 4, "community", 0),
]


def test_existing_index_rows_fill_the_vocabulary_and_parts_are_found(empty_database_url):
    url = empty_database_url
    engine, t = at_revision(url, "0016")
    with engine.begin() as c:
        c.execute(
            sa.insert(t["search_term"]),
            [
                {"kind": k, "doc_id": d, "term": term, "scope": s, "lesson_id": 1, "weight": 1}
                for k, d, term, s in ROWS
            ],
        )

    migrations.upgrade(url, "0019")

    assert _substring_index(engine)
    with new_session(engine) as session:
        stored = session.exec(select(SearchVocab.kind, SearchVocab.scope, SearchVocab.term)).all()
        assert sorted(stored) == sorted({(k, s, term) for k, _, term, s in ROWS})
        assert compound_parts(session, THREAD, ["community"], [5]) == {
            "community": ["brandcommunity", "themencommunity"]
        }
        hits, total = search(session, THREAD, ["community"], scopes=[5])
        assert sorted(hit.doc_id for hit in hits) == [1, 2] and total == 2
        # Later writes and deletes reach the substring index.
        index_document(
            session, THREAD, 7, scope=5, lesson_id=1, weights=Counter({"supportcommunity": 1})
        )
        session.exec(delete(SearchVocab).where(SearchVocab.term == "themencommunity"))  # type: ignore[call-overload]
        session.commit()
        assert compound_parts(session, THREAD, ["community"], [5]) == {
            "community": ["brandcommunity", "supportcommunity"]
        }

    migrations.downgrade(url, "0016")

    names = sa.inspect(engine).get_table_names()
    assert "search_vocab" not in names
    assert not [name for name in names if name.startswith("search_vocab_trigram")]
    assert not _substring_index(engine)
    engine.dispose()


def _substring_index(engine: sa.Engine) -> bool:
    """Whether the database holds the vocabulary's substring index."""
    with engine.connect() as c:
        if engine.dialect.name == "postgresql":
            query = "SELECT indexdef FROM pg_indexes WHERE indexname = 'search_vocab_trigram'"
            definition = c.execute(sa.text(query)).scalar()
            return definition is not None and "gin_trgm_ops" in definition
        query = "SELECT sql FROM sqlite_master WHERE name = 'search_vocab_trigram'"
        definition = c.execute(sa.text(query)).scalar()
        return definition is not None and "trigram" in definition.split("tokenize")[-1]

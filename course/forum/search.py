"""The search index of the forum and the FAQ: German word stems in a table of our own,
and the parts of compound words.

Why a table and not the database's full-text search: it must behave the same on SQLite
and PostgreSQL (SQLite's FTS5 has no German stemmer; PostgreSQL's ``german`` dictionary
stems differently from anything SQLite could do), and the documents are small and few
per lesson. Every write of a document (``index_document``) replaces its rows; a query
stems its words the same way and looks them up through one covering index.

Words are lower-cased, split on anything that is not a letter or digit, stripped of a
short list of German and English function words, and reduced to their stem with the
Snowball German stemmer (``snowballstemmer``), which also folds umlauts and ``ß``: "Kunden-
beziehung", "Kundenbeziehungen" and "kundenbeziehungen" all become ``kundenbezieh``.
Author names are never indexed, so searching cannot reveal who wrote an anonymous post.

Compound words. German glues words together ("Brandcommunity", "Themencommunity",
"Kundenbeziehungen"), and a stem is one whole word: "community" alone would never meet
``brandcommunity``. So every stem the index holds is also written, once per kind and
scope, to a vocabulary (``SearchVocab``) with a substring index (``pg_trgm`` on
PostgreSQL, FTS5's trigram tokenizer on SQLite: both answer ``LIKE '%part%'`` from an
index). A query stem of at least ``MIN_PART`` letters is looked up there and also matches
every stored stem that contains it (``bezieh`` matches ``kundenbezieh``); shorter stems
("crm", "b2b") match whole stems only, or two letters would match half the vocabulary.
At most ``MAX_PARTS`` longer stems per query word are taken, the shortest first (the
nearest to the word typed). A document matches a query word through the word itself or
any part match; ranking counts a whole-stem match ``WHOLE_FACTOR`` times a part match, so
with the same weight a thread saying "Community" comes before one saying
"Brandcommunity", and a title part match (weight ``TITLE_WEIGHT``) still before a single
whole-stem mention in a body.

Why substrings and not a decompounding library (``compound-split``, ``german-nouns``,
``split-words``, ``charsplit-fst``): they split by a German dictionary or by corpus
statistics, which know little of the loanwords this course is full of ("Brandcommunity",
"Usernutzen"); most have had no release for years; and splitting on write would freeze
today's splitter into the index. Substrings need no word list and find a part wherever it
sits, at the price of a few chance matches ("acht" in "macht"), which rank below whole
words. Matching is the same on both databases: the index only narrows the candidates,
and Python checks each one (``part in term``) before it counts.

The price: a word with parts reads the index rows of every stem holding it, so a word
found in many compounds costs as many lookups (``bench/forum.py`` measures such words).
The vocabulary keeps the stems of documents that went (they match nothing);
``kurswerk content reindex`` drops them.
"""

from __future__ import annotations

import math
import re
import threading
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import snowballstemmer
from sqlalchemy import (
    ColumnElement,
    Select,
    case,
    column,
    delete,
    func,
    insert,
    literal,
    select,
    table,
    union_all,
    update,
)
from sqlmodel import Session

from course.forum.models import SearchTerm, SearchVocab
from kurswerk.core.db import upsert

THREAD = "thread"
FAQ = "faq"
SHARED_SCOPE = 0
"""``scope`` of documents every LMS course sees (FAQ entries from the content files)."""
MAX_QUERY_TERMS = 12
TITLE_WEIGHT = 5
MAX_WEIGHT = 60
MIN_PART = 4
"""Letters a query stem needs to match inside longer stems (compound parts)."""
MAX_PARTS = 100
"""Longer stems one query stem matches at most (the shortest first)."""
WHOLE_FACTOR = 3
"""A whole-stem match weighs this many times a compound-part match."""

_WORD = re.compile(r"[^\W_]+")
_table = SearchTerm.__table__  # type: ignore[attr-defined]
_c = _table.c
_vocab = SearchVocab.__table__  # type: ignore[attr-defined]
_trigram = table("search_vocab_trigram", column("rowid"), column("term"))
"""SQLite's FTS5 trigram index over ``search_vocab`` (migration 0019)."""

_STOPWORDS_TEXT = """
    aber alle allem allen aller alles als also am an ander andere anderen auch auf aus bei
    beim bin bis bist da dabei damit dann das dass dein deine dem den denn der des dessen
    dich die dies diese diesem diesen dieser dieses dir doch dort du durch ein eine einem
    einen einer eines er es etwas euch euer für gegen gibt hab habe haben hat hatte hier
    hin hinter ich ihm ihn ihnen ihr ihre im in ist ja jede jedem jeden jeder jedes jetzt
    kann kein keine können könnte man mein meine mich mir mit muss müssen nach nicht
    nichts noch nun nur ob oder ohne sehr sein seine sich sie sind so soll sollte sondern
    um und uns unser unter viel vom von vor war waren warum was weil welche welchem
    welchen welcher welches wenn wer werde werden wie wieso wir wird wo wurde würde zu
    zum zur über a an and are as at be by for from how i in is it of on or that the this
    to was what when where which who why with you
"""
STOPWORDS = frozenset(_STOPWORDS_TEXT.split())


_local = threading.local()


def _stemmer() -> snowballstemmer.stemmer:
    """One stemmer per thread: a Snowball stemmer keeps state while it works."""
    stemmer = getattr(_local, "stemmer", None)
    if stemmer is None:
        stemmer = _local.stemmer = snowballstemmer.stemmer("german")
    return stemmer


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """The stem of one lower-case word (cached: a forum repeats its words)."""
    return str(_stemmer().stemWord(word))[:64]


def words(text: str) -> list[str]:
    """The stems of the content words of ``text``, in order, with repeats."""
    return [
        stem(word)
        for word in _WORD.findall(text.lower())
        if len(word) > 1 and word not in STOPWORDS and not word.isdigit()
    ]


def query_terms(text: str) -> list[str]:
    """The distinct stems of a query, in the order typed, at most ``MAX_QUERY_TERMS``."""
    seen: dict[str, None] = {}
    for term in words(text):
        seen.setdefault(term, None)
    return list(seen)[:MAX_QUERY_TERMS]


def suggest_threshold(terms: Sequence[str]) -> int:
    """How many typed words a suggestion must share: a third of them (at least one).
    Suggestions are ranked by words shared, then weight, so the best come first anyway;
    the threshold only keeps long questions from matching on one common word."""
    return max(1, math.ceil(len(terms) / 3))


def weigh(title: str, bodies: Iterable[str]) -> Counter[str]:
    """Weights of a document's stems: a title word counts ``TITLE_WEIGHT``, a body word
    once per occurrence; capped, so one long post cannot drown the others."""
    weights: Counter[str] = Counter()
    for term in words(title):
        weights[term] += TITLE_WEIGHT
    for body in bodies:
        weights.update(words(body))
    for term, weight in weights.items():
        weights[term] = min(weight, MAX_WEIGHT)
    return weights


# --- writing ---------------------------------------------------------------------------


def index_document(
    session: Session, kind: str, doc_id: int, *, scope: int, lesson_id: int, weights: Counter[str]
) -> None:
    """Replace the index rows of one document (flushes nothing else; never commits)."""
    remove_document(session, kind, doc_id)
    rows = [
        {
            "kind": kind,
            "doc_id": doc_id,
            "term": term,
            "scope": scope,
            "lesson_id": lesson_id,
            "weight": weight,
        }
        for term, weight in weights.items()
    ]
    if rows:
        session.execute(insert(_table), rows)
        _add_to_vocabulary(session, kind, scope, weights)


def _add_to_vocabulary(session: Session, kind: str, scope: int, terms: Iterable[str]) -> None:
    """Add the stems the vocabulary of (kind, scope) lacks. Sorted: two writers adding
    the same new stems take their locks in one order (no deadlock on PostgreSQL)."""
    rows = [{"kind": kind, "scope": scope, "term": term} for term in sorted(terms)]
    statement = upsert(session, _vocab).values(rows)
    session.execute(statement.on_conflict_do_nothing(index_elements=["kind", "scope", "term"]))


def remove_document(session: Session, kind: str, doc_id: int) -> None:
    session.execute(delete(_table).where(_c.kind == kind, _c.doc_id == doc_id))


def move_document(session: Session, kind: str, doc_id: int, *, lesson_id: int) -> None:
    session.execute(
        update(_table).where(_c.kind == kind, _c.doc_id == doc_id).values(lesson_id=lesson_id)
    )


# --- querying --------------------------------------------------------------------------


@dataclass(frozen=True)
class Hit:
    doc_id: int
    matched: int
    score: int


def compound_parts(
    session: Session, kind: str, terms: Sequence[str], scopes: Sequence[int]
) -> dict[str, list[str]]:
    """For each query stem of at least ``MIN_PART`` letters, the longer stems of the
    vocabulary of ``kind`` in ``scopes`` that contain it, shortest first, at most
    ``MAX_PARTS``. One query; the substring index narrows, Python decides."""
    long_terms = [term for term in terms if len(term) >= MIN_PART]
    if not long_terms or not scopes:
        return {}
    sqlite = session.get_bind().dialect.name == "sqlite"
    lookups = []
    for index, term in enumerate(long_terms):
        pattern = f"%{term}%"  # stems hold letters and digits only: no LIKE wildcards
        contains: ColumnElement[bool] = (
            _vocab.c.id.in_(select(_trigram.c.rowid).where(_trigram.c.term.like(pattern)))
            if sqlite
            else _vocab.c.term.like(pattern)
        )
        lookups.append(
            select(literal(index).label("part"), _vocab.c.term).where(
                _vocab.c.kind == kind,
                _vocab.c.scope.in_(list(scopes)),
                _vocab.c.term != term,
                contains,
            )
        )
    found: dict[str, set[str]] = {term: set() for term in long_terms}
    for index, stored in session.execute(union_all(*lookups)).all():
        part = long_terms[int(index)]
        if part in stored and stored != part:
            found[part].add(stored)
    return {
        part: sorted(stored, key=lambda term: (len(term), term))[:MAX_PARTS]
        for part, stored in found.items()
        if stored
    }


def search(
    session: Session,
    kind: str,
    terms: Sequence[str],
    *,
    scopes: Sequence[int],
    lesson_id: int | None = None,
    exclude: Sequence[int] = (),
    min_match: int | None = None,
    limit: int = 20,
    offset: int = 0,
) -> tuple[list[Hit], int]:
    """Documents of ``kind`` in ``scopes`` (and ``lesson_id``) holding the stems ``terms``,
    whole or as a part of a longer stem (``compound_parts``).

    By default every term must match (a search); ``min_match`` lowers that (suggestions
    while typing). ``exclude`` names documents left out (file FAQ entries an LMS course
    overrides: its override is a document of its own scope). Best first: more terms
    matched, then higher score (weights, whole stems ``WHOLE_FACTOR`` times parts), then
    newer. Returns one page of hits and the number of all hits.
    """
    if not terms or not scopes:
        return [], 0
    needed = len(terms) if min_match is None else max(1, min(min_match, len(terms)))
    parts = compound_parts(session, kind, terms, scopes)
    where = _Where(kind, scopes, lesson_id, exclude)
    count: ColumnElement[int]
    if not parts:  # whole stems only: one row per (document, stem), one per term matched
        doc_id, count = _c.doc_id, func.count()
        matched, score = count.label("matched"), (func.sum(_c.weight) * WHOLE_FACTOR).label("score")
        query = where.per_document(select(doc_id, matched, score), terms)
    elif len(terms) == 1:
        doc_id, count, term = _c.doc_id, literal(1), terms[0]
        matched, score = count.label("matched"), _score(term).label("score")
        query = where.per_document(select(doc_id, matched, score), [term, *parts[term]])
    else:
        # Per query term, the documents holding it whole or as a part, with their score;
        # then per document, how many query terms it holds (one stored stem may hold two:
        # "kundenbezieh" for "Kunden Beziehung") and the sum of their scores.
        per_term = union_all(
            *(
                where.per_document(
                    select(_c.doc_id, _score(term).label("score")), [term, *parts.get(term, [])]
                )
                for term in terms
            )
        ).subquery()
        doc_id, count = per_term.c.doc_id, func.count()
        matched, score = count.label("matched"), func.sum(per_term.c.score).label("score")
        query = select(doc_id, matched, score).group_by(doc_id)
    if needed > 1:
        query = query.having(count >= needed)
    # One pass: the page and, through a window over the groups, the number of all hits.
    total_hits = func.count().over().label("total")
    page = session.execute(
        query.add_columns(total_hits)
        .order_by(matched.desc(), score.desc(), doc_id.desc())
        .limit(limit)
        .offset(offset)
    ).all()
    if page:
        total = int(page[0].total)
    elif offset == 0:
        total = 0
    else:  # a page beyond the last: count separately
        total = int(
            session.execute(select(func.count()).select_from(query.subquery())).scalar_one()
        )
    return [Hit(int(row.doc_id), int(row.matched), int(row.score)) for row in page], total


@dataclass(frozen=True)
class _Where:
    kind: str
    scopes: Sequence[int]
    lesson_id: int | None
    exclude: Sequence[int]

    def per_document(self, query: Select[Any], stems: Sequence[str]) -> Select[Any]:
        """``query`` over the index rows of ``stems``, grouped by document."""
        query = query.where(
            _c.kind == self.kind, _c.scope.in_(list(self.scopes)), _c.term.in_(list(stems))
        )
        if self.lesson_id is not None:
            query = query.where(_c.lesson_id == self.lesson_id)
        if self.exclude:
            query = query.where(_c.doc_id.not_in(list(self.exclude)))
        return query.group_by(_c.doc_id)


def _score(term: str) -> ColumnElement[int]:
    """A document's score for one query term: its weight for the stem itself counts
    ``WHOLE_FACTOR`` times, its weight for each longer stem holding the term once."""
    return func.sum(_c.weight * case((_c.term == term, WHOLE_FACTOR), else_=1))


CANDIDATES = 30
"""Suggestions: how many hits are re-ranked by their titles before the best are shown."""


def rank_by_title(hits: Sequence[Hit], titles: dict[int, str], terms: Sequence[str]) -> list[int]:
    """Document ids, best suggestion first: most typed words shared, then the title that
    says most nearly what was typed (Jaccard overlap of stems: "Was sind Kundenbeziehungen?"
    beats a long title that merely contains "Kundenbeziehungen"), then index weight."""
    typed = set(terms)

    def key(hit: Hit) -> tuple[int, float, int]:
        title = set(words(titles.get(hit.doc_id, "")))
        union = typed | title
        overlap = len(typed & title) / len(union) if union else 0.0
        return (-hit.matched, -overlap, -hit.score)

    return [hit.doc_id for hit in sorted(hits, key=key) if hit.doc_id in titles]

"""Search finds parts of German compound words (``course.forum.search``): "community"
finds "Brandcommunity" and "Themencommunity", "Beziehung" finds "Kundenbeziehungen", in
forum threads and FAQ entries alike, on SQLite and PostgreSQL alike. Whole words rank
above parts and titles above bodies; stems shorter than ``MIN_PART`` match whole stems
only; nothing crosses LMS courses, and anonymous authors' names stay out of the index."""

from __future__ import annotations

import threading
from collections import Counter

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from course.forum import search
from course.forum.models import SearchTerm, SearchVocab
from course.forum.search import THREAD, compound_parts, index_document, query_terms
from kurswerk.core.db import new_session
from tests.course.html_tools import parse
from tests.course.test_faq import FIRST_QUESTION
from tests.course.test_forum_helpers import (
    People,
    ask_in_forum,
    get,
    lesson_path,
    people,
    post_form,
    web,
)
from tests.support.people import Learner

__all__ = ["people", "web"]

BRAND = "Wie baue ich eine Brandcommunity auf?"
THEMEN = "Themencommunity oder Fanseite?"
KUNDEN = "Wie plane ich Kundenbeziehungen?"
OTHER = "Redaktionsplan für Instagram"


@pytest.fixture(autouse=True)
def _no_flood_limit(settings) -> None:
    settings.forum_posts_per_minute = 1000


def thread_titles(
    web: TestClient, person: Learner, query: str, *, course: bool = False
) -> list[str]:
    tail = f"/forum?q={query}" + ("&scope=course" if course else "")
    page = parse(get(web, person, lesson_path(person, tail)).text)
    return [row.find("a").clean_text for row in page.find_all("div", cls="thread-row__title")]


def faq_titles(web: TestClient, person: Learner, query: str) -> list[str]:
    page = parse(get(web, person, lesson_path(person, f"/faq?q={query}")).text)
    return [h.clean_text for h in page.find(id="kw-faq-entries").parent.find_all("h3")]  # type: ignore[union-attr]


def new_faq_entry(web: TestClient, tutor: Learner, question: str, answer: str) -> None:
    data = {"question": question, "answer": answer, "position": "9"}
    response = post_form(web, tutor, lesson_path(tutor, "/faq/new"), data)
    assert response.status_code == 303, response.text[:300]


def four_threads(web: TestClient, people: People) -> None:
    ask_in_forum(web, people.anna, BRAND, "Wir starten nächsten Monat.")
    ask_in_forum(web, people.ben, THEMEN, "Was passt besser zu einem Verlag?")
    ask_in_forum(web, people.anna, KUNDEN, "Ich brauche einen Plan.")
    ask_in_forum(web, people.ben, OTHER, "Wie oft sollten wir posten?")


def test_a_word_finds_the_forum_threads_whose_compounds_contain_it(web: TestClient, people: People):
    four_threads(web, people)
    assert sorted(thread_titles(web, people.ben, "community")) == sorted([BRAND, THEMEN])
    assert sorted(thread_titles(web, people.ben, "Community", course=True)) == sorted(
        [BRAND, THEMEN]
    )
    assert thread_titles(web, people.ben, "Beziehung") == [KUNDEN]
    # Every word must still match, a compound part like any other.
    assert thread_titles(web, people.ben, "Community Verlag") == [THEMEN]
    # Two words typed apart find the one compound holding both.
    assert thread_titles(web, people.ben, "Kunden Beziehung") == [KUNDEN]
    fragment = get(web, people.ben, lesson_path(people.ben, "/forum/suggest?text=Community"))
    assert BRAND in fragment.text and THEMEN in fragment.text and OTHER not in fragment.text


def test_a_word_finds_the_faq_entries_whose_compounds_contain_it(web: TestClient, people: People):
    new_faq_entry(web, people.tina, "Was ist eine Brandcommunity?", "Gemeinschaft um eine Marke.")
    new_faq_entry(web, people.tina, "Wann lohnt eine Themencommunity?", "Bei einem Thema.")
    assert sorted(faq_titles(web, people.anna, "community")) == sorted(
        ["Was ist eine Brandcommunity?", "Wann lohnt eine Themencommunity?"]
    )
    # The content files' entries: "Kundenbeziehung" holds "Beziehung"; the entry that
    # also says "Beziehung" as a word of its own comes first.
    found = faq_titles(web, people.anna, "Beziehung")
    assert found[0] == FIRST_QUESTION
    assert "Was ist der UserNutzen der Kundenbeziehung?" in found
    assert "Wozu dienen die Übungen?" not in found


def test_whole_words_rank_above_parts_and_titles_above_bodies(web: TestClient, people: People):
    # Asked in the order the newest-first tie-break would reverse.
    whole_title = ask_in_forum(web, people.anna, "Community aufbauen: wie anfangen?", "Kein Plan.")
    part_title = ask_in_forum(
        web, people.anna, "Brandcommunity aufbauen: wie anfangen?", "Kein Plan."
    )
    whole_body = ask_in_forum(web, people.anna, "Wie fange ich an?", "Eine Community aufbauen.")
    part_body = ask_in_forum(web, people.anna, "Wo fange ich an?", "Eine Brandcommunity aufbauen.")
    assert whole_title < part_title < whole_body < part_body
    assert thread_titles(web, people.ben, "community") == [
        "Community aufbauen: wie anfangen?",
        "Brandcommunity aufbauen: wie anfangen?",
        "Wie fange ich an?",
        "Wo fange ich an?",
    ]
    new_faq_entry(web, people.tina, "Was ist eine Community?", "Eine Gemeinschaft.")
    new_faq_entry(web, people.tina, "Was ist eine Brandcommunity?", "Eine Gemeinschaft.")
    assert faq_titles(web, people.anna, "community") == [
        "Was ist eine Community?",
        "Was ist eine Brandcommunity?",
    ]


def test_short_words_match_whole_stems_only(web: TestClient, people: People, db: Session):
    ask_in_forum(web, people.anna, "Welche Appstrategie passt?", "Für eine Marke.")
    ask_in_forum(web, people.anna, "Eine App für Stammkunden?", "Für eine Marke.")
    ask_in_forum(web, people.anna, BRAND, "Wir starten nächsten Monat.")
    assert thread_titles(web, people.ben, "App") == ["Eine App für Stammkunden?"]
    assert thread_titles(web, people.ben, "Strategie") == ["Welche Appstrategie passt?"]
    assert thread_titles(web, people.ben, "Com") == []
    assert thread_titles(web, people.ben, "Comm") == [BRAND]  # four letters: a part
    terms = query_terms("Co App Community")
    assert terms == ["co", "app", "community"]
    assert compound_parts(db, THREAD, terms, [people.context_id]) == {
        "community": ["brandcommunity"]
    }


def test_one_word_matches_at_most_max_parts_stems_the_shortest_first(
    db: Session, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(search, "MAX_PARTS", 2)
    for doc_id, term in enumerate(["xyzteamleit", "teamleit", "xteamleit", "steamer"], 1):
        index_document(db, THREAD, doc_id, scope=7, lesson_id=1, weights=Counter({term: 1}))
    db.flush()
    assert compound_parts(db, THREAD, ["team"], [7]) == {"team": ["steamer", "teamleit"]}
    assert compound_parts(db, THREAD, ["team"], [8]) == {}  # another scope's vocabulary


def test_compound_parts_cross_no_lms_course_and_name_no_anonymous_author(
    web: TestClient, people: People, db: Session
):
    ask_in_forum(web, people.anna, BRAND, "Wir starten nächsten Monat.", anonymous=True)
    new_faq_entry(web, people.tina, "Was ist eine Themencommunity?", "Eine Gemeinschaft.")
    assert thread_titles(web, people.ben, "community") == [BRAND]
    assert thread_titles(web, people.olga, "community") == []
    assert thread_titles(web, people.olga, "community", course=True) == []
    assert faq_titles(web, people.olga, "community") == []
    # The anonymous asker (Anna Andersen) is found by no part of her name.
    for name in ("Andersen", "Anders", "Anna"):
        assert thread_titles(web, people.ben, name) == [], name
    db.expire_all()
    for table in (SearchTerm, SearchVocab):
        stored = db.exec(select(table.term)).all()  # type: ignore[attr-defined]
        assert not [t for t in stored if "anders" in t or "anna" in t], table
    scopes = db.exec(
        select(SearchVocab.scope).where(col(SearchVocab.term).contains("community"))
    ).all()
    assert set(scopes) == {people.context_id}


def test_writers_adding_the_same_new_stems_at_once_all_succeed(engine):
    """Two posts bringing the same new words to the vocabulary at the same moment, listed
    in opposite orders: each adds them in sorted order, so neither waits for the other in
    a cycle (on PostgreSQL such a deadlock aborts one of the posts: without the sorting,
    2 of 5 runs failed here)."""
    stems = [f"neuwort{n:04d}" for n in range(2000)]
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def write(doc_id: int, order: list[str]) -> None:
        try:
            with new_session(engine) as session:
                barrier.wait(timeout=10)
                weights = Counter(dict.fromkeys(order, 1))
                index_document(session, THREAD, doc_id, scope=3, lesson_id=1, weights=weights)
                session.commit()
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    writers = [
        threading.Thread(target=write, args=(1, stems)),
        threading.Thread(target=write, args=(2, stems[::-1])),
    ]
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join(timeout=60)
    assert errors == []
    with new_session(engine) as session:
        stored = session.exec(select(SearchVocab.term).where(SearchVocab.scope == 3)).all()
    assert sorted(stored) == stems

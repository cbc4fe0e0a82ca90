"""Search while typing: one LMS course's snippets of its course only, for the exercise
and industry asked (their own and the general ones), every word matched case-insensitively
(the Unicode way, on both databases), most used first, then the better match; bounded;
JSON that no cache keeps."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from sqlmodel import Session

from course.models import Course
from feedback.comment_bank.models import CommentSnippet
from feedback.comment_bank.scope import bank_scope
from feedback.comment_bank.search import SEARCH_LIMIT, find_snippets
from tests.feedback.comment_bank.conftest import bank
from tests.feedback.conftest import exercise_id


def titles(web, person, **query):
    url = bank(person, "/search?" + urlencode(query))
    response = web.get(url, headers={"Accept": "application/json"})
    assert response.status_code == 200, response.text
    return [item["title"] for item in response.json()["results"]]


def test_most_used_first_then_the_better_match(web, world, make_snippet):
    tutor = world.tutor
    make_snippet(tutor, "Gliederung", "Die Zielgruppe fehlt im Text.", uses=1)  # text only
    make_snippet(tutor, "Zur Zielgruppe", "a", uses=1)  # in the title
    make_snippet(tutor, "Zielgruppe konkret", "b", uses=1)  # the title starts with it
    make_snippet(tutor, "Oft gebraucht: Zielgruppe", "c", uses=5)
    make_snippet(tutor, "Anderes Thema", "d", uses=9)  # no match at all
    assert titles(web, tutor, q="zielgruppe") == [
        "Oft gebraucht: Zielgruppe",
        "Zielgruppe konkret",
        "Zur Zielgruppe",
        "Gliederung",
    ]
    # No query: every snippet, most used first.
    assert titles(web, tutor)[:2] == ["Anderes Thema", "Oft gebraucht: Zielgruppe"]


def test_every_word_must_match_in_any_case_and_wildcards_are_text(web, world, make_snippet):
    tutor = world.tutor
    make_snippet(tutor, "Maßnahmen ÄNDERN", "Die Kanäle passen nicht zur Strategie.")
    make_snippet(tutor, "Rabatt", "Mindestens 50% der Beiträge sind Werbung.")
    make_snippet(tutor, "Strategie", "Was soll sich ändern?")
    assert titles(web, tutor, q="massnahmen ändern") == ["Maßnahmen ÄNDERN"]
    assert titles(web, tutor, q="KANÄLE strategie") == ["Maßnahmen ÄNDERN"]
    assert titles(web, tutor, q="50%") == ["Rabatt"]
    assert titles(web, tutor, q="%") == ["Rabatt"]
    assert titles(web, tutor, q="_") == []


def test_industry_and_exercise_scope(web, db, world, make_snippet):
    tutor = world.tutor
    make_snippet(tutor, "Allgemein")
    make_snippet(tutor, "Medien allgemein", industry="media")
    make_snippet(tutor, "B2B allgemein", industry="b2b")
    make_snippet(tutor, "Übung 1", exercise="leistungen-pruefen")
    make_snippet(tutor, "Übung 1 Medien", exercise="leistungen-pruefen", industry="media")
    make_snippet(tutor, "Übung 2", exercise="art-der-kundenbeziehung")
    first = exercise_id(db, "leistungen-pruefen")
    assert sorted(titles(web, tutor, exercise=first, industry="media")) == [
        "Allgemein", "Medien allgemein", "Übung 1", "Übung 1 Medien",
    ]  # fmt: skip
    assert sorted(titles(web, tutor, exercise=first, industry="b2b")) == [
        "Allgemein", "B2B allgemein", "Übung 1",
    ]  # fmt: skip
    second = exercise_id(db, "art-der-kundenbeziehung")
    assert sorted(titles(web, tutor, exercise=second, industry="retail")) == [
        "Allgemein",
        "Übung 2",
    ]


def test_another_lms_course_never_sees_them(web, db, world, neighbour, make_snippet):
    make_snippet(world.tutor, "Zielgruppe A", uses=3)
    make_snippet(neighbour, "Zielgruppe B")
    make_snippet(world.other_tutor, "Zielgruppe C")
    first = exercise_id(db, "leistungen-pruefen")
    assert titles(web, world.tutor, q="zielgruppe", exercise=first) == ["Zielgruppe A"]
    assert titles(web, neighbour, q="zielgruppe", exercise=first) == ["Zielgruppe B"]
    assert titles(web, world.other_tutor, q="zielgruppe") == ["Zielgruppe C"]


def test_a_snippet_of_the_course_the_lms_course_showed_before_stays_hidden(
    db: Session, world, make_snippet
):
    """An operator may bind the LMS course to another course; the snippets written for
    the first one (their exercises are its) do not follow."""
    kept = make_snippet(world.tutor, "Zum jetzigen Kurs")
    earlier = Course(slug="frueher", title="Früher")
    db.add(earlier)
    db.flush()
    db.add(
        CommentSnippet(
            context_id=world.context.id,
            course_id=earlier.id,
            title="Zum früheren Kurs",
            body_markdown="x",
            title_key="zum früheren kurs",
            search_text="zum früheren kurs\nx",
        )  # fmt: skip
    )
    db.commit()
    found = find_snippets(db, bank_scope(db, world.tutor.principal), query="kurs")
    assert [s.id for s in found.snippets] == [kept.id]


def test_results_are_bounded(web, world, make_snippet):
    for n in range(SEARCH_LIMIT + 3):
        make_snippet(world.tutor, f"Baustein {n:02}", uses=n)
    response = web.get(bank(world.tutor, "/search?q=baustein"))
    body = response.json()
    assert len(body["results"]) == SEARCH_LIMIT and body["more"] is True
    assert body["results"][0]["title"] == f"Baustein {SEARCH_LIMIT + 2:02}"


def test_the_json_carries_what_insertion_needs_and_is_never_cached(web, world, make_snippet):
    snippet = make_snippet(
        world.tutor, "Liste", "- **eins**\n- zwei", exercise="leistungen-pruefen", industry="b2b"
    )
    response = web.get(bank(world.tutor, "/search?q=liste"), headers={"Accept": "application/json"})
    assert response.headers["cache-control"] == "no-store"
    [item] = response.json()["results"]
    assert item["body"] == "- **eins**\n- zwei"  # inserted as written
    assert item["excerpt"] == "eins zwei"
    assert item["industry"] == "B2B"
    assert item["use_url"].startswith(
        f"/c/{world.tutor.context_id}/comment-bank/{snippet.id}/use?kt="
    )


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ("q=" + "x" * 101, 400),
        ("exercise=abc", 400),
        ("industry=bergbau", 400),
        ("exercise=999999", 404),
    ],
)
def test_a_bad_search_is_a_clear_4xx_in_json(web, world, query, status):
    response = web.get(
        bank(world.tutor, f"/search?{query}"), headers={"Accept": "application/json"}
    )
    assert response.status_code == status
    assert response.headers["content-type"].startswith("application/json")

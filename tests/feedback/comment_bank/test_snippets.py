"""The page "Textbausteine": tutors and admins of an LMS course create, change and delete
the course's snippets through CSRF-checked forms; a learner finds no such page; another
LMS course's snippet answers 404 like an id that does not exist; bad input is refused
with the form shown again and nothing written."""

from __future__ import annotations

import pytest
from sqlmodel import select

from feedback.comment_bank import snippets as snippets_mod
from feedback.comment_bank.models import CommentSnippet
from tests.feedback.comment_bank.conftest import bank, post, snippets
from tests.feedback.conftest import exercise_id


def test_a_tutor_creates_a_snippet_that_the_other_tutors_see_and_change(web, db, world):
    exercise = exercise_id(db, "leistungen-pruefen")
    response = post(
        web, world.tutor, "", title="  Zielgruppe   schärfen ", body="Bitte **konkreter**.\r\n",
        exercise=str(exercise), industry="media",
    )  # fmt: skip
    assert response.status_code == 303
    [row] = db.exec(select(CommentSnippet)).all()
    assert (row.context_id, row.exercise_id, row.industry) == (
        world.context.id, exercise, "media",
    )  # fmt: skip
    assert (row.title, row.body_markdown) == ("Zielgruppe schärfen", "Bitte **konkreter**.")
    assert row.created_by_user_id == world.tutor.principal.user_id
    assert response.headers["location"].split("#")[1] == f"kw-snippet-{row.id}"

    page = web.get(bank(world.tutor2))
    assert page.status_code == 200
    assert "Zielgruppe schärfen" in page.text and "Bitte **konkreter**." in page.text

    changed = post(
        web, world.tutor2, f"/{row.id}", title="Zielgruppe", body="Neu", exercise="", industry=""
    )
    assert changed.status_code == 303
    db.refresh(row)
    assert (row.title, row.body_markdown, row.exercise_id, row.industry) == (
        "Zielgruppe", "Neu", None, "",
    )  # fmt: skip

    assert post(web, world.admin, f"/{row.id}/delete").status_code == 303
    assert snippets(db) == []


def test_the_edit_page_shows_the_snippet_as_stored(web, world, make_snippet):
    snippet = make_snippet(world.tutor, "Quellen angeben", "Bitte nennen Sie Ihre Quellen.")
    page = web.get(bank(world.tutor, f"/{snippet.id}"))
    assert page.status_code == 200
    assert 'value="Quellen angeben"' in page.text
    assert "Bitte nennen Sie Ihre Quellen.</textarea>" in page.text


def test_a_learner_finds_no_bank(web, db, world, make_snippet):
    snippet = make_snippet(world.tutor, "Quellen")
    before = snippets(db)
    learner = world.learner
    assert web.get(bank(learner)).status_code == 404
    assert web.get(bank(learner, f"/{snippet.id}")).status_code == 404
    assert web.get(bank(learner, "/search?q=q")).status_code == 404
    assert post(web, learner, "", title="Von mir", body="Text").status_code == 404
    assert post(web, learner, f"/{snippet.id}", title="Von mir", body="Text").status_code == 404
    assert post(web, learner, f"/{snippet.id}/delete").status_code == 404
    assert snippets(db) == before


@pytest.mark.parametrize("who", ["neighbour", "other_tutor"])
def test_another_lms_courses_snippet_is_not_found(web, db, world, neighbour, make_snippet, who):
    """The second LMS course on the same platform and one on another platform show the
    same course; neither reaches this LMS course's snippets."""
    snippet = make_snippet(world.tutor, "Nur für Kurs A", "Geheim")
    before = snippets(db)
    stranger = neighbour if who == "neighbour" else world.other_tutor
    assert web.get(bank(stranger, f"/{snippet.id}")).status_code == 404
    edit = post(web, stranger, f"/{snippet.id}", title="Übernommen", body="x")
    assert edit.status_code == 404
    assert post(web, stranger, f"/{snippet.id}/delete").status_code == 404
    assert "Nur für Kurs A" not in web.get(bank(stranger)).text
    assert snippets(db) == before
    # Naming the other LMS course in the URL does not help: the session is for its own.
    assert web.get(bank(stranger, f"/{snippet.id}", world.context.id)).status_code == 403


@pytest.mark.parametrize("csrf", ["", "falsch"])
def test_a_form_without_the_csrf_token_changes_nothing(web, db, world, make_snippet, csrf):
    snippet = make_snippet(world.tutor, "Quellen")
    before = snippets(db)
    tutor = world.tutor
    assert post(web, tutor, "", csrf=csrf, title="Neu", body="Text").status_code == 403
    assert post(web, tutor, f"/{snippet.id}", csrf=csrf, title="X", body="Y").status_code == 403
    assert post(web, tutor, f"/{snippet.id}/delete", csrf=csrf).status_code == 403
    assert snippets(db) == before


@pytest.mark.parametrize(
    ("form", "field", "message"),
    [
        ({"title": "  ", "body": "Text"}, "title", "Bitte geben Sie dem Textbaustein einen Titel."),
        ({"title": "x" * 121, "body": "Text"}, "title", "Der Titel ist zu lang"),
        ({"title": "Titel", "body": "\n \n"}, "body", "Bitte schreiben Sie den Text"),
        ({"title": "Titel", "body": "x" * 4001}, "body", "4001 Zeichen zu lang"),
        (
            {"title": "Titel", "body": "Text", "exercise": "999999"},
            "exercise",
            "Übung aus der Liste",
        ),
        ({"title": "Titel", "body": "Text", "exercise": "drei"}, "exercise", "Übung aus der Liste"),
        ({"title": "Titel", "body": "Text", "industry": "bergbau"}, "industry", "Branche aus der"),
    ],
)
def test_bad_input_is_refused_with_the_form_shown_again(web, db, world, form, field, message):
    response = post(web, world.tutor, "", **form)
    assert response.status_code == 422
    assert message in response.text
    assert f'id="kw-snippet-{field}-error"' in response.text
    assert f'href="#kw-snippet-{field}"' in response.text  # the summary leads to the field
    assert form["body"][:50] in response.text  # the text as typed
    assert snippets(db) == []


def test_a_bad_change_leaves_the_snippet_as_it_was(web, db, world, make_snippet):
    snippet = make_snippet(world.tutor, "Quellen", "Alt")
    before = snippets(db)
    response = post(web, world.tutor, f"/{snippet.id}", title="", body="Neu, aber ohne Titel")
    assert response.status_code == 422
    assert "Neu, aber ohne Titel" in response.text
    assert snippets(db) == before


def test_a_full_bank_refuses_another_snippet(web, db, world, make_snippet, monkeypatch):
    monkeypatch.setattr(snippets_mod, "MAX_SNIPPETS", 2)
    make_snippet(world.tutor, "Eins")
    make_snippet(world.tutor, "Zwei")
    before = snippets(db)
    response = post(web, world.tutor, "", title="Drei", body="Text")
    assert response.status_code == 409
    assert "schon 2 Textbausteine" in response.text
    assert snippets(db) == before


def test_a_bad_filter_is_a_clear_400(web, world):
    assert web.get(bank(world.tutor, "?exercise=abc")).status_code == 400
    assert web.get(bank(world.tutor, "?industry=bergbau")).status_code == 400
    assert web.get(bank(world.tutor, "?exercise=999999")).status_code == 404

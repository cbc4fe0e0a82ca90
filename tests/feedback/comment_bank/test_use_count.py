"""The use count: each insertion posts once (CSRF token in the header, as the script
sends it); it counts up atomically and records the last use; nothing else may count."""

from __future__ import annotations

from tests.feedback.comment_bank.conftest import bank, snippets


def use(web, person, snippet_id, csrf=None, context_id=None):
    headers = {"Accept": "application/json"}
    token = person.csrf if csrf is None else csrf
    if token:
        headers["X-CSRF-Token"] = token
    return web.post(bank(person, f"/{snippet_id}/use", context_id), headers=headers)


def test_each_insertion_counts_once_and_moves_the_snippet_up(web, db, world, make_snippet):
    first = make_snippet(world.tutor, "Erster", uses=1)
    second = make_snippet(world.tutor, "Zweiter")
    assert use(web, world.tutor, second.id).json() == {"use_count": 1}
    response = use(web, world.tutor2, second.id)
    assert response.status_code == 200 and response.json() == {"use_count": 2}
    assert response.headers["cache-control"] == "no-store"
    db.refresh(second)
    db.refresh(first)
    assert second.use_count == 2 and second.last_used_at is not None
    assert first.use_count == 1 and first.last_used_at is None
    ranked = web.get(bank(world.tutor, "/search")).json()["results"]
    assert [r["title"] for r in ranked] == ["Zweiter", "Erster"]


def test_only_the_lms_courses_tutors_count_with_a_valid_token(
    web, db, world, neighbour, make_snippet
):
    snippet = make_snippet(world.tutor, "Baustein")
    before = snippets(db)
    assert use(web, world.tutor, snippet.id, csrf="").status_code == 403
    assert use(web, world.tutor, snippet.id, csrf="falsch").status_code == 403
    assert use(web, world.learner, snippet.id).status_code == 404
    assert use(web, neighbour, snippet.id).status_code == 404
    assert use(web, world.other_tutor, snippet.id).status_code == 404
    assert use(web, world.tutor, 999_999).status_code == 404
    assert snippets(db) == before

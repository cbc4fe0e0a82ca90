"""Every feedback route against everyone who must not use it (coaching issue §5): another
learner's ids answer 404 like ids that do not exist, a tutor of another course gets 404
in their own course and 403 in ours, and none of the attempts changes anything."""

from __future__ import annotations

import pytest

from tests.feedback.helpers import attach, claim, claim_row, feedback_rows, save, write_and_release
from tests.uploads.pdfs import make_pdf

# (method, path after /c/{context}, learner may use it on their own submission)
ROUTES = [
    ("GET", "/review/{sid}", False),
    ("POST", "/review/{sid}/claim", False),
    ("POST", "/review/{sid}/unclaim", False),
    ("POST", "/review/{sid}/feedback", False),
    ("POST", "/review/{sid}/release", False),
    ("POST", "/review/{sid}/feedback/attachment", False),
    ("POST", "/review/{sid}/feedback/attachment/remove", False),
    ("GET", "/review/{sid}/versions/1/file", True),
    ("GET", "/feedback/{sid}", True),
    ("GET", "/feedback/{sid}/versions/1/attachment", True),
]


@pytest.fixture
def released(web, world, make_submission, pdf_for_feedback):
    """A submission of ``world.learner`` with released feedback and a feedback PDF, and a
    second one that tutor holds a draft on."""
    done = make_submission(world.learner)
    claim(web, world.tutor, done.id)
    save(web, world.tutor, done.id, "Freigegeben")
    attach(web, world.tutor, done.id, pdf_for_feedback)
    write_and_release(web, world.tutor, done.id, "Freigegeben")
    open_ = make_submission(world.learner, industry="b2b")
    claim(web, world.tutor, open_.id)
    save(web, world.tutor, open_.id, "Entwurf")
    return done, open_


def call(web, person, method, route, sid, context_id=None):
    context_id = context_id or person.context_id
    url = person.url(f"/c/{context_id}" + route.format(sid=sid))
    if method == "GET":
        return web.get(url)
    if route.endswith("/feedback/attachment"):
        return web.post(
            url,
            data={"csrf_token": person.csrf},
            files={"file": ("x.pdf", make_pdf(), "application/pdf")},
        )
    return web.post(url, data={"csrf_token": person.csrf, "body": "Angriff", "revision": "x"})


def snapshot(db, sids):
    return [
        (
            sorted(
                (f.id, f.status, f.body_markdown, f.attachment_key) for f in feedback_rows(db, sid)
            ),
            (claim_row(db, sid).tutor_user_id if claim_row(db, sid) else None),
        )
        for sid in sids
    ]


@pytest.mark.parametrize(("method", "route", "_"), ROUTES, ids=[f"{m} {r}" for m, r, _ in ROUTES])
def test_another_learner_gets_404_everywhere(web, world, released, db, method, route, _):
    before = snapshot(db, [s.id for s in released])
    for submission in released:
        response = call(web, world.learner2, method, route, submission.id)
        assert response.status_code == 404, (route, response.status_code)
        assert "Freigegeben" not in response.text and "Entwurf" not in response.text
    assert snapshot(db, [s.id for s in released]) == before


@pytest.mark.parametrize(("method", "route", "_"), ROUTES, ids=[f"{m} {r}" for m, r, _ in ROUTES])
def test_a_tutor_of_another_course_gets_404_in_theirs_and_403_in_ours(
    web, world, released, db, method, route, _
):
    before = snapshot(db, [s.id for s in released])
    done, _open = released
    own_course = call(web, world.other_tutor, method, route, done.id)
    assert own_course.status_code == 404, route
    ours = call(web, world.other_tutor, method, route, done.id, context_id=world.learner.context_id)
    assert ours.status_code == 403, route
    assert snapshot(db, [s.id for s in released]) == before


@pytest.mark.parametrize(("method", "route", "own"), ROUTES, ids=[f"{m} {r}" for m, r, _ in ROUTES])
def test_the_learner_reaches_only_the_learner_routes_of_their_own_submission(
    web, world, released, db, method, route, own
):
    done, _open = released
    before = snapshot(db, [s.id for s in released])
    response = call(web, world.learner, method, route, done.id)
    assert response.status_code == (200 if own else 404), route
    assert snapshot(db, [s.id for s in released]) == before


@pytest.mark.parametrize(("method", "route", "_"), ROUTES, ids=[f"{m} {r}" for m, r, _ in ROUTES])
def test_ids_that_do_not_exist_answer_like_foreign_ones(web, world, released, method, route, _):
    response = call(web, world.tutor, method, route, 987_654)
    assert response.status_code == 404


def test_without_a_session_nothing_is_served(web, world, released):
    done, _open = released
    for method, route, _ in ROUTES:
        url = f"/c/{world.learner.context_id}" + route.format(sid=done.id)
        response = web.get(url) if method == "GET" else web.post(url, data={})
        assert response.status_code == 401, route

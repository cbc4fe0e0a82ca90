"""Released feedback as a panel of the learner's submission page (the uploads domain's
``SUBMISSION_PANELS`` slot), and the composition root putting it there."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import FastAPI
from starlette.requests import Request

from feedback.routes import learner as learner_views
from kurswerk.core.extensions import extensions
from tests.feedback.helpers import claim, save, write_and_release
from uploads import service as uploads_service


@dataclass
class View:
    id: int


def request_as(app: FastAPI, person) -> Request:
    return Request(
        {
            "type": "http",
            "app": app,
            "method": "GET",
            "path": "/",
            "headers": [],
            "query_string": f"kt={person.token}".encode(),
        }
    )


def test_the_panel_shows_released_feedback_only(app, web, world, make_submission, db):
    submission = make_submission(world.learner)
    claim(web, world.tutor, submission.id)
    save(web, world.tutor, submission.id, "Noch ein Entwurf")
    panel = learner_views.feedback_panel
    learner = world.learner
    assert panel(request_as(app, learner), db, learner.principal, View(submission.id)) is None

    write_and_release(web, world.tutor, submission.id, "Sehr **gut** gelöst.")
    db.expire_all()
    html = panel(request_as(app, learner), db, learner.principal, View(submission.id))
    assert html is not None
    assert "<strong>gut</strong>" in html and "Feedback zu Ihrer Fassung 1" in html
    # Another learner's submission id shows nothing.
    other = world.learner2
    assert panel(request_as(app, other), db, other.principal, View(submission.id)) is None


def test_the_composition_root_puts_the_panel_into_the_uploads_slot():
    assert extensions.get(uploads_service.SUBMISSION_PANELS) == (learner_views.feedback_panel,)

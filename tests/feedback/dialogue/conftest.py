"""Fixtures of the dialogue's tests: a released feedback (written and released by HTTP, as
a tutor does), and the dialogue's forms as HTTP requests.

``world`` (``tests/feedback/conftest.py``) is one LMS course with two tutors, an admin and
two learners, and a second LMS course with its own tutor and learner.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient
from httpx import Response
from sqlmodel import Session, select

from feedback.models import Feedback
from tests.feedback.helpers import path, write_and_release
from tests.support.people import Learner
from uploads.models import Submission

FEEDBACK_TEXT = "Ihre **Zielgruppe** ist klar. Die Kanäle bitte begründen."


@dataclass
class Released:
    submission: Submission
    feedback: Feedback

    @property
    def sid(self) -> int:
        assert self.submission.id is not None
        return self.submission.id

    @property
    def fid(self) -> int:
        assert self.feedback.id is not None
        return self.feedback.id


Release = Callable[..., Released]


@pytest.fixture
def release_feedback(web: TestClient, db: Session, world, make_submission) -> Release:
    """``tutor`` (``world.tutor`` unless named) writes and releases feedback on a new
    submission of ``learner`` (``world.learner`` unless named)."""

    def make(learner: Learner | None = None, tutor: Learner | None = None, **kw) -> Released:
        submission = make_submission(learner or world.learner, **kw)
        assert submission.id is not None
        write_and_release(web, tutor or world.tutor, submission.id, FEEDBACK_TEXT)
        return Released(submission, latest_feedback(db, submission.id))

    return make


@pytest.fixture
def released(release_feedback: Release) -> Released:
    return release_feedback()


def latest_feedback(db: Session, submission_id: int) -> Feedback:
    db.expire_all()
    rows = db.exec(
        select(Feedback).where(Feedback.submission_id == submission_id).order_by(Feedback.id)
    ).all()
    return rows[-1]


def ask(web: TestClient, person: Learner, feedback_id: int, text: str, **kw) -> Response:
    csrf = kw.pop("csrf", person.csrf)
    data = {"question": text, **({"csrf_token": csrf} if csrf is not None else {})}
    return web.post(path(person, f"/dialogue/{feedback_id}/question"), data=data)


def answer(web: TestClient, person: Learner, feedback_id: int, text: str, **kw) -> Response:
    csrf = kw.pop("csrf", person.csrf)
    data = {"answer": text, **({"csrf_token": csrf} if csrf is not None else {})}
    return web.post(path(person, f"/dialogue/{feedback_id}/answer"), data=data)


def rate(
    web: TestClient, person: Learner, feedback_id: int, score: str, comment: str = "", **kw
) -> Response:
    csrf = kw.pop("csrf", person.csrf)
    data = {"score": score, "comment": comment}
    if csrf is not None:
        data["csrf_token"] = csrf
    return web.post(path(person, f"/dialogue/{feedback_id}/rating"), data=data)

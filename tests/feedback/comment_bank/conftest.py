"""Fixtures of the comment bank's tests: snippets made through the service as a tutor of
``world``'s LMS course would, a second LMS course on the same platform, and the bank's
requests as HTTP.

``world`` (``tests/feedback/conftest.py``) has the course loaded once: every LMS course,
on any platform, shows the same course, so the exercise ids alone never keep two LMS
courses' snippets apart - the bank's scope must.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from httpx import Response
from sqlmodel import Session, select

from feedback.comment_bank.models import CommentSnippet
from feedback.comment_bank.scope import bank_scope
from feedback.comment_bank.snippets import SnippetInput, create_snippet
from kurswerk.core.auth import Role
from lti.models import LmsContext
from tests.feedback.conftest import exercise_id
from tests.support.people import Learner, MakeLearner

MakeSnippet = Callable[..., CommentSnippet]


@pytest.fixture
def make_snippet(db: Session) -> MakeSnippet:
    """A snippet written by ``person`` (a tutor) through the service, committed; ``uses``
    sets its use count."""

    def make(
        person: Learner,
        title: str,
        body: str = "Text",
        *,
        exercise: str | None = None,
        industry: str = "",
        uses: int = 0,
    ) -> CommentSnippet:
        scope = bank_scope(db, person.principal)
        data = SnippetInput(
            title=title,
            body=body,
            exercise=str(exercise_id(db, exercise)) if exercise else "",
            industry=industry,
        )
        snippet = create_snippet(db, scope, data, author_id=person.principal.user_id)
        snippet.use_count = uses
        db.add(snippet)
        db.commit()
        db.refresh(snippet)
        return snippet

    return make


@pytest.fixture
def neighbour(db: Session, world: Any, make_learner: MakeLearner) -> Learner:
    """A tutor of a second LMS course on the same platform as ``world``'s."""
    context = LmsContext(
        platform_id=world.context.platform_id, lms_context_id="zweiter-kurs", title="Kurs B"
    )
    db.add(context)
    db.commit()
    return make_learner(context=context, role=Role.TUTOR, name="Nina Nachbar")


def bank(person: Learner, rest: str = "", context_id: int | None = None) -> str:
    return person.url(f"/c/{context_id or person.context_id}/comment-bank{rest}")


def post(
    web: TestClient, person: Learner, rest: str, csrf: str | None = None, **form: str
) -> Response:
    token = person.csrf if csrf is None else csrf
    return web.post(bank(person, rest), data={"csrf_token": token, **form} if token else form)


def snippets(db: Session) -> list[tuple[Any, ...]]:
    """Every snippet as a comparable tuple (to show that nothing changed)."""
    db.expire_all()
    rows = db.exec(select(CommentSnippet).order_by(CommentSnippet.id)).all()  # type: ignore[arg-type]
    return [
        (s.id, s.context_id, s.title, s.body_markdown, s.exercise_id, s.industry, s.use_count)
        for s in rows
    ]

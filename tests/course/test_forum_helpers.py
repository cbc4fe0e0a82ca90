"""Fixtures and helpers for the FAQ, forum and question tests (no tests of its own).

``people`` is one LMS course with the real content loaded: two learners (Anna, Ben), a
tutor (Tina), all with email addresses, and Olga, a learner of *another* LMS course.
Requests go through the app with each person's page token in the URL, exactly as pages do.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from course.content import load as content
from kurswerk.core.auth import Role
from kurswerk.core.outbox.models import OutboxMessage
from lti.models import LmsContext
from tests.course.conftest import CONTENT, Learner, MakeLearner

LESSON = "kundenbeziehungen"


@dataclass
class People:
    anna: Learner
    ben: Learner
    tina: Learner
    olga: Learner

    @property
    def context_id(self) -> int:
        return self.anna.context_id


@pytest.fixture
def people(db: Session, make_learner: MakeLearner) -> People:
    content.load(db, CONTENT)
    db.commit()
    anna = make_learner(name="Anna Andersen", email="anna@example.org")
    context = db.get(LmsContext, anna.context_id)
    ben = make_learner(context=context, name="Ben Becker", email="ben@example.org")
    tina = make_learner(
        context=context, role=Role.TUTOR, name="Tina Tutor", email="tina@example.org"
    )
    olga = make_learner(name="Olga Other", email="olga@example.org")
    return People(anna, ben, tina, olga)


@pytest.fixture
def web(client: TestClient) -> TestClient:
    client.follow_redirects = False
    return client


def lesson_path(person: Learner, tail: str = "", slug: str = LESSON) -> str:
    return f"/c/{person.context_id}/lessons/{slug}{tail}"


def post_form(web: TestClient, person: Learner, path: str, data: dict[str, Any]) -> Any:
    return web.post(person.url(path), data={"csrf_token": person.csrf, **data})


def ask_in_forum(
    web: TestClient,
    person: Learner,
    title: str = "Was ist der Unterschied zwischen Kundenbeziehungen?",
    body: str = "Ich verstehe die Arten der Kundenbeziehung nicht ganz.",
    *,
    anonymous: bool = False,
) -> int:
    data = {"title": title, "body": body, "action": "post"}
    if anonymous:
        data["anonymous"] = "true"
    response = post_form(web, person, lesson_path(person, "/forum/new"), data)
    assert response.status_code == 303, response.text[:2000]
    match = re.search(r"/forum/threads/(\d+)", response.headers["location"])
    assert match, response.headers["location"]
    return int(match.group(1))


def reply_to(
    web: TestClient, person: Learner, thread_id: int, body: str, *, anonymous: bool = False
) -> int:
    data = {"body": body}
    if anonymous:
        data["anonymous"] = "true"
    response = post_form(
        web, person, f"/c/{person.context_id}/forum/threads/{thread_id}/reply", data
    )
    assert response.status_code == 303, response.text[:2000]
    return int(urlsplit(response.headers["location"]).fragment.removeprefix("post-"))


def get(web: TestClient, person: Learner, path: str) -> Any:
    return web.get(person.url(path))


def notice_of(response: Any) -> str:
    return parse_qs(urlsplit(response.headers["location"]).query).get("notice", [""])[0]


def emails(db: Session, template: str | None = None) -> list[OutboxMessage]:
    db.expire_all()
    rows = db.exec(select(OutboxMessage).order_by(OutboxMessage.id)).all()  # type: ignore[arg-type]
    return [r for r in rows if template is None or r.payload.get("template") == template]


def emails_to(db: Session, address: str, template: str | None = None) -> list[OutboxMessage]:
    return [m for m in emails(db, template) if m.payload["to"] == address]


def question_of(db: Session, thread_id: int) -> int:
    """The id of a thread's first post (the question)."""
    db.expire_all()
    from course.forum.models import ForumPost

    post_id = db.exec(
        select(ForumPost.id).where(ForumPost.thread_id == thread_id, ForumPost.is_question)
    ).one()
    assert post_id is not None
    return post_id

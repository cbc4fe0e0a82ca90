"""A forum form over the app-wide form cap (KURSWERK_MAX_FORM_KB) gets 413 with the
shell's message and writes nothing, however the body comes: with a length, chunked
without one (also over a real socket), or longer than it announced. A form of exactly
the cap - the longest post, in umlauts, plus filler the route ignores - is saved.

Each oversized form is a valid question plus a filler field the route would ignore, so
without the cap it would be saved: the cap, not the forum's own length check, refuses."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlencode

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from course.forum.models import ForumPost
from tests.course.test_forum_helpers import People, lesson_path, people, web
from tests.course.test_forum_security import snapshot
from tests.e2e.servers import served
from tests.support.asgi import call

__all__ = ["people", "web"]

FORM = {"content-type": "application/x-www-form-urlencoded"}
REFUSED = "Die Anfrage ist zu groß: Ein Formular darf höchstens 1024 KB senden."
CHUNK = 64 * 1024


def question(people: People, **extra: str) -> bytes:
    fields = {
        "csrf_token": people.anna.csrf,
        "title": "Frage zum Kundenwert",
        "body": "Wie rechne ich den Kundenwert?",
        "action": "post",
        **extra,
    }
    return urlencode(fields).encode()


def new_question_url(people: People) -> str:
    return people.anna.url(lesson_path(people.anna, "/forum/new"))


def in_chunks(body: bytes) -> Iterator[bytes]:
    for start in range(0, len(body), CHUNK):
        yield body[start : start + CHUNK]


def oversized(people: People, cap: int) -> bytes:
    return question(people, filler="a" * cap)


@pytest.mark.parametrize("announced", [True, False], ids=["content-length", "chunked"])
def test_a_question_over_the_form_cap_is_refused_and_nothing_is_saved(
    web: TestClient, people: People, db: Session, settings, announced
):
    body = oversized(people, settings.max_form_bytes)
    before = snapshot(db)
    response = web.post(
        new_question_url(people),
        content=body if announced else in_chunks(body),  # a generator goes without a length
        headers=FORM,
    )
    assert response.status_code == 413
    assert REFUSED in response.text and "Es wurde nichts gespeichert." in response.text
    assert snapshot(db) == before


def test_a_reply_over_the_form_cap_is_refused_and_the_thread_is_unchanged(
    web: TestClient, people: People, db: Session, settings
):
    created = web.post(new_question_url(people), content=question(people), headers=FORM)
    assert created.status_code == 303, created.text[:2000]
    thread = db.exec(select(ForumPost.thread_id)).one()
    before = snapshot(db)
    reply = urlencode(
        {"csrf_token": people.ben.csrf, "body": "Antwort", "filler": "b" * settings.max_form_bytes}
    )
    response = web.post(
        people.ben.url(f"/c/{people.context_id}/forum/threads/{thread}/reply"),
        content=reply.encode(),
        headers=FORM,
    )
    assert response.status_code == 413 and REFUSED in response.text
    assert snapshot(db) == before


def test_a_question_longer_than_its_content_length_is_refused(
    app: FastAPI, people: People, db: Session, settings
):
    """The announced part alone is a valid question: a server that passed on what came
    after it, and a route that read it all, would save it."""
    valid = question(people)
    body = valid + b"&filler=" + b"c" * settings.max_form_bytes
    before = snapshot(db)
    answer = call(
        app,
        new_question_url(people),
        in_chunks(body),
        headers={**FORM, "content-length": str(len(valid))},
    )
    assert answer.status == 413 and REFUSED in answer.text
    assert answer.pulled == 1  # the first chunk already passes the announced length
    assert snapshot(db) == before


def test_a_form_of_exactly_the_cap_is_saved(web: TestClient, people: People, db: Session, settings):
    text = "ä" * settings.forum_max_post_chars  # 6 bytes each, percent-encoded
    body = question(people, body=text)
    body += b"&filler=" + b"d" * (settings.max_form_bytes - len(body) - len(b"&filler="))
    assert len(body) == settings.max_form_bytes
    response = web.post(new_question_url(people), content=body, headers=FORM)
    assert response.status_code == 303, response.text[:2000]
    db.expire_all()
    assert db.exec(select(ForumPost.body)).one() == text


@pytest.fixture
def live(app: FastAPI) -> Iterator[str]:
    with served(app) as url:
        yield url


def test_a_chunked_question_over_the_cap_is_cut_off_over_a_real_socket(
    live: str, people: People, db: Session, settings
):
    cap = settings.max_form_bytes
    pulled = 0

    def body() -> Iterator[bytes]:
        nonlocal pulled
        for chunk in in_chunks(oversized(people, 64 * cap)):
            pulled += len(chunk)
            yield chunk

    before = snapshot(db)
    with httpx.Client(timeout=60) as client:
        try:
            response = client.post(live + new_question_url(people), content=body(), headers=FORM)
        except httpx.TransportError:
            response = None  # the server hung up on the rest of the body
    if response is not None:
        assert response.status_code == 413 and REFUSED in response.text
        assert response.headers["connection"] == "close"
    assert pulled < 32 * cap, "the server read far past the cap"
    assert snapshot(db) == before

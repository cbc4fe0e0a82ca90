"""The app-wide cap on request bodies (kurswerk.core.body_limit, KURSWERK_MAX_FORM_KB): a body
over it never reaches a route, whether its length is announced, missing (chunked) or a
lie; a body within it arrives whole; the routes that stream their own bodies (uploads)
are let through. Requests go through the real app, straight over ASGI, so every chunk
the app pulls is counted."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI, Request
from fastapi.responses import PlainTextResponse
from pydantic import ValidationError

from feedback.drafts import FEEDBACK_MAX_CHARS
from kurswerk.core.auth import SESSION_QUERY, Principal, Role
from kurswerk.core.body_limit import MarkedRoutes, streams_own_body
from kurswerk.core.settings import Settings, form_bytes_for
from lti.formbody import MAX_FORM_BYTES as LAUNCH_FORM_BYTES
from tests.support.asgi import call

CHUNK = 64 * 1024
FORM = {"content-type": "application/x-www-form-urlencoded"}
GERMAN = "Die Anfrage ist zu groß: Ein Formular darf höchstens 1024 KB senden."
ENGLISH = "The request is too large: a form may send at most 1024 KB."


@pytest.fixture
def probe(app: FastAPI) -> list[bytes]:
    """Two routes added to the app: ``/probe/form`` reads its body whole (as a form route
    does), ``/probe/stream`` is marked as streaming its own. Each body that reached a
    route is recorded."""
    seen: list[bytes] = []

    async def form(request: Request) -> PlainTextResponse:
        seen.append(await request.body())
        return PlainTextResponse(f"{len(seen[-1])} bytes")

    @streams_own_body
    async def stream(request: Request) -> PlainTextResponse:
        size = 0
        async for chunk in request.stream():
            size += len(chunk)
        seen.append(b"streamed %d" % size)
        return PlainTextResponse(f"{size} bytes")

    app.add_api_route("/probe/form", form, methods=["POST"])
    app.add_api_route("/probe/stream", stream, methods=["POST"])
    return seen


def chunks(total: int, size: int = CHUNK) -> Iterator[bytes]:
    """``total`` bytes of a form field, made only as the app asks for them."""
    yield b"field="
    sent = 6
    while sent < total:
        piece = min(size, total - sent)
        sent += piece
        yield b"a" * piece


def test_a_content_length_over_the_cap_is_refused_before_the_body_is_read(app, probe, settings):
    cap = settings.max_form_bytes
    answer = call(
        app, "/probe/form", chunks(cap + 1), headers={**FORM, "content-length": str(cap + 1)}
    )
    assert answer.status == 413
    assert GERMAN in answer.text and "Es wurde nichts gespeichert." in answer.text
    assert answer.pulled == 0
    assert answer.headers["connection"] == "close"
    assert "frame-ancestors" in answer.headers["content-security-policy"]
    assert probe == []


def test_a_body_without_a_length_is_cut_off_once_it_passes_the_cap(app, probe, settings):
    cap = settings.max_form_bytes
    answer = call(app, "/probe/form", chunks(64 * cap), headers=FORM)
    assert answer.status == 413 and GERMAN in answer.text
    # The field name (6 bytes) and cap // CHUNK - 1 full chunks fit; the next one passes
    # the cap, and not one more is read.
    assert answer.pulled == 1 + cap // CHUNK
    assert answer.headers["connection"] == "close"
    assert probe == []


def test_a_body_longer_than_its_content_length_is_refused(app, probe):
    answer = call(
        app, "/probe/form", chunks(10 * 1000, size=1000), headers={**FORM, "content-length": "1500"}
    )
    assert answer.status == 413
    assert answer.pulled == 3  # 6 + 1000 bytes fit the announcement, the next 1000 do not
    assert probe == []


@pytest.mark.parametrize("announced", [True, False], ids=["content-length", "chunked"])
def test_a_body_of_exactly_the_cap_reaches_the_route_whole(app, probe, settings, announced):
    cap = settings.max_form_bytes
    headers = {**FORM, "content-length": str(cap)} if announced else FORM
    answer = call(app, "/probe/form", chunks(cap), headers=headers)
    assert answer.status == 200, answer.text
    assert probe == [b"field=" + b"a" * (cap - 6)]


def test_a_client_that_leaves_mid_body_never_reaches_the_route(app, probe):
    answer = call(app, "/probe/form", chunks(10 * CHUNK), headers=FORM, disconnect_after=3)
    assert answer.status is None  # nobody left to answer
    assert probe == []


def test_a_route_marked_as_streaming_its_own_body_is_not_capped(app, probe, settings):
    cap = settings.max_form_bytes
    total = 3 * cap
    answer = call(app, "/probe/stream", chunks(total), headers={"content-length": str(total)})
    assert answer.status == 200 and answer.text == f"{total} bytes"
    assert probe == [b"streamed %d" % total]


def test_the_mark_covers_its_own_route_only(app, probe, settings):
    cap = settings.max_form_bytes
    answer = call(app, "/probe/stream/more", chunks(2 * cap), headers=FORM)
    assert answer.status == 413
    assert probe == []


def test_an_unreadable_content_length_is_a_bad_request(app, probe):
    answer = call(app, "/probe/form", [b"field=a"], headers={**FORM, "content-length": "12x"})
    assert answer.status == 400
    assert answer.pulled == 0 and probe == []


def test_the_refusal_speaks_english_to_an_english_session(app, probe, settings):
    principal = Principal(
        user_id=1, context_id=1, platform_id=1, role=Role.LEARNER, locale="en", sid="sid-en"
    )
    token = app.state.session_codec.issue(principal)
    cap = settings.max_form_bytes
    answer = call(
        app,
        f"/probe/form?{SESSION_QUERY}={token}",
        chunks(2 * cap),
        headers=FORM,
    )
    assert answer.status == 413
    assert ENGLISH in answer.text and "Nothing was saved." in answer.text
    assert 'lang="en"' in answer.text


def test_an_htmx_request_gets_the_refusal_as_a_fragment(app, probe, settings):
    cap = settings.max_form_bytes
    answer = call(app, "/probe/form", chunks(2 * cap), headers={**FORM, "hx-request": "true"})
    assert answer.status == 413 and GERMAN in answer.text
    assert "<html" not in answer.text


def test_requests_without_a_body_pass(app, probe, client):
    assert client.get("/health").json() == {"status": "ok"}


def test_the_routes_that_stream_their_own_bodies_are_the_uploads(app):
    """The allow-list, read from the app's route table: if FastAPI's route table changed
    shape and nothing were found, every upload over the form cap would be refused. (The
    workbench's annotations cap their JSON body themselves, at 1 MiB whatever the form
    cap is: tests/feedback/workbench/test_validation.py.)"""
    marked = sorted((route.path, sorted(route.methods or ())) for route in MarkedRoutes(app).routes)
    assert marked == [
        ("/c/{context}/admin/coaching/import/preview", ["POST"]),
        ("/c/{context}/exercises/{exercise_id}/submissions", ["POST"]),
        ("/c/{context}/lessons/{slug}/submissions", ["POST"]),
        ("/c/{context}/office-hours/book/{slot_id}", ["POST"]),
        ("/c/{context}/review/{submission_id}/annotations", ["PUT"]),
        ("/c/{context}/review/{submission_id}/feedback/attachment", ["POST"]),
    ]


# --- the setting ---------------------------------------------------------------------------


def test_the_cap_defaults_to_one_mebibyte_and_is_read_from_the_environment(monkeypatch):
    monkeypatch.delenv("KURSWERK_MAX_FORM_KB", raising=False)
    monkeypatch.delenv("KURSWERK_FORUM_MAX_POST_CHARS", raising=False)
    assert Settings().max_form_bytes == 1024 * 1024
    monkeypatch.setenv("KURSWERK_MAX_FORM_KB", "2048")
    assert Settings().max_form_kb == 2048


def test_the_floor_holds_the_longest_feedback_and_the_launch():
    """A cap at its lowest still lets a feedback text of FEEDBACK_MAX_CHARS characters
    (every one four UTF-8 bytes, percent-encoded) and the LTI launch form through."""
    lowest = Settings(max_form_kb=512).max_form_bytes
    assert form_bytes_for(FEEDBACK_MAX_CHARS) <= lowest
    assert lowest >= LAUNCH_FORM_BYTES
    with pytest.raises(ValidationError):
        Settings(max_form_kb=511)


def test_a_cap_too_small_for_the_longest_forum_post_is_refused():
    with pytest.raises(ValidationError, match="KURSWERK_MAX_FORM_KB must be at least 2360"):
        Settings(max_form_kb=1024, forum_max_post_chars=200_000)


def test_the_default_cap_grows_with_the_longest_forum_post(monkeypatch):
    monkeypatch.delenv("KURSWERK_MAX_FORM_KB", raising=False)
    settings = Settings(forum_max_post_chars=200_000)
    assert settings.max_form_bytes >= form_bytes_for(200_000)
    assert Settings(forum_max_post_chars=20_000).max_form_kb == 1024

"""The stateless post-launch session: signed tokens, expiry, CSRF tokens, cookie shape."""

from __future__ import annotations

import time

import pytest

from kurswerk.core.auth import (
    SESSION_COOKIE,
    Principal,
    Role,
    SessionCodec,
    partitioned_cookie_header,
)
from kurswerk.core.settings import Settings


@pytest.fixture
def codec() -> SessionCodec:
    return SessionCodec(Settings(secret_key="s" * 40))  # type: ignore[arg-type]


def _principal(**overrides) -> Principal:
    values = dict(
        user_id=7,
        context_id=3,
        platform_id=1,
        role=Role.LEARNER,
        name="Lena",
        locale="de",
        sid="abc",
    )
    values.update(overrides)
    return Principal(**values)


def test_token_round_trips_the_principal(codec):
    principal = _principal(role=Role.TUTOR, locale="en")
    assert codec.read_page_token(codec.issue(principal)) == principal
    assert codec.read_cookie(codec.issue_cookie(principal)) == principal


def test_tampered_token_is_refused(codec):
    token = codec.issue(_principal())
    tampered = token[:-2] + ("A" if token[-2] != "A" else "B") + token[-1]
    assert codec.read_page_token(tampered) is None


def test_token_of_another_secret_is_refused(codec):
    other = SessionCodec(Settings(secret_key="t" * 40))  # type: ignore[arg-type]
    assert codec.read_page_token(other.issue(_principal())) is None
    assert codec.read_cookie(other.issue_cookie(_principal())) is None


def test_page_token_and_cookie_are_not_interchangeable(codec):
    principal = _principal()
    assert codec.read_cookie(codec.issue(principal)) is None
    assert codec.read_page_token(codec.issue_cookie(principal)) is None


def test_each_token_obeys_its_own_lifetime(codec, monkeypatch):
    page, cookie = codec.issue(_principal()), codec.issue_cookie(_principal())
    assert codec.page_ttl < codec.cookie_ttl
    between = time.time() + codec.page_ttl + 60  # page token expired, cookie not
    monkeypatch.setattr("itsdangerous.timed.time.time", lambda: between)
    assert codec.read_page_token(page) is None
    assert codec.read_cookie(cookie) is not None
    after = time.time() + codec.cookie_ttl + 60
    monkeypatch.setattr("itsdangerous.timed.time.time", lambda: after)
    assert codec.read_cookie(cookie) is None


def test_csrf_token_is_bound_to_the_session_id(codec):
    mine, theirs = _principal(sid="one"), _principal(sid="two")
    assert codec.csrf_valid(mine, codec.csrf_token(mine))
    assert not codec.csrf_valid(mine, codec.csrf_token(theirs))
    assert not codec.csrf_valid(mine, "")
    assert not codec.csrf_valid(mine, None)


def test_session_cookie_is_host_prefixed_partitioned_and_http_only(codec):
    principal = _principal()
    header = codec.cookie_header(principal)
    attributes = [part.strip() for part in header.split(";")]
    name, value = attributes[0].split("=", 1)
    assert name == SESSION_COOKIE and codec.read_cookie(value) == principal
    assert SESSION_COOKIE.startswith("__Host-")
    for required in ("Path=/", "Secure", "HttpOnly", "SameSite=None", "Partitioned"):
        assert required in attributes
    assert not any(part.startswith("Domain=") for part in attributes)


def test_state_cookies_can_be_readable_by_script_when_asked():
    header = partitioned_cookie_header("x", "1", max_age=60, http_only=False)
    assert "HttpOnly" not in header and "Partitioned" in header

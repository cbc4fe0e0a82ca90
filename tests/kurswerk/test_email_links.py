"""Email link tokens: signed for one reader, one path and one purpose; never a session
token, and a session token is never one."""

from __future__ import annotations

import time

import pytest

from kurswerk.core.auth import Principal, Role, SessionCodec
from kurswerk.core.email_links import EmailLinkRefused, EmailLinks, LinkReader
from kurswerk.core.settings import Settings
from tests.support.mail_links import token_of

SETTINGS = Settings(secret_key="s" * 40, base_url="https://tool.example")  # type: ignore[arg-type]
READER = LinkReader(user_id=7, context_id=3, platform_id=1, role="learner", locale="en")


def test_a_link_names_its_reader_and_its_page():
    links = EmailLinks(SETTINGS)
    url = links.url("/c/3/submissions", READER, anchor="top")
    assert url.startswith("https://tool.example/c/3/submissions?t=") and url.endswith("#top")
    grant = links.read(token_of(url))
    assert grant.reader == READER and grant.path == "/c/3/submissions"


def test_a_link_to_anything_but_a_plain_tool_path_is_refused():
    links = EmailLinks(SETTINGS)
    for path in ("https://evil.example/", "/c/3/x?kt=1", "/c/3/x#y", "c/3"):
        with pytest.raises(ValueError):
            links.url(path, READER)


def test_a_link_signed_with_another_secret_is_invalid():
    other = EmailLinks(Settings(secret_key="o" * 40))  # type: ignore[arg-type]
    with pytest.raises(EmailLinkRefused) as refused:
        EmailLinks(SETTINGS).read(token_of(other.url("/c/3/x", READER)))
    assert refused.value.reason == "invalid" and refused.value.locale is None


def test_a_session_token_is_not_a_link():
    codec = SessionCodec(SETTINGS)
    principal = Principal(user_id=7, context_id=3, platform_id=1, role=Role.LEARNER, sid="x")
    for session in (codec.issue(principal), codec.issue_cookie(principal)):
        with pytest.raises(EmailLinkRefused):
            EmailLinks(SETTINGS).read(session)


def test_a_link_is_not_a_session():
    token = token_of(EmailLinks(SETTINGS).url("/c/3/x", READER))
    codec = SessionCodec(SETTINGS)
    assert codec.read_cookie(token) is None
    assert codec.read_page_token(token) is None


def test_an_expired_link_still_tells_the_readers_language(monkeypatch):
    links = EmailLinks(SETTINGS)
    now = time.time()
    with monkeypatch.context() as past:
        past.setattr(time, "time", lambda: now - links.max_age - 1)
        url = links.url("/c/3/x", READER)
    with pytest.raises(EmailLinkRefused) as refused:
        links.read(token_of(url))
    assert refused.value.reason == "expired"
    assert refused.value.locale == "en" and refused.value.platform_id == 1


def test_the_lifetime_is_a_setting(monkeypatch):
    monkeypatch.setenv("KURSWERK_EMAIL_LINK_DAYS", "3")
    assert EmailLinks(Settings()).max_age == 3 * 86400

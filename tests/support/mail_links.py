"""Links in emails as a reader meets them: found in a mail's text and opened in a plain
browser that never launched Kurswerk (a fresh client: no cookie, no page token)."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import httpx
from fastapi import FastAPI
from fastapi.testclient import TestClient

from kurswerk.core.auth import SESSION_COOKIE, Principal
from kurswerk.core.email_links import EMAIL_LINK_QUERY
from tests.conftest import TOOL_BASE_URL

_LINK = re.compile(re.escape(TOOL_BASE_URL) + r"/[^\s\"'<>]+")


def links_in(text: str) -> list[str]:
    """Every link to the tool in a mail's text, in order."""
    return _LINK.findall(text)


def link_to(text: str, path: str) -> str:
    """The one link in ``text`` to ``path`` (a tool path, without the query)."""
    found = [url for url in links_in(text) if urlsplit(url).path == path]
    assert len(found) == 1, (path, links_in(text))
    return found[0]


def token_of(url: str) -> str:
    return parse_qs(urlsplit(url).query)[EMAIL_LINK_QUERY][0]


def with_path(url: str, path: str) -> str:
    """The same link (the same token) pointed at another path."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, path, parts.query, ""))


def with_token(url: str, token: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(
        (parts.scheme, parts.netloc, parts.path, urlencode({EMAIL_LINK_QUERY: token}), "")
    )


def open_in_plain_browser(
    app: FastAPI,
    url: str,
    *,
    signed_in: Principal | None = None,
    accept_language: str | None = None,
    method: str = "GET",
) -> httpx.Response:
    """``url`` opened by a browser that holds no Kurswerk session (or only the session
    cookie of ``signed_in``), as after a click in a mail program."""
    headers = {"accept-language": accept_language} if accept_language else {}
    with TestClient(app, base_url=TOOL_BASE_URL, follow_redirects=False) as browser:
        if signed_in is not None:
            cookie = app.state.session_codec.issue_cookie(signed_in)
            browser.cookies.set(SESSION_COOKIE, cookie, domain="kurswerk.test")
        return browser.request(method, url, headers=headers)

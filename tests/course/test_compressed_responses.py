"""Compressed responses (issue 16, "Compression"): pages, CSS, JS and JSON over ~1 KB go
out with Brotli or gzip as the browser accepts, with ``Vary: Accept-Encoding``; PDFs and
other already-compressed files, and small bodies, go out as they are.

The client here sends the header it is given and does not decode (``decode``: the body
is decompressed by the test with the format's own library), so what is checked is what
travels."""

from __future__ import annotations

import gzip

import brotli
import pytest
from fastapi.testclient import TestClient

from kurswerk.app import COMPRESS_MIN_BYTES
from tests.course.conftest import Learner
from tests.course.test_worksheet_pages import sheet_path

LESSON = "kundenbeziehungen"


def _get(client: TestClient, url: str, accept: str):
    """The raw response to a GET with ``Accept-Encoding: accept`` (body not decoded)."""
    with client.stream("GET", url, headers={"Accept-Encoding": accept}) as response:
        raw = b"".join(response.iter_raw())
    return response, raw


def _lesson(learner: Learner) -> str:
    return learner.url(f"/c/{learner.context_id}/lessons/{LESSON}")


@pytest.mark.parametrize(
    ("accept", "encoding", "decode"),
    [
        ("gzip, deflate, br, zstd", "br", brotli.decompress),  # what Chromium sends
        ("gzip, deflate", "gzip", gzip.decompress),
    ],
)
def test_the_lesson_page_travels_compressed(client, learner, accept, encoding, decode):
    plain = client.get(_lesson(learner), headers={"Accept-Encoding": "identity"})
    response, raw = _get(client, _lesson(learner), accept)
    assert response.status_code == 200
    assert response.headers["content-encoding"] == encoding
    assert "accept-encoding" in response.headers["vary"].lower()
    page = decode(raw).decode()
    assert "<h1" in page and "Kundenbeziehungen" in page
    assert len(raw) < len(plain.content) / 3  # a long German page shrinks a lot
    assert response.headers["cache-control"] == "no-store"  # it carries a session


def test_without_accept_encoding_the_page_goes_out_as_it_is(client, learner):
    response, raw = _get(client, _lesson(learner), "identity")
    assert "content-encoding" not in response.headers
    assert b"<h1" in raw


def test_css_and_scripts_are_compressed(client):
    for path in ("/static/kurswerk.css", "/static/comment-bank.js"):
        response, raw = _get(client, path, "br")
        assert response.headers["content-encoding"] == "br", path
        assert brotli.decompress(raw) == client.get(path).content


def test_a_pdf_is_never_compressed(client, learner: Learner):
    url = learner.url(sheet_path(learner.context_id) + "/template.pdf")
    response, raw = _get(client, url, "gzip, deflate, br")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert "content-encoding" not in response.headers
    assert raw.startswith(b"%PDF-")


def test_a_small_body_is_not_compressed(client):
    response, raw = _get(client, "/health", "gzip, br")
    assert len(raw) < COMPRESS_MIN_BYTES
    assert "content-encoding" not in response.headers

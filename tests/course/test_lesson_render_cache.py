# ruff: noqa: F811 - fixtures are imported by name and then requested as arguments
"""The lesson page's shared parts, rendered once (``course.render_cache``, issue 16): every
reader sees only their own person, tokens and panel around them; the page served from the
cache is the page rendered whole; a content load is seen at once by every server process;
the warm page's statements are counted."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from sqlalchemy import event

from course import render_cache
from kurswerk.core.auth import SessionCodec
from tests.course.conftest import CONTENT
from tests.course.html_tools import parse
from tests.course.test_content_check import LESSON as LESSON_FILE
from tests.course.test_content_check import edit
from tests.support.people import Learner, make_learner  # noqa: F401 - fixture
from tests.uploads.submission_fixtures import (  # noqa: F401 - fixtures
    LESSON,
    course_loaded,
    give_package,
    people,
    web,
)

ROOT = Path(__file__).resolve().parents[2]


def lesson_url(person: Learner) -> str:
    return person.url(f"/c/{person.context_id}/lessons/{LESSON}")


def page_of(web, person: Learner) -> str:
    response = web.get(lesson_url(person))
    assert response.status_code == 200, response.text[:500]
    return response.text


def tokens_in(html: str) -> set[str]:
    """The page tokens the page's links carry."""
    found = set()
    for href in re.findall(r'(?:href|action)="([^"]+)"', html):
        found.update(parse_qs(urlsplit(href.replace("&amp;", "&")).query).get("kt", []))
    return found


@pytest.fixture
def readers(db, people, make_learner) -> dict[str, Learner]:
    """Four readers of one LMS course: with and without a package, in German and English."""
    holder_en = people.learner(locale="en", name="Emma Holder", email="emma@example.org")
    give_package(db, holder_en)
    return {
        "holder_de": people.holder,  # Lena Lernend
        "holder_en": holder_en,
        "plain_de": people.learner(name="Paul Plain", email="paul@example.org"),
        "plain_en": people.learner(locale="en", name="Olivia Plain", email="olivia@example.org"),
    }


def test_four_readers_each_see_only_their_own_parts(web, app, readers):
    codec = SessionCodec(app.state.settings)
    # The first reader marks the lesson read: their state is theirs alone.
    first = readers["holder_de"]
    marked = web.post(
        first.url(f"/c/{first.context_id}/lessons/{LESSON}/read"),
        data={"csrf_token": first.csrf, "read": "true"},
    )
    assert marked.status_code == 303
    names = {key: person.principal.name for key, person in readers.items()}
    for _round in range(2):  # the second round is served from the warm cache
        for key, person in readers.items():
            html = page_of(web, person)
            page = parse(html)
            assert names[key] in html
            assert all(name not in html for other, name in names.items() if other != key)
            assert person.csrf in html
            assert all(p.csrf not in html for other, p in readers.items() if other != key)
            tokens = tokens_in(html)
            assert len(tokens) == 1, tokens  # every link carries the same, fresh token
            principal = codec.read_page_token(tokens.pop())
            assert principal is not None and principal.user_id == person.principal.user_id
            assert render_cache.PAGE_TOKEN_MARK not in html
            english = key.endswith("_en")
            meta = page.find("dl", cls="lesson-meta").clean_text
            assert ("Reading time" in meta) is english and ("Lesezeit" in meta) is not english
            state = "Gelesen" if key == "holder_de" else ("Not read yet" if english else "Noch")
            assert state in meta, meta
            panel = page.find("section", id="kw-upload")
            form = next(panel.find_all("form", cls="submission-form"), None)
            assert (form is not None) is key.startswith("holder"), key
    # one entry per language: the readers were served the shared parts from the cache
    assert len(render_cache.LESSONS) == 2


_VOLATILE = [
    (re.compile(r"kt=[A-Za-z0-9_.\-]+"), "kt=TOKEN"),
    (re.compile(r'name="idempotency_key" value="[^"]+"'), 'name="idempotency_key" value="KEY"'),
    (re.compile(r"idempotency_key=[A-Za-z0-9_\-]+"), "idempotency_key=KEY"),
]


def normalised(html: str) -> str:
    """The page without what is new on every request (the page token, the upload's key)."""
    for pattern, stand_in in _VOLATILE:
        html = pattern.sub(stand_in, html)
    return html


@pytest.mark.parametrize("key", ["holder_de", "plain_en"])
def test_the_page_from_the_cache_equals_the_page_rendered_whole(web, readers, monkeypatch, key):
    person = readers[key]
    page_of(web, person)  # fills the cache
    assert len(render_cache.LESSONS) == 1
    cached = page_of(web, person)
    monkeypatch.setattr(render_cache.LESSONS, "maxsize", 0)  # rendered whole
    whole = page_of(web, person)
    assert normalised(cached) == normalised(whole)
    assert 'id="kw-lesson-title"' in whole and 'id="kw-progress"' in whole


def test_the_warm_page_makes_the_sessions_check_and_two_queries(web, app, readers):
    """A package holder's warm page: the session's check, the lesson's probe (content
    version, read, position) and the package panel's one query (with the promised date)."""
    holder = readers["holder_de"]
    page_of(web, holder)  # bound, cached, position recorded
    seen: list[str] = []

    def record(_conn, _cursor, statement, *_args) -> None:  # noqa: ANN001
        seen.append(statement)

    event.listen(app.state.engine, "before_cursor_execute", record)
    try:
        page_of(web, holder)
    finally:
        event.remove(app.state.engine, "before_cursor_execute", record)
    checks = [s for s in seen if "revoked_session" in s]
    reads = [s for s in seen if s not in checks]
    assert len(checks) == 1, seen
    assert len(reads) == 2, reads
    assert "content_version" in reads[0] and "coaching_package" in reads[1]


# --- every server process sees a content load at once ---------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def servers(database_url: str, settings, tmp_path: Path) -> Iterator[list[str]]:
    """Two ``kurswerk serve`` processes (one worker each) on the test database."""
    env = {
        **os.environ,
        "KURSWERK_ENV": "test",
        "KURSWERK_DATABASE_URL": database_url,
        "KURSWERK_BASE_URL": settings.base_url,
        "KURSWERK_SECRET_KEY": settings.secret_key.get_secret_value(),
        "KURSWERK_STORAGE_URL": f"file://{tmp_path / 'storage'}",
        "KURSWERK_LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
    }
    ports = [_free_port(), _free_port()]
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "kurswerk.cli", "serve", "--workers", "1", "--port", str(p)],
            env=env,
            cwd=ROOT,
        )
        for p in ports
    ]
    try:
        for port, process in zip(ports, processes, strict=True):
            deadline = time.monotonic() + 300  # a start on a busy machine is slow
            while True:
                assert process.poll() is None, "the server stopped"
                try:
                    with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                        break
                except OSError:
                    assert time.monotonic() < deadline, "the server did not start"
                    time.sleep(0.1)
        yield [f"http://127.0.0.1:{port}" for port in ports]
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def test_a_content_load_is_seen_at_once_by_every_server_process(
    db, people, servers, run_cli, tmp_path: Path
):
    copy = tmp_path / "content"
    shutil.copytree(CONTENT, copy)
    holder = people.holder
    path = f"/c/{holder.context_id}/lessons/{LESSON}?kt={holder.token}"
    for server in servers:  # each process caches the lesson's shared parts
        for _ in range(2):
            page = httpx.get(server + path, timeout=30)
            assert page.status_code == 200 and "Diese neue Erkenntnis" not in page.text

    edit(copy / LESSON_FILE, "Diese Erkenntnis ist", "Diese neue Erkenntnis ist")
    assert run_cli("content", "load", str(copy)) == 0

    for server in servers:
        assert "Diese neue Erkenntnis" in httpx.get(server + path, timeout=30).text

"""Helpers and fixtures for the submission tests (``test_submission_*.py`` import them).

The real course content is loaded; learners, tutors and packages are real rows; uploads
are multipart bodies built by hand, so hostile shapes (two files, odd names, no CSRF
field) are exactly as written. PDFs come from ``tests/uploads/pdfs.py``.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from coaching.models import CoachingGrant, CoachingPackage
from course import lesson_page as course_lesson_page
from course import service as course_service
from course.content import load as content
from course.models import Course, Exercise, Lesson
from kurswerk.core.auth import Role
from kurswerk.core.outbox.queue import OutboxMessage
from lti.models import LmsContext
from tests.support.people import Learner, MakeLearner
from tests.uploads import pdfs
from uploads.models import Submission, SubmissionVersion

CONTENT = Path(__file__).resolve().parents[2] / "content"
BOUNDARY = "----KurswerkSubmissionBoundary0123"
EXERCISE = "leistungen-pruefen"
OTHER_EXERCISE = "art-der-kundenbeziehung"
LESSON = "kundenbeziehungen"


@pytest.fixture
def course_loaded(db: Session) -> content.LoadReport:
    course_lesson_page.clear_cache()
    report = content.load(db, CONTENT)
    db.commit()
    yield report
    course_lesson_page.clear_cache()


@pytest.fixture
def web(client: TestClient) -> TestClient:
    """The test client, not following redirects (post-redirect-get stays visible)."""
    client.follow_redirects = False
    return client


def exercise_id(db: Session, slug: str = EXERCISE) -> int:
    found = db.exec(select(Exercise.id).where(Exercise.slug == slug)).one()
    assert found is not None
    return found


def foreign_exercise(db: Session) -> Exercise:
    """An exercise of another course than the one the LMS courses show (committed). With
    two courses loaded nothing binds by itself: the LMS courses made so far show the real
    course, as a launch naming it would have bound them."""
    [real] = db.exec(select(Course)).all()
    for context_id in db.exec(select(LmsContext.id)).all():
        assert context_id is not None
        course_service.bind_named_course(db, context_id, real.slug)
    other = Course(slug="anderer-kurs", title="Anderer Kurs")
    db.add(other)
    db.flush()
    lesson = Lesson(course_id=other.id, slug="fremd", title="Fremd")
    db.add(lesson)
    db.flush()
    foreign = Exercise(lesson_id=lesson.id, slug="fremde-uebung", title="Fremde Übung")
    db.add(foreign)
    db.commit()
    return foreign


def give_package(
    db: Session,
    person: Learner,
    *,
    quota: int | None = 3,
    name: str = "Coaching Basis",
    valid_until: date | None = None,
) -> CoachingPackage:
    package = db.exec(
        select(CoachingPackage).where(
            CoachingPackage.platform_id == person.principal.platform_id,
            CoachingPackage.name == name,
        )
    ).first()
    if package is None:
        package = CoachingPackage(
            platform_id=person.principal.platform_id,
            name=name,
            description="Schriftliches **Feedback** zu Ihren Übungen.",
            feedback_quota=quota,
            office_hours_per_month=1,
            valid_until=valid_until,
        )
        db.add(package)
        db.flush()
    assert package.id is not None
    db.add(
        CoachingGrant(
            package_id=package.id, context_id=person.context_id, user_id=person.principal.user_id
        )
    )
    db.commit()
    return package


@dataclass
class People:
    """Everyone in one LMS course; ``holder`` is a learner with a coaching package."""

    holder: Learner
    context: LmsContext
    make: MakeLearner

    def tutor(
        self, *, email: str | None = None, name: str = "Tina Tutor", locale: str = "de"
    ) -> Learner:
        return self.make(
            role=Role.TUTOR, context=self.context, email=email, name=name, locale=locale
        )

    def learner(self, **kwargs) -> Learner:
        return self.make(context=self.context, **kwargs)


@pytest.fixture
def people(db: Session, make_learner: MakeLearner, course_loaded) -> People:
    holder = make_learner(email="lena@example.org", name="Lena Lernend")
    give_package(db, holder)
    context = db.get(LmsContext, holder.context_id)
    assert context is not None
    return People(holder, context, make_learner)


# --- multipart bodies ---------------------------------------------------------------------


def part(name: str, value: bytes, *, filename: str | bytes | None = None) -> bytes:
    disposition = f'Content-Disposition: form-data; name="{name}"'.encode()
    if filename is not None:
        raw = filename.encode() if isinstance(filename, str) else filename
        disposition += b'; filename="' + raw + b'"'
        disposition += b"\r\nContent-Type: application/pdf"
    return b"--" + BOUNDARY.encode() + b"\r\n" + disposition + b"\r\n\r\n" + value + b"\r\n"


def multipart(*parts: bytes) -> bytes:
    return b"".join(parts) + b"--" + BOUNDARY.encode() + b"--\r\n"


def csrf_part(token: str) -> bytes:
    return part("csrf_token", token.encode())


def file_part(data: bytes, filename: str | bytes = "Strategie.pdf") -> bytes:
    return part("file", data, filename=filename)


def good_pdf(pages: int = 2) -> bytes:
    return pdfs.make_pdf(pages=pages)


def submit_path(person: Learner, ex_id: int) -> str:
    return f"/c/{person.context_id}/exercises/{ex_id}/submissions"


def new_key() -> str:
    return secrets.token_urlsafe(24)


def post_upload(
    web: TestClient,
    person: Learner,
    ex_id: int,
    body: bytes,
    *,
    industry: str = "media",
    key: str | None = None,
    csrf: str | None = "field",
    chunked: bool = False,
) -> httpx.Response:
    """POST a multipart ``body``. ``csrf``: "field" (the form's way: the token's field
    put before the body's parts), "header" (a fetch's way: ``X-CSRF-Token``), None (no
    token added; the body may carry it), or any other string as a (wrong) field."""
    params = {"industry": industry, "idempotency_key": new_key() if key is None else key}
    url = person.url(f"{submit_path(person, ex_id)}?{urlencode(params)}")
    headers = {"content-type": f"multipart/form-data; boundary={BOUNDARY}"}
    if csrf == "header":
        headers["x-csrf-token"] = person.csrf
    elif csrf is not None:
        body = csrf_part(person.csrf if csrf == "field" else csrf) + body
    content: bytes | Iterator[bytes] = body
    if chunked:
        content = (body[i : i + 65536] for i in range(0, len(body), 65536))
    return web.post(url, content=content, headers=headers)


def upload_pdf(
    web: TestClient,
    person: Learner,
    ex_id: int,
    data: bytes | None = None,
    *,
    note: str | None = None,
    filename: str | bytes = "Strategie.pdf",
    **kwargs,
) -> httpx.Response:
    parts = [file_part(data if data is not None else good_pdf(), filename)]
    if note is not None:
        parts.append(part("note", note.encode()))
    return post_upload(web, person, ex_id, multipart(*parts), **kwargs)


def receipt_path(response: httpx.Response) -> str:
    assert response.status_code == 303, (response.status_code, response.text[:500])
    location = response.headers["location"]
    assert "kt=" in location  # the page token rides along
    return urlsplit(location).path


def follow(web: TestClient, person: Learner, response: httpx.Response) -> httpx.Response:
    page = web.get(person.url(receipt_path(response)))
    assert page.status_code == 200, page.text[:500]
    return page


def query_of(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


# --- what is stored -----------------------------------------------------------------------


def stored(db: Session, storage_root: Path) -> dict[str, int]:
    db.expire_all()
    files = [p for p in storage_root.rglob("*") if p.is_file()]
    return {
        "submissions": len(db.exec(select(Submission)).all()),
        "versions": len(db.exec(select(SubmissionVersion)).all()),
        "outbox": len(db.exec(select(OutboxMessage)).all()),
        "files": len([p for p in files if p.parent.name != "tmp"]),
        "temp_files": len([p for p in files if p.parent.name == "tmp"]),
    }


NOTHING = {"submissions": 0, "versions": 0, "outbox": 0, "files": 0, "temp_files": 0}


def storage_root(settings) -> Path:
    return Path(settings.storage_url.removeprefix("file://"))


def text_of(html: str) -> str:
    """Visible text, tags removed, white-space collapsed (for message assertions)."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


# --- a live server (real sockets: concurrency, streaming, the browser) ------------------------


@pytest.fixture
def live(app) -> Iterator[str]:
    """The app served by uvicorn on a free loopback port, in a thread."""
    import socket
    import threading
    import time

    import uvicorn

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "server did not start"
        time.sleep(0.02)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=15)

"""Fixtures of the feedback tests: a course with its people, and submissions made as rows.

Until the submission pages exist (another room builds them), a submission here is what
the intake leaves behind: a ``Submission`` with ``SubmissionVersion`` rows and a real
PDF committed through ``kurswerk.core.files.storage`` - made directly, without HTTP.

``world`` is one LMS course (``course``) with two tutors, an admin and two learners, and
a second LMS course (``other``) with its own tutor and learner.
"""

from __future__ import annotations

import hashlib
import io
import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

import pikepdf
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from playwright.sync_api import Browser, sync_playwright
from sqlmodel import Session, select

from course.content import load as content
from course.models import Exercise
from kurswerk.core.auth import Role
from kurswerk.core.clock import utcnow
from kurswerk.core.files.storage import LocalStorage, storage_from_settings
from kurswerk.core.settings import Settings
from lti.models import LmsContext
from tests.course.conftest import CONTENT
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.e2e.servers import served
from tests.support.people import Learner, MakeLearner, make_learner
from uploads.models import Submission, SubmissionStatus, SubmissionVersion

_serial = itertools.count(1)


def pdf_bytes(text: str = "Meine Lösung", pages: int = 1) -> bytes:
    """A small, plain, valid PDF; ``text`` makes its bytes (and hash) its own."""
    pdf = pikepdf.new()
    for number in range(pages):
        page = pdf.add_blank_page(page_size=(595, 842))
        page.Contents = pdf.make_stream(f"% {text} {number}\n".encode())
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


@pytest.fixture
def course(db: Session) -> content.LoadReport:
    report = content.load(db, CONTENT)
    db.commit()
    return report


@dataclass
class World:
    context: LmsContext
    tutor: Learner
    tutor2: Learner
    admin: Learner
    learner: Learner
    learner2: Learner
    other_tutor: Learner
    other_learner: Learner


@pytest.fixture
def world(db: Session, make_learner: MakeLearner, course) -> World:
    learner = make_learner(name="Lena Lernende", email="lena@example.org")
    context = db.get(LmsContext, learner.context_id)
    assert context is not None
    other_learner = make_learner(name="Otto Anderswo", email="otto@example.org")
    other_context = db.get(LmsContext, other_learner.context_id)
    return World(
        context=context,
        tutor=make_learner(context=context, role=Role.TUTOR, name="Tilda Tutorin"),
        tutor2=make_learner(context=context, role=Role.TUTOR, name="Theo Tutor"),
        admin=make_learner(context=context, role=Role.ADMIN, name="Ada Admin"),
        learner=learner,
        learner2=make_learner(context=context, name="Lars Lernender", email="lars@example.org"),
        other_tutor=make_learner(context=other_context, role=Role.TUTOR, name="Olga Other"),
        other_learner=other_learner,
    )


@pytest.fixture
def pdf_for_feedback() -> bytes:
    return pdf_bytes("Anmerkungen der Tutorin", pages=2)


@pytest.fixture
def storage(settings: Settings) -> LocalStorage:
    return storage_from_settings(settings)


def exercise_id(db: Session, slug: str) -> int:
    exercise = db.exec(select(Exercise).where(Exercise.slug == slug)).one()
    assert exercise.id is not None
    return exercise.id


MakeSubmission = Callable[..., Submission]


@pytest.fixture
def make_submission(db: Session, storage: LocalStorage, course) -> MakeSubmission:
    """A learner's submission with ``versions`` versions, each a real stored PDF."""

    def make(
        learner: Learner,
        *,
        exercise: str = "leistungen-pruefen",
        industry: str = "media",
        submitted_at: datetime | None = None,
        versions: int = 1,
        status: SubmissionStatus = SubmissionStatus.SUBMITTED,
        note: str = "",
    ) -> Submission:
        submitted_at = submitted_at or utcnow()
        submission = Submission(
            context_id=learner.context_id,
            user_id=learner.principal.user_id,
            exercise_id=exercise_id(db, exercise),
            industry=industry,
            status=status.value,
            latest_version=versions,
            submitted_at=submitted_at,
        )
        db.add(submission)
        db.flush()
        for number in range(1, versions + 1):
            add_version(db, storage, submission, number, submitted_at, note=note)
        db.commit()
        return submission

    return make


def add_version(
    db: Session,
    storage: LocalStorage,
    submission: Submission,
    number: int,
    at: datetime,
    *,
    note: str = "",
) -> SubmissionVersion:
    """Store a fresh PDF and add it as version ``number`` (not committed)."""
    data = pdf_bytes(f"Abgabe {submission.id} v{number} {next(_serial)}")
    temp = storage.put_temp()
    temp.file.write(data)
    temp.file.close()
    sha = hashlib.sha256(data).hexdigest()
    key = storage.commit(temp.path, sha)
    version = SubmissionVersion(
        submission_id=submission.id,
        number=number,
        file_key=key,
        sha256=sha,
        size=len(data),
        pages=1,
        display_name=f"Lösung v{number}.pdf",
        note=note,
        idempotency_key=f"test-{submission.id}-{number}-{next(_serial)}",
        created_at=at + timedelta(minutes=number - 1),
    )
    db.add(version)
    db.flush()
    return version


def resubmit(db: Session, storage: LocalStorage, submission: Submission) -> SubmissionVersion:
    """What a resubmission does to the rows: a new version, status back to submitted."""
    db.refresh(submission)
    number = submission.latest_version + 1
    version = add_version(db, storage, submission, number, utcnow())
    submission.latest_version = number
    submission.status = SubmissionStatus.SUBMITTED.value
    submission.submitted_at = utcnow()
    db.add(submission)
    db.commit()
    return version


@pytest.fixture
def web(client: TestClient) -> TestClient:
    """The test client, not following redirects (so post-redirect-get is visible)."""
    client.follow_redirects = False
    return client


@pytest.fixture
def app_settings(app: FastAPI) -> Settings:
    return app.state.settings


__all__ = ["Learner", "MakeLearner", "make_learner"]


# The browser tests of the feedback rooms: the app served on a loopback port, and one
# Chromium per test module.
@pytest.fixture
def live(app: FastAPI) -> Iterator[str]:
    with served(app) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()

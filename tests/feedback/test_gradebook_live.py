# ruff: noqa: F811 - fixtures are imported by name and then requested as arguments
"""Released feedback in the LMS gradebook, end to end against the live LMS simulator:
the learner and the tutor launch through the simulator (OIDC, signed id_tokens), the
learner uploads a PDF, the tutor releases feedback, ``kurswerk worker --once`` delivers,
and the simulator's gradebook holds "fully graded, 1/1" with the feedback's summary in
the same column as the "submitted" score - and shows it on its *Bewertungen* page. A
resubmission sends "submitted" again; an AGS endpoint that is down delays the release
score, which then arrives exactly once."""

from __future__ import annotations

import html
from collections.abc import Iterator
from datetime import timedelta

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from kurswerk import cli
from kurswerk.core.clock import utcnow
from kurswerk.core.outbox.queue import OutboxStatus, RetryPolicy, deliver_due
from kurswerk.core.settings import get_settings
from lti import service as lti_service
from tests.feedback.helpers import feedback_rows, launched, lms_calls, write_and_release
from tests.lti.advantage import (
    Simulator,
    restart_simulator,
    simulator_fixture,
)
from tests.support.people import Learner
from tests.support.smtp import SmtpSink
from tests.uploads.submission_fixtures import exercise_id, give_package, upload_pdf
from uploads.models import Submission

FEEDBACK = (
    "## Gesamteindruck\n\n"
    "Ihre Analyse der **Kundenbeziehung** ist schlüssig.\n\n"
    "- Zielgruppe: klar\n"
    "- Kanäle: bitte begründen"
)
SUMMARY = (
    "Gesamteindruck\n\n"
    "Ihre Analyse der Kundenbeziehung ist schlüssig.\n\n"
    "– Zielgruppe: klar\n"
    "– Kanäle: bitte begründen"
)


@pytest.fixture
def sim(app: FastAPI, db: Session) -> Iterator[Simulator]:
    yield from simulator_fixture(app, db, register=True)


def submitted(client: TestClient, db: Session, learner: Learner) -> int:
    response = upload_pdf(client, learner, exercise_id(db))
    assert response.status_code == 303, response.text[:500]
    db.expire_all()
    submission = db.exec(select(Submission)).one()
    assert submission.id is not None
    return submission.id


def lena_submits(
    app: FastAPI, client: TestClient, sim: Simulator, db: Session
) -> tuple[Learner, Learner, int]:
    """Lena (with a coaching package) and Tom launch; Lena uploads a PDF."""
    lena = launched(app, client, sim, "lena")
    tom = launched(app, client, sim, "tom")
    give_package(db, lena)
    return lena, tom, submitted(client, db, lena)


def worker_once(monkeypatch: pytest.MonkeyPatch, database_url: str, smtp_url: str) -> None:
    """``kurswerk worker --once``, configured from the environment as deployed."""
    monkeypatch.setenv("KURSWERK_DATABASE_URL", database_url)
    monkeypatch.setenv("KURSWERK_ENV", "test")
    monkeypatch.setenv("KURSWERK_SMTP_URL", smtp_url)
    get_settings.cache_clear()
    try:
        assert cli.main(["worker", "--once"]) == 0
    finally:
        get_settings.cache_clear()


@pytest.fixture
def smtp() -> Iterator[SmtpSink]:
    sink = SmtpSink().start()
    yield sink
    sink.stop()


def test_release_arrives_fully_graded_with_the_summary_in_the_submissions_column(
    app, web, sim, db, course, smtp, monkeypatch, database_url
):
    _, tom, submission_id = lena_submits(app, web, sim, db)
    worker_once(monkeypatch, database_url, smtp.url)
    [column] = sim.course.line_items.values()
    sub = sim.config.person("lena").sub
    assert sim.course.scores[(column.id, sub)].grading_progress == "PendingManual"

    write_and_release(web, tom, submission_id, FEEDBACK)
    worker_once(monkeypatch, database_url, smtp.url)
    assert {row.status for row in lms_calls(db)} == {OutboxStatus.SENT}
    assert list(sim.course.line_items) == [column.id]  # the same column, not a second
    graded = sim.course.scores[(column.id, sub)]
    assert (graded.activity_progress, graded.grading_progress) == ("Completed", "FullyGraded")
    assert (graded.score_given, graded.score_maximum) == (1.0, 1.0)
    assert graded.comment == SUMMARY
    progress = [(item, s.grading_progress) for item, s in sim.course.score_log]
    assert progress == [(column.id, "PendingManual"), (column.id, "FullyGraded")]
    feedback_mails = [m for m in smtp.messages if m.message["Subject"].startswith("Ihr Feedback")]
    assert [m.rcpt_tos for m in feedback_mails] == [(sim.config.person("lena").email,)]

    # The simulator's gradebook (the demo's "Bewertungen" page) shows it to the teacher.
    page = sim.client.get("/gradebook", params={"person": "tom"})
    assert page.status_code == 200
    assert html.escape("Ihre Analyse der Kundenbeziehung ist schlüssig.") in page.text
    assert "1 / 1" in page.text and "Completed · FullyGraded" in page.text


def test_a_resubmission_after_release_keeps_the_feedback_visible_in_the_gradebook(
    app, web, sim, db, course, smtp, monkeypatch, database_url
):
    lena, tom, submission_id = lena_submits(app, web, sim, db)
    write_and_release(web, tom, submission_id, FEEDBACK)
    worker_once(monkeypatch, database_url, smtp.url)
    [column] = sim.course.line_items.values()
    released = sim.course.scores[(column.id, sim.config.person("lena").sub)]
    assert upload_pdf(web, lena, exercise_id(db)).status_code == 303  # version 2
    worker_once(monkeypatch, database_url, smtp.url)
    again = sim.course.scores[(column.id, sim.config.person("lena").sub)]
    assert (again.activity_progress, again.grading_progress) == ("Submitted", "FullyGraded")
    assert (again.score_given, again.comment) == (released.score_given, released.comment)
    assert again.comment  # the learner still sees the released feedback's summary
    assert [s.grading_progress for _, s in sim.course.score_log] == [
        "PendingManual",
        "FullyGraded",
        "FullyGraded",
    ]


def test_an_ags_endpoint_down_during_delivery_gets_the_release_score_exactly_once(
    app, web, sim, db, engine, settings, course
):
    _, tom, submission_id = lena_submits(app, web, sim, db)
    write_and_release(web, tom, submission_id, FEEDBACK)
    [feedback] = feedback_rows(db, submission_id)
    handlers = {lti_service.LMS_CALL: lti_service.lms_call_handler(settings, engine)}
    policy = RetryPolicy(max_attempts=5, backoff_seconds=1, backoff_cap_seconds=8)

    sim.server.stop()  # the platform's grade service is down when the worker runs
    down = deliver_due(engine, handlers, policy=policy)
    assert (down.sent, down.retrying) == (0, 2)
    [released] = [r for r in lms_calls(db) if r.dedup_key == f"grade-released:{feedback.id}"]
    assert released.status == OutboxStatus.PENDING
    assert "unreachable" in (released.last_error or "")

    restart_simulator(sim)  # and back, with its state
    later = utcnow() + timedelta(minutes=5)
    assert deliver_due(engine, handlers, policy=policy, now=later).sent == 2
    assert (
        deliver_due(engine, handlers, policy=policy, now=later + timedelta(hours=1)).processed == 0
    )
    graded = [s for _, s in sim.course.score_log if s.grading_progress == "FullyGraded"]
    assert len(graded) == 1 and graded[0].comment == SUMMARY
    assert sim.course.duplicate_scores == 0

"""The warning before a promise slips (issue 14): ``KURSWERK_PROMISE_WARNING_HOURS``
before a promised date ends with nothing released, the course's tutors and admins get
one email each, in their language, once per promised date; nobody of another LMS course,
no learner; a released promise is not warned about; a new date gets its own warning."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from feedback.promises import warnings
from feedback.promises.change import announce_new_date
from feedback.promises.models import PromiseEventKind
from feedback.promises.outcome import settle
from kurswerk.core.auth import Role
from kurswerk.core.email_links import EmailLinks
from kurswerk.core.outbox import worker as outbox_worker
from kurswerk.core.outbox.queue import OutboxMessage
from kurswerk.wiring import wire
from lti.models import LmsContext
from tests.feedback.promises.conftest import MONDAY, events_of, promise_of
from tests.support.smtp import SmtpSink

DUE_END = datetime(2026, 11, 30, 23, 0, tzinfo=UTC)  # Monday 23 Nov + 5: Mon 30 Nov, Berlin


@pytest.fixture
def staff(db, world, make_learner):
    """The course's tutors and admin with addresses (and a tutor reading English), and a
    tutor of another LMS course."""
    context = world.context
    elsewhere = db.get(LmsContext, world.other_learner.context_id)
    return {
        "tutor": make_learner(context=context, role=Role.TUTOR, email="tina@example.org"),
        "english": make_learner(
            context=context, role=Role.TUTOR, email="ted@example.org", locale="en"
        ),
        "admin": make_learner(context=context, role=Role.ADMIN, email="ada@example.org"),
        "learner": make_learner(context=context, email="lara@example.org"),
        "elsewhere": make_learner(context=elsewhere, role=Role.TUTOR, email="olga@x.org"),
    }


@pytest.fixture
def open_promise(world, make_submission, promise):
    submission = make_submission(world.learner, submitted_at=MONDAY)
    return submission, promise(submission, MONDAY)


def warning_rows(db) -> list[OutboxMessage]:
    db.expire_all()
    return [
        row
        for row in db.exec(select(OutboxMessage).order_by(OutboxMessage.id)).all()
        if row.payload.get("template") == "promise_warning"
    ]


def run(db, settings, now) -> int:
    warned = warnings.send_due_warnings(db, now, settings=settings)
    db.commit()
    return warned


def test_nothing_is_sent_before_the_window(db, settings, staff, open_promise):
    assert run(db, settings, DUE_END - timedelta(hours=24, minutes=1)) == 0
    assert warning_rows(db) == []


def test_the_courses_tutors_and_admins_are_warned_once_in_their_language(
    db, settings, staff, open_promise, engine
):
    submission, promise = open_promise
    assert run(db, settings, DUE_END - timedelta(hours=23)) == 1
    assert run(db, settings, DUE_END - timedelta(hours=22)) == 0  # once per promise
    assert run(db, settings, DUE_END + timedelta(days=3)) == 0  # also once it has passed
    rows = warning_rows(db)
    # the world's own tutors and admin have no address: their rows are kept, skipped
    assert sorted(row.payload["to"] for row in rows if row.payload["to"]) == [
        "ada@example.org",
        "ted@example.org",
        "tina@example.org",
    ]
    assert len(rows) == 6  # tina, ted, ada and the world's two tutors and admin
    assert {row.payload["to"] for row in rows}.isdisjoint({"olga@x.org", "lara@example.org"})
    assert len({row.dedup_key for row in rows}) == len(rows)
    kinds = [e.kind for e in events_of(db, promise.id)]
    assert kinds.count(PromiseEventKind.WARNED) == 1
    sink = SmtpSink().start()
    try:
        outbox_worker.run_worker(
            settings.model_copy(update={"smtp_url": sink.url}),
            engine=engine,
            once=True,
            periodic=[],
        )
        by = {m.rcpt_tos[0]: m.message for m in sink.messages}
    finally:
        sink.stop()
    assert by["tina@example.org"]["Subject"].startswith("Feedback fällig am Montag, 30. November")
    assert by["ted@example.org"]["Subject"].startswith("Feedback due on Monday, 30 November")
    text = by["tina@example.org"].get_body(preferencelist=("plain",)).get_content()
    assert "Lena Lernende" in text and "dieses Feedback ist bald fällig" in text
    assert f"/c/{submission.context_id}/review/{submission.id}?t=" in text


def test_a_released_promise_is_not_warned_about(db, settings, staff, open_promise, world):
    _, promise = open_promise
    settle(
        db,
        submission_version_id=promise.submission_version_id,
        released_at=DUE_END - timedelta(hours=30),
        tutor_user_id=world.tutor.principal.user_id,
    )
    db.commit()
    assert run(db, settings, DUE_END - timedelta(hours=1)) == 0
    assert warning_rows(db) == []


def test_a_new_date_gets_its_own_warning(db, settings, staff, open_promise, world):
    submission, promise = open_promise
    assert run(db, settings, DUE_END - timedelta(hours=1)) == 1
    first = len(warning_rows(db))
    announce_new_date(
        db,
        staff["tutor"].principal,
        submission.id,
        new_date="2026-12-04",
        reason="Krank.",
        seen_revision=0,
        links=EmailLinks(settings),
        now=DUE_END - timedelta(minutes=30),
    )
    db.commit()
    assert promise_of(db, submission.id).warned_at is None
    assert run(db, settings, DUE_END) == 0  # the new date is days away
    new_end = datetime(2026, 12, 4, 23, 0, tzinfo=UTC)
    assert run(db, settings, new_end - timedelta(hours=2)) == 1
    assert len(warning_rows(db)) == 2 * first


def test_the_worker_runs_the_warnings_as_a_periodic_job(db, settings, staff, open_promise):
    wire()
    names = [task.name for task in outbox_worker.periodic_tasks(settings)]
    assert warnings.WARNING_TASK in names
    task = warnings.warning_task(settings)
    task.run(db.get_bind(), DUE_END - timedelta(hours=2))
    assert len(warning_rows(db)) == 6

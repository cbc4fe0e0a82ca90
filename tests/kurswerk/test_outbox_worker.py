"""The delivery loop: ``run_worker``, the in-process worker of the demo, ``kurswerk worker``."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime

import pytest
from pydantic import ValidationError
from sqlmodel import select

from kurswerk import cli
from kurswerk.core.db import new_session
from kurswerk.core.outbox import worker as outbox_worker
from kurswerk.core.outbox.queue import OutboxMessage, OutboxStatus, enqueue_email
from kurswerk.core.settings import Settings, get_settings
from tests.support.smtp import SmtpSink

CONTEXT = {
    "learner_name": "Änne",
    "course_title": "Social-Media-Strategie",
    "exercise_title": "Redaktionsplan",
    "industry": "",
    "file_name": "plan.pdf",
    "version": 1,
    "submitted_at": datetime(2026, 11, 22, 9, 0, tzinfo=UTC),
    "promised_on": date(2026, 11, 27),
    "submissions_url": "https://kurswerk.test/c/1/submissions",
}


@pytest.fixture
def sink():
    server = SmtpSink().start()
    yield server
    server.stop()


@pytest.fixture
def mail_settings(settings, sink):
    return settings.model_copy(update={"smtp_url": sink.url})


def enqueue_many(engine, count, to="aenne@example.org"):
    with new_session(engine) as session:
        for _ in range(count):
            enqueue_email(session, to=to, template="submission_receipt", context=CONTEXT)
        session.commit()


def statuses(engine):
    with new_session(engine) as session:
        return sorted(row.status for row in session.exec(select(OutboxMessage)).all())


def test_run_worker_once_drains_more_than_one_batch_and_returns(engine, sink, mail_settings):
    enqueue_many(engine, 5)
    report = outbox_worker.run_worker(mail_settings, engine=engine, once=True, batch=2)
    assert report.sent == 5
    assert sink.count() == 5
    assert statuses(engine) == [OutboxStatus.SENT] * 5


def test_run_worker_once_leaves_retries_for_later_instead_of_spinning(engine, sink, mail_settings):
    enqueue_many(engine, 1)
    sink.stop()
    report = outbox_worker.run_worker(mail_settings, engine=engine, once=True)
    assert (report.sent, report.retrying) == (0, 1)
    assert statuses(engine) == [OutboxStatus.PENDING]


def test_background_worker_delivers_what_commits_later_and_stops_on_request(
    engine, sink, mail_settings
):
    worker = outbox_worker.start_background_worker(mail_settings, engine=engine, poll_seconds=0.05)
    try:
        assert worker.running
        enqueue_many(engine, 2)
        assert sink.wait_for(2, timeout=30)
    finally:
        worker.stop(timeout=30)
    assert not worker.running
    assert statuses(engine) == [OutboxStatus.SENT] * 2


@pytest.mark.parametrize(("batch", "poll"), [(0, 1.0), (5, 0.0)])
def test_run_worker_refuses_a_batch_or_poll_that_would_spin(mail_settings, batch, poll):
    with pytest.raises(ValueError, match="batch"):
        outbox_worker.run_worker(mail_settings, batch=batch, poll_seconds=poll, once=True)


def test_cli_worker_once_delivers_due_rows_and_exits(
    engine, sink, database_url, monkeypatch, capsys
):
    enqueue_many(engine, 3)
    monkeypatch.setenv("KURSWERK_DATABASE_URL", database_url)
    monkeypatch.setenv("KURSWERK_SMTP_URL", sink.url)
    monkeypatch.setenv("KURSWERK_ENV", "test")
    get_settings.cache_clear()
    try:
        assert cli.main(["worker", "--once"]) == 0
    finally:
        get_settings.cache_clear()
    assert "3 sent, 0 to retry later, 0 failed" in capsys.readouterr().out
    assert sink.count() == 3


def test_a_lease_shorter_than_two_smtp_timeouts_is_refused():
    with pytest.raises(ValidationError, match="OUTBOX_LEASE_SECONDS"):
        Settings(outbox_lease_seconds=30, smtp_timeout_seconds=20)


def test_a_malformed_smtp_url_is_refused_when_the_worker_starts(settings):
    broken = settings.model_copy(update={"smtp_url": "http://mail.example.org"})
    with pytest.raises(ValueError, match="KURSWERK_SMTP_URL"):
        outbox_worker.default_handlers(broken)


# --- periodic tasks ---------------------------------------------------------------------


@pytest.fixture
def registered_task(fill_slot):
    """For one test, the periodic-jobs slot holds these tasks only."""
    tasks: list[outbox_worker.PeriodicTask] = []

    def register(task: outbox_worker.PeriodicTask) -> outbox_worker.PeriodicTask:
        tasks.append(task)
        jobs = tuple((lambda _settings, task=task: task) for task in tasks)
        fill_slot(outbox_worker.PERIODIC_JOBS, jobs)
        return task

    return register


def test_a_registered_periodic_task_runs_before_delivery_once_per_once_run(
    engine, sink, mail_settings, registered_task
):
    calls: list[datetime] = []

    def enqueue_digest(task_engine, now):
        assert task_engine is engine
        calls.append(now)
        enqueue_many(task_engine, 1)

    registered_task(outbox_worker.PeriodicTask("digest", 3600, enqueue_digest))
    enqueue_many(engine, 2)  # more than one batch: the loop goes round more than once
    report = outbox_worker.run_worker(mail_settings, engine=engine, once=True, batch=1)
    assert len(calls) == 1 and calls[0].tzinfo is not None
    assert report.sent == 3 and sink.count() == 3


def test_a_failing_periodic_task_does_not_stop_delivery(
    engine, sink, mail_settings, registered_task, caplog
):
    def broken(_engine, _now):
        raise RuntimeError("digest query failed")

    registered_task(outbox_worker.PeriodicTask("broken", 3600, broken))
    enqueue_many(engine, 1)
    report = outbox_worker.run_worker(mail_settings, engine=engine, once=True)
    assert report.sent == 1
    assert "periodic task broken failed" in caplog.text


def test_the_background_worker_runs_a_periodic_task_again_after_its_interval(engine, mail_settings):
    calls = threading.Semaphore(0)
    task = outbox_worker.PeriodicTask("tick", 0.01, lambda _engine, _now: calls.release())
    worker = outbox_worker.BackgroundWorker(
        mail_settings, engine=engine, poll_seconds=0.01, periodic=[task]
    ).start()
    try:
        assert calls.acquire(timeout=30) and calls.acquire(timeout=30)
    finally:
        worker.stop(timeout=30)


def test_an_explicit_empty_list_runs_no_registered_task(engine, mail_settings, registered_task):
    calls: list[datetime] = []
    registered_task(outbox_worker.PeriodicTask("x", 1, lambda _e, now: calls.append(now)))
    outbox_worker.run_worker(mail_settings, engine=engine, once=True, periodic=[])
    assert calls == []


def test_a_periodic_task_needs_a_positive_interval():
    with pytest.raises(ValueError, match="every_seconds"):
        outbox_worker.PeriodicTask("x", 0, lambda _e, _n: None)


def test_cli_worker_runs_the_domains_periodic_tasks_and_handlers(database_url, monkeypatch):
    """``kurswerk worker`` runs the tutors' digest job, the forum's job and the LMS calls,
    though it never builds the app: the command line fills the slots itself."""
    from course.forum.periodic import FORUM_TASK
    from kurswerk.core.extensions import extensions

    monkeypatch.setenv("KURSWERK_DATABASE_URL", database_url)
    monkeypatch.setenv("KURSWERK_ENV", "test")
    monkeypatch.setattr(extensions, "_values", {})  # nothing filled before the command
    seen: list[str] = []

    def fake_run_worker(settings, **kwargs):
        # the defaults: what the slots hold
        assert kwargs.get("periodic") is None and kwargs.get("handlers") is None
        seen.extend(task.name for task in outbox_worker.periodic_tasks(settings))
        seen.extend(outbox_worker.all_handlers(settings, kwargs["engine"]))
        return outbox_worker.DeliveryReport()

    monkeypatch.setattr(outbox_worker, "run_worker", fake_run_worker)
    get_settings.cache_clear()
    try:
        assert cli.main(["worker", "--once"]) == 0
    finally:
        get_settings.cache_clear()
    assert {"uploads.tutor_digest", FORUM_TASK, "email", "lms_call", "roster_refresh"} <= set(seen)

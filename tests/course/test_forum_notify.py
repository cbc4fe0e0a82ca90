"""Timed forum emails: the daily digest and the tutors' alert about unanswered questions
(``course.forum.periodic.run_periodic``), and their delivery through the outbox to a real
SMTP server."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session

from course.forum.models import ForumThread
from course.forum.periodic import run_periodic
from kurswerk.core.auth import Role
from kurswerk.core.clock import utcnow
from kurswerk.core.outbox.queue import deliver_due
from kurswerk.core.outbox.worker import EmailHandler
from lti.models import LmsContext
from tests.course.test_forum_helpers import (
    People,
    ask_in_forum,
    emails_to,
    lesson_path,
    people,
    post_form,
    reply_to,
    web,
)
from tests.support.smtp import SmtpSink

__all__ = ["people", "web"]


def test_tutors_hear_once_of_questions_unanswered_for_a_day(
    web: TestClient, people: People, db: Session, engine: Engine, settings
):
    waiting = ask_in_forum(web, people.anna, "Wartet auf Antwort")
    answered = ask_in_forum(web, people.ben, "Schon beantwortet")
    reply_to(web, people.anna, answered, "Ich weiß es.")
    mine = ask_in_forum(web, people.ben, "Nur selbst geantwortet")
    reply_to(web, people.ben, mine, "Nachtrag vom Fragesteller.")

    assert run_periodic(engine, settings).unanswered_alerts == 0  # not a day old yet
    later = utcnow() + timedelta(hours=25)
    report = run_periodic(engine, settings, now=later)
    assert report.unanswered_alerts == 1
    [mail] = emails_to(db, "tina@example.org", "forum_unanswered")
    assert "Wartet auf Antwort" in mail.payload["text"]
    assert "Nur selbst geantwortet" in mail.payload["text"]
    assert "Schon beantwortet" not in mail.payload["text"]
    assert emails_to(db, "anna@example.org", "forum_unanswered") == []
    assert run_periodic(engine, settings, now=later + timedelta(hours=1)).unanswered_alerts == 0
    db.expire_all()
    assert db.get(ForumThread, waiting).unanswered_alert_at is not None  # type: ignore[union-attr]


def test_each_tutor_reads_the_unanswered_alert_in_their_own_language(
    web: TestClient, people: People, db: Session, engine: Engine, settings, make_learner
):
    make_learner(
        context=db.get(LmsContext, people.context_id),
        role=Role.TUTOR,
        name="Emma English",
        email="emma@example.org",
        locale="en",
    )
    ask_in_forum(web, people.anna, "Wartet auf Antwort")
    assert run_periodic(engine, settings, now=utcnow() + timedelta(hours=25)).unanswered_alerts
    [english] = emails_to(db, "emma@example.org", "forum_unanswered")
    assert english.payload["locale"] == "en"
    assert english.payload["subject"] == "Forum: 1 question without an answer for over 24 hours"
    assert "Wartet auf Antwort" in english.payload["text"]
    [german] = emails_to(db, "tina@example.org", "forum_unanswered")
    assert german.payload["subject"].startswith("Forum: 1 Frage seit über 24 Stunden")


def test_a_digest_reader_gets_one_email_a_day_with_the_new_posts(
    web: TestClient, people: People, db: Session, engine: Engine, settings
):
    post_form(web, people.ben, lesson_path(people.ben, "/forum/follow"), {"follow": "true"})
    post_form(
        web, people.ben, f"/c/{people.context_id}/forum/notifications", {"delivery": "digest"}
    )
    thread_id = ask_in_forum(web, people.anna, "Erste Frage des Tages")
    reply_to(web, people.tina, thread_id, "Erste Antwort des Tages")
    assert emails_to(db, "ben@example.org") == []
    assert run_periodic(engine, settings).digests == 0  # the day is not over
    report = run_periodic(engine, settings, now=utcnow() + timedelta(hours=24, minutes=1))
    assert report.digests == 1
    [mail] = emails_to(db, "ben@example.org", "forum_digest")
    assert "2 neue Beiträge" in mail.payload["subject"]
    assert "Erste Frage des Tages" in mail.payload["text"]
    assert "Erste Antwort des Tages" in mail.payload["text"]
    assert run_periodic(engine, settings, now=utcnow() + timedelta(hours=25)).digests == 0


def test_forum_emails_reach_the_smtp_server_through_the_outbox(
    web: TestClient, people: People, db: Session, engine: Engine, settings
):
    thread_id = ask_in_forum(web, people.anna, "Kommt die E-Mail an?")
    reply_to(web, people.tina, thread_id, "Ja, über den Ausgang.")
    sink = SmtpSink().start()
    try:
        handler = EmailHandler(settings.model_copy(update={"smtp_url": sink.url}))
        report = deliver_due(engine, {"email": handler})
        assert report.sent >= 1
        assert sink.wait_for(1)
        [received] = [m for m in sink.messages if "anna@example.org" in m.rcpt_tos]
        assert received.message["Subject"] == "Neue Antwort im Forum: Kommt die E-Mail an?"
        body = received.message.get_body(("plain",))
        assert body is not None and "Ja, über den Ausgang." in body.get_content()
    finally:
        sink.stop()


def test_the_worker_loop_runs_the_forum_job(
    web: TestClient, people: People, db: Session, engine: Engine, settings
):
    from course.forum.periodic import FORUM_TASK
    from kurswerk.core.outbox import worker as outbox_worker

    task = next(t for t in outbox_worker.periodic_tasks(settings) if t.name == FORUM_TASK)
    ask_in_forum(web, people.anna, "Wartet auf den Worker")
    task.run(engine, utcnow() + timedelta(hours=25))  # its own transaction, committed
    [mail] = emails_to(db, "tina@example.org", "forum_unanswered")
    assert "Wartet auf den Worker" in mail.payload["text"]

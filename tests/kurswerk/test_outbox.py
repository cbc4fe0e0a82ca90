"""The outbox (DESIGN.md §2 step 5): written with the change, delivered once over real SMTP.

Runs on SQLite and PostgreSQL (``KURSWERK_TEST_DATABASE``). Time is moved forward by
passing ``now`` to ``deliver_due``; nothing sleeps.
"""

from __future__ import annotations

import random
import threading
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import select

from kurswerk.core.clock import as_utc
from kurswerk.core.db import new_session
from kurswerk.core.outbox import queue as outbox
from kurswerk.core.outbox.queue import (
    OutboxItem,
    OutboxMessage,
    OutboxStatus,
    PermanentError,
    RetryPolicy,
    claim_due,
    deliver_due,
    enqueue,
    enqueue_email,
    mark_sent,
)
from kurswerk.core.outbox.worker import default_handlers
from tests.support.smtp import SmtpSink

MAIL_FROM = "Kurswerk Social-Media-Strategie <kurs@kurswerk.test>"
POLICY = RetryPolicy(max_attempts=5, backoff_seconds=30, backoff_cap_seconds=3600)


@pytest.fixture
def sink():
    server = SmtpSink().start()
    yield server
    server.stop()


@pytest.fixture
def mail_settings(settings, sink):
    return settings.model_copy(update={"smtp_url": sink.url, "mail_from": MAIL_FROM})


@pytest.fixture
def handlers(mail_settings):
    return default_handlers(mail_settings)


def receipt(**overrides):
    values = {
        "learner_name": "Jörg Müller",
        "course_title": "Social-Media-Strategie",
        "exercise_title": "Zielgruppe für Ihr Café",
        "industry": "Gastronomie",
        "file_name": "übung.pdf",
        "version": 1,
        "submitted_at": datetime(2026, 11, 22, 13, 5, tzinfo=UTC),
        "promised_on": date(2026, 11, 27),
        "submissions_url": "https://kurswerk.test/c/1/submissions",
    }
    return {**values, **overrides}


def enqueue_committed(engine, to="joerg@example.org", **kwargs):
    with new_session(engine) as session:
        row = enqueue_email(
            session, to=to, template="submission_receipt", context=receipt(), **kwargs
        )
        session.commit()
        return row


def load(engine, row_id) -> OutboxMessage:
    with new_session(engine) as session:
        row = session.get(OutboxMessage, row_id)
        assert row is not None
        return row


def later(**delta):
    return datetime.now(UTC) + timedelta(**delta)


# --- writing ----------------------------------------------------------------------------


def test_enqueue_belongs_to_the_callers_transaction(engine, sink, handlers):
    with new_session(engine) as request, new_session(engine) as observer:
        enqueue_email(
            request, to="joerg@example.org", template="submission_receipt", context=receipt()
        )
        # Flushed in the request's transaction, invisible to anyone else until it commits.
        assert observer.exec(select(OutboxMessage)).all() == []
        request.rollback()
    with new_session(engine) as session:
        assert session.exec(select(OutboxMessage)).all() == []
    assert deliver_due(engine, handlers).processed == 0
    assert sink.count() == 0


def test_committed_enqueue_is_pending_and_due(engine):
    row = enqueue_committed(engine)
    stored = load(engine, row.id)
    assert stored.status == OutboxStatus.PENDING
    assert stored.kind == "email"
    assert stored.attempts == 0
    assert stored.payload["subject"] == "Eingangsbestätigung: Zielgruppe für Ihr Café"
    assert stored.payload["to"] == "joerg@example.org"


def test_the_same_key_enqueues_once_across_and_within_transactions(engine):
    first = enqueue_committed(engine, key="receipt:submission:42")
    with new_session(engine) as session:
        again = enqueue_email(
            session,
            to="joerg@example.org",
            template="submission_receipt",
            context=receipt(),
            key="receipt:submission:42",
        )
        twice = enqueue(session, "email", {"x": 1}, key="receipt:submission:43")
        thrice = enqueue(session, "email", {"x": 2}, key="receipt:submission:43")
        session.commit()
    assert again.id == first.id
    assert twice.id == thrice.id and thrice.payload == {"x": 1}
    with new_session(engine) as session:
        assert len(session.exec(select(OutboxMessage)).all()) == 2


@pytest.mark.parametrize(
    ("to", "reason"),
    [
        (None, outbox.NO_ADDRESS),
        ("", outbox.NO_ADDRESS),
        ("joerg", outbox.INVALID_ADDRESS),
        ("joerg@example.org\r\nBcc: all@example.org", outbox.INVALID_ADDRESS),
    ],
)
def test_no_usable_address_is_recorded_as_skipped_and_never_sent(
    engine, sink, handlers, to, reason
):
    row = enqueue_committed(engine, to=to)
    stored = load(engine, row.id)
    assert stored.status == OutboxStatus.SKIPPED
    assert stored.skipped_reason == reason
    # The outbox still shows what the person would have received.
    assert stored.payload["subject"].startswith("Eingangsbestätigung")
    assert deliver_due(engine, handlers, now=later(days=30)).processed == 0
    assert sink.count() == 0


# --- delivering -------------------------------------------------------------------------


def test_a_mail_arrives_with_both_parts_headers_and_a_stable_message_id(engine, sink, handlers):
    row = enqueue_committed(engine, to_name="Jörg Müller")
    report = deliver_due(engine, handlers)
    assert (report.sent, report.retrying, report.failed) == (1, 0, 0)

    [received] = sink.messages
    message = received.message
    assert received.mail_from == "kurs@kurswerk.test"
    assert received.rcpt_tos == ("joerg@example.org",)
    assert message["From"] == MAIL_FROM
    assert message["To"] == "Jörg Müller <joerg@example.org>"
    assert message["Subject"] == "Eingangsbestätigung: Zielgruppe für Ihr Café"
    assert message["Message-ID"] == f"<{row.uid}@kurswerk.test>"
    assert message.get_content_type() == "multipart/alternative"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "Hallo Jörg Müller," in text and "Übung:" in text
    assert "<h1" in html and "Zielgruppe für Ihr Café" in html

    stored = load(engine, row.id)
    assert stored.status == OutboxStatus.SENT
    assert stored.attempts == 1
    assert stored.sent_at is not None and stored.last_error is None
    assert deliver_due(engine, handlers, now=later(days=30)).processed == 0
    assert sink.count() == 1


def test_smtp_outage_keeps_the_mail_and_delivers_it_once_when_the_server_is_back(
    engine, sink, handlers
):
    row = enqueue_committed(engine)
    sink.stop()
    before = datetime.now(UTC)
    report = deliver_due(engine, handlers, policy=POLICY)
    assert (report.sent, report.retrying) == (0, 1)

    stored = load(engine, row.id)
    assert stored.status == OutboxStatus.PENDING
    assert stored.attempts == 1
    assert as_utc(stored.next_attempt_at) > before
    assert "ConnectionRefusedError" in (stored.last_error or "")
    # Not due yet: a worker polling now leaves it alone.
    assert deliver_due(engine, handlers, policy=POLICY).processed == 0

    sink.start()
    report = deliver_due(
        engine, handlers, policy=POLICY, now=as_utc(stored.next_attempt_at) + timedelta(seconds=1)
    )
    assert report.sent == 1
    assert sink.by_message_id() == {f"<{row.uid}@kurswerk.test>": 1}
    assert deliver_due(engine, handlers, policy=POLICY, now=later(days=30)).processed == 0
    assert sink.count() == 1
    stored = load(engine, row.id)
    assert (stored.status, stored.attempts) == (OutboxStatus.SENT, 2)


def test_a_recipient_refused_with_550_fails_at_once_with_the_servers_answer(engine, sink, handlers):
    sink.refuse["gone@example.org"] = "550 5.1.1 <gone@example.org>: Recipient address rejected"
    row = enqueue_committed(engine, to="gone@example.org")
    report = deliver_due(engine, handlers, policy=POLICY)
    assert report.failed == 1
    stored = load(engine, row.id)
    assert stored.status == OutboxStatus.FAILED
    assert stored.attempts == 1
    assert "550" in (stored.last_error or "") and "Recipient address rejected" in (
        stored.last_error or ""
    )
    assert deliver_due(engine, handlers, policy=POLICY, now=later(days=30)).processed == 0
    assert sink.count() == 0


def test_a_temporary_refusal_is_retried_until_max_attempts_then_failed(engine, sink, handlers):
    sink.refuse["busy@example.org"] = "451 4.3.0 Mailbox temporarily unavailable"
    row = enqueue_committed(engine, to="busy@example.org")
    policy = RetryPolicy(max_attempts=3, backoff_seconds=30, backoff_cap_seconds=3600)
    outcomes = []
    clock = datetime.now(UTC)
    for _ in range(5):
        clock += timedelta(days=1)
        report = deliver_due(engine, handlers, policy=policy, now=clock)
        outcomes.append((report.retrying, report.failed))
    assert outcomes == [(1, 0), (1, 0), (0, 1), (0, 0), (0, 0)]
    stored = load(engine, row.id)
    assert stored.status == OutboxStatus.FAILED
    assert stored.attempts == 3
    assert (stored.last_error or "").startswith("gave up after 3 attempts")
    assert "451" in (stored.last_error or "")
    assert sink.count() == 0


def test_backoff_grows_exponentially_with_jitter_and_is_capped():
    policy = RetryPolicy(backoff_seconds=30, backoff_cap_seconds=3600)
    rng = random.Random(7)
    delays = [policy.backoff(n, rng).total_seconds() for n in range(1, 15)]
    assert 15 <= delays[0] <= 30
    assert 60 <= delays[2] <= 120
    assert all(1800 <= d <= 3600 for d in delays[7:])
    assert max(delays) <= 3600
    # Jitter: rows that failed together do not all come back at the same second.
    assert len({round(policy.backoff(5, rng).total_seconds(), 3) for _ in range(20)}) > 1


def test_a_display_name_with_line_breaks_stays_on_one_header_line(engine, sink, handlers):
    enqueue_committed(engine, to_name="Jörg\r\nBcc: all@example.org")
    assert deliver_due(engine, handlers).sent == 1
    [received] = sink.messages
    assert received.rcpt_tos == ("joerg@example.org",)
    assert received.message["Bcc"] is None
    assert received.message["To"].addresses[0].addr_spec == "joerg@example.org"


def test_an_email_row_that_cannot_be_built_fails_at_once(engine, sink, handlers):
    with new_session(engine) as session:
        row = enqueue(session, "email", {"to": "joerg@example.org"})  # no subject, no body
        session.commit()
    assert deliver_due(engine, handlers, policy=POLICY).failed == 1
    stored = load(engine, row.id)
    assert stored.status == OutboxStatus.FAILED
    assert (stored.last_error or "").startswith("message cannot be built")
    assert sink.count() == 0


# --- handlers by kind -----------------------------------------------------------------


def test_a_permanent_handler_error_is_recorded_with_the_answer(engine):
    def lms_call(item: OutboxItem) -> None:
        raise PermanentError("score refused", answer='400 {"error": "invalid_score"}')

    with new_session(engine) as session:
        row = enqueue(session, "lms_call", {"score": 7})
        session.commit()
    report = deliver_due(engine, {"lms_call": lms_call}, policy=POLICY)
    assert report.failed == 1
    stored = load(engine, row.id)
    assert stored.status == OutboxStatus.FAILED
    assert stored.last_error == 'score refused: 400 {"error": "invalid_score"}'


def test_any_other_handler_error_is_retried(engine):
    def lms_call(item: OutboxItem) -> None:
        raise TimeoutError("platform did not answer")

    with new_session(engine) as session:
        row = enqueue(session, "lms_call", {"score": 7})
        session.commit()
    assert deliver_due(engine, {"lms_call": lms_call}, policy=POLICY).retrying == 1
    stored = load(engine, row.id)
    assert stored.status == OutboxStatus.PENDING
    assert stored.last_error == "TimeoutError: platform did not answer"


def test_a_worker_claims_only_kinds_it_has_a_handler_for(engine, sink, handlers):
    with new_session(engine) as session:
        lms = enqueue(session, "lms_call", {"score": 7})
        session.commit()
    assert deliver_due(engine, handlers, now=later(days=1)).processed == 0
    stored = load(engine, lms.id)
    assert (stored.status, stored.attempts) == (OutboxStatus.PENDING, 0)


# --- crashes and leases ---------------------------------------------------------------


def test_a_worker_killed_mid_delivery_leaves_the_row_to_the_next_after_its_lease(
    engine, sink, handlers
):
    row = enqueue_committed(engine)
    [claimed] = claim_due(engine, ["email"], lease_seconds=60)  # worker A, then killed
    assert load(engine, row.id).status == OutboxStatus.SENDING
    # While the lease runs, nobody else takes the row.
    assert deliver_due(engine, handlers).processed == 0

    report = deliver_due(engine, handlers, now=later(seconds=61))  # worker B
    assert report.sent == 1
    assert sink.by_message_id() == {f"<{row.uid}@kurswerk.test>": 1}
    stored = load(engine, row.id)
    assert (stored.status, stored.attempts) == (OutboxStatus.SENT, 2)
    # Worker A wakes up: its claim no longer holds, its mark changes nothing.
    assert mark_sent(engine, claimed) is False


def test_a_row_the_first_worker_marked_is_not_sent_again(engine, sink, handlers):
    enqueue_committed(engine)
    [claimed] = claim_due(engine, ["email"], lease_seconds=60)
    handlers["email"](claimed)
    assert mark_sent(engine, claimed) is True
    assert deliver_due(engine, handlers, now=later(days=1)).processed == 0
    assert sink.count() == 1


def test_a_crash_after_smtp_accepted_resends_with_the_same_message_id(engine, sink, handlers):
    """The documented at-least-once window: accepted by SMTP, killed before the mark."""
    row = enqueue_committed(engine)
    [claimed] = claim_due(engine, ["email"], lease_seconds=60)
    handlers["email"](claimed)  # the server has it; the worker dies before marking
    assert deliver_due(engine, handlers, now=later(seconds=61)).sent == 1
    assert sink.by_message_id() == {f"<{row.uid}@kurswerk.test>": 2}


def test_a_row_that_keeps_killing_workers_is_given_up(engine, sink, handlers):
    row = enqueue_committed(engine)
    policy = RetryPolicy(max_attempts=2, lease_seconds=60)
    clock = datetime.now(UTC)
    for _ in range(2):
        clock += timedelta(minutes=2)
        assert len(claim_due(engine, ["email"], now=clock, lease_seconds=60)) == 1
    clock += timedelta(minutes=2)
    report = deliver_due(engine, handlers, policy=policy, now=clock)
    assert report.failed == 1
    stored = load(engine, row.id)
    assert stored.status == OutboxStatus.FAILED
    assert "lease expired" in (stored.last_error or "")
    assert sink.count() == 0


# --- several workers ------------------------------------------------------------------


def test_workers_running_at_once_deliver_every_row_exactly_once(engine, sink, handlers):
    """Two workers on PostgreSQL (SKIP LOCKED), and on SQLite (single-statement claim)."""
    total, workers = 200, 4
    with new_session(engine) as session:
        for n in range(total):
            enqueue_email(
                session,
                to=f"learner{n}@example.org",
                template="submission_receipt",
                context=receipt(),
            )
        session.commit()

    start = threading.Barrier(workers)
    reports: list[outbox.DeliveryReport] = []
    failures: list[BaseException] = []

    def work() -> None:
        try:
            start.wait()
            while True:
                report = deliver_due(engine, handlers, batch=7)
                reports.append(report)
                if report.processed == 0:
                    return
        except BaseException as exc:  # surfaced below; a thread cannot fail the test
            failures.append(exc)

    threads = [threading.Thread(target=work) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert failures == []
    assert not any(thread.is_alive() for thread in threads)

    counts = sink.by_message_id()
    assert len(counts) == total
    assert set(counts.values()) == {1}
    assert sum(r.sent for r in reports) == total
    assert sum(r.lost_lease + r.retrying + r.failed for r in reports) == 0
    # More than one worker actually took part.
    assert sum(1 for r in reports if r.sent) > 1
    with new_session(engine) as session:
        statuses = {row.status for row in session.exec(select(OutboxMessage)).all()}
    assert statuses == {OutboxStatus.SENT}

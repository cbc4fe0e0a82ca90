"""``kurswerk worker`` as real processes: killed with SIGKILL in the middle of an SMTP
conversation, and two of them at once on the same outbox.

The in-process tests (``test_outbox.py``) play these faults by calling ``claim_due``
without marking; here the operating system ends a worker that holds a claimed row and
an open SMTP connection, and two separate processes (two database connections, two
SMTP clients) compete for the same rows. The SMTP server is real (aiosmtpd) and holds
conversations at ``RCPT`` (``SmtpSink.stall``) so the moment of the kill, and the
overlap of the two workers, are certain rather than hoped for.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlmodel import select

from kurswerk.core.db import new_session
from kurswerk.core.outbox.queue import OutboxMessage, OutboxStatus, enqueue_email
from tests.kurswerk.test_outbox_worker import CONTEXT
from tests.support.smtp import SmtpSink

# Short, so a killed worker's lease runs out soon; long enough that the kill comes first.
SMTP_TIMEOUT_SECONDS = 5
PROCESS_TIMEOUT = 180

KURSWERK = str(Path(sys.executable).with_name("kurswerk"))


@pytest.fixture
def sink():
    server = SmtpSink().start()
    yield server
    server.release()
    server.stop()


def worker(
    database_url: str, sink: SmtpSink, *args: str, smtp_timeout: int = SMTP_TIMEOUT_SECONDS
) -> subprocess.Popen[str]:
    env = {
        **os.environ,
        "KURSWERK_ENV": "test",
        "KURSWERK_DATABASE_URL": database_url,
        "KURSWERK_SMTP_URL": sink.url,
        "KURSWERK_BASE_URL": "https://kurswerk.test",
        "KURSWERK_SMTP_TIMEOUT_SECONDS": str(smtp_timeout),
        # the shortest lease the settings allow
        "KURSWERK_OUTBOX_LEASE_SECONDS": str(2 * smtp_timeout),
        "KURSWERK_LOG_LEVEL": "WARNING",
    }
    return subprocess.Popen(
        [KURSWERK, "worker", "--once", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def finished(process: subprocess.Popen[str]) -> str:
    output, _ = process.communicate(timeout=PROCESS_TIMEOUT)
    assert process.returncode == 0, output
    return output


def sent_of(output: str) -> int:
    found = re.search(r"Outbox: (\d+) sent", output)
    assert found, output
    return int(found.group(1))


def enqueue(engine, count: int) -> list[int]:
    with new_session(engine) as session:
        rows = [
            enqueue_email(
                session,
                to=f"learner{n}@example.org",
                template="submission_receipt",
                context=CONTEXT,
            )
            for n in range(count)
        ]
        session.commit()
        return [row.id for row in rows if row.id is not None]


def rows(engine) -> list[OutboxMessage]:
    with new_session(engine) as session:
        return list(session.exec(select(OutboxMessage).order_by(OutboxMessage.id)).all())


def test_a_worker_process_killed_mid_conversation_loses_nothing_and_sends_once(
    engine, database_url, sink
):
    [row_id] = enqueue(engine, 1)
    sink.stall(1)
    doomed = worker(database_url, sink)
    try:
        assert sink.wait_stalled(1), "the worker never reached the SMTP server"
    finally:
        doomed.kill()  # SIGKILL: no handler, no cleanup, the claim stays as it was
        doomed.wait(timeout=PROCESS_TIMEOUT)
    sink.release()

    [held] = rows(engine)
    assert (held.id, held.status, held.attempts) == (row_id, OutboxStatus.SENDING, 1)
    assert sink.count() == 0
    assert held.locked_until is not None

    # Once the dead worker's lease has run out, the next worker takes the row over.
    lease_end = held.locked_until.replace(tzinfo=held.locked_until.tzinfo or UTC)
    while datetime.now(UTC) <= lease_end:
        time.sleep(0.2)
    assert sent_of(finished(worker(database_url, sink))) == 1

    [delivered] = rows(engine)
    assert (delivered.status, delivered.attempts) == (OutboxStatus.SENT, 2)
    assert sink.count() == 1
    assert sink.messages[0].rcpt_tos == ("learner0@example.org",)


def test_two_worker_processes_at_once_send_every_mail_exactly_once(engine, database_url, sink):
    total = 120
    enqueue(engine, total)
    # Each worker's first conversation is held until both are in one: they provably
    # overlap, each holding claimed rows, before anything is sent. The held conversation
    # must not time out while the other process is still starting.
    sink.stall(2)
    workers = [worker(database_url, sink, "--batch", "5", smtp_timeout=60) for _ in range(2)]
    try:
        assert sink.wait_stalled(2, timeout=PROCESS_TIMEOUT), "the workers did not overlap"
    finally:
        sink.release()
    sent = [sent_of(finished(process)) for process in workers]

    assert sum(sent) == total
    assert all(count > 0 for count in sent), sent
    counts = sink.by_message_id()
    assert len(counts) == total
    assert set(counts.values()) == {1}
    assert {row.status for row in rows(engine)} == {OutboxStatus.SENT}

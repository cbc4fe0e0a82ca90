# ruff: noqa: F811 - fixtures are imported by name and then requested as arguments
"""The last slot booked through two app processes at once: two ``kurswerk serve``
processes on the test database (as ``tests/kurswerk/test_access_log.py`` starts one),
one learner's form sent to each. One booking, one 409 with the reason.

On PostgreSQL the overlap is made certain and checked: the test holds both learners'
grant rows (the lock each booking takes before it checks the slot), both requests are
seen waiting for it in ``pg_stat_activity``, and only then is it released, so both check
the slot while neither has committed; the partial unique index decides. On SQLite both
processes write one database file and its lock serialises them; the two forms are sent
at the same moment.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from coaching.models import CoachingGrant
from kurswerk.core.settings import Settings
from kurswerk.devplatform import demo
from tests.coaching.office_hours.booking_fixtures import (
    HEADERS,
    Hours,
    at,
    book_body,
    book_path,
    bookings,
    day,
    hours,
    make_learner,
)

__all__ = ["hours", "make_learner"]

ROOT = Path(__file__).resolve().parents[3]
START_TIMEOUT = 120.0


def _serve(settings: Settings, folder: Path) -> tuple[subprocess.Popen[str], str]:
    sock = demo.bind_loopback(0)
    port = demo.port_of(sock)
    sock.close()  # the server binds it itself
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "KURSWERK_ENV": "test",
        "KURSWERK_DATABASE_URL": settings.database_url,
        "KURSWERK_SECRET_KEY": settings.secret_key.get_secret_value(),
        "KURSWERK_BASE_URL": settings.base_url,
        "KURSWERK_STORAGE_URL": settings.storage_url,
        "KURSWERK_LOG_LEVEL": "INFO",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "kurswerk.cli", "serve", "--port", str(port), "--workers", "1"],
        cwd=folder,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    return process, f"http://127.0.0.1:{port}"


def _until_started(process: subprocess.Popen[str]) -> None:
    assert process.stdout is not None
    lines: list[str] = []
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        assert line, "the server ended before it served:\n" + "".join(lines)
        lines.append(line)
        if "Application startup complete" in line:
            # keep reading its output, so a full pipe never blocks the server
            threading.Thread(target=process.stdout.read, daemon=True).start()
            return
    raise AssertionError("the server did not start:\n" + "".join(lines))


@pytest.fixture
def two_servers(settings: Settings, tmp_path: Path) -> Iterator[list[str]]:
    started = [_serve(settings, tmp_path) for _ in range(2)]
    try:
        for process, _ in started:
            _until_started(process)
        yield [url for _, url in started]
    finally:
        for process, _ in started:
            process.terminate()
        for process, _ in started:
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=60)


def _waiting_for_locks(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(
            connection.execute(
                text(
                    "SELECT count(*) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND wait_event_type = 'Lock'"
                )
            ).scalar_one()
        )


def test_two_app_processes_book_the_last_slot_once(
    two_servers: list[str], engine: Engine, db: Session, hours: Hours
):
    slot = hours.slot(at(day(3), 10))
    lukas = hours.learner()
    people = [hours.lena, lukas]
    grants = [hours.grant.id, *(g.id for g in _grants_of(db, lukas))]
    on_postgres = engine.dialect.name == "postgresql"

    holder = engine.connect()
    transaction = holder.begin()
    if on_postgres:
        holder.execute(
            text("UPDATE coaching_grant SET valid_from = valid_from WHERE id IN (:a, :b)"),
            {"a": grants[0], "b": grants[1]},
        )
    else:
        transaction.rollback()
        holder.close()

    responses: list[httpx.Response | BaseException] = [RuntimeError("not sent")] * 2
    barrier = threading.Barrier(2)

    def send(index: int) -> None:
        person, base = people[index], two_servers[index]
        body = book_body(person, topic="Zwei Prozesse")
        with httpx.Client(timeout=120) as http:
            barrier.wait()
            try:
                responses[index] = http.post(
                    base + person.url(book_path(person, slot.id)), content=body, headers=HEADERS
                )
            except BaseException as exc:  # noqa: BLE001 - reported below
                responses[index] = exc

    threads = [threading.Thread(target=send, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    try:
        if on_postgres:
            deadline = time.monotonic() + 60
            while _waiting_for_locks(engine) < 2:
                assert time.monotonic() < deadline, "the two requests never waited together"
                time.sleep(0.05)
            transaction.commit()
    finally:
        if on_postgres:
            holder.close()
        for thread in threads:
            thread.join(timeout=120)

    assert all(isinstance(r, httpx.Response) for r in responses), responses
    statuses = sorted(r.status_code for r in responses)  # type: ignore[union-attr]
    assert statuses == [303, 409], [r.text[-500:] for r in responses]  # type: ignore[union-attr]
    refused = next(r for r in responses if r.status_code == 409)  # type: ignore[union-attr]
    assert "Diesen Termin hat gerade jemand anderes gebucht." in refused.text  # type: ignore[union-attr]
    [made] = bookings(db)
    assert made.slot_id == slot.id


def _grants_of(db: Session, person) -> list[CoachingGrant]:
    query = select(CoachingGrant).where(CoachingGrant.user_id == person.principal.user_id)
    return list(db.exec(query).all())

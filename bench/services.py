# ruff: noqa: E402 - the imports must follow the sys.path fix below
"""Figures for grades to the LMS (prints, asserts nothing).

    .venv/bin/python bench/services.py [--scores 1000] [--workers 1] [--failure-rate 0.2]

1,000 AGS score posts from the outbox (``lms_call`` rows, one per learner, into one
gradebook column that the first delivery creates) to the LMS simulator on loopback, the
tool's real handler and token cache doing the calls:

1. a healthy platform: access-token requests made (goal: one per token lifetime),
   throughput of the delivery;
2. the same platform failing 20 % of all requests (token, line items, scores), a quarter
   of the failed score posts *after* storing the score (the answer lost on the way):
   whether every score arrives, whether any is stored twice, how many attempts it took.

SQLite in a temporary folder, or a fresh PostgreSQL database with ``--postgres URL``
(created on that server and dropped afterwards). The simulator verifies the tool's client
assertions against the tool's published key set.
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run as a script, this file's folder comes first on sys.path, where ``bench/uploads.py``
# would shadow the ``uploads`` package: put the repository root there instead.
_REPO = Path(__file__).resolve().parent.parent
if sys.path and Path(sys.path[0] or ".").resolve() == _REPO / "bench":
    sys.path[0] = str(_REPO)

import argparse
import contextlib
import json
import logging
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from typing import Any

import jwt
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url
from sqlmodel import Session

from kurswerk.core import migrations
from kurswerk.core.clock import utcnow
from kurswerk.core.db import make_engine, new_session
from kurswerk.core.outbox.queue import OutboxMessage, OutboxStatus, RetryPolicy, deliver_due
from kurswerk.core.settings import Settings
from kurswerk.devplatform.app import create_simulator
from kurswerk.devplatform.config import LEARNER, Person, SimulatorConfig
from kurswerk.devplatform.keys import SigningKey
from lti import endpoints, identities, service
from lti.keys import KeyRing
from lti.registrations import find_registration

CLAIM = "https://purl.imsglobal.org/spec/lti/claim/"
AGS = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
EXERCISE = service.LineItemSpec(resource_id="exercise:bench/1", label="Bench-Übung (Feedback)")


class PublishedToolKeys:
    """The simulator's view of the tool's key set (what ``/lti/jwks`` would serve)."""

    def __init__(self, ring: KeyRing) -> None:
        self._keys = {
            key["kid"]: jwt.PyJWK.from_dict(key).key for key in json.loads(ring.jwks_body())["keys"]
        }

    def key_for(self, assertion: str) -> Any:
        return self._keys[jwt.get_unverified_header(assertion)["kid"]]


def learners(count: int) -> tuple[Person, ...]:
    return tuple(
        Person(
            key=f"l{n}",
            sub=f"{100000 + n}",
            given_name="Lern",
            family_name=f"Person {n}",
            email=f"l{n}@example.org",
            roles=(LEARNER,),
            role_label="Teilnehmer/in",
        )
        for n in range(count)
    )


def start_simulator(config: SimulatorConfig, ring: KeyRing) -> tuple[Any, Any]:
    import socket

    import uvicorn

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(128)
    config = replace(config, issuer=f"http://127.0.0.1:{sock.getsockname()[1]}")
    app = create_simulator(
        config,
        settings=Settings(env="test"),
        key=SigningKey.generate(),
        tool_keys=PublishedToolKeys(ring),
    )
    server = uvicorn.Server(uvicorn.Config(app, log_level="error", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.01)
    return app, server


def prepare(engine: Any, config: SimulatorConfig, count: int, tag: str) -> None:
    """Register the platform and record one launch per learner (course, users, AGS claim)."""
    with new_session(engine) as session:
        service.add_platform(
            session,
            issuer=config.issuer,
            client_id=config.client_id,
            auth_login_url=config.auth_url,
            auth_token_url=config.token_url,
            keyset_url=config.jwks_url,
            deployment_ids=[config.deployment_id],
        )
        match = find_registration(
            session,
            issuer=config.issuer,
            client_id=config.client_id,
            deployment_id=config.deployment_id,
        )
        now = utcnow()
        for person in config.people[:count]:
            claims = {
                "sub": person.sub,
                CLAIM + "roles": list(person.roles),
                CLAIM + "context": {"id": f"bench-{tag}", "title": "Bench"},
                CLAIM + "resource_link": {"id": "bench-link"},
                AGS: {
                    "scope": list(config.granted_scopes),
                    "lineitems": config.lineitems_url,
                },
            }
            identity = identities.record_launch(session, match=match, claims=claims, now=now)
            endpoints.record_services(
                session, context_id=identity.context_id, claims=claims, now=now
            )
            service.grade_feedback_released(
                session,
                context_id=identity.context_id,
                user_id=identity.user_id,
                line_item=EXERCISE,
                comment="Feedback ist da.",
                key=f"{tag}:{person.sub}",
            )
        session.commit()


def pending(engine: Any) -> int:
    with Session(engine) as session:
        return int(
            session.execute(
                select(func.count())
                .select_from(OutboxMessage)
                .where(
                    OutboxMessage.status.in_(
                        [OutboxStatus.PENDING.value, OutboxStatus.SENDING.value]
                    )
                )  # type: ignore[attr-defined]
            ).scalar_one()
        )


def deliver_all(
    engine: Any, settings: Settings, workers: int, policy: RetryPolicy
) -> tuple[float, int]:
    """Run ``workers`` delivery loops until nothing is pending; (seconds, deliveries)."""
    handler = service.lms_call_handler(settings, engine)
    handlers = {service.LMS_CALL: handler}
    attempts = 0
    lock = threading.Lock()
    started = time.perf_counter()

    def loop() -> None:
        nonlocal attempts
        while pending(engine):
            report = deliver_due(engine, handlers, batch=50, policy=policy)
            with lock:
                attempts += report.processed
            if report.processed == 0:
                time.sleep(0.02)

    threads = [threading.Thread(target=loop) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started, attempts


@contextlib.contextmanager
def database(postgres: str | None) -> Iterator[str]:
    if not postgres:
        with tempfile.TemporaryDirectory() as folder:
            yield f"sqlite:///{Path(folder) / 'bench.db'}"
        return
    name = f"kurswerk_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(postgres, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(postgres).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def run(scores: int, workers: int, failure_rate: float, postgres: str | None) -> None:
    people = learners(scores)
    with database(postgres) as url:
        migrations.upgrade(url)
        engine = make_engine(url)
        settings = Settings(env="test", database_url=url, http_timeout_seconds=5)
        ring = KeyRing(engine, overlap=timedelta(hours=72))
        ring.signing()
        policy = RetryPolicy(max_attempts=50, backoff_seconds=0.02, backoff_cap_seconds=0.5)
        base = SimulatorConfig(
            issuer="http://127.0.0.1:1", tool_base_url="http://127.0.0.1:2", people=people
        )

        backend = make_url(url).get_backend_name()
        print(f"{scores} score posts, {workers} worker(s), {backend}, simulator on loopback")
        for title, rate in (
            ("healthy platform", 0.0),
            (f"platform failing {failure_rate:.0%}", failure_rate),
        ):
            app, server = start_simulator(base, ring)
            config = app.state.config
            course = app.state.course
            if rate:
                for kind in ("token", "lineitems"):
                    course.faults.fail_rate[kind] = rate
                course.faults.fail_rate["scores"] = rate * 0.75
                course.faults.fail_after_store_rate = (rate * 0.25) / (1 - rate * 0.75)
            tag = "ok" if not rate else "faulty"
            prepare(engine, config, scores, tag)
            seconds, attempts = deliver_all(engine, settings, workers, policy)
            server.should_exit = True
            with Session(engine) as session:
                failed = session.execute(
                    select(func.count())
                    .select_from(OutboxMessage)
                    .where(
                        OutboxMessage.status == OutboxStatus.FAILED.value  # type: ignore[arg-type]
                    )
                ).scalar_one()
            stored_users = [s.user_id for _, s in course.score_log]
            rows = [
                ("delivered in", f"{seconds:8.2f} s", f"{scores / seconds:.1f} scores/s"),
                ("delivery attempts", f"{attempts:8d}", ""),
                (
                    "token requests",
                    f"{course.requests['token']:8d}",
                    f"tokens issued: {app.state.tokens.issued}",
                ),
                (
                    "line item requests",
                    f"{course.requests['lineitems']:8d}",
                    f"columns: {len(course.line_items)}",
                ),
                ("score requests", f"{course.requests['scores']:8d}", ""),
                (
                    "scores stored",
                    f"{len(stored_users):8d}",
                    f"distinct learners: {len(set(stored_users))}",
                ),
                ("stored twice", f"{len(stored_users) - len(set(stored_users)):8d}", ""),
                (
                    "repeats recognised",
                    f"{course.duplicate_scores:8d}",
                    "same timestamp: the answer was lost",
                ),
                ("rows failed", f"{failed:8d}", ""),
            ]
            print(f"\n{title}:")
            for label, value, note in rows:
                print(f"  {label:<20} {value:>12}   {note}".rstrip())
        engine.dispose()


def main() -> None:
    logging.basicConfig(level=logging.ERROR)  # retries log a warning each; figures only
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scores", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--failure-rate", type=float, default=0.2)
    parser.add_argument("--postgres", help="a PostgreSQL server URL to make a database on")
    args = parser.parse_args()
    run(args.scores, args.workers, args.failure_rate, args.postgres)


if __name__ == "__main__":
    main()

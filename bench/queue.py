# ruff: noqa: E402 - the imports must follow the sys.path fix below
"""The tutor queue page with 100,000 submissions in the database (prints, asserts nothing).

    .venv/bin/python bench/queue.py                       # SQLite (a temporary file)
    KURSWERK_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python bench/queue.py                   # PostgreSQL

With a PostgreSQL URL the benchmark creates a throw-away database on that server
(``kurswerk_bench_<random>``) and drops it at the end; the database named in the URL is
only used to connect. Nothing of an existing database is touched.

What it builds (all in ONE LMS course, the worst case for that course's queue): the real
course content, 12,500 learners, 100,000 submissions (each learner: 2 exercises x 4
industries) with one version each, spread over the last 365 days; 70 % with released
feedback, 20 % submitted, 10 % in review with a tutor's claim - except one exercise in
one industry, all released (a filter that matches no open submission). Then ``ANALYZE``.

What it measures: the server time of ``GET /c/{context}/queue`` - from the request
entering the app to the last byte of the response, inside the process (an ASGI wrapper
around the app; no network, no client cost) - for several filter and paging scenarios,
after a warm-up; p50 and p99 over ``--requests`` requests each. Goal: p99 under 50 ms.
Wall-clock times on a shared machine include waiting for a CPU, so the load average is
printed with them, and "cpu" is the app's own CPU time per request (the process's CPU
time minus the test client's thread; on PostgreSQL without the database server's). It
also prints the database's plans for the page's query, unfiltered and filtered.
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run as a script, this file's folder comes first on sys.path, and this module's name
# would shadow the standard library's ``queue`` (which urllib3 imports): put the
# repository root there instead.
_REPO = Path(__file__).resolve().parent.parent
if sys.path and Path(sys.path[0] or ".").resolve() == _REPO / "bench":
    sys.path[0] = str(_REPO)

import argparse
import os
import random
import statistics
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import create_engine, insert, select, text
from sqlalchemy.engine import Engine, make_url

import kurswerk.models  # noqa: F401 - every table in the metadata
from course.content import load as content
from course.models import Exercise
from feedback import queue as feedback_queue
from feedback.models import ReviewClaim
from kurswerk.app import create_app
from kurswerk.core import migrations
from kurswerk.core.auth import Principal, Role, SessionCodec
from kurswerk.core.db import make_engine, new_session
from kurswerk.core.settings import Settings
from lti.models import LmsContext, Membership, Platform, PlatformUser
from uploads.models import Submission, SubmissionVersion

CONTENT = _REPO / "content"
INDUSTRIES = ("media", "fmcg", "retail", "b2b")
Scope = MutableMapping[str, Any]
ASGIApp = Callable[[Scope, Any, Any], Awaitable[None]]


class ServerTimer:
    """ASGI wrapper: time from the request entering the app to its last body byte."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.samples: list[float] = []

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()

        async def timed_send(message: MutableMapping[str, Any]) -> None:
            await send(message)
            if message["type"] == "http.response.body" and not message.get("more_body"):
                self.samples.append((time.perf_counter() - start) * 1000)

        await self.app(scope, receive, timed_send)


# --- the database -------------------------------------------------------------------------


def prepare_database(requested: str | None) -> tuple[str, Callable[[], None]]:
    """A fresh database URL and a function that removes it afterwards."""
    if requested and make_url(requested).get_backend_name() == "postgresql":
        name = f"kurswerk_bench_{uuid.uuid4().hex[:8]}"
        admin = create_engine(requested, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        url = make_url(requested).set(database=name).render_as_string(hide_password=False)

        def drop() -> None:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()

        return url, drop
    if requested:
        raise SystemExit("bench/queue.py: KURSWERK_DATABASE_URL must be PostgreSQL (or unset)")
    folder = tempfile.mkdtemp(prefix="kurswerk-bench-")
    path = Path(folder) / "bench.db"

    def remove() -> None:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        Path(folder).rmdir()

    return f"sqlite:///{path}", remove


def fill(engine: Engine, total: int, seed: int = 7) -> tuple[int, int]:
    """Content, one LMS course with a tutor and learners, ``total`` submissions.

    Returns (context id, tutor user id)."""
    rng = random.Random(seed)
    with new_session(engine) as session:
        content.load(session, CONTENT)
        platform = Platform(
            name="Bench LMS",
            issuer="https://lms.bench",
            client_id="bench",
            auth_login_url="https://lms.bench/auth",
            auth_token_url="https://lms.bench/token",
            keyset_url="https://lms.bench/jwks",
        )
        session.add(platform)
        session.flush()
        context = LmsContext(platform_id=platform.id, lms_context_id="bench", title="Bench")
        tutor = PlatformUser(platform_id=platform.id, sub="tutor", name="Tilda Tutorin")
        session.add_all([context, tutor])
        session.flush()
        session.add(Membership(user_id=tutor.id, context_id=context.id, role="tutor"))
        exercise_ids = list(session.exec(select(Exercise.id).order_by(Exercise.id)).scalars())
        session.commit()
        context_id, tutor_id, platform_id = context.id, tutor.id, platform.id
    assert context_id is not None and tutor_id is not None

    per_learner = len(exercise_ids) * len(INDUSTRIES)
    learners = -(-total // per_learner)
    now = datetime.now(UTC)
    users = PlatformUser.__table__  # type: ignore[attr-defined]
    submissions = Submission.__table__  # type: ignore[attr-defined]
    versions = SubmissionVersion.__table__  # type: ignore[attr-defined]
    claims = ReviewClaim.__table__  # type: ignore[attr-defined]
    with engine.begin() as connection:
        connection.execute(
            insert(users),
            [
                {
                    "platform_id": platform_id,
                    "sub": f"learner-{n}",
                    "name": f"Lernende {n}",
                    "email": f"learner{n}@example.org",
                    "created_at": now,
                    "last_launch_at": now,
                }
                for n in range(learners)
            ],
        )
        user_ids = list(
            connection.execute(
                select(users.c.id).where(users.c.sub.like("learner-%")).order_by(users.c.id)
            ).scalars()
        )
    rows = []
    for user_id in user_ids:
        for exercise_id in exercise_ids:
            for industry in INDUSTRIES:
                if len(rows) == total:
                    break
                roll = rng.random()
                if exercise_id == exercise_ids[-1] and industry == "b2b":
                    roll = 0.0  # all released: the "filter matching none" scenario
                status = (
                    "feedback_released"
                    if roll < 0.7
                    else "submitted"
                    if roll < 0.9
                    else "in_review"
                )
                at = now - timedelta(seconds=rng.randrange(365 * 86_400))
                rows.append(
                    {
                        "context_id": context_id,
                        "user_id": user_id,
                        "exercise_id": exercise_id,
                        "industry": industry,
                        "status": status,
                        "latest_version": 1,
                        "submitted_at": at,
                        "created_at": at,
                        "updated_at": at,
                    }
                )
    for start in range(0, len(rows), 10_000):
        chunk = rows[start : start + 10_000]
        with engine.begin() as connection:
            ids = (
                connection.execute(
                    insert(submissions).returning(submissions.c.id, sort_by_parameter_order=True),
                    chunk,
                )
                .scalars()
                .all()
            )
            connection.execute(
                insert(versions),
                [
                    {
                        "submission_id": ident,
                        "number": 1,
                        "file_key": f"{ident:064x}"[:2]
                        + "/"
                        + f"{ident:064x}"[2:4]
                        + f"/{ident:064x}.pdf",
                        "sha256": f"{ident:064x}",
                        "size": 250_000,
                        "pages": 4,
                        "display_name": "loesung.pdf",
                        "note": "",
                        "idempotency_key": f"bench-{ident}",
                        "created_at": row["submitted_at"],
                    }
                    for ident, row in zip(ids, chunk, strict=True)
                ],
            )
            in_review = [
                {
                    "submission_id": ident,
                    "tutor_user_id": tutor_id,
                    "claimed_at": now - timedelta(minutes=30),
                    "expires_at": now + timedelta(minutes=rng.choice((-60, 90))),
                }
                for ident, row in zip(ids, chunk, strict=True)
                if row["status"] == "in_review"
            ]
            if in_review:
                connection.execute(insert(claims), in_review)
    with engine.connect() as connection:
        connection = connection.execution_options(isolation_level="AUTOCOMMIT")
        connection.execute(text("ANALYZE"))
    return context_id, tutor_id


# --- measuring ------------------------------------------------------------------------------


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered)) - 1))]


def plan(engine: Engine, context_id: int, filters: Any) -> str:
    """The database's plan of the page's query for ``filters``."""
    with new_session(engine) as session:
        outline = feedback_queue.course_outline(session, context_id)
        session.commit()
    query = feedback_queue.queue_query(context_id, filters, outline, 51)
    assert query is not None
    statement, params = query
    compiled = statement.params(params).compile(engine, compile_kwargs={"literal_binds": True})
    prefix = "EXPLAIN QUERY PLAN " if engine.dialect.name == "sqlite" else "EXPLAIN "
    with engine.connect() as connection:
        rows = connection.execute(text(prefix + str(compiled))).all()
    if engine.dialect.name == "sqlite":  # rows: (id, parent, notused, detail)
        depth: dict[int, int] = {0: 0}
        lines = []
        for ident, parent, _notused, detail in rows:
            depth[ident] = depth.get(parent, 0) + 1
            lines.append("  " * depth[ident] + detail)
        return "\n".join(lines)
    return "\n".join(f"  {row[0]}" for row in rows)


def load_average() -> str:
    try:
        return " / ".join(f"{value:.1f}" for value in os.getloadavg())
    except OSError:  # pragma: no cover - not on every platform
        return "n/a"


@dataclass(frozen=True)
class QueueTiming:
    """Server time of one scenario's requests, in ms."""

    p50: float
    p99: float
    max: float
    cpu: float  # the app's own CPU time per request


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--submissions", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=300)
    args = parser.parse_args(argv)
    measure(args.submissions, args.requests)
    return 0


def measure(submissions: int, requests: int, *, plans: bool = True) -> dict[str, QueueTiming]:
    """Build the database (as ``KURSWERK_DATABASE_URL`` asks, see above), print and return
    the timings per scenario; ``bench/uploads.py`` calls this too."""
    timings: dict[str, QueueTiming] = {}
    url, cleanup = prepare_database(os.environ.get("KURSWERK_DATABASE_URL"))
    try:
        backend = make_url(url).get_backend_name()
        print(f"database: {backend} ({make_url(url).database})")
        started = time.perf_counter()
        migrations.upgrade(url)
        engine = make_engine(url)
        context_id, tutor_id = fill(engine, submissions)
        with new_session(engine) as session:
            last_exercise = (
                session.exec(select(Exercise.id).order_by(Exercise.id.desc())).scalars().first()
            )
        with engine.connect() as connection:
            counts = dict(
                connection.execute(
                    text("SELECT status, COUNT(*) FROM submission GROUP BY status")
                ).all()
            )
        print(
            f"filled in {time.perf_counter() - started:.1f} s: "
            f"{sum(counts.values()):,} submissions {dict(sorted(counts.items()))}"
        )
        with new_session(engine) as session:
            exercise = session.exec(select(Exercise.id).order_by(Exercise.id)).scalars().first()
        if plans:
            print("plan of the default page's query (open submissions, first page):")
            print(plan(engine, context_id, feedback_queue.QueueFilters()))
            print("plan of a filtered page (open, one exercise, one industry):")
            print(
                plan(
                    engine,
                    context_id,
                    feedback_queue.QueueFilters(exercise=exercise, industry="retail"),
                )
            )

        settings = Settings(
            env="test",
            database_url=url,
            base_url="https://kurswerk.bench",
            secret_key="bench-secret-key-that-is-long-enough-0123456789",  # type: ignore[arg-type]
            storage_url=f"file://{tempfile.gettempdir()}/kurswerk-bench-storage",
            log_level="WARNING",
        )
        app = create_app(settings)
        codec: SessionCodec = app.state.session_codec
        principal = Principal(
            user_id=tutor_id,
            context_id=context_id,
            platform_id=1,
            role=Role.TUTOR,
            name="Tilda Tutorin",
            sid="bench",
        )
        token = codec.issue(principal)
        timer = ServerTimer(app)
        base = f"/c/{context_id}/queue?kt={token}"
        with TestClient(timer, base_url="https://kurswerk.bench") as client:
            # A cursor 20 pages deep into the open queue, found by paging.
            deep = base
            for _ in range(20):
                page = client.get(deep)
                marker = 'rel="next"'
                if marker not in page.text:
                    break
                href = page.text.split(marker)[0].rsplit('href="', 1)[1].split('"')[0]
                deep = href.replace("&amp;", "&")
            scenarios = {
                "open, first page (default)": base,
                "open, page 21 (keyset cursor)": deep,
                "open, exercise + industry": f"{base}&exercise={exercise}&industry=retail",
                "open, filter matching none": f"{base}&exercise={last_exercise}&industry=b2b",
                "open, industry": f"{base}&industry=fmcg",
                "open, lesson": f"{base}&lesson=kundenbeziehungen",
                "in review only": f"{base}&status=in_review",
                "feedback released": f"{base}&status=feedback_released",
                "all statuses": f"{base}&status=all",
            }
            print(
                f"\nserver time of GET /c/{{context}}/queue, {requests} requests each "
                f"({os.cpu_count()} CPUs, load average before: {load_average()}):"
            )
            for label, path in scenarios.items():
                for _ in range(20):
                    assert client.get(path).status_code == 200, path
                timer.samples.clear()
                # The test client runs in this thread, the app in others: the process's CPU
                # time minus this thread's is the app's (event loop and threadpool).
                cpu, own = time.process_time(), time.thread_time()
                for _ in range(requests):
                    client.get(path)
                app_cpu = (time.process_time() - cpu) - (time.thread_time() - own)
                cpu_ms = app_cpu * 1000 / requests
                samples = list(timer.samples)
                timing = QueueTiming(
                    statistics.median(samples), percentile(samples, 99), max(samples), cpu_ms
                )
                timings[label] = timing
                print(
                    f"  {label:<32} p50 {timing.p50:6.2f} ms   p99 {timing.p99:6.2f} ms"
                    f"   max {timing.max:6.2f} ms   cpu {timing.cpu:5.2f} ms"
                )
        app.state.engine.dispose()
        engine.dispose()
    finally:
        cleanup()
    return timings


if __name__ == "__main__":
    raise SystemExit(main())

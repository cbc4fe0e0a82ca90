# ruff: noqa: E402 - the imports must follow the sys.path fix below
"""The dialogue after feedback with 100,000 submissions (prints its figures, asserts nothing).

    .venv/bin/python bench/dialogue.py                    # SQLite (a temporary file)
    KURSWERK_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python bench/dialogue.py                # PostgreSQL (a fresh database)

What it builds: ``bench/queue.py``'s course (one LMS course, 100,000 submissions over the
last 365 days, 70 % with released feedback), with the released feedback spread over 50
tutors; of it, 60 % read by its learner, 5 % with a follow-up question (two thirds of
them answered) and 30 % rated. Then ``ANALYZE``.

The database is filled, migrated back to 0023 (the rows stay, the tallies go), then to the
head: migration 0024 fills the dialogue's tally from the rows (its time is printed), as at
a deployment's upgrade.

What it measures: the server time of the queue's status filter "released, not read"
(``GET /c/{context}/queue?status=unread``), of the open follow-up questions above the
queue (part of every queue page) and of the admins' whole report
(``GET /c/{context}/admin/promises``, with read rate, follow-ups and ratings); and the
time of the report's dialogue figures from the tally (``feedback.dialogue.tallied``)
beside the direct grouped queries over the rows (``feedback.dialogue.figures``: what
the tally spares the page). p50 and p99 over ``--requests`` runs each, after a warm-up.
Goal: p99 under 50 ms each for what a page runs (the direct queries are for comparison).
"""

from __future__ import annotations

import sys
from pathlib import Path

_REPO = Path(__file__).resolve().parent.parent
if sys.path and Path(sys.path[0] or ".").resolve() == _REPO / "bench":
    sys.path[0] = str(_REPO)

import argparse
import os
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import TypeVar

from fastapi.testclient import TestClient
from sqlalchemy import insert, select, text
from sqlalchemy.engine import Engine, make_url

import kurswerk.models  # noqa: F401 - every table in the metadata
from bench.queue import ServerTimer, fill, load_average, percentile, prepare_database
from feedback.dialogue import figures, inbox, tallied
from feedback.dialogue.models import FeedbackRating, FeedbackRead, FollowUpQuestion
from feedback.models import Feedback
from kurswerk.app import create_app
from kurswerk.core import migrations
from kurswerk.core.auth import Principal, Role, SessionCodec
from kurswerk.core.db import make_engine, new_session
from kurswerk.core.settings import Settings
from lti.models import Membership, PlatformUser
from uploads.models import Submission, SubmissionVersion

GOAL_MS = 50.0
TUTORS = 50


def add_dialogue(engine: Engine, context_id: int, seed: int = 11) -> dict[str, int]:
    """Feedback for every released submission (by 50 tutors), and its reads, questions
    and ratings. Returns what was written, by table."""
    rng = random.Random(seed)
    users = PlatformUser.__table__  # type: ignore[attr-defined]
    s, v = Submission.__table__, SubmissionVersion.__table__  # type: ignore[attr-defined]
    with engine.begin() as connection:
        platform_id = connection.execute(select(users.c.platform_id).limit(1)).scalar_one()
        tutor_ids = list(
            connection.execute(
                insert(users).returning(users.c.id, sort_by_parameter_order=True),
                [
                    {"platform_id": platform_id, "sub": f"tutor-{n}", "name": f"Tutor {n}"}
                    for n in range(TUTORS)
                ],
            ).scalars()
        )
        connection.execute(
            insert(Membership.__table__),  # type: ignore[attr-defined]
            [{"user_id": t, "context_id": context_id, "role": "tutor"} for t in tutor_ids],
        )
        released = [
            Released(
                row.id,
                row.user_id,
                row.version_id,
                context_id,
                rng.choice(tutor_ids),
                row.submitted_at + timedelta(days=rng.randrange(1, 8)),
            )  # fmt: skip
            for row in connection.execute(
                select(s.c.id, s.c.user_id, s.c.submitted_at, v.c.id.label("version_id"))
                .join(v, v.c.submission_id == s.c.id)
                .where(s.c.status == "feedback_released")
            ).all()
        ]
    counts = add_feedback(engine, released, rng)
    with engine.connect() as connection:
        connection.execution_options(isolation_level="AUTOCOMMIT").execute(text("ANALYZE"))
    return counts


@dataclass(frozen=True)
class Released:
    """A released submission version: whose, in which LMS course, by whom, when."""

    submission_id: int
    user_id: int
    version_id: int
    context_id: int
    tutor_id: int
    released_at: datetime


def add_feedback(engine: Engine, released: list[Released], rng: random.Random) -> dict[str, int]:
    """A released feedback for each, and of it: 60 % read by its learner, 5 % with a
    follow-up question (two thirds of them answered), 30 % rated. Rows only: the
    dialogue's tally is filled by migration 0024 afterwards (the callers migrate to
    0023, fill, then to the head), as a deployment that upgrades would."""
    counts = {"feedback": 0, "feedback_read": 0, "feedback_question": 0, "feedback_rating": 0}
    for start in range(0, len(released), 10_000):
        chunk = released[start : start + 10_000]
        feedback, reads, questions, ratings = [], [], [], []
        for row in chunk:
            at = row.released_at
            feedback.append(
                {
                    "submission_id": row.submission_id,
                    "submission_version_id": row.version_id,
                    "tutor_user_id": row.tutor_id,
                    "body_markdown": "Gut.",
                    "body_html": "<p>Gut.</p>",
                    "status": "released",
                    "created_at": at,
                    "updated_at": at,
                    "released_at": at,
                }
            )
        with engine.begin() as connection:
            table = Feedback.__table__  # type: ignore[attr-defined]
            ids = connection.execute(
                insert(table).returning(table.c.id, sort_by_parameter_order=True), feedback
            ).scalars()
            for ident, row in zip(ids, chunk, strict=True):
                released_at = row.released_at
                if rng.random() < 0.6:
                    reads.append(
                        {
                            "feedback_id": ident,
                            "submission_id": row.submission_id,
                            "version": 1,
                            "learner_user_id": row.user_id,
                            "via": "tool",
                            "read_at": released_at + timedelta(hours=rng.randrange(1, 72)),
                        }
                    )
                if rng.random() < 0.05:
                    asked = released_at + timedelta(days=rng.randrange(0, 14))
                    answered = rng.random() < 2 / 3
                    questions.append(
                        {
                            "feedback_id": ident,
                            "submission_id": row.submission_id,
                            "context_id": row.context_id,
                            "learner_user_id": row.user_id,
                            "tutor_user_id": row.tutor_id,
                            "body_markdown": "Warum?",
                            "asked_at": asked,
                            "answer_due_at": asked + timedelta(days=3),
                            "answer_markdown": "Darum." if answered else "",
                            "answered_by_user_id": row.tutor_id if answered else None,
                            "answered_at": asked + timedelta(days=rng.randrange(1, 5))
                            if answered
                            else None,
                        }
                    )
                if rng.random() < 0.3:
                    ratings.append(
                        {
                            "feedback_id": ident,
                            "learner_user_id": row.user_id,
                            "score": rng.randrange(1, 6),
                            "comment": "",
                            "created_at": released_at,
                            "updated_at": released_at,
                        }
                    )
            for model, rows in (
                (FeedbackRead, reads),
                (FollowUpQuestion, questions),
                (FeedbackRating, ratings),
            ):
                if rows:
                    connection.execute(insert(model.__table__), rows)  # type: ignore[attr-defined]
                    counts[model.__tablename__] += len(rows)  # type: ignore[index]
        counts["feedback"] += len(feedback)
    return counts


T = TypeVar("T")


def fill_at_head_then_back(url: str, fill: Callable[[], T]) -> T:
    """``fill()`` on the schema the app's models have (the head), then migrate back to
    0023, before the tallies: the rows stay, the tallies go, and ``migrate_to_head`` fills
    them from the rows as a deployment's upgrade would. (Filling at 0023 itself no longer
    works: the models name columns added since, e.g. the course's brand in 0026.)"""
    migrations.upgrade(url)
    filled = fill()
    migrations.downgrade(url, "0023")
    return filled


def migrate_to_head(url: str) -> float:
    """Migrate the filled database to the head (0024 fills the dialogue's tally); the
    seconds it took."""
    started = time.perf_counter()
    migrations.upgrade(url)
    return time.perf_counter() - started


def timed(function: Callable[[], object], runs: int) -> tuple[float, float]:
    for _ in range(5):
        function()
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples), percentile(samples, 99)


def report(label: str, p50: float, p99: float) -> None:
    verdict = "ok" if p99 <= GOAL_MS else "OVER"
    print(
        f"  {label:<44} p50 {p50:7.2f} ms   p99 {p99:7.2f} ms   goal p99 <= {GOAL_MS:.0f} ms"
        f"  {verdict}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--submissions", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args(argv)
    url, cleanup = prepare_database(os.environ.get("KURSWERK_DATABASE_URL"))
    try:
        print(f"database: {make_url(url).get_backend_name()} ({make_url(url).database})")
        started = time.perf_counter()
        engine = make_engine(url)

        def rows() -> tuple[int, int, dict[str, int]]:
            context_id, tutor_id = fill(engine, args.submissions)
            return context_id, tutor_id, add_dialogue(engine, context_id)

        context_id, tutor_id, counts = fill_at_head_then_back(url, rows)
        print(f"filled in {time.perf_counter() - started:.1f} s: {counts}")
        print(f"migration 0024 (the dialogue's tally filled): {migrate_to_head(url):.1f} s")
        with engine.connect() as connection:
            connection.execution_options(isolation_level="AUTOCOMMIT").execute(text("ANALYZE"))

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
        admin = Principal(tutor_id, context_id, 1, Role.ADMIN, "Ada", sid="bench")
        timer = ServerTimer(app)
        token = codec.issue(admin)
        base = f"/c/{context_id}/queue?kt={token}"
        print(f"\n{args.requests} runs each ({os.cpu_count()} CPUs, load {load_average()}):")
        with TestClient(timer, base_url="https://kurswerk.bench") as client:
            for label, path in {
                "GET queue, status 'released, not read'": f"{base}&status=unread",
                "GET queue (with the open questions)": base,
                "GET admins' report (promises + dialogue)": (
                    f"/c/{context_id}/admin/promises?kt={token}"
                ),
            }.items():
                for _ in range(20):
                    assert client.get(path).status_code == 200, path
                timer.samples.clear()
                for _ in range(args.requests):
                    client.get(path)
                samples = list(timer.samples)
                report(label, statistics.median(samples), percentile(samples, 99))
        now = datetime.now(UTC)
        until = date(now.year + now.month // 12, now.month % 12 + 1, 1)
        since = date(until.year - 1, until.month, 1)
        with new_session(engine) as session:
            calls: dict[str, Callable[[], object]] = {
                "open questions above the queue (admin)": lambda: inbox.open_questions(
                    session, admin, now=now
                ),
                "report's dialogue figures (from the tally)": lambda: tallied.dialogue_figures(
                    session, since=since, until=until, now=now, context_ids=[context_id]
                ),
                "read_figures, 12 months (direct)": lambda: figures.read_figures(
                    session, since=since, until=until
                ),
                "followup_figures, 12 months (direct)": lambda: figures.followup_figures(
                    session, since=since, until=until, now=now
                ),
                "rating_figures, 12 months (direct)": lambda: figures.rating_figures(
                    session, since=since, until=until
                ),
            }
            for label, call in calls.items():
                report(label, *timed(call, args.requests))
        app.state.engine.dispose()
        engine.dispose()
    finally:
        cleanup()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

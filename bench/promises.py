# ruff: noqa: E402 - the imports must follow the sys.path fix below
"""Figures for the feedback promise with 100,000 submissions and 50 tutors (prints them
beside their goals, asserts nothing).

    .venv/bin/python bench/promises.py                    # SQLite (a temporary file)
    KURSWERK_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python bench/promises.py                # PostgreSQL (a fresh database)

With a PostgreSQL URL a throw-away database is created on that server and dropped at the
end (``bench/queue.py``'s way); nothing of an existing database is touched.

What it builds: the real course content; one platform with 4 LMS courses (70,000
submissions in the first, 10,000 in each other), 50 tutors (20 in the first course, 10 in
each other) who each state a weekly capacity, 12,500 learners; each submission one
version with its promise, made over the last 365 days. 90 % are released and settled
(kept or missed against their date, turnaround 1 to 15 working days, mostly 2 to 7,
counted in the tally by course, tutor and month as a release does), 10 % are open (the
most recent, some of them past their date). Each released one has its feedback row
(by the tutor who settled it), 60 % of them read, 5 % with a follow-up question, 30 %
rated (``bench/dialogue.py``'s mix); the database is filled, migrated back to 0023 (the
rows stay, the tallies go) and then to the head, so 0024 fills the dialogue's tally and
0027 the promises' month tally from the per-turnaround one (their time is printed). Then
``ANALYZE`` (PostgreSQL: ``VACUUM
ANALYZE``, as autovacuum would have left it).

What it measures, server time inside the process (an ASGI wrapper; no network, no client
cost) after a warm-up, p50 and p99 over ``--requests`` requests each:

* the admins' report ``GET /c/{context}/admin/promises`` for all LMS courses, for the
  big one, and its CSV - the whole page: the promises (from the month tally) and what
  followed the feedback (read rate, follow-up questions, ratings, from the dialogue's
  tally);
* the promised date: ``PromiseDesk.quote`` for the big course (the statement and the
  rule, as the forms run it), and the lesson page whose upload form shows the date.

Goal: p99 at most 50 ms each.
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
from collections import Counter
from datetime import UTC, date, datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import insert, select, text
from sqlalchemy.engine import Engine, make_url

import kurswerk.models  # noqa: F401 - every table in the metadata
from bench.dialogue import Released, add_feedback, fill_at_head_then_back, migrate_to_head
from bench.queue import ServerTimer, load_average, percentile, prepare_database
from coaching.models import CoachingGrant, CoachingPackage
from course.content import load as content
from course.models import Exercise, Lesson
from feedback.promises.desk import PromiseDesk
from feedback.promises.models import FeedbackPromise, PromiseTally, TutorCapacity
from feedback.promises.rule import day_end, promised_day
from kurswerk.app import create_app
from kurswerk.core.auth import Principal, Role, SessionCodec
from kurswerk.core.clock import add_working_days, local_date
from kurswerk.core.db import make_engine, new_session
from kurswerk.core.settings import Settings
from lti.models import LmsContext, Membership, Platform, PlatformUser
from uploads.models import Submission, SubmissionVersion

CONTENT = _REPO / "content"
INDUSTRIES = ("media", "fmcg", "retail", "b2b")
COURSE_SIZES = (70_000, 10_000, 10_000, 10_000)
TUTORS = (20, 10, 10, 10)
GOAL_MS = 50.0
CHUNK = 10_000


def verdict(p99: float) -> str:
    return "met" if p99 <= GOAL_MS else "MISSED"


def _people(engine: Engine) -> dict[str, object]:
    """Content, the platform, its 4 LMS courses, 50 tutors with capacity, an admin and a
    learner with a coaching package (who opens the lesson page)."""
    with new_session(engine) as session:
        content.load(session, CONTENT)
        platform = Platform(
            name="Bench LMS", issuer="https://lms.bench", client_id="bench",
            auth_login_url="https://lms.bench/auth", auth_token_url="https://lms.bench/token",
            keyset_url="https://lms.bench/jwks",
        )  # fmt: skip
        session.add(platform)
        session.flush()
        contexts = [
            LmsContext(platform_id=platform.id, lms_context_id=f"bench-{n}", title=f"Kurs {n + 1}")
            for n in range(len(COURSE_SIZES))
        ]
        session.add_all(contexts)
        session.flush()
        tutors: list[list[int]] = []
        rng = random.Random(3)
        for context, count in zip(contexts, TUTORS, strict=True):
            ids = []
            for n in range(count):
                tutor = PlatformUser(
                    platform_id=platform.id,
                    sub=f"tutor-{context.id}-{n}",
                    name=f"Tutor {context.id}-{n}",
                )
                session.add(tutor)
                session.flush()
                session.add(Membership(user_id=tutor.id, context_id=context.id, role="tutor"))
                session.add(
                    TutorCapacity(
                        user_id=tutor.id, context_id=context.id, per_week=rng.randint(5, 40)
                    )
                )
                ids.append(tutor.id)
            tutors.append(ids)
        admin = PlatformUser(platform_id=platform.id, sub="admin", name="Ada Admin")
        learner = PlatformUser(platform_id=platform.id, sub="carla", name="Carla", email="c@x.org")
        session.add_all([admin, learner])
        session.flush()
        session.add(Membership(user_id=admin.id, context_id=contexts[0].id, role="admin"))
        session.add(Membership(user_id=learner.id, context_id=contexts[0].id, role="learner"))
        package = CoachingPackage(platform_id=platform.id, name="Bench", feedback_quota=None)
        session.add(package)
        session.flush()
        session.add(
            CoachingGrant(package_id=package.id, context_id=contexts[0].id, user_id=learner.id)
        )
        exercise_ids = list(session.exec(select(Exercise.id).order_by(Exercise.id)).scalars())
        lesson_slug = (
            session.exec(
                select(Lesson.slug)
                .join(Exercise, Exercise.lesson_id == Lesson.id)
                .order_by(Lesson.id)
            )
            .scalars()
            .first()
        )
        session.commit()
        return {
            "platform": platform.id, "contexts": [c.id for c in contexts], "tutors": tutors,
            "admin": admin.id, "learner": learner.id, "exercises": exercise_ids,
            "lesson": lesson_slug,
        }  # fmt: skip


def fill(engine: Engine, seed: int = 11) -> dict[str, object]:
    """The dataset described above; returns the ids the measurements need."""
    people = _people(engine)
    rng = random.Random(seed)
    now = datetime.now(UTC)
    exercises: list[int] = people["exercises"]  # type: ignore[assignment]
    per_learner = len(exercises) * len(INDUSTRIES)
    users = PlatformUser.__table__  # type: ignore[attr-defined]
    with engine.begin() as connection:
        learner_ids = list(
            connection.execute(
                insert(users).returning(users.c.id, sort_by_parameter_order=True),
                [
                    {
                        "platform_id": people["platform"],
                        "sub": f"learner-{n}",
                        "name": f"L {n}",
                        "created_at": now,
                    }  # fmt: skip
                    for n in range(-(-sum(COURSE_SIZES) // per_learner) + len(COURSE_SIZES))
                ],
            ).scalars()
        )
    tally: Counter[tuple[date, int, int, int, bool]] = Counter()
    learners = iter(learner_ids)
    for context_id, size, tutor_ids in zip(
        people["contexts"],
        COURSE_SIZES,
        people["tutors"],
        strict=True,  # type: ignore[call-overload]
    ):
        rows = []
        learner = next(learners)
        for n in range(size):
            if n and n % per_learner == 0:
                learner = next(learners)
            combo = n % per_learner
            age = rng.random()
            open_ = age < 0.10
            at = now - timedelta(seconds=int((age * 21 if open_ else 21 + age * 344) * 86_400))
            rows.append(
                (context_id, learner, exercises[combo // 4], INDUSTRIES[combo % 4], at, open_)
            )
        for start in range(0, len(rows), CHUNK):
            _insert_chunk(engine, rows[start : start + CHUNK], tutor_ids, rng, tally)
    tally_rows = [
        {
            "month": month,
            "context_id": cid,
            "tutor_user_id": tid,
            "turnaround_days": days,
            "kept": n if kept else 0,
            "missed": 0 if kept else n,
            "moved": 0,
        }  # fmt: skip
        for (month, cid, tid, days, kept), n in tally.items()
    ]
    merged: dict[tuple[date, int, int, int], dict[str, object]] = {}
    for row in tally_rows:
        key = (row["month"], row["context_id"], row["tutor_user_id"], row["turnaround_days"])
        if key in merged:
            merged[key]["kept"] += row["kept"]  # type: ignore[operator]
            merged[key]["missed"] += row["missed"]  # type: ignore[operator]
        else:
            merged[key] = row
    with engine.begin() as connection:
        connection.execute(insert(PromiseTally.__table__), list(merged.values()))  # type: ignore[attr-defined]
    with engine.connect() as connection:  # PostgreSQL: the visibility map for index-only reads
        analyze = "VACUUM ANALYZE" if engine.dialect.name == "postgresql" else "ANALYZE"
        connection.execution_options(isolation_level="AUTOCOMMIT").execute(text(analyze))
    people["tally_rows"] = len(merged)
    return people


def _insert_chunk(engine, rows, tutor_ids, rng, tally) -> None:  # type: ignore[no-untyped-def]
    submissions = Submission.__table__  # type: ignore[attr-defined]
    versions = SubmissionVersion.__table__  # type: ignore[attr-defined]
    promises = FeedbackPromise.__table__  # type: ignore[attr-defined]
    with engine.begin() as connection:
        ids = (
            connection.execute(
                insert(submissions).returning(submissions.c.id, sort_by_parameter_order=True),
                [
                    {
                        "context_id": c,
                        "user_id": u,
                        "exercise_id": e,
                        "industry": i,
                        "status": "submitted" if o else "feedback_released",
                        "latest_version": 1,
                        "submitted_at": at,
                        "created_at": at,
                        "updated_at": at,
                    }  # fmt: skip
                    for c, u, e, i, at, o in rows
                ],
            )
            .scalars()
            .all()
        )
        version_ids = (
            connection.execute(
                insert(versions).returning(versions.c.id, sort_by_parameter_order=True),
                [
                    {
                        "submission_id": sid,
                        "number": 1,
                        "file_key": f"k/{sid}.pdf",
                        "sha256": f"{sid:064x}",
                        "size": 250_000,
                        "pages": 4,
                        "display_name": "l.pdf",
                        "note": "",
                        "idempotency_key": f"bench-{sid}",
                        "created_at": row[4],
                    }  # fmt: skip
                    for sid, row in zip(ids, rows, strict=True)
                ],
            )
            .scalars()
            .all()
        )
        values = []
        for sid, vid, (context_id, _, _, _, at, open_) in zip(ids, version_ids, rows, strict=True):
            submitted_on = local_date(at)
            due_on = promised_day(submitted_on, 5, rng.randrange(0, 60), 200)
            value = {
                "context_id": context_id, "submission_id": sid, "submission_version_id": vid,
                "due_on": due_on, "due_at": day_end(due_on), "first_due_on": due_on,
                "target_days": 5, "waiting": 0, "weekly_capacity": 200, "revision": 0,
                "state": "open", "created_at": at, "updated_at": at, "settled_at": None,
                "released_by_user_id": None, "turnaround_days": None,
            }  # fmt: skip
            if not open_:
                turnaround = min(15, max(1, round(rng.gauss(4.5, 2.5))))  # mostly in time
                released = add_working_days(submitted_on, turnaround)
                kept = released <= due_on
                tutor = rng.choice(tutor_ids)
                value.update(
                    state="kept" if kept else "missed", turnaround_days=turnaround,
                    released_by_user_id=tutor, settled_at=at + timedelta(days=turnaround),
                )  # fmt: skip
                tally[(released.replace(day=1), context_id, tutor, turnaround, kept)] += 1
            values.append(value)
        connection.execute(insert(promises), values)


def _released(engine: Engine) -> list[Released]:
    """Every settled promise's version, released by its tutor when it was settled."""
    p, s = FeedbackPromise.__table__, Submission.__table__  # type: ignore[attr-defined]
    with engine.connect() as connection:
        rows = connection.execute(
            select(
                p.c.submission_id,
                s.c.user_id,
                p.c.submission_version_id,
                p.c.context_id,
                p.c.released_by_user_id,
                p.c.settled_at,
            )  # fmt: skip
            .join(s, s.c.id == p.c.submission_id)
            .where(p.c.state.in_(("kept", "missed")))
            .order_by(p.c.id)
        ).all()
    return [Released(*row) for row in rows]


def _timed(label: str, samples: list[float]) -> None:
    p50, p99 = statistics.median(samples), percentile(samples, 99)
    print(
        f"  {label:<44} p50 {p50:6.2f} ms   p99 {p99:6.2f} ms   (goal p99 <= {GOAL_MS:.0f} ms:"
        f" {verdict(p99)})"
    )


def measure(requests: int) -> None:
    url, cleanup = prepare_database(os.environ.get("KURSWERK_DATABASE_URL"))
    try:
        print(f"database: {make_url(url).get_backend_name()} ({make_url(url).database})")
        started = time.perf_counter()
        engine = make_engine(url)

        def rows() -> tuple[dict[str, object], dict[str, int]]:
            filled = fill(engine)
            return filled, add_feedback(engine, _released(engine), random.Random(5))

        ids, dialogue = fill_at_head_then_back(url, rows)
        print(f"migrations 0024-0027 (the tallies filled): {migrate_to_head(url):.1f} s")
        with engine.connect() as connection:
            analyze = "VACUUM ANALYZE" if engine.dialect.name == "postgresql" else "ANALYZE"
            connection.execution_options(isolation_level="AUTOCOMMIT").execute(text(analyze))
        with engine.connect() as connection:
            counts = dict(
                connection.execute(
                    text("SELECT state, COUNT(*) FROM feedback_promise GROUP BY state")
                ).all()
            )
        print(
            f"filled in {time.perf_counter() - started:.1f} s: {sum(counts.values()):,} "
            f"submissions with promises {dict(sorted(counts.items()))}, 50 tutors, "
            f"{ids['tally_rows']:,} tally rows; after the feedback: {dialogue}"
        )
        big = ids["contexts"][0]  # type: ignore[index]
        desk = PromiseDesk()
        with new_session(engine) as session:
            for _ in range(20):
                desk.quote(session, big, target_days=5, now=datetime.now(UTC))
            samples = []
            for _ in range(requests):
                start = time.perf_counter()
                desk.quote(session, big, target_days=5, now=datetime.now(UTC))
                samples.append((time.perf_counter() - start) * 1000)
        print(
            f"\n{requests} runs each ({os.cpu_count()} CPUs, load average before: "
            f"{load_average()}):"
        )
        _timed("promised date (PromiseDesk.quote, big course)", samples)

        settings = Settings(
            env="test", database_url=url, base_url="https://kurswerk.bench",
            secret_key="bench-secret-key-that-is-long-enough-0123456789",  # type: ignore[arg-type]
            storage_url=f"file://{tempfile.gettempdir()}/kurswerk-bench-storage",
            log_level="WARNING",
        )  # fmt: skip
        app = create_app(settings)
        codec: SessionCodec = app.state.session_codec

        def token(user: int, role: Role) -> str:
            principal = Principal(
                user_id=user, context_id=big, platform_id=ids["platform"], role=role,  # type: ignore[arg-type]
                name="Bench", sid="bench",
            )  # fmt: skip
            return codec.issue(principal)

        admin = token(ids["admin"], Role.ADMIN)  # type: ignore[arg-type]
        learner = token(ids["learner"], Role.LEARNER)  # type: ignore[arg-type]
        timer = ServerTimer(app)
        scenarios = {
            "report, all LMS courses": f"/c/{big}/admin/promises?kt={admin}",
            "report, the big LMS course": f"/c/{big}/admin/promises?course={big}&kt={admin}",
            "report as CSV": f"/c/{big}/admin/promises.csv?kt={admin}",
            "lesson page with the dated upload form": (
                f"/c/{big}/lessons/{ids['lesson']}?kt={learner}"
            ),
        }
        with TestClient(timer, base_url="https://kurswerk.bench") as client:
            for label, path in scenarios.items():
                for _ in range(20):
                    response = client.get(path)
                    assert response.status_code == 200, (path, response.status_code)
                timer.samples.clear()
                for _ in range(requests):
                    client.get(path)
                _timed(f"GET {label}", list(timer.samples))
        app.state.engine.dispose()
        engine.dispose()
    finally:
        cleanup()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args(argv)
    measure(args.requests)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

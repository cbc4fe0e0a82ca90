# ruff: noqa: E402 - the imports must follow the sys.path fix below
"""Figures for the comment bank's search while typing (prints them, asserts nothing).

    .venv/bin/python bench/comment_bank.py                # SQLite (a temporary file)
    KURSWERK_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test \\
        .venv/bin/python bench/comment_bank.py            # PostgreSQL (a fresh database)

Twenty LMS courses of one platform show the course; the one measured holds the most a
bank may (``MAX_SNIPPETS``, 1,000 snippets), each other one 500 (10,500 rows in all),
with German text drawn from the lesson's own words, spread over the exercises and
industries. Then ``feedback.comment_bank.search.find_snippets`` (the query the JSON
route runs, without HTTP) for what a tutor types: nothing yet, one to three letters,
a frequent word, a rare one, two words; for one exercise and industry, as the review
page asks. The substring match runs over the one LMS course's rows the index
``ix_comment_snippet_scope`` selects.
Goal: p99 under 20 ms per search.
"""

from __future__ import annotations

import sys
from pathlib import Path

_REPO = Path(__file__).resolve().parent.parent
if sys.path and Path(sys.path[0] or ".").resolve() == _REPO / "bench":
    sys.path[0] = str(_REPO)

import os
import random
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable

from sqlalchemy import create_engine, insert, text
from sqlalchemy.engine import make_url
from sqlmodel import select

import kurswerk.models  # noqa: F401 - every table in the metadata
from course.content import load as content
from course.faq.source import lesson_text
from course.models import Lesson
from feedback.comment_bank.models import CommentSnippet
from feedback.comment_bank.scope import BankScope
from feedback.comment_bank.search import find_snippets
from feedback.comment_bank.snippets import MAX_SNIPPETS, fold
from feedback.queue_sql import course_outline
from kurswerk.core import migrations
from kurswerk.core.db import make_engine, new_session
from lti.models import LmsContext, Platform

ROOT = Path(__file__).resolve().parents[1]
COURSES = 20
OTHERS = 500
RUNS = 300
GOAL_MS = 20.0
INDUSTRIES = ["", "", "media", "fmcg", "retail", "b2b"]


def _database() -> tuple[str, Callable[[], None]]:
    url = os.environ.get("KURSWERK_DATABASE_URL", "")
    if not url.startswith("postgresql"):
        folder = tempfile.mkdtemp(prefix="kurswerk-bench-")
        return f"sqlite:///{folder}/bank.db", lambda: None
    name = f"kurswerk_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(make_url(url), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return make_url(url).set(database=name).render_as_string(hide_password=False), drop


def _seed(url: str) -> tuple[BankScope, list[str]]:
    engine = make_engine(url)
    rng = random.Random(13)
    with new_session(engine) as session:
        content.load(session, ROOT / "content")
        platform = Platform(
            issuer="https://lms.bench", client_id="bench", auth_login_url="https://lms.bench/a",
            auth_token_url="https://lms.bench/t", keyset_url="https://lms.bench/k",
        )  # fmt: skip
        session.add(platform)
        session.flush()
        contexts = [
            LmsContext(platform_id=platform.id or 0, lms_context_id=f"k{n}") for n in range(COURSES)
        ]
        session.add_all(contexts)
        session.flush()
        lesson = session.exec(select(Lesson)).first()
        assert lesson is not None
        words = sorted(set(lesson_text(lesson.body_html).replace(".", " ").split()))
        scopes = []
        for context in contexts:
            assert context.id is not None
            outline = course_outline(session, context.id)
            scopes.append(BankScope(context.id, 1, "de", outline))
        exercises = [None, *scopes[0].outline.exercise_ids]
        rows = []
        for n, scope in enumerate(scopes):
            for _ in range(MAX_SNIPPETS if n == 0 else OTHERS):
                title = " ".join(rng.choices(words, k=rng.randint(2, 5)))[:120]
                body = " ".join(rng.choices(words, k=rng.randint(15, 80)))
                rows.append(
                    {
                        "context_id": scope.context_id,
                        "course_id": 1,
                        "exercise_id": rng.choice(exercises),
                        "industry": rng.choice(INDUSTRIES),
                        "title": title,
                        "body_markdown": body,
                        "title_key": fold(title),
                        "search_text": fold(f"{title}\n{body}"),
                        "use_count": rng.randint(0, 40),
                    }  # fmt: skip
                )
        session.execute(insert(CommentSnippet.__table__), rows)  # type: ignore[attr-defined]
        session.commit()
    engine.dispose()
    return scopes[0], words


def main() -> int:
    url, cleanup = _database()
    try:
        print(f"Comment bank benchmark on {make_url(url).get_backend_name()}")
        migrations.upgrade(url)
        scope, words = _seed(url)
        rng = random.Random(5)
        frequent = max(words, key=len)
        queries = {
            "nothing typed": lambda: "",
            "one to three letters": lambda: rng.choice(words)[: rng.randint(1, 3)],
            "a word": lambda: rng.choice(words),
            "a rare word": lambda: "xylophon",
            "two words": lambda: f"{rng.choice(words)} {rng.choice(words)[:4]}",
            "a long word": lambda: frequent,
        }
        engine = make_engine(url)
        exercise = scope.outline.exercise_ids[0]
        print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        print(f"{MAX_SNIPPETS} snippets in the bank measured, {(COURSES - 1) * OTHERS} elsewhere")
        worst = 0.0
        with new_session(engine) as session:
            for label, make in queries.items():
                timings = []
                for _ in range(RUNS):
                    started = time.perf_counter()
                    find_snippets(
                        session, scope, query=make(), exercise_id=exercise, industry="media"
                    )
                    timings.append((time.perf_counter() - started) * 1000)
                p50 = statistics.median(timings)
                p99 = statistics.quantiles(timings, n=100)[98]
                worst = max(worst, p99)
                print(
                    f"  {label:22} p50 {p50:6.2f} ms   p99 {p99:6.2f} ms   goal p99 < {GOAL_MS} ms"
                )
        engine.dispose()
        print(f"worst p99 {worst:.2f} ms: {'met' if worst < GOAL_MS else 'MISSED'}")
        print(f"load average now: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        return 0
    finally:
        cleanup()


if __name__ == "__main__":
    raise SystemExit(main())

"""``bench/forum.py`` runs end to end on the test run's kind of database (a temporary SQLite
file, or a throw-away database on the PostgreSQL server), small (40 threads, 20 requests a
figure): its figures mean nothing here, but it must seed the forum, get an answer to every
request, print each figure beside its goal and remove its database."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

REPO = Path(__file__).resolve().parents[2]
WITH_GOAL = [
    "thread list (page 1 and random)",
    "search (1-3 words, lesson)",
    "search (compound parts)",
    "search (whole course)",
]
FOR_COMPARISON = ["baseline: GET /health", "suggestions fragment", "thread page (10 posts)"]


def _bench_databases(url: str) -> list[str]:
    engine = create_engine(make_url(url))
    try:
        with engine.connect() as connection:
            names = connection.execute(
                text("SELECT datname FROM pg_database WHERE datname LIKE 'kurswerk_bench_%'")
            )
            return sorted(names.scalars())
    finally:
        engine.dispose()


def test_the_forum_benchmark_runs_small_and_prints_each_figure_beside_its_goal(tmp_path: Path):
    choice = os.environ.get("KURSWERK_TEST_DATABASE", "sqlite")
    env = {k: v for k, v in os.environ.items() if not k.startswith("KURSWERK_")}
    env["TMPDIR"] = str(tmp_path)  # where the SQLite run puts its database
    if choice != "sqlite":
        env["KURSWERK_DATABASE_URL"] = choice
        before = _bench_databases(choice)
    result = subprocess.run(
        [sys.executable, "bench/forum.py", "--threads", "40", "--runs", "20"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    lines = result.stdout.splitlines()
    backend = "sqlite" if choice == "sqlite" else "postgresql"
    assert lines[0] == f"Forum benchmark on {backend}"
    figures = {
        line.split(" n=")[0].strip(): line.rsplit("ms   ", 1)[-1] for line in lines if " n=" in line
    }
    assert list(figures) == [FOR_COMPARISON[0], *WITH_GOAL, *FOR_COMPARISON[1:]]
    for label in WITH_GOAL:
        assert figures[label] in ("goal p99 < 50 ms: met", "goal p99 < 50 ms: MISSED"), label
    for label in FOR_COMPARISON:
        assert figures[label] == "no goal (for comparison)", label
    assert any(line.startswith("  goal: list and search p99 < 50 ms: ") for line in lines)
    # nothing left behind
    if choice == "sqlite":
        assert list(tmp_path.iterdir()) == []
    else:
        assert _bench_databases(choice) == before

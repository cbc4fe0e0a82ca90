"""``kurswerk serve`` starts on a busy host: the ``kurswerk`` script's module imports
nothing of the app (every process started with ``spawn`` imports it again first), and
uvicorn gives a worker time to start before it counts it as hung."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from kurswerk import cli
from kurswerk.cli import run as cli_run

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("fastapi", "sqlalchemy", "sqlmodel", "kurswerk.wiring", "kurswerk.app", "course")


def test_the_kurswerk_scripts_module_imports_nothing_of_the_app():
    probe = f"import sys, kurswerk.cli; print(','.join(m for m in {HEAVY!r} if m in sys.modules))"
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == ""


def test_serve_gives_a_worker_a_minute_to_start(monkeypatch: pytest.MonkeyPatch):
    import uvicorn

    started: dict[str, Any] = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **options: started.update(options))
    assert cli.main(["serve", "--port", "8999", "--workers", "2"]) == 0
    assert started["workers"] == 2
    assert started["timeout_worker_healthcheck"] == cli_run.WORKER_STARTUP_SECONDS >= 30

"""Starting the tool as its own server process for a benchmark: a free port, its settings."""

from __future__ import annotations

import os
import socket
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"  # Debian's, driven by Playwright (never `playwright install`)
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]

SECRET = "bench-secret-key-0123456789-0123456789-abcdef"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def tool_env(database_url: str, tool: str, workdir: Path, **extra: str) -> dict[str, str]:
    """This process's environment plus the tool's settings (``KURSWERK_*``), for ``extra``
    more; storage in ``workdir``, no virus scanner."""
    env = {
        **os.environ,
        "KURSWERK_ENV": "dev",
        "KURSWERK_DATABASE_URL": database_url,
        "KURSWERK_BASE_URL": tool,
        "KURSWERK_SECRET_KEY": SECRET,
        "KURSWERK_STORAGE_URL": f"file://{workdir / 'storage'}",
        "KURSWERK_LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
        **extra,
    }
    env.pop("KURSWERK_CLAMAV_URL", None)
    return env

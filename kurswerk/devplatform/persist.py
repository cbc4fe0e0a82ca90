"""What the simulated LMS keeps across ``kurswerk demo`` restarts: its course's links
(deep-linked ones too), gradebook columns, scores and the dynamic registration as one
JSON file, and the caught mails as JSON lines, both in the demo's data folder (next to
its SQLite database, ``./var/``). A real LMS keeps them; a demo that forgot its
gradebook on restart would answer the tool's next score with 404.

Each write replaces the whole file atomically (a temporary file, then ``os.replace``),
so a demo killed mid-write keeps the previous state. An unreadable file is set aside
(``.broken``) rather than stopping the demo.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import asdict
from datetime import datetime
from pathlib import Path
from typing import Any

log = logging.getLogger("kurswerk.devplatform")

COURSE_FILE = "simulator-course.json"
MAILS_FILE = "simulator-mails.jsonl"


def write_atomically(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


def read_json(path: Path) -> Any | None:
    """The file's JSON, or ``None`` when it is missing or unreadable (then set aside)."""
    if not path.exists():
        return None
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        log.warning("simulator data %s unreadable (%s); starting without it", path, exc)
        os.replace(path, path.with_name(path.name + ".broken"))
        return None


def read_json_lines(path: Path) -> list[dict[str, Any]]:
    """Each readable JSON object line of the file (a torn last line is skipped)."""
    if not path.exists():
        return []
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            row = json.loads(line)
        except ValueError:
            continue
        if isinstance(row, dict):
            rows.append(row)
    return rows


def plain(value: Any) -> dict[str, Any]:
    """A dataclass as JSON-ready data (datetimes as ISO 8601)."""
    return {
        name: item.isoformat() if isinstance(item, datetime) else item
        for name, item in asdict(value).items()
    }

"""Fixtures of the uploads tests: a storage, a way to write files."""

from __future__ import annotations

from pathlib import Path

import pytest

from kurswerk import i18n
from uploads.messages import MESSAGES
from uploads.storage import LocalStorage

i18n.register(MESSAGES)  # what uploads.routes will do


@pytest.fixture
def storage(tmp_path: Path) -> LocalStorage:
    return LocalStorage(tmp_path / "storage")


@pytest.fixture
def write_file(tmp_path: Path):
    def write(data: bytes, name: str = "upload.pdf") -> Path:
        path = tmp_path / name
        path.write_bytes(data)
        return path

    return write

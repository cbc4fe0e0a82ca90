"""Fixtures of the uploads tests: one isolated PDF checker for the session, a storage."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from kurswerk.core.files.pdf.check import PdfChecker
from kurswerk.core.files.storage import LocalStorage


@pytest.fixture(scope="session")
def checker() -> Iterator[PdfChecker]:
    pdf_checker = PdfChecker(workers=2)
    pdf_checker.warm_up()
    yield pdf_checker
    pdf_checker.close()


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

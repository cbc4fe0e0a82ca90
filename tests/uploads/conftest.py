"""Fixtures of the uploads tests: one isolated PDF checker for the session, a storage."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from kurswerk import i18n
from uploads.messages import MESSAGES
from uploads.pdfcheck import PdfChecker
from uploads.storage import LocalStorage

i18n.register(MESSAGES)  # what uploads.routes will do


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

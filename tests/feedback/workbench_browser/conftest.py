"""Fixtures of the workbench's browser tests: the app on a loopback port, one Chromium
for the module, and a submission whose PDF has real text lines (``text_pdfs``)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from playwright.sync_api import Browser, sync_playwright

from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.e2e.servers import served
from tests.feedback.workbench_browser.text_pdfs import text_pdf, use_pdf


@pytest.fixture
def live(app: FastAPI) -> Iterator[str]:
    with served(app) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def submission(world, make_submission, db, storage):
    """Lena's submission of a 12-page PDF with text, waiting for feedback."""
    made = make_submission(world.learner, note="Bitte auf die Zielgruppe achten.")
    use_pdf(db, storage, made, text_pdf(pages=12))
    return made

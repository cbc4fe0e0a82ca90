"""Fixtures of the workbench's browser tests: the app on a loopback port, one Chromium
for the module, and a submission whose PDF has real text lines (``text_pdfs``)."""

from __future__ import annotations

import pytest

from tests.feedback.workbench_browser.text_pdfs import text_pdf, use_pdf


@pytest.fixture
def submission(world, make_submission, db, storage):
    """Lena's submission of a 12-page PDF with text, waiting for feedback."""
    made = make_submission(world.learner, note="Bitte auf die Zielgruppe achten.")
    use_pdf(db, storage, made, text_pdf(pages=12))
    return made

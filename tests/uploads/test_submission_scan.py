# ruff: noqa: F811 - fixtures are imported by name and then requested as arguments
"""Submitting with a virus scanner (``KURSWERK_CLAMAV_URL``): a real clamd with a local
EICAR signature (as in test_scan), and a scanner that is down - which fails closed."""

from __future__ import annotations

import pytest

from tests.support.people import make_learner  # noqa: F401 - fixture
from tests.uploads import pdfs
from tests.uploads.submission_fixtures import (  # noqa: F401 - fixtures
    NOTHING,
    course_loaded,
    exercise_id,
    people,
    storage_root,
    stored,
    text_of,
    upload_pdf,
    web,
)
from tests.uploads.test_scan import EICAR, clamd, free_port  # noqa: F401 - fixture


def pdf_carrying_eicar() -> bytes:
    """A valid one-page PDF whose (uncompressed) content stream holds the EICAR string:
    it passes the PDF check, so only the scanner can refuse it."""
    page = pdfs.PAGE.replace(b"/Resources << >>", b"/Resources << >> /Contents 4 0 R")
    stream = b"<< /Length %d >>\nstream\n%s\nendstream" % (len(EICAR), EICAR)
    return pdfs.raw_pdf([pdfs.CATALOG, pdfs.PAGES, page, stream])


class TestWithARealScanner:
    @pytest.fixture
    def settings(self, settings, clamd):
        return settings.model_copy(update={"clamav_url": clamd.tcp_url})

    def test_a_pdf_with_a_virus_signature_is_refused(self, web, db, people, settings):
        response = upload_pdf(web, people.holder, exercise_id(db), pdf_carrying_eicar())
        assert response.status_code == 422
        assert "In der Datei wurde Schadsoftware gefunden." in text_of(response.text)
        assert stored(db, storage_root(settings)) == NOTHING

    def test_a_clean_pdf_passes_the_scan(self, web, db, people, settings):
        response = upload_pdf(web, people.holder, exercise_id(db), pdfs.make_pdf(pages=2))
        assert response.status_code == 303


class TestWithTheScannerDown:
    @pytest.fixture
    def settings(self, settings):
        return settings.model_copy(update={"clamav_url": f"tcp://127.0.0.1:{free_port()}"})

    def test_an_upload_is_refused_while_the_scanner_is_down(self, web, db, people, settings):
        response = upload_pdf(web, people.holder, exercise_id(db), pdfs.make_pdf())
        assert response.status_code == 503
        assert "nicht auf Viren geprüft werden" in text_of(response.text)
        assert stored(db, storage_root(settings)) == NOTHING

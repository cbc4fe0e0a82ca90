# ruff: noqa: F811 - fixtures are imported by name and then requested as arguments
"""Uploads are not forms: a PDF larger than the app-wide form cap (KURSWERK_MAX_FORM_KB)
but within KURSWERK_MAX_UPLOAD_MB is received and stored, with a length or chunked."""

from __future__ import annotations

import pytest
from sqlmodel import select

from tests.support.people import make_learner  # noqa: F401 - fixture
from tests.uploads import pdfs
from tests.uploads.submission_fixtures import (  # noqa: F401 - fixtures
    course_loaded,
    exercise_id,
    file_part,
    multipart,
    people,
    post_upload,
    storage_root,
    web,
)
from uploads.models import SubmissionVersion


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
def test_a_pdf_over_the_form_cap_and_within_the_upload_limit_is_stored(
    web, db, people, settings, chunked
):
    data = pdfs.photo_pdf(settings.max_form_bytes + 512 * 1024)
    assert settings.max_form_bytes < len(data) < settings.max_upload_bytes
    response = post_upload(
        web, people.holder, exercise_id(db), multipart(file_part(data)), chunked=chunked
    )
    assert response.status_code == 303, response.text[:2000]
    version = db.exec(select(SubmissionVersion)).one()
    assert version.size == len(data)
    assert (storage_root(settings) / version.file_key).read_bytes() == data

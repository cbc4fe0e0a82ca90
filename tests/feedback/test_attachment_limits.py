"""The feedback PDF's size limit is the upload limit (KURSWERK_MAX_UPLOAD_MB), enforced
while the body streams in."""

from __future__ import annotations

import os

import pytest

from tests.feedback.helpers import attach, claim, feedback_rows, path, save, text_of


@pytest.fixture
def settings(settings):
    return settings.model_copy(update={"max_upload_mb": 1})


@pytest.mark.parametrize("chunked", [False, True])
def test_a_file_over_the_limit_is_cut_off_with_a_message(
    web, world, make_submission, db, storage, chunked
):
    submission = make_submission(world.learner)
    claim(web, world.tutor, submission.id)
    save(web, world.tutor, submission.id, "Entwurf")
    big = b"%PDF-1.7\n" + os.urandom(2 * 1024 * 1024)
    if chunked:
        boundary = "grenze123"
        body = (
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
                f'filename="gross.pdf"\r\nContent-Type: application/pdf\r\n\r\n'
            ).encode()
            + big
            + f"\r\n--{boundary}--\r\n".encode()
        )

        def chunks():
            for start in range(0, len(body), 65536):
                yield body[start : start + 65536]

        response = web.post(
            path(world.tutor, f"/review/{submission.id}/feedback/attachment"),
            content=chunks(),
            headers={
                "content-type": f"multipart/form-data; boundary={boundary}",
                "x-csrf-token": world.tutor.csrf,
            },
        )
    else:
        response = attach(web, world.tutor, submission.id, big)
    assert response.status_code == 413
    page = text_of(response)
    assert "Das PDF wurde nicht angehängt" in page and "größer als 1 MB" in page
    (draft,) = feedback_rows(db, submission.id)
    assert draft.attachment_key is None and draft.body_markdown == "Entwurf"
    assert not any(storage.temp_dir.iterdir())

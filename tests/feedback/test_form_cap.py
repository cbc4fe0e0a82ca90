"""The app-wide form cap (KURSWERK_MAX_FORM_KB) on the feedback pages: a draft form over
it is refused before the feedback's own form reader sees it, and saves nothing; the
feedback PDF is an upload and may be larger than the cap."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest

from tests.feedback.helpers import attach, claim, feedback_rows, path, save
from tests.uploads.pdfs import photo_pdf

REFUSED = "Die Anfrage ist zu groß: Ein Formular darf höchstens 1024 KB senden."


@pytest.mark.parametrize("declared", [True, False])
def test_a_draft_over_the_form_cap_is_refused_and_the_draft_is_unchanged(
    web, world, make_submission, db, settings, declared
):
    """With a Content-Length, and chunked without one (a generator body)."""
    submission = make_submission(world.learner)
    claim(web, world.tutor, submission.id)
    assert save(web, world.tutor, submission.id, "Entwurf").status_code == 303
    form = {"csrf_token": world.tutor.csrf, "body": "Neu", "action": "save"}
    body = urlencode({**form, "filler": "f" * settings.max_form_bytes}).encode()

    def chunks():
        for start in range(0, len(body), 65536):
            yield body[start : start + 65536]

    response = web.post(
        path(world.tutor, f"/review/{submission.id}/feedback"),
        content=body if declared else chunks(),
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 413 and REFUSED in response.text
    (draft,) = feedback_rows(db, submission.id)
    assert draft.body_markdown == "Entwurf"


def test_a_feedback_pdf_over_the_form_cap_is_attached(web, world, make_submission, db, settings):
    submission = make_submission(world.learner)
    claim(web, world.tutor, submission.id)
    data = photo_pdf(settings.max_form_bytes + 512 * 1024)
    response = attach(web, world.tutor, submission.id, data, name="Anmerkungen.pdf")
    assert response.status_code == 303 and "done=attached" in response.headers["location"]
    (draft,) = feedback_rows(db, submission.id)
    assert draft.attachment_name == "Anmerkungen.pdf"

"""The release confirmation is tied to the annotation set it shows (issue 13, "Release
that cannot surprise"): its form sends the set's revision back, and a set saved since
(another tab, the workbench's autosave landing after the page loaded) stops the release
with a 409 and nothing written, until the tutor checks again. The annotated PDF the
confirmation shows is the preview of that revision, refused once the set moved on."""

from __future__ import annotations

import html
import io
import re

import pytest

from tests.feedback.helpers import (
    claim_row,
    confirmation,
    confirmed,
    feedback_rows,
    outbox,
    path,
    release,
    save,
    status_of,
    text_of,
)
from tests.feedback.workbench.conftest import pdf_of
from tests.feedback.workbench.helpers import freetext, highlight, note, put_set
from tests.feedback.workbench.test_release import objects, read_annotations

CHANGED = "Die Anmerkungen im PDF wurden geändert, nachdem Sie die Freigabe geprüft haben"


@pytest.fixture
def one_note(web, world, claimed, use_pdf):
    """Tilda's draft on a two-page submission with one note saved (revision 1)."""
    use_pdf(claimed, pdf_of([{}, {}]))
    assert put_set(web, world.tutor, claimed.id, 0, [note()]).json()["revision"] == 1
    assert save(web, world.tutor, claimed.id, "Siehe Anmerkungen im PDF.").status_code == 303
    return claimed


def preview_link(page_html: str) -> str:
    found = re.search(r'<a href="([^"]*/annotated\.pdf\?[^"]*)"', page_html)
    assert found, "no link to the annotated PDF's preview"
    return html.unescape(found.group(1))


def nothing_reached_the_learner(web, world, db, storage, submission, before) -> None:
    (feedback,) = feedback_rows(db, submission.id)
    assert feedback.status == "draft" and feedback.annotated_key is None
    assert status_of(db, submission.id) == "in_review" and claim_row(db, submission.id)
    assert outbox(db) == []
    assert objects(storage) == before and not any(storage.temp_dir.iterdir())
    page = text_of(web.get(path(world.learner, f"/feedback/{submission.id}")))
    assert "Ihr Feedback ist noch nicht da" in page
    pdf = web.get(path(world.learner, f"/feedback/{submission.id}/versions/1/attachment"))
    assert pdf.status_code == 404


def test_annotations_saved_in_another_tab_after_the_confirmation_stop_the_release(
    web, world, one_note, db, storage
):
    submission = one_note
    page = confirmation(web, world.tutor, submission.id)
    assert "Das eingereichte PDF mit Ihrer Anmerkung" in page.text
    shown = confirmed(page.text)
    assert shown[1] == 1
    three = [note(), highlight(), freetext(page=2)]
    assert put_set(web, world.tutor, submission.id, 1, three).json()["revision"] == 2
    before = objects(storage)

    refused = release(web, world.tutor, submission.id, *shown)
    assert refused.status_code == 409
    assert CHANGED in text_of(refused) and "Bitte prüfen Sie die Freigabe erneut" in text_of(
        refused
    )
    nothing_reached_the_learner(web, world, db, storage, submission, before)

    again = confirmation(web, world.tutor, submission.id)
    assert "Das eingereichte PDF mit Ihren 3 Anmerkungen" in again.text
    assert confirmed(again.text)[1] == 2
    assert release(web, world.tutor, submission.id, *confirmed(again.text)).status_code == 303
    (feedback,) = feedback_rows(db, submission.id)
    assert len(read_annotations(storage.path_for(feedback.annotated_key))) == 3


def test_an_autosave_landing_after_the_confirmation_loaded_stops_the_release(
    web, world, claimed, use_pdf, db, storage
):
    """The workbench saves on leaving the page (a keepalive request), which may land after
    the confirmation it left for was rendered: that confirmation said "no PDF"."""
    use_pdf(claimed, pdf_of([{}]))
    assert save(web, world.tutor, claimed.id, "Gut.").status_code == 303
    page = confirmation(web, world.tutor, claimed.id)
    assert "Kein PDF: Lena Lernende erhält nur den Text." in text_of(page)
    shown = confirmed(page.text)
    assert shown[1] == 0
    assert put_set(web, world.tutor, claimed.id, 0, [note()]).status_code == 200  # the autosave
    before = objects(storage)

    refused = release(web, world.tutor, claimed.id, *shown)
    assert refused.status_code == 409 and CHANGED in text_of(refused)
    nothing_reached_the_learner(web, world, db, storage, claimed, before)

    again = confirmation(web, world.tutor, claimed.id)
    assert "Das eingereichte PDF mit Ihrer Anmerkung" in again.text
    assert release(web, world.tutor, claimed.id, *confirmed(again.text)).status_code == 303
    (feedback,) = feedback_rows(db, claimed.id)
    assert feedback.status == "released" and feedback.annotated_key is not None


def test_a_release_form_that_names_no_annotation_revision_is_refused(
    web, world, one_note, db, storage
):
    rev, _ = confirmed(confirmation(web, world.tutor, one_note.id).text)
    response = web.post(
        path(world.tutor, f"/review/{one_note.id}/release"),
        data={"csrf_token": world.tutor.csrf, "revision": rev},
    )
    assert response.status_code == 409 and CHANGED in text_of(response)
    assert outbox(db) == [] and feedback_rows(db, one_note.id)[0].status == "draft"


def test_the_confirmations_preview_shows_the_confirmed_set_and_refuses_a_newer_one(
    web, world, one_note, storage
):
    page = confirmation(web, world.tutor, one_note.id)
    link = preview_link(page.text)
    assert "revision=1" in link
    before = objects(storage)
    shown = web.get(link)
    assert shown.status_code == 200 and shown.headers["content-type"] == "application/pdf"
    assert [a["Subtype"] for a in read_annotations(io.BytesIO(shown.content))] == ["/Text"]

    put_set(web, world.tutor, one_note.id, 1, [note(), highlight()])
    moved_on = web.get(link)
    assert moved_on.status_code == 409
    assert CHANGED in moved_on.text
    assert objects(storage) == before and not any(storage.temp_dir.iterdir())

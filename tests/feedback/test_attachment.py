"""The feedback PDF (coaching issue §3 "may attach a feedback PDF (same checks)", §5): the
submission intake's streaming limits, the PDF check and storage; a refusal says why in
German and leaves the draft exactly as it was."""

from __future__ import annotations

import pikepdf
import pytest
from pikepdf import Dictionary, Name, String

from tests.feedback.helpers import attach, claim, feedback_rows, path, save, text_of
from tests.uploads.pdfs import make_pdf, png_bytes

UNCHANGED = "Das PDF wurde nicht angehängt; Ihr Entwurf ist unverändert."


@pytest.fixture
def claimed_with_draft(web, world, make_submission):
    submission = make_submission(world.learner)
    assert claim(web, world.tutor, submission.id).status_code == 303
    assert save(web, world.tutor, submission.id, "Mein Entwurf").status_code == 303
    return submission


def draft_state(db, sid):
    (draft,) = feedback_rows(db, sid)
    return (draft.body_markdown, draft.attachment_key, draft.attachment_name, draft.updated_at)


def no_temp_files(storage) -> bool:
    return not any(storage.temp_dir.iterdir())


def test_a_checked_pdf_is_stored_and_attached_to_the_draft(
    web, world, claimed_with_draft, db, storage, pdf_for_feedback
):
    sid = claimed_with_draft.id
    response = attach(web, world.tutor, sid, pdf_for_feedback, name="Anmerkungen Ü.pdf")
    assert response.status_code == 303 and "done=attached" in response.headers["location"]
    (draft,) = feedback_rows(db, sid)
    assert draft.body_markdown == "Mein Entwurf"  # the text stays
    assert draft.attachment_name == "Anmerkungen Ü.pdf"
    assert storage.path_for(draft.attachment_key).read_bytes() == pdf_for_feedback
    assert no_temp_files(storage)
    page = web.get(response.headers["location"])
    assert "PDF angehängt." in page.text and "Anmerkungen Ü.pdf" in page.text
    served = web.get(path(world.tutor, f"/feedback/{sid}/versions/1/attachment?disposition=inline"))
    assert served.status_code == 200 and served.content == pdf_for_feedback


def test_a_new_pdf_replaces_the_old_one_and_can_be_removed(
    web, world, claimed_with_draft, db, pdf_for_feedback
):
    sid = claimed_with_draft.id
    attach(web, world.tutor, sid, pdf_for_feedback, name="eins.pdf")
    attach(web, world.tutor, sid, make_pdf(3), name="zwei.pdf")
    (draft,) = feedback_rows(db, sid)
    assert draft.attachment_name == "zwei.pdf"
    removed = web.post(
        path(world.tutor, f"/review/{sid}/feedback/attachment/remove"),
        data={"csrf_token": world.tutor.csrf},
    )
    assert removed.status_code == 303
    (draft,) = feedback_rows(db, sid)
    assert (draft.attachment_key, draft.attachment_name) == (None, None)
    assert draft.body_markdown == "Mein Entwurf"


def with_javascript(pdf: pikepdf.Pdf) -> None:
    pdf.Root.OpenAction = pdf.make_indirect(
        Dictionary(S=Name.JavaScript, JS=String("app.alert('hallo')"))
    )


@pytest.mark.parametrize(
    ("data", "name", "says"),
    [
        (b"Das ist nur Text.\n", "notizen.pdf", "Die Datei ist kein gültiges PDF."),
        (png_bytes(), "bild.pdf", "Die Datei ist kein gültiges PDF."),
        (b"<html><body>x</body></html>\n" + make_pdf(), "mix.pdf", "Vor dem PDF-Inhalt"),
        (make_pdf(change=with_javascript), "js.pdf", "Gefunden: JavaScript."),
        (
            make_pdf(encryption=pikepdf.Encryption(owner="o", user="u")),
            "geheim.pdf",
            "verschlüsselt oder passwortgeschützt",
        ),
        (b"", "leer.pdf", "Die Datei ist leer."),
    ],
    ids=["text", "png", "html-polyglot", "javascript", "encrypted", "empty"],
)
def test_a_refused_file_is_explained_in_german_and_leaves_the_draft_unchanged(
    web, world, claimed_with_draft, db, storage, data, name, says
):
    sid = claimed_with_draft.id
    before = draft_state(db, sid)
    response = attach(web, world.tutor, sid, data, name=name)
    assert response.status_code in (400, 413, 415, 422)
    page = text_of(response)
    assert UNCHANGED in page and says in page
    assert 'href="#kw-attachment-file"' in response.text
    assert ">Mein Entwurf</textarea>" in response.text
    assert draft_state(db, sid) == before
    assert no_temp_files(storage)


def test_two_files_in_one_request_are_refused(web, world, claimed_with_draft, db, storage):
    sid = claimed_with_draft.id
    before = draft_state(db, sid)
    response = web.post(
        path(world.tutor, f"/review/{sid}/feedback/attachment"),
        data={"csrf_token": world.tutor.csrf},
        files=[
            ("file", ("a.pdf", make_pdf(), "application/pdf")),
            ("file", ("b.pdf", make_pdf(2), "application/pdf")),
        ],
    )
    assert "genau eine Datei" in text_of(response)
    assert draft_state(db, sid) == before
    assert no_temp_files(storage)


@pytest.mark.parametrize("csrf", ["", "0" * 64])
def test_attaching_without_the_right_csrf_token_is_refused(
    web, world, claimed_with_draft, db, storage, csrf
):
    sid = claimed_with_draft.id
    before = draft_state(db, sid)
    response = attach(web, world.tutor, sid, make_pdf(), csrf=csrf)
    assert response.status_code == 403
    assert draft_state(db, sid) == before
    assert no_temp_files(storage)


def test_attaching_needs_the_claim(web, world, make_submission, db, storage):
    submission = make_submission(world.learner)
    response = attach(web, world.tutor, submission.id, make_pdf())
    assert response.status_code == 409
    assert "Bitte übernehmen Sie sie zuerst" in text_of(response)
    assert feedback_rows(db, submission.id) == []
    assert no_temp_files(storage)


def test_a_learner_cannot_attach_anything(web, world, make_submission, db):
    submission = make_submission(world.learner)
    response = attach(web, world.learner, submission.id, make_pdf())
    assert response.status_code == 404
    assert feedback_rows(db, submission.id) == []


def test_a_csrf_field_after_the_file_is_refused_and_nothing_kept(
    web, world, claimed_with_draft, db, storage
):
    sid = claimed_with_draft.id
    before = draft_state(db, sid)
    response = web.post(
        path(world.tutor, f"/review/{sid}/feedback/attachment"),
        files=[
            ("file", ("a.pdf", make_pdf(), "application/pdf")),
            ("csrf_token", (None, world.tutor.csrf)),  # after the file: too late
        ],
    )
    assert response.status_code == 403
    assert draft_state(db, sid) == before
    assert no_temp_files(storage)


def test_a_csrf_token_in_the_url_is_not_accepted_for_an_attachment(
    web, world, claimed_with_draft, db, storage
):
    sid = claimed_with_draft.id
    before = draft_state(db, sid)
    response = web.post(
        path(world.tutor, f"/review/{sid}/feedback/attachment") + f"&csrf_token={world.tutor.csrf}",
        files={"file": ("a.pdf", make_pdf(), "application/pdf")},
    )
    assert response.status_code == 403
    assert draft_state(db, sid) == before
    assert no_temp_files(storage)


def test_a_csrf_header_serves_a_fetch_that_attaches(web, world, claimed_with_draft, db):
    sid = claimed_with_draft.id
    response = web.post(
        path(world.tutor, f"/review/{sid}/feedback/attachment"),
        files={"file": ("a.pdf", make_pdf(), "application/pdf")},
        headers={"X-CSRF-Token": world.tutor.csrf},
    )
    assert response.status_code == 303
    (draft,) = feedback_rows(db, sid)
    assert draft.attachment_name == "a.pdf"

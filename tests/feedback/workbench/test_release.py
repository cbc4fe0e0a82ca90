"""Release with annotations (issue 13: "On release, the annotations are written into a
standard PDF ... that becomes the feedback's PDF, passes our own PDF check, is shown to
the learner inline ... and is attached to the feedback email"; "The learner's original
file is never modified")."""

from __future__ import annotations

import hashlib
import io
import re
from urllib.parse import urlsplit

import pikepdf
import pytest

from feedback import release as release_module
from feedback.workbench import annotated
from kurswerk.core.files.errors import PdfRejected
from kurswerk.core.files.pdf.check import inspect_pdf
from kurswerk.core.outbox import worker as outbox_worker
from kurswerk.core.outbox.queue import deliver_due
from tests.feedback.conftest import pdf_bytes, resubmit
from tests.feedback.helpers import (
    attach,
    claim_row,
    confirmation,
    feedback_rows,
    lms_calls,
    mails,
    path,
    release,
    save,
    status_of,
    text_of,
)
from tests.feedback.test_release_confirm import offer_grades
from tests.feedback.workbench.conftest import pdf_of
from tests.feedback.workbench.helpers import freetext, highlight, ink, note, put_set
from tests.support.mail_links import link_to, open_in_plain_browser
from tests.support.smtp import SmtpSink

ITEMS = [
    highlight(),
    note(text="Schön formuliert!"),
    freetext(page=2, rect=[72, 100, 300, 400], text="Quer gelesen: bitte begründen."),
    ink(page=2),
]
SUBTYPES = ["/Highlight", "/Text", "/FreeText", "/Ink"]


@pytest.fixture
def annotated_draft(web, world, claimed, use_pdf):
    """Tilda's draft on a two-page submission (the second page turned), with four
    annotations saved."""
    version = use_pdf(claimed, pdf_of([{}, {"rotate": 90}]))
    assert put_set(web, world.tutor, claimed.id, 0, ITEMS).status_code == 200
    assert save(web, world.tutor, claimed.id, "Siehe Anmerkungen im PDF.").status_code == 303
    return claimed, version


def objects(storage) -> set[str]:
    return {str(p.relative_to(storage.root)) for p in storage.root.rglob("*.pdf")}


def read_annotations(data_or_path) -> list[dict]:
    """The annotations of every page, as plain values."""
    with pikepdf.open(data_or_path) as pdf:
        return [
            {
                "Subtype": str(annot.Subtype),
                "Contents": str(annot.get("/Contents", "")),
                "T": str(annot.get("/T", "")),
                "M": str(annot.get("/M", "")),
                "AP": "/N" in annot.get("/AP", {}),
                "QuadPoints": [float(n) for n in annot.get("/QuadPoints", [])],
            }
            for page in pdf.pages
            for annot in page.obj.get("/Annots", [])
        ]


def test_release_writes_the_annotations_into_a_checked_copy_that_becomes_the_feedbacks_pdf(
    web, world, annotated_draft, db, storage
):
    submission, version = annotated_draft
    original = storage.path_for(version.file_key).read_bytes()
    assert release(web, world.tutor, submission.id).status_code == 303

    (feedback,) = feedback_rows(db, submission.id)
    assert feedback.status == "released" and status_of(db, submission.id) == "feedback_released"
    assert feedback.annotated_name == "Lösung v1 – mit Anmerkungen.pdf"
    written = storage.path_for(feedback.annotated_key)
    assert written.name == hashlib.sha256(written.read_bytes()).hexdigest() + ".pdf"
    annots = read_annotations(written)
    assert [a["Subtype"] for a in annots] == SUBTYPES
    assert [a["Contents"] for a in annots] == [
        "Genau hier fehlt die Begründung.",
        "Schön formuliert!",
        "Quer gelesen: bitte begründen.",
        "",
    ]
    assert {a["T"] for a in annots} == {"Tilda Tutorin"}
    assert all(a["AP"] and a["M"].startswith("D:") for a in annots)
    assert annots[0]["QuadPoints"] == [72, 714, 300, 714, 72, 700, 300, 700,
                                          72, 698, 250, 698, 72, 684, 250, 684]  # fmt: skip
    report = inspect_pdf(written)  # our own check, as for uploads
    assert report.pages == 2
    # The learner's file is untouched, byte for byte.
    assert storage.path_for(version.file_key).read_bytes() == original
    assert hashlib.sha256(original).hexdigest() == version.sha256
    assert not any(storage.temp_dir.iterdir())


def test_the_learner_reads_it_inline_and_the_email_carries_it(
    web, world, annotated_draft, db, engine, settings, storage
):
    submission, _ = annotated_draft
    sink = SmtpSink().start()
    try:
        assert release(web, world.tutor, submission.id).status_code == 303
        (feedback,) = feedback_rows(db, submission.id)
        stored = storage.path_for(feedback.annotated_key).read_bytes()

        pdf_path = path(world.learner, f"/feedback/{submission.id}/versions/1/attachment")
        inline = web.get(pdf_path + "&disposition=inline")
        assert inline.status_code == 200 and inline.content == stored
        assert inline.headers["content-disposition"].startswith("inline")
        assert inline.headers["content-type"] == "application/pdf"
        page = web.get(path(world.learner, f"/feedback/{submission.id}"))
        assert "Ihre Einreichung mit Anmerkungen: Lösung v1 – mit Anmerkungen.pdf" in text_of(page)
        panel_links = re.findall(r'href="[^"]*/versions/1/attachment\?', page.text)
        assert len(panel_links) == 2  # read in the browser, download (the viewer: a third)

        handlers = {
            "email": outbox_worker.EmailHandler(settings.model_copy(update={"smtp_url": sink.url}))
        }
        assert deliver_due(engine, handlers).sent == 1
        (received,) = sink.messages
        (pdf,) = list(received.message.iter_attachments())
        assert pdf.get_filename() == "Lösung v1 – mit Anmerkungen.pdf"
        assert pdf.get_content() == stored
        plain = received.message.get_body(preferencelist=("plain",)).get_content()
        assert "Ihre Einreichung mit den Anmerkungen, „Lösung v1 – mit Anmerkungen.pdf“" in plain
    finally:
        sink.stop()


def test_a_pdf_the_tutor_attached_too_reaches_the_learner_beside_it(
    web, world, annotated_draft, db, pdf_for_feedback, storage
):
    submission, _ = annotated_draft
    attach(web, world.tutor, submission.id, pdf_for_feedback, name="Anmerkungen.pdf")
    assert release(web, world.tutor, submission.id).status_code == 303
    (feedback,) = feedback_rows(db, submission.id)
    (mail,) = mails(db)
    names = [a["filename"] for a in mail.payload["attachments"]]
    assert names == ["Lösung v1 – mit Anmerkungen.pdf", "Anmerkungen.pdf"]
    assert "„Anmerkungen.pdf“ ist dieser E-Mail beigefügt" in mail.payload["text"]

    base = f"/feedback/{submission.id}/versions/1"
    main = web.get(path(world.learner, f"{base}/attachment"))
    own = web.get(path(world.learner, f"{base}/tutor-pdf"))
    assert main.content == storage.path_for(feedback.annotated_key).read_bytes()
    assert own.content == pdf_for_feedback
    page = text_of(web.get(path(world.learner, f"/feedback/{submission.id}")))
    assert "Ihre Einreichung mit Anmerkungen: Lösung v1" in page
    assert "Feedback-PDF: Anmerkungen.pdf" in page


def test_what_does_not_fit_the_mail_beside_the_annotated_pdf_is_linked(
    app, web, world, annotated_draft, db, monkeypatch, storage
):
    submission, _ = annotated_draft
    upload = pdf_bytes("Anmerkungen der Tutorin", pages=60)  # about 10 KB
    attach(web, world.tutor, submission.id, upload, name="Gross.pdf")
    # Room for either PDF, not for both: the annotated one (a few KB) goes first.
    budget = len(upload) + 1000
    monkeypatch.setattr(release_module, "EMAIL_ATTACHMENT_MAX_BYTES", budget)
    # The confirmation says so beforehand, by the release's own rule.
    told = text_of(confirmation(web, world.tutor, submission.id))
    assert "Die Kopie wird der E-Mail angehängt." in told
    assert "Zusammen mit dem PDF mit Anmerkungen ist es größer als 5 MB" in told
    assert not any(storage.temp_dir.iterdir())  # the measured copy is gone again
    assert release(web, world.tutor, submission.id).status_code == 303
    (feedback,) = feedback_rows(db, submission.id)
    annotated_size = storage.path_for(feedback.annotated_key).stat().st_size
    assert 1000 < annotated_size <= budget
    (mail,) = mails(db)
    assert [a["filename"] for a in mail.payload["attachments"]] == [feedback.annotated_name]
    link = (
        f"https://kurswerk.test/c/{world.learner.context_id}/feedback/{submission.id}"
        "/versions/1/tutor-pdf"
    )
    assert f"Anhang „Gross.pdf“:\n{link}" in mail.payload["text"]
    pdf = open_in_plain_browser(app, link_to(mail.payload["text"], urlsplit(link).path))
    assert pdf.status_code == 200 and pdf.content == upload


def test_a_version_without_annotations_is_released_as_before(web, world, claimed, db):
    assert put_set(web, world.tutor, claimed.id, 0, []).status_code == 200  # all removed
    save(web, world.tutor, claimed.id, "Gut.")
    assert release(web, world.tutor, claimed.id).status_code == 303
    (feedback,) = feedback_rows(db, claimed.id)
    assert feedback.annotated_key is None and feedback.annotated_name is None
    (mail,) = mails(db)
    assert "attachments" not in mail.payload and "Anmerkungen" not in mail.payload["text"]


def test_an_annotated_pdf_our_check_refuses_stops_the_release_and_nothing_is_left(
    web, world, annotated_draft, db, storage, monkeypatch
):
    submission, version = annotated_draft

    def refuse(path, checker=None):
        raise PdfRejected("too_complex", reason="test: too many values")

    monkeypatch.setattr(annotated, "check_pdf", refuse)
    before = objects(storage)
    response = release(web, world.tutor, submission.id)
    assert response.status_code == 422
    assert "ließen sich nicht in das PDF schreiben" in text_of(response)
    (feedback,) = feedback_rows(db, submission.id)
    assert feedback.status == "draft" and feedback.annotated_key is None
    assert status_of(db, submission.id) == "in_review" and claim_row(db, submission.id)
    assert mails(db) == []
    assert objects(storage) == before and not any(storage.temp_dir.iterdir())


def test_the_preview_shows_the_current_set_to_staff_without_storing_it(
    web, world, annotated_draft, db, storage
):
    submission, version = annotated_draft
    before = objects(storage)
    preview = web.get(path(world.tutor, f"/review/{submission.id}/annotated.pdf"))
    assert preview.status_code == 200
    assert preview.headers["content-type"] == "application/pdf"
    assert preview.headers["content-disposition"].startswith("inline")
    assert preview.headers["cache-control"] == "no-store"
    assert "sandbox" in preview.headers["content-security-policy"]
    assert [a["Subtype"] for a in read_annotations(io.BytesIO(preview.content))] == SUBTYPES
    assert objects(storage) == before and not any(storage.temp_dir.iterdir())
    # Another tutor of the course may look too (the release confirmation); nobody else.
    assert web.get(path(world.tutor2, f"/review/{submission.id}/annotated.pdf")).status_code == 200
    assert web.get(path(world.learner, f"/review/{submission.id}/annotated.pdf")).status_code == 404
    other = web.get(path(world.other_tutor, f"/review/{submission.id}/annotated.pdf"))
    assert other.status_code == 404


def test_released_annotations_stay_with_their_version_after_a_resubmission(
    web, world, annotated_draft, db, storage
):
    submission, _ = annotated_draft
    release(web, world.tutor, submission.id)
    resubmit(db, storage, submission)
    fresh = web.get(path(world.tutor, f"/review/{submission.id}/annotations")).json()
    assert fresh == {"revision": 0, "version": 2, "pages": 1, "annotations": []}
    learner_pdf = web.get(path(world.learner, f"/feedback/{submission.id}/versions/1/attachment"))
    assert len(read_annotations(io.BytesIO(learner_pdf.content))) == 4


def test_the_gradebook_comment_says_the_feedback_has_a_pdf(web, world, annotated_draft, db):
    submission, _ = annotated_draft
    assert release(web, world.tutor, submission.id).status_code == 303
    (score,) = lms_calls(db)
    assert score.payload["score"]["comment"] == (
        "Siehe Anmerkungen im PDF.\n\n"
        "Das vollständige Feedback mit PDF-Anhang finden Sie in Kurswerk."
    )


def test_the_confirmation_counts_the_annotations_names_and_links_their_pdf(
    web, world, annotated_draft, db
):
    """Before release the tutor sees what the release will write: the annotated PDF
    (counted, named as the learner gets it, its preview linked) and the gradebook comment
    that names the PDF."""
    submission, _ = annotated_draft
    offer_grades(db, world)
    page = confirmation(web, world.tutor, submission.id)
    assert page.status_code == 200
    assert "Das eingereichte PDF mit Ihren 4 Anmerkungen, „Lösung v1 – mit Anmerkungen.pdf“" in (
        text_of(page)
    )
    assert f"/review/{submission.id}/annotated.pdf?" in page.text
    assert "Das vollständige Feedback mit PDF-Anhang finden Sie in Kurswerk." in page.text

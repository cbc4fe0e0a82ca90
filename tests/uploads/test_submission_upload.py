# ruff: noqa: F811 - fixtures are imported by name and then requested as arguments
"""Submitting one PDF (coaching issue §2 and §5): the way of a good upload, every hostile
input answered with a clear German message and nothing stored, idempotency, versions."""

from __future__ import annotations

import hashlib
import re
from datetime import date

import pikepdf
import pytest
from pikepdf import Dictionary, Name, String
from sqlmodel import select

from kurswerk.core import clock
from kurswerk.core.files.storage import key_for
from kurswerk.core.outbox.queue import OutboxMessage
from tests.support.people import make_learner  # noqa: F401 - fixture
from tests.uploads import pdfs
from tests.uploads.submission_fixtures import (  # noqa: F401 - fixtures
    BOUNDARY,
    NOTHING,
    course_loaded,
    csrf_part,
    exercise_id,
    file_part,
    follow,
    foreign_exercise,
    give_package,
    good_pdf,
    multipart,
    new_key,
    part,
    people,
    post_upload,
    receipt_path,
    storage_root,
    stored,
    submit_path,
    text_of,
    upload_pdf,
    web,
)
from uploads.models import Submission, SubmissionStatus, SubmissionVersion

# --- a good upload ------------------------------------------------------------------------


def test_a_package_holder_uploads_a_pdf_and_gets_a_receipt(web, db, people, settings):
    ex = exercise_id(db)
    data = good_pdf(pages=3)
    response = upload_pdf(web, people.holder, ex, data, note="Bitte auf die **Zielgruppe** achten.")
    submission = db.exec(select(Submission)).one()
    assert receipt_path(response) == (
        f"/c/{people.holder.context_id}/submissions/{submission.id}/versions/1"
    )
    version = db.exec(select(SubmissionVersion)).one()
    assert (submission.exercise_id, submission.industry) == (ex, "media")
    assert submission.status == SubmissionStatus.SUBMITTED
    assert (version.number, version.pages, version.size) == (1, 3, len(data))
    assert version.display_name == "Strategie.pdf"
    assert version.note == "Bitte auf die **Zielgruppe** achten."
    # stored under its content hash, byte for byte
    digest = hashlib.sha256(data).hexdigest()
    assert version.sha256 == digest and version.file_key == key_for(digest)
    assert (storage_root(settings) / version.file_key).read_bytes() == data
    assert stored(db, storage_root(settings))["temp_files"] == 0

    page = text_of(follow(web, people.holder, response).text)
    assert "Ihre Einreichung ist eingegangen" in page
    assert "Leistungen für die Kundenbeziehung und Social Media" in page
    assert "Medien" in page and "Strategie.pdf" in page and "3 Seiten" in page
    promised = clock.add_working_days(clock.local_date(clock.utcnow()), 5)  # no capacity stated
    assert clock.weekday_day_month(promised) in page
    assert "Eine Eingangsbestätigung geht per E-Mail an lena@example.org." in page


def test_the_receipt_and_the_tutors_mail_are_outbox_rows_of_the_same_transaction(web, db, people):
    people.tutor(email="tina@example.org")
    upload_pdf(web, people.holder, exercise_id(db))
    rows = db.exec(select(OutboxMessage).order_by(OutboxMessage.id)).all()
    mails = [r for r in rows if r.kind == "email"]
    assert [(r.payload["template"], r.payload["to"]) for r in mails] == [
        ("submission_receipt", "lena@example.org"),
        ("new_submission", "tina@example.org"),
    ]
    assert [r.kind for r in rows if r.kind != "email"] == ["lms_call"]  # the gradebook


def test_the_csrf_token_may_come_in_the_header_instead_of_the_form(web, db, people):
    body = multipart(file_part(good_pdf()))
    response = post_upload(web, people.holder, exercise_id(db), body, csrf="header")
    assert response.status_code == 303
    assert len(db.exec(select(SubmissionVersion)).all()) == 1


def test_a_pdf_streamed_in_chunks_without_a_length_is_accepted(web, db, people):
    body = multipart(file_part(good_pdf(pages=20)))
    response = post_upload(web, people.holder, exercise_id(db), body, chunked=True)
    assert response.status_code == 303


# --- hostile input: a German message, status, and nothing stored ----------------------------


def refused(web, db, settings, response, status: int, message: str) -> str:
    assert response.status_code == status, (response.status_code, response.text[:800])
    page = text_of(response.text)
    assert message in page, page[:1500]
    assert stored(db, storage_root(settings)) == NOTHING
    return page


def encrypted_pdf() -> bytes:
    return pdfs.make_pdf(encryption=pikepdf.Encryption(owner="owner", user="geheim"))


def broken_xref_pdf() -> bytes:
    """The page object's xref offset points 3 bytes off (as in test_pdfcheck)."""
    data = pdfs.raw_pdf([pdfs.CATALOG, pdfs.PAGES, pdfs.PAGE])
    offset = re.findall(rb"(\d{10}) 00000 n", data)[2]
    return data.replace(offset + b" 00000 n", b"%010d 00000 n" % (int(offset) + 3))


def javascript_pdf() -> bytes:
    def js(pdf):
        pdfs.link_annotation(pdf, Dictionary(S=Name.JavaScript, JS=String("app.alert(1)")))

    return pdfs.make_pdf(change=js)


HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>\n"

FILE_CASES = {
    "text named .pdf": (
        "Meine Strategie für Social Media\n".encode(),
        422,
        "Die Datei ist kein gültiges PDF.",
    ),
    "png with a pdf header": (
        pdfs.png_bytes() + pdfs.make_pdf(),
        422,
        "Vor dem PDF-Inhalt stehen andere Daten.",
    ),
    "html/pdf polyglot": (HTML + pdfs.make_pdf(), 422, "Vor dem PDF-Inhalt stehen andere Daten."),
    "empty file": (b"", 422, "Die Datei ist leer."),
    "encrypted pdf": (encrypted_pdf(), 422, "Die PDF-Datei ist verschlüsselt"),
    "broken xref": (broken_xref_pdf(), 422, "Die PDF-Datei ist beschädigt"),
    "javascript": (javascript_pdf(), 422, "Die PDF-Datei enthält aktive Inhalte"),
    "zip after eof": (
        pdfs.make_pdf() + pdfs.zip_bytes(),
        422,
        "Nach dem Ende des PDFs folgen weitere Daten.",
    ),
    # 0.5 MB that inflate to 512 MiB in the tutor's viewer
    "decompression bomb": (
        pdfs.bomb_pdf(decoded_mib=512),
        422,
        "Die PDF-Datei enthält komprimierte Daten, die entpackt um ein Vielfaches größer",
    ),
}


@pytest.mark.parametrize("case", FILE_CASES, ids=list(FILE_CASES))
def test_a_file_that_is_not_one_plain_pdf_is_refused_with_the_form_again(
    web, db, people, settings, case
):
    data, status, message = FILE_CASES[case]
    response = upload_pdf(web, people.holder, exercise_id(db), data, filename="arbeit.pdf")
    page = refused(web, db, settings, response, status, message)
    assert "Ihre Datei wurde nicht angenommen" in page  # the error summary
    assert "Es wurde nichts gespeichert." in page
    assert 'aria-invalid="true"' in response.text and 'href="#kw-file"' in response.text
    # the form is there again, ready for the next attempt
    assert 'name="file"' in response.text and "Worauf soll sich das Feedback" in page


def test_javascript_is_named_in_the_refusal(web, db, people, settings):
    response = upload_pdf(web, people.holder, exercise_id(db), javascript_pdf())
    refused(web, db, settings, response, 422, "Gefunden: JavaScript.")


def test_two_files_in_one_request_are_refused(web, db, people, settings):
    body = multipart(file_part(good_pdf()), file_part(good_pdf(), "zweite.pdf"))
    response = post_upload(web, people.holder, exercise_id(db), body)
    refused(web, db, settings, response, 422, "Bitte laden Sie genau eine Datei hoch")


def test_a_request_without_a_file_is_refused(web, db, people, settings):
    body = multipart(part("note", b"nur eine Notiz"))
    response = post_upload(web, people.holder, exercise_id(db), body)
    refused(web, db, settings, response, 422, "Bitte wählen Sie eine PDF-Datei aus.")


def test_an_empty_file_input_as_a_browser_sends_it_is_no_file(web, db, people, settings):
    body = multipart(file_part(b"", filename=""))
    response = post_upload(web, people.holder, exercise_id(db), body)
    refused(web, db, settings, response, 422, "Bitte wählen Sie eine PDF-Datei aus.")


def test_a_body_that_is_not_multipart_is_refused(web, db, people, settings):
    url = people.holder.url(
        f"/c/{people.holder.context_id}/exercises/{exercise_id(db)}/submissions"
        f"?industry=media&idempotency_key={new_key()}"
    )
    headers = {"content-type": "application/pdf", "x-csrf-token": people.holder.csrf}
    response = web.post(url, content=good_pdf(), headers=headers)
    refused(web, db, settings, response, 415, "nicht als Formular-Upload gesendet")


def test_a_note_that_is_too_long_is_refused_at_the_note_field(web, db, people, settings):
    response = upload_pdf(web, people.holder, exercise_id(db), note="ä" * 5000)
    refused(web, db, settings, response, 400, "Ihre Notiz ist zu lang.")
    assert 'href="#kw-note"' in response.text


class TestTheSizeLimit:
    @pytest.fixture
    def settings(self, settings):
        return settings.model_copy(update={"max_upload_mb": 1})

    @pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
    def test_a_file_over_the_limit_is_refused(self, web, db, people, settings, chunked):
        big = pdfs.make_pdf() + b"\n" * (1024 * 1024)  # valid PDF padding, over 1 MB
        body = multipart(file_part(big))
        response = post_upload(web, people.holder, exercise_id(db), body, chunked=chunked)
        refused(web, db, settings, response, 413, "Die Datei ist größer als 1 MB.")


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("..\\..\\Windows\\strategie.pdf", "strategie.pdf"),
        ("Strate\x00gie\x1b[31m\u202e.pdf", "Strategie[31m.pdf"),
        ("Zeile\tzwei\x0b\x7f.pdf", "Zeilezwei.pdf"),
    ],
)
def test_a_hostile_file_name_is_accepted_but_only_shown_sanitised(
    web, db, people, settings, raw, shown
):
    response = upload_pdf(web, people.holder, exercise_id(db), filename=raw.encode())
    version = db.exec(select(SubmissionVersion)).one()
    assert version.display_name == shown
    assert version.file_key == key_for(version.sha256)  # the name never becomes a path
    assert all(p.name != "passwd.pdf" for p in storage_root(settings).rglob("*"))
    assert shown in text_of(follow(web, people.holder, response).text)


def test_control_characters_in_the_note_are_dropped(web, db, people):
    upload_pdf(web, people.holder, exercise_id(db), note="  Bitte\x00 prüfen\u202e\r\nDanke ")
    assert db.exec(select(SubmissionVersion)).one().note == "Bitte prüfen\nDanke"


# --- who may submit ------------------------------------------------------------------------


@pytest.mark.parametrize("token", [None, "falsch", "query-of-another-session"])
def test_a_missing_or_wrong_csrf_token_is_refused(web, db, people, settings, token):
    if token == "query-of-another-session":
        token = people.learner().csrf
    body = multipart(file_part(good_pdf()))  # and no CSRF field in the body
    response = post_upload(web, people.holder, exercise_id(db), body, csrf=token)
    refused(web, db, settings, response, 403, "Das Formular ist abgelaufen")


def test_a_wrong_csrf_field_is_refused(web, db, people, settings):
    body = multipart(part("csrf_token", b"falsch"), file_part(good_pdf()))
    response = post_upload(web, people.holder, exercise_id(db), body, csrf=None)
    refused(web, db, settings, response, 403, "Das Formular ist abgelaufen")


def test_a_learner_without_a_package_is_refused(web, db, people, settings):
    plain = people.learner(email="paul@example.org")
    response = upload_pdf(web, plain, exercise_id(db))
    refused(web, db, settings, response, 403, "Einreichen können nur Teilnehmende mit einem")


def test_an_expired_package_is_no_package(web, db, people, settings):
    late = people.learner()
    give_package(db, late, name="Abgelaufen", valid_until=date(2020, 1, 31))
    response = upload_pdf(web, late, exercise_id(db))
    refused(web, db, settings, response, 403, "Einreichen können nur Teilnehmende mit einem")


def test_a_used_up_quota_refuses_a_new_submission_but_not_a_new_version(web, db, people, settings):
    learner = people.learner()
    give_package(db, learner, quota=1, name="Einmal")
    first = upload_pdf(web, learner, exercise_id(db))
    assert first.status_code == 303
    other = upload_pdf(web, learner, exercise_id(db, "art-der-kundenbeziehung"))
    assert other.status_code == 403
    assert "Ihr Coachingpaket ist ausgeschöpft" in text_of(other.text)
    assert "Feedback auf 1 Einreichung, und die haben Sie genutzt." in text_of(other.text)
    again = upload_pdf(web, learner, exercise_id(db))  # same exercise and industry: free
    assert again.status_code == 303
    another_industry = upload_pdf(web, learner, exercise_id(db), industry="b2b")
    assert another_industry.status_code == 403
    assert [v.number for v in db.exec(select(SubmissionVersion)).all()] == [1, 2]


def test_an_exercise_of_another_course_is_not_found(web, db, people, settings):
    foreign = foreign_exercise(db)
    response = upload_pdf(web, people.holder, foreign.id, industry="")
    refused(web, db, settings, response, 404, "Diese Übung gibt es in Ihrem Kurs nicht")


@pytest.mark.parametrize("industry", ["", "bergbau", "MEDIA"])
def test_an_industry_the_exercise_does_not_offer_is_not_found(web, db, people, settings, industry):
    response = upload_pdf(web, people.holder, exercise_id(db), industry=industry)
    refused(web, db, settings, response, 404, "keine Aufgabe in dieser Branche")


def test_an_unknown_exercise_id_is_not_found(web, db, people, settings):
    response = upload_pdf(web, people.holder, 999_999)
    refused(web, db, settings, response, 404, "Diese Übung gibt es in Ihrem Kurs nicht")


def test_a_post_into_another_lms_course_is_refused(web, db, people, settings, make_learner):
    elsewhere = make_learner()
    body = multipart(file_part(good_pdf()))
    url = people.holder.url(
        f"/c/{elsewhere.context_id}/exercises/{exercise_id(db)}/submissions"
        f"?industry=media&idempotency_key={new_key()}"
    )
    headers = {"content-type": "multipart/form-data; boundary=x", "x-csrf-token": "t"}
    response = web.post(url, content=body, headers=headers)
    refused(web, db, settings, response, 403, "Diese Seite gehört zu einem anderen Kurs")


@pytest.mark.parametrize("key", ["", "kurz", "x" * 65, "leer zeichen" * 3])
def test_a_missing_or_malformed_idempotency_key_is_refused(web, db, people, settings, key):
    body = multipart(file_part(good_pdf()))
    response = post_upload(web, people.holder, exercise_id(db), body, key=key)
    refused(web, db, settings, response, 400, "Das Formular ist unvollständig.")


# --- idempotency and versions -------------------------------------------------------------


def test_a_double_submit_with_the_same_key_creates_one_version(web, db, people, settings):
    key = new_key()
    first = upload_pdf(web, people.holder, exercise_id(db), key=key)
    second = upload_pdf(web, people.holder, exercise_id(db), pdfs.make_pdf(pages=4), key=key)
    assert receipt_path(second) == receipt_path(first)
    counts = stored(db, storage_root(settings))
    assert (counts["submissions"], counts["versions"], counts["files"]) == (1, 1, 1)
    assert counts["outbox"] == 2  # one receipt (no tutors in this course), one LMS score
    assert db.exec(select(SubmissionVersion)).one().pages == 2  # the first upload's file


def test_a_key_used_by_someone_else_is_refused_without_naming_their_submission(
    web, db, people, settings
):
    key = new_key()
    upload_pdf(web, people.holder, exercise_id(db), key=key)
    other = people.learner()
    give_package(db, other)
    response = upload_pdf(web, other, exercise_id(db), key=key)
    assert response.status_code == 409
    assert "Dieses Formular wurde bereits verwendet" in text_of(response.text)
    assert "/submissions/" not in response.headers.get("location", "")
    assert len(db.exec(select(SubmissionVersion)).all()) == 1


def test_a_resubmission_is_version_two_and_keeps_version_one(web, db, people, settings):
    ex = exercise_id(db)
    first_pdf, second_pdf = pdfs.make_pdf(pages=1), pdfs.make_pdf(pages=5)
    first = upload_pdf(web, people.holder, ex, first_pdf, filename="entwurf.pdf")
    submission = db.exec(select(Submission)).one()
    submission.status = SubmissionStatus.IN_REVIEW.value  # a tutor is at it
    db.add(submission)
    db.commit()
    second = upload_pdf(web, people.holder, ex, second_pdf, filename="final.pdf")
    assert receipt_path(second) == receipt_path(first).replace("/versions/1", "/versions/2")
    db.expire_all()
    submission = db.exec(select(Submission)).one()
    versions = db.exec(select(SubmissionVersion).order_by(SubmissionVersion.number)).all()
    assert [(v.number, v.display_name, v.pages) for v in versions] == [
        (1, "entwurf.pdf", 1),
        (2, "final.pdf", 5),
    ]
    assert submission.latest_version == 2
    assert submission.status == SubmissionStatus.SUBMITTED  # back to "eingereicht"
    root = storage_root(settings)
    assert all((root / v.file_key).read_bytes() for v in versions)
    assert stored(db, root)["files"] == 2


def test_the_same_exercise_in_another_industry_is_another_submission(web, db, people):
    upload_pdf(web, people.holder, exercise_id(db), industry="media")
    upload_pdf(web, people.holder, exercise_id(db), industry="retail")
    rows = db.exec(select(Submission.industry, Submission.latest_version)).all()
    assert sorted(rows) == [("media", 1), ("retail", 1)]


def test_a_refusal_before_the_body_was_read_to_the_end_closes_the_connection(web, db, people):
    plain = people.learner()
    early = upload_pdf(web, plain, exercise_id(db))  # no package: the body is never read
    assert early.status_code == 403 and early.headers["connection"] == "close"
    replay_key = new_key()
    upload_pdf(web, people.holder, exercise_id(db), key=replay_key)
    replay = upload_pdf(web, people.holder, exercise_id(db), key=replay_key)
    assert replay.status_code == 303 and replay.headers["connection"] == "close"
    # a file refused after the whole body arrived leaves the connection open
    late = upload_pdf(web, people.holder, exercise_id(db), b"kein PDF")
    assert late.status_code == 422 and "connection" not in late.headers


def test_a_csrf_field_after_the_file_is_refused_and_nothing_kept(web, db, people, settings):
    """The token must come before the file: the reader refuses the file part when no valid
    token came first, so an attacker's file is never even written to a temp file."""
    body = multipart(file_part(good_pdf()), csrf_part(people.holder.csrf))
    response = post_upload(web, people.holder, exercise_id(db), body, csrf=None)
    refused(web, db, settings, response, 403, "Das Formular ist abgelaufen")


def test_a_csrf_token_in_the_url_is_not_accepted(web, db, people, settings):
    """URLs end up in logs: the token is read from the form or the header only."""
    url = people.holder.url(
        f"{submit_path(people.holder, exercise_id(db))}"
        f"?industry=media&idempotency_key={new_key()}&csrf_token={people.holder.csrf}"
    )
    headers = {"content-type": f"multipart/form-data; boundary={BOUNDARY}"}
    response = web.post(url, content=multipart(file_part(good_pdf())), headers=headers)
    refused(web, db, settings, response, 403, "Das Formular ist abgelaufen")


def test_a_wrong_csrf_header_is_refused_before_the_body_is_read(web, db, people, settings):
    body = multipart(file_part(good_pdf()))
    response = post_upload(web, people.holder, exercise_id(db), body, csrf=None)
    refused(web, db, settings, response, 403, "Das Formular ist abgelaufen")
    url = people.holder.url(f"{submit_path(people.holder, exercise_id(db))}?industry=media")
    headers = {"content-type": f"multipart/form-data; boundary={BOUNDARY}", "x-csrf-token": "x"}
    response = web.post(url, content=body, headers=headers)
    refused(web, db, settings, response, 403, "Das Formular ist abgelaufen")

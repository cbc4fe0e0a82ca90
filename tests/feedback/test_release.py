"""Release (coaching issue §3-5, DESIGN.md §2 step 4): feedback released, status
"Feedback erhalten", claim ended and the learner's email in the outbox - one transaction;
the email carries the full text and the PDF; a repeated release sends nothing twice; an
SMTP outage delays the email, never loses or doubles it."""

from __future__ import annotations

import threading
from datetime import timedelta
from urllib.parse import urlsplit

import pytest

from feedback import claims, drafts
from feedback import release as release_module
from kurswerk.core.clock import utcnow
from kurswerk.core.db import new_session
from kurswerk.core.email_links import EmailLinks
from kurswerk.core.outbox import worker as outbox_worker
from kurswerk.core.outbox.queue import OutboxStatus, deliver_due
from kurswerk.core.settings import Settings
from kurswerk.core.usertext import markdown_text
from lti.models import PlatformUser
from tests.feedback.helpers import (
    attach,
    claim,
    claim_row,
    feedback_rows,
    lms_calls,
    mails,
    outbox,
    path,
    release,
    revision,
    save,
    status_of,
    text_of,
    write_and_release,
)
from tests.support.mail_links import link_to, open_in_plain_browser
from tests.support.smtp import SmtpSink

FEEDBACK = (
    "## Gesamteindruck\n\n"
    "Ihre Analyse der **Kundenbeziehung** ist schlüssig.\n\n"
    "- Zielgruppe: klar\n"
    "- Kanäle: bitte begründen\n\n"
    "Weiter so – Ihre Tilda"
)


def test_release_stores_sets_status_ends_the_claim_and_writes_one_email(
    web, world, make_submission, db
):
    submission = make_submission(world.learner)
    response = write_and_release(web, world.tutor, submission.id, FEEDBACK)
    assert "done=released" in response.headers["location"]
    (feedback,) = feedback_rows(db, submission.id)
    assert feedback.status == "released" and feedback.released_at is not None
    assert "<strong>Kundenbeziehung</strong>" in feedback.body_html
    assert status_of(db, submission.id) == "feedback_released"
    assert claim_row(db, submission.id) is None

    (mail,) = mails(db)
    assert mail.dedup_key == f"feedback_released:{feedback.id}"
    assert mail.status == OutboxStatus.PENDING
    payload = mail.payload
    assert payload["to"] == "lena@example.org" and payload["to_name"] == "Lena Lernende"
    assert payload["subject"] == (
        "Ihr Feedback ist da: Leistungen für die Kundenbeziehung und Social Media"
    )
    assert markdown_text(FEEDBACK) in payload["text"]  # the full text, as text
    assert "Tilda Tutorin hat Ihr Feedback" in payload["text"]
    assert "(Branche: Medien)" in payload["text"]
    assert (
        f"https://kurswerk.test/c/{world.learner.context_id}/feedback/{submission.id}"
        in (payload["text"])
    )
    assert "<strong>Kundenbeziehung</strong>" in payload["html"]
    assert "<li>Kanäle: bitte begründen</li>" in payload["html"]
    assert "attachments" not in payload


def test_the_learner_reads_the_email_in_their_own_language_not_the_tutors(
    web, world, make_submission, db
):
    learner = db.get(PlatformUser, world.learner.principal.user_id)
    learner.locale = "en-US"  # the learner's LMS speaks English; the tutor's German
    db.add(learner)
    db.commit()
    submission = make_submission(world.learner)
    write_and_release(web, world.tutor, submission.id, FEEDBACK)
    (mail,) = mails(db)
    payload = mail.payload
    assert payload["locale"] == "en"
    assert payload["subject"] == (
        "Your feedback is here: Leistungen für die Kundenbeziehung und Social Media"
    )
    assert payload["text"].startswith("Hello Lena Lernende,")
    assert "Tilda Tutorin has released your feedback" in payload["text"]
    assert markdown_text(FEEDBACK) in payload["text"]  # the feedback itself, as text
    assert '<html lang="en">' in payload["html"]


def test_the_learner_sees_the_released_feedback_in_the_tool(web, world, make_submission):
    submission = make_submission(world.learner)
    write_and_release(web, world.tutor, submission.id, FEEDBACK)
    page = web.get(path(world.learner, f"/feedback/{submission.id}"))
    assert page.status_code == 200
    assert "Feedback erhalten" in page.text
    assert "<strong>Kundenbeziehung</strong>" in page.text
    assert "von Tilda Tutorin" in text_of(page)
    assert "noch nicht da" not in page.text


def test_the_feedback_pdf_is_attached_to_the_email_and_opened_by_the_learner(
    web, world, make_submission, db, pdf_for_feedback
):
    submission = make_submission(world.learner)
    claim(web, world.tutor, submission.id)
    save(web, world.tutor, submission.id, FEEDBACK)
    attach(web, world.tutor, submission.id, pdf_for_feedback, name="Anmerkungen.pdf")
    assert release(web, world.tutor, submission.id).status_code == 303
    (mail,) = mails(db)
    (attached,) = mail.payload["attachments"]
    assert attached["filename"] == "Anmerkungen.pdf"
    assert attached["content_type"] == "application/pdf"
    assert "ist dieser E-Mail beigefügt" in mail.payload["text"]
    learner_pdf = web.get(path(world.learner, f"/feedback/{submission.id}/versions/1/attachment"))
    assert learner_pdf.status_code == 200 and learner_pdf.content == pdf_for_feedback


def test_a_large_feedback_pdf_is_linked_instead_of_attached(
    app, web, world, make_submission, db, pdf_for_feedback, monkeypatch
):
    monkeypatch.setattr(release_module, "EMAIL_ATTACHMENT_MAX_BYTES", len(pdf_for_feedback) - 1)
    submission = make_submission(world.learner)
    claim(web, world.tutor, submission.id)
    save(web, world.tutor, submission.id, FEEDBACK)
    attach(web, world.tutor, submission.id, pdf_for_feedback, name="Gross.pdf")
    release(web, world.tutor, submission.id)
    (mail,) = mails(db)
    assert "attachments" not in mail.payload
    link = (
        f"https://kurswerk.test/c/{world.learner.context_id}/feedback/{submission.id}"
        "/versions/1/attachment"
    )
    assert f"Anhang „Gross.pdf“:\n{link}" in mail.payload["text"]
    # The link opens the PDF for the learner in a browser that never launched Kurswerk.
    pdf = open_in_plain_browser(app, link_to(mail.payload["text"], urlsplit(link).path))
    assert pdf.status_code == 200 and pdf.content == pdf_for_feedback


def test_releasing_twice_sends_one_email(web, world, make_submission, db):
    submission = make_submission(world.learner)
    claim(web, world.tutor, submission.id)
    save(web, world.tutor, submission.id, FEEDBACK)
    rev = revision(web, world.tutor, submission.id)
    first = release(web, world.tutor, submission.id, rev)
    second = release(web, world.tutor, submission.id, rev)  # double-click, or a retry
    assert first.status_code == second.status_code == 303
    assert "done=already_released" in second.headers["location"]
    page = web.get(second.headers["location"])
    assert "es wurde nichts erneut versendet" in page.text
    assert len(mails(db)) == len(lms_calls(db)) == 1
    assert [f.status for f in feedback_rows(db, submission.id)] == ["released"]


def test_two_release_requests_at_once_send_one_email(engine, world, make_submission, db):
    submission = make_submission(world.learner)
    ttl = timedelta(hours=2)
    with new_session(engine) as session:
        claims.claim(session, world.tutor.principal, submission.id, ttl=ttl)
        draft = drafts.save_draft(session, world.tutor.principal, submission.id, FEEDBACK, ttl=ttl)
        rev = drafts.revision_of(draft)
        session.commit()
    barrier = threading.Barrier(2)
    results: list[object] = []

    def run() -> None:
        with new_session(engine) as session:
            barrier.wait()
            try:
                results.append(
                    release_module.release(
                        session,
                        world.tutor.principal,
                        submission.id,
                        revision=rev,
                        annotations_revision=0,
                        storage=None,  # no attachment: storage is not touched
                        links=EmailLinks(Settings(base_url="https://kurswerk.test")),
                        ttl=ttl,
                    ).newly_released
                )
                session.commit()
            except Exception as exc:  # reported below
                results.append(exc)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(results, key=str) == [False, True]
    assert len(mails(db)) == len(lms_calls(db)) == 1


def test_a_draft_changed_since_the_preview_is_not_released(web, world, make_submission, db):
    submission = make_submission(world.learner)
    claim(web, world.tutor, submission.id)
    save(web, world.tutor, submission.id, "Version A")
    rev = revision(web, world.tutor, submission.id)
    save(web, world.tutor, submission.id, "Version B, in einem anderen Tab")
    response = release(web, world.tutor, submission.id, rev)
    assert response.status_code == 409
    assert "nachdem Sie die Freigabe geprüft haben" in text_of(response)
    assert [f.status for f in feedback_rows(db, submission.id)] == ["draft"]
    assert outbox(db) == [] and status_of(db, submission.id) == "in_review"


def test_an_empty_draft_cannot_be_released(web, world, make_submission, db):
    submission = make_submission(world.learner)
    claim(web, world.tutor, submission.id)
    save(web, world.tutor, submission.id, "   ")
    page = web.get(path(world.tutor, f"/review/{submission.id}?preview=1"))
    assert "Feedback freigeben …" not in page.text  # no way to the confirmation
    assert f"/review/{submission.id}/release" not in page.text
    rev = drafts.revision_of(feedback_rows(db, submission.id)[0])
    response = release(web, world.tutor, submission.id, rev)
    assert response.status_code == 422
    assert "Es gibt noch keinen Feedbacktext" in text_of(response)
    assert outbox(db) == []


def test_only_the_claim_holder_releases(web, world, make_submission, db):
    submission = make_submission(world.learner)
    claim(web, world.tutor, submission.id)
    save(web, world.tutor, submission.id, FEEDBACK)
    rev = revision(web, world.tutor, submission.id)
    response = release(web, world.tutor2, submission.id, rev)
    assert response.status_code == 409
    assert outbox(db) == [] and status_of(db, submission.id) == "in_review"


@pytest.mark.parametrize("token", [None, "", "falsch"])
def test_release_without_the_right_csrf_token_changes_nothing(
    web, world, make_submission, db, token
):
    submission = make_submission(world.learner)
    claim(web, world.tutor, submission.id)
    save(web, world.tutor, submission.id, FEEDBACK)
    data = {"revision": revision(web, world.tutor, submission.id), "annotations_revision": "0"}
    if token is not None:
        data["csrf_token"] = token
    response = web.post(path(world.tutor, f"/review/{submission.id}/release"), data=data)
    assert response.status_code == 403
    assert [f.status for f in feedback_rows(db, submission.id)] == ["draft"]
    assert outbox(db) == [] and status_of(db, submission.id) == "in_review"


def test_a_learner_without_email_gets_the_feedback_in_the_tool_and_the_reason_is_kept(
    web, world, make_submission, db
):
    learner = db.get(PlatformUser, world.learner.principal.user_id)
    learner.email = None
    db.add(learner)
    db.commit()
    submission = make_submission(world.learner)
    write_and_release(web, world.tutor, submission.id, FEEDBACK)
    (mail,) = mails(db)
    assert mail.status == OutboxStatus.SKIPPED
    assert mail.skipped_reason == "recipient has no email address"
    assert "Kundenbeziehung" in web.get(path(world.learner, f"/feedback/{submission.id}")).text


def test_smtp_down_during_release_and_back_later_delivers_exactly_one_email(
    web, world, make_submission, db, engine, settings, pdf_for_feedback
):
    sink = SmtpSink().start()
    port = sink.port
    sink.stop()  # the mail server is down when the tutor releases
    try:
        submission = make_submission(world.learner)
        claim(web, world.tutor, submission.id)
        save(web, world.tutor, submission.id, FEEDBACK)
        attach(web, world.tutor, submission.id, pdf_for_feedback, name="Anmerkungen.pdf")
        assert release(web, world.tutor, submission.id).status_code == 303  # not blocked

        handlers = {
            "email": outbox_worker.EmailHandler(settings.model_copy(update={"smtp_url": sink.url}))
        }
        down = deliver_due(engine, handlers)
        assert (down.sent, down.retrying) == (0, 1)
        assert [m.status for m in mails(db)] == [OutboxStatus.PENDING]

        sink = SmtpSink(port=port).start()  # back up
        later = utcnow() + timedelta(hours=2)  # past the backoff
        up = deliver_due(engine, handlers, now=later)
        again = deliver_due(engine, handlers, now=later + timedelta(hours=2))
        assert (up.sent, again.processed) == (1, 0)
        assert sink.count() == 1
        (received,) = sink.messages
        message = received.message
        assert received.rcpt_tos == ("lena@example.org",)
        assert message["Subject"].startswith("Ihr Feedback ist da")
        plain = message.get_body(preferencelist=("plain",)).get_content().replace("\r\n", "\n")
        html = message.get_body(preferencelist=("html",)).get_content()
        assert markdown_text(FEEDBACK) in plain and "**" not in plain
        assert "<strong>Kundenbeziehung</strong>" in html
        (pdf,) = list(message.iter_attachments())
        assert pdf.get_filename() == "Anmerkungen.pdf"
        assert pdf.get_content() == pdf_for_feedback
        assert [m.status for m in mails(db)] == [OutboxStatus.SENT]
    finally:
        sink.stop()


SIGNED = "**Wichtig:** bitte prüfen.\n\n- eins\n- zwei\n\nViele Grüße\nTilda"
SIGNED_TEXT = "Wichtig: bitte prüfen.\n\n– eins\n– zwei\n\nViele Grüße\nTilda"


def test_the_mail_text_the_pages_and_the_gradebook_comment_keep_shape_and_line_breaks(
    web, world, make_submission, db
):
    """Issue 9 §6: no raw ``**``, bullets kept, blank lines kept, "Viele Grüße⏎Tilda" on
    two lines - in the mail's text part (the one rendering every mail uses), its HTML,
    the learner's feedback page and the LMS gradebook comment."""
    from feedback.gradebook import feedback_summary

    submission = make_submission(world.learner)
    write_and_release(web, world.tutor, submission.id, SIGNED)
    (mail,) = mails(db)
    assert SIGNED_TEXT in mail.payload["text"] and "**" not in mail.payload["text"]
    assert "Viele Grüße<br>" in mail.payload["html"]
    page = web.get(path(world.learner, f"/feedback/{submission.id}"))
    assert page.status_code == 200 and "Viele Grüße<br>" in page.text
    assert feedback_summary(SIGNED, has_attachment=False, locale="de") == SIGNED_TEXT

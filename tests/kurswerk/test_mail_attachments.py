"""Email attachments: built into the message, carried through the outbox, delivered."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from markupsafe import Markup
from sqlmodel import select

from kurswerk.core import mail
from kurswerk.core.db import new_session
from kurswerk.core.outbox import worker as outbox_worker
from kurswerk.core.outbox.queue import OutboxMessage, OutboxStatus, deliver_due, enqueue_email
from tests.support.smtp import SmtpSink

PDF = b"%PDF-1.7\n" + bytes(range(256)) * 40 + b"\n%%EOF\n"

FEEDBACK = {
    "learner_name": "Jörg Müller",
    "course_title": "Social-Media-Strategie",
    "exercise_title": "Zielgruppe",
    "industry": "",
    "tutor_name": "Dr. Weiß",
    "released_at": datetime(2026, 11, 23, 10, 0, tzinfo=UTC),
    "feedback_text": "Gut gemacht.",
    "feedback_html": Markup("<p>Gut gemacht.</p>"),
    "attachment_name": "Rückmeldung.pdf",
    "attachment_url": None,
    "feedback_url": "https://kurswerk.test/c/1/feedback/7",
}


def build(attachments):
    rendered = mail.RenderedEmail("Betreff", "Text", "<p>Text</p>")
    return mail.build_message(
        rendered,
        to="joerg@example.org",
        mail_from="Kurswerk <kurs@kurswerk.test>",
        message_id="<x@kurswerk.test>",
        attachments=attachments,
    )


def test_a_message_with_an_attachment_is_mixed_around_the_alternative_body():
    message = build([mail.Attachment("Rückmeldung.pdf", "application/pdf", PDF)])
    assert message.get_content_type() == "multipart/mixed"
    body, attached = list(message.iter_parts())
    assert body.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in body.iter_parts()] == ["text/plain", "text/html"]
    assert attached.get_content_type() == "application/pdf"
    assert attached.get_filename() == "Rückmeldung.pdf"
    assert attached.get_content() == PDF
    assert bytes(message).isascii()


def test_without_attachments_the_message_stays_multipart_alternative():
    assert build([]).get_content_type() == "multipart/alternative"


@pytest.mark.parametrize("content_type", ["pdf", "application/", "text/ html", ""])
def test_an_attachment_needs_a_media_type(content_type):
    with pytest.raises(ValueError):
        mail.Attachment("a.pdf", content_type, PDF)


def test_an_attachment_name_is_one_line():
    item = mail.Attachment("a\r\nBcc: x@example.org.pdf", "application/pdf", PDF)
    assert item.filename == "a Bcc: x@example.org.pdf"
    message = build([item])
    assert message["Bcc"] is None
    assert not any(line.startswith("Bcc:") for line in str(message).splitlines())


def test_attachments_survive_the_payload_round_trip():
    items = [mail.Attachment("a.pdf", "application/pdf", PDF)]
    assert mail.attachments_from_payload(mail.attachments_to_payload(items)) == items


@pytest.mark.parametrize(
    "item",
    [
        {"filename": "a.pdf", "content_type": "application/pdf", "data_base64": "!!"},
        {"filename": "a.pdf", "content_type": "application/pdf"},
        {"filename": "a.pdf", "content_type": "nonsense", "data_base64": ""},
    ],
)
def test_a_broken_payload_attachment_is_refused(item):
    with pytest.raises(ValueError):
        mail.attachments_from_payload([item])


def test_an_attachment_travels_through_the_outbox_to_the_smtp_server(engine, settings):
    sink = SmtpSink().start()
    try:
        with new_session(engine) as session:
            enqueue_email(
                session,
                to="joerg@example.org",
                template="feedback_released",
                context=FEEDBACK,
                attachments=[mail.Attachment("Rückmeldung.pdf", "application/pdf", PDF)],
            )
            session.commit()
        handler = outbox_worker.EmailHandler(settings.model_copy(update={"smtp_url": sink.url}))
        report = deliver_due(engine, {"email": handler})
        assert report.sent == 1
        (received,) = sink.messages
        pdf = next(p for p in received.message.iter_attachments())
        assert pdf.get_filename() == "Rückmeldung.pdf"
        assert pdf.get_content() == PDF
    finally:
        sink.stop()


def test_a_row_with_a_broken_attachment_fails_permanently_instead_of_retrying(engine, settings):
    with new_session(engine) as session:
        row = enqueue_email(
            session, to="joerg@example.org", template="feedback_released", context=FEEDBACK
        )
        row.payload = {**row.payload, "attachments": [{"filename": "a.pdf"}]}
        session.add(row)
        session.commit()
    handler = outbox_worker.EmailHandler(settings)
    report = deliver_due(engine, {"email": handler})
    assert report.failed == 1
    with new_session(engine) as session:
        stored = session.exec(select(OutboxMessage)).one()
        assert stored.status == OutboxStatus.FAILED
        assert "message cannot be built" in (stored.last_error or "")


ICS = b"BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nEND:VCALENDAR\r\n"


def test_an_attachment_carries_its_media_type_parameters_into_the_message_and_payload():
    item = mail.Attachment("invite.ics", "text/calendar", ICS, (("method", "REQUEST"),))
    (attached,) = build([item]).iter_attachments()
    assert attached.get_content_type() == "text/calendar"
    assert attached.get_param("method") == "REQUEST"
    assert attached.get_filename() == "invite.ics"
    assert mail.attachments_from_payload(mail.attachments_to_payload([item])) == [item]
    assert mail.attachments_to_payload([item])[0]["params"] == {"method": "REQUEST"}


@pytest.mark.parametrize(
    "params", [(("method", "REQUEST\r\nBcc: x@example.org"),), (("me thod", "REQUEST"),)]
)
def test_a_media_type_parameter_is_one_token(params):
    with pytest.raises(ValueError):
        mail.Attachment("invite.ics", "text/calendar", ICS, params)

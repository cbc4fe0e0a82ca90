"""Emails: the templates (German here; both languages in test_mail_locales.py), the
message we build, SMTP over plain/TLS/STARTTLS."""

from __future__ import annotations

import smtplib
from datetime import UTC, date, datetime

import pytest
from jinja2 import TemplateNotFound, UndefinedError
from markupsafe import Markup

from kurswerk.core import mail
from tests.support.smtp import SmtpSink, self_signed_tls

# The plain-SMTP login test runs AUTH without TLS on purpose (loopback only).
pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")


def receipt_context(**overrides):
    values = {
        "learner_name": "Jörg Müller",
        "course_title": "Social-Media-Strategie",
        "exercise_title": "Zielgruppe für Ihr Café",
        "industry": "Gastronomie",
        "file_name": "übung-3.pdf",
        "version": 1,
        "submitted_at": datetime(2026, 11, 22, 13, 5, tzinfo=UTC),
        "promised_on": date(2026, 11, 27),
        "submissions_url": "https://kurswerk.test/c/1/submissions",
    }
    return {**values, **overrides}


def feedback_context(**overrides):
    values = {
        "learner_name": "Jörg Müller",
        "course_title": "Social-Media-Strategie",
        "exercise_title": "Zielgruppe für Ihr Café",
        "industry": "",
        "tutor_name": "Dr. Weiß",
        "released_at": datetime(2026, 7, 1, 13, 5, tzinfo=UTC),
        "feedback_text": "Sehr gut: **klare Persona**.\n\nNächster Schritt: Kanäle wählen.",
        "feedback_html": Markup("<p>Sehr gut: <strong>klare Persona</strong>.</p>"),
        "attachment_name": None,
        "attachment_url": None,
        "feedback_url": "https://kurswerk.test/c/1/feedback/7",
    }
    return {**values, **overrides}


# --- templates ------------------------------------------------------------------------


def test_receipt_renders_subject_text_and_html_in_german():
    rendered = mail.render("submission_receipt", receipt_context())
    assert rendered.subject == "Eingangsbestätigung: Zielgruppe für Ihr Café"
    assert "Hallo Jörg Müller," in rendered.text
    assert "übung-3.pdf" in rendered.text
    assert "Feedback bis Freitag, 27. November\n" in rendered.text
    # 13:05 UTC in November is 14:05 in Berlin.
    assert "22.11.2026, 14:05 Uhr" in rendered.text
    assert "https://kurswerk.test/c/1/submissions" in rendered.text
    assert rendered.html.startswith("<!DOCTYPE html>")
    assert '<html lang="de">' in rendered.html
    assert "Zielgruppe für Ihr Café" in rendered.html
    assert 'href="https://kurswerk.test/c/1/submissions"' in rendered.html


def test_the_variable_documentation_does_not_reach_the_reader():
    rendered = mail.render("submission_receipt", receipt_context())
    assert rendered.text.startswith("Hallo Jörg Müller,")
    assert "Variablen" not in rendered.text


def test_a_resubmission_names_its_version():
    assert "(Fassung 2)" in mail.render("submission_receipt", receipt_context(version=2)).text
    assert "Fassung" not in mail.render("submission_receipt", receipt_context()).text


def test_values_are_escaped_in_html_and_left_alone_in_text():
    hostile = "<script>alert(1)</script> & Co"
    rendered = mail.render("submission_receipt", receipt_context(exercise_title=hostile))
    assert "<script>" not in rendered.html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co" in rendered.html
    assert hostile in rendered.text
    assert "&amp;" not in rendered.text


def test_a_value_with_line_breaks_cannot_make_a_second_header_line():
    rendered = mail.render(
        "submission_receipt", receipt_context(exercise_title="Übung\r\nBcc: victim@example.org")
    )
    assert "\n" not in rendered.subject and "\r" not in rendered.subject
    assert rendered.subject == "Eingangsbestätigung: Übung Bcc: victim@example.org"


def test_feedback_mail_carries_the_full_feedback_text():
    rendered = mail.render("feedback_released", feedback_context())
    assert rendered.subject == "Ihr Feedback ist da: Zielgruppe für Ihr Café"
    assert "Dr. Weiß hat Ihr Feedback" in rendered.text
    assert "Sehr gut: **klare Persona**.\n\nNächster Schritt: Kanäle wählen." in rendered.text
    assert "<strong>klare Persona</strong>" in rendered.html
    # 13:05 UTC in July is 15:05 in Berlin (summer time).
    assert "01.07.2026, 15:05 Uhr" in rendered.text
    assert "Anhang" not in rendered.text


def test_feedback_html_given_as_plain_str_is_escaped_not_trusted():
    rendered = mail.render(
        "feedback_released", feedback_context(feedback_html="<img src=x onerror=alert(1)>")
    )
    assert "<img" not in rendered.html
    assert "&lt;img src=x onerror=alert(1)&gt;" in rendered.html


def test_feedback_attachment_is_linked_when_given():
    rendered = mail.render(
        "feedback_released",
        feedback_context(
            attachment_name="feedback.pdf", attachment_url="https://kurswerk.test/f/7.pdf"
        ),
    )
    assert "Anhang „feedback.pdf“:\nhttps://kurswerk.test/f/7.pdf" in rendered.text
    assert 'href="https://kurswerk.test/f/7.pdf"' in rendered.html


def test_a_missing_variable_is_an_error_at_render_time():
    context = receipt_context()
    del context["promised_on"]
    with pytest.raises(UndefinedError):
        mail.render("submission_receipt", context)


@pytest.mark.parametrize("name", ["no_such_mail", "../base.html", "_layout.html", "", "a/b"])
def test_unknown_or_unsafe_template_names_are_refused(name):
    with pytest.raises(TemplateNotFound):
        mail.render(name, receipt_context())


def test_the_english_receipt_is_english_and_says_so():
    rendered = mail.render("submission_receipt", receipt_context(), locale="en")
    assert rendered.subject == "Submission received: Zielgruppe für Ihr Café"
    assert "22 Nov 2026, 14:05" in rendered.text  # 13:05 UTC is 14:05 in Berlin
    assert '<html lang="en">' in rendered.html


@pytest.mark.parametrize(
    "folder", sorted(p for p in mail.TEMPLATE_DIR.iterdir() if p.is_dir()), ids=lambda p: p.name
)
def test_every_email_has_three_parts_and_documents_its_variables(folder):
    assert {"subject.txt", "body.txt", "body.html"} <= {p.name for p in folder.iterdir()}
    body = (folder / "body.txt").read_text(encoding="utf-8")
    assert body.startswith("{#") and "Variablen" in body


# --- the message ----------------------------------------------------------------------


def test_message_is_multipart_alternative_plain_then_html_with_stable_id():
    rendered = mail.render("submission_receipt", receipt_context())
    message = mail.build_message(
        rendered,
        to="joerg@example.org",
        to_name="Jörg Müller",
        mail_from="Kurswerk <kurs@kurswerk.test>",
        message_id=mail.message_id_for("abc123", "Kurswerk <kurs@kurswerk.test>"),
    )
    assert message.get_content_type() == "multipart/alternative"
    parts = list(message.iter_parts())
    assert [p.get_content_type() for p in parts] == ["text/plain", "text/html"]
    assert all(p.get_content_charset() == "utf-8" for p in parts)
    assert message["Message-ID"] == "<abc123@kurswerk.test>"
    assert message["Auto-Submitted"] == "auto-generated"
    # 7-bit clean on the wire: umlauts travel encoded, whatever the server supports.
    assert bytes(message).isascii()


def test_message_id_falls_back_to_a_local_domain_without_a_sender_domain():
    assert mail.message_id_for("x1", "nobody") == "<x1@kurswerk.localhost>"


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        ("anna@example.org", True),
        ("a.b+kurs@sub.example.de", True),
        ("", False),
        ("anna", False),
        ("anna@localhost", False),
        ("a@b@example.org", False),
        ("anna @example.org", False),
        ("<anna@example.org>", False),
        ("anna@example.org\r\nBcc: x@example.org", False),
        ("jörg@example.org", False),
        ("a" * 320 + "@example.org", False),
    ],
)
def test_address_check(value, valid):
    assert mail.is_valid_address(value) is valid


# --- SMTP URLs and transports ---------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("smtp://mail.example.org", ("mail.example.org", 25, "plain", None, None)),
        ("smtp://127.0.0.1:8025", ("127.0.0.1", 8025, "plain", None, None)),
        ("smtps://mail.example.org", ("mail.example.org", 465, "tls", None, None)),
        ("smtp+starttls://u:p@mail.example.org", ("mail.example.org", 587, "starttls", "u", "p")),
        (
            "smtp://kurs%40example.org:p%3Ass%2Fw@mx:2525",
            ("mx", 2525, "plain", "kurs@example.org", "p:ss/w"),
        ),
    ],
)
def test_smtp_url_forms(url, expected):
    target = mail.parse_smtp_url(url)
    assert (target.host, target.port, target.security, target.username, target.password) == (
        expected
    )


@pytest.mark.parametrize("url", ["http://mail.example.org", "smtp://", "mail.example.org:25"])
def test_smtp_url_with_wrong_scheme_or_no_host_is_refused(url):
    with pytest.raises(ValueError, match="KURSWERK_SMTP_URL"):
        mail.parse_smtp_url(url)


def _simple_message(to="anna@example.org"):
    rendered = mail.RenderedEmail("Grüße", "Schöne Grüße aus Köln", "<p>Schöne Grüße</p>")
    return mail.build_message(
        rendered, to=to, mail_from="Kurswerk <kurs@kurswerk.test>", message_id="<m1@kurswerk.test>"
    )


def test_send_with_login_over_plain_smtp():
    sink = SmtpSink(credentials=("kurs", "geheim")).start()
    try:
        mail.send(_simple_message(), sink.url, timeout=10, local_hostname="kurswerk.test")
        [received] = sink.messages
        assert received.mail_from == "kurs@kurswerk.test"
        assert received.rcpt_tos == ("anna@example.org",)
        assert received.message["Subject"] == "Grüße"
        assert received.message.get_body(("plain",)).get_content().strip() == (
            "Schöne Grüße aus Köln"
        )
    finally:
        sink.stop()


def test_send_with_a_wrong_password_is_an_authentication_error():
    sink = SmtpSink(credentials=("kurs", "geheim")).start()
    try:
        wrong = sink.url.replace("geheim", "falsch")
        with pytest.raises(smtplib.SMTPAuthenticationError):
            mail.send(_simple_message(), wrong, timeout=10, local_hostname="kurswerk.test")
        assert sink.messages == []
    finally:
        sink.stop()


def test_send_over_implicit_tls(tmp_path):
    tls = self_signed_tls(tmp_path)
    sink = SmtpSink(tls=tls.server, credentials=("kurs", "geheim")).start()
    try:
        assert sink.url.startswith("smtps://")
        mail.send(_simple_message(), sink.url, timeout=10, ssl_context=tls.client)
        assert sink.count() == 1
    finally:
        sink.stop()


def test_send_over_starttls(tmp_path):
    tls = self_signed_tls(tmp_path)
    sink = SmtpSink(starttls=tls.server, credentials=("kurs", "geheim")).start()
    try:
        assert sink.url.startswith("smtp+starttls://")
        mail.send(_simple_message(), sink.url, timeout=10, ssl_context=tls.client)
        assert sink.count() == 1
    finally:
        sink.stop()


def test_tls_refuses_a_certificate_it_does_not_trust(tmp_path):
    tls = self_signed_tls(tmp_path)
    sink = SmtpSink(tls=tls.server).start()
    try:
        with pytest.raises(OSError):  # ssl.SSLCertVerificationError
            mail.send(_simple_message(), sink.url, timeout=10)
        assert sink.count() == 0
    finally:
        sink.stop()

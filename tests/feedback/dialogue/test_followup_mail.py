"""The dialogue's mails as they leave over a real SMTP server (the outbox worker's email
handler to ``SmtpSink``): the question to the tutor in the tutor's language, the answer
to the learner in theirs, each linking the page where it is (opened outside the LMS,
read-only)."""

from __future__ import annotations

from urllib.parse import urlsplit

from kurswerk.core.outbox import worker as outbox_worker
from kurswerk.core.outbox.queue import OutboxStatus, deliver_due
from lti.models import PlatformUser
from tests.feedback.dialogue.conftest import answer, ask
from tests.feedback.helpers import mails, text_of
from tests.support.mail_links import link_to, open_in_plain_browser
from tests.support.smtp import SmtpSink


def test_question_and_answer_reach_tutor_and_learner_each_in_their_language(
    app, web, world, released, db, engine, settings
):
    tutor = db.get(PlatformUser, world.tutor.principal.user_id)
    tutor.email, tutor.locale = "tilda@example.org", "en-GB"
    db.add(tutor)
    db.commit()
    sink = SmtpSink().start()
    try:
        handlers = {
            "email": outbox_worker.EmailHandler(settings.model_copy(update={"smtp_url": sink.url}))
        }
        deliver_due(engine, handlers)  # the release's mail to the learner
        sink.messages.clear()

        ask(web, world.learner, released.fid, "Reicht **eine** Quelle je Kanal?")
        assert deliver_due(engine, handlers).sent == 1
        (asked,) = sink.messages
        assert asked.rcpt_tos == ("tilda@example.org",)
        message = asked.message
        assert message["Subject"] == (
            "Follow-up question on feedback: Leistungen für die Kundenbeziehung und Social "
            "Media (Lena Lernende)"
        )
        plain = message.get_body(preferencelist=("plain",)).get_content().replace("\r\n", "\n")
        assert "Lena Lernende has a follow-up question about your feedback on version 1" in plain
        assert "Reicht eine Quelle je Kanal?" in plain and "**" not in plain
        html = message.get_body(preferencelist=("html",)).get_content()
        assert "<strong>eine</strong>" in html and '<html lang="en">' in html
        review_path = f"/c/{world.learner.context_id}/review/{released.sid}"
        review = open_in_plain_browser(app, link_to(plain, review_path))
        assert review.status_code == 200
        assert "Reicht" in review.text and "kt=" not in review.text
        assert 'name="answer"' not in review.text  # read-only: answered from the LMS
        assert "open Kurswerk through your course in the LMS" in text_of(review)

        sink.messages.clear()
        answer(web, world.tutor, released.fid, "Ja, **eine** genügt.")
        assert deliver_due(engine, handlers).sent == 1
        (answered,) = sink.messages
        assert answered.rcpt_tos == ("lena@example.org",)
        assert answered.message["Subject"].startswith("Antwort auf Ihre Rückfrage")
        plain = answered.message.get_body(preferencelist=("plain",)).get_content()
        plain = plain.replace("\r\n", "\n")
        assert "Ja, eine genügt." in plain and "Reicht eine Quelle je Kanal?" in plain
        page_path = f"/c/{world.learner.context_id}/feedback/{released.sid}"
        url = link_to(plain, page_path)
        assert urlsplit(url).fragment == f"kw-question-{released.fid}"
        page = open_in_plain_browser(app, url)
        assert page.status_code == 200 and "Ja, <strong>eine</strong> genügt." in page.text
        assert all(m.status == OutboxStatus.SENT for m in mails(db))
    finally:
        sink.stop()

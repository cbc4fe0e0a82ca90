# ruff: noqa: F811 - fixtures are imported by name and then requested as arguments
"""The links in the submission mails (receipt, tutor notice, daily digest) open their page
in a browser that never launched Kurswerk, for their reader only, and nothing else; a link
that cannot be honoured gets a page in the reader's language, never a 401 dead end."""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from kurswerk.core.email_links import EmailLinks, LinkReader
from kurswerk.core.outbox.queue import OutboxMessage
from tests.support.mail_links import (
    link_to,
    links_in,
    open_in_plain_browser,
    token_of,
    with_path,
    with_token,
)
from tests.support.people import make_learner  # noqa: F401 - fixture
from tests.uploads.submission_fixtures import (  # noqa: F401 - fixtures
    course_loaded,
    exercise_id,
    give_package,
    people,
    upload_pdf,
    web,
)
from uploads import mail
from uploads.models import Submission, TutorMailMode


def mail_text(db, template: str, to: str) -> str:
    db.expire_all()
    rows = db.exec(select(OutboxMessage).order_by(OutboxMessage.id)).all()
    texts = [
        r.payload["text"]
        for r in rows
        if r.payload.get("template") == template and r.payload["to"] == to
    ]
    assert len(texts) == 1, (template, to, len(texts))
    return texts[0]


@pytest.fixture
def two_uploads(web, db, people):
    """Lena (the holder) and Otto, both of the course, each uploaded once."""
    otto = people.learner(name="Otto Zweiter", email="otto@example.org")
    give_package(db, otto)
    upload_pdf(web, people.holder, exercise_id(db), filename="Lenas-Loesung.pdf")
    upload_pdf(web, otto, exercise_id(db), filename="Ottos-Loesung.pdf")
    return otto


def submissions_path(people) -> str:
    return f"/c/{people.holder.context_id}/submissions"


def lists(text: str, db, person) -> bool:
    """Whether a page links to ``person``'s submission (one per learner here)."""
    found = db.exec(select(Submission).where(Submission.user_id == person.principal.user_id)).one()
    return bool(re.search(rf"/c/{person.context_id}/submissions/{found.id}[\"?]", text))


def test_the_receipt_link_opens_my_submissions_in_a_plain_browser(app, db, people, two_uploads):
    url = link_to(mail_text(db, "submission_receipt", "lena@example.org"), submissions_path(people))
    page = open_in_plain_browser(app, url)
    assert page.status_code == 200, page.text[:500]
    assert lists(page.text, db, people.holder)
    assert not lists(page.text, db, two_uploads)  # Lena's page, not Otto's
    # Read-only: the page hands out no session and offers no form to send.
    assert "kt=" not in page.text and 'name="csrf_token"' not in page.text
    assert 'id="email-link-note"' in page.text


def test_each_reader_gets_a_link_of_their_own(app, db, people, two_uploads):
    otto_url = link_to(
        mail_text(db, "submission_receipt", "otto@example.org"), submissions_path(people)
    )
    page = open_in_plain_browser(app, otto_url)
    assert page.status_code == 200
    assert lists(page.text, db, two_uploads)
    assert not lists(page.text, db, people.holder)


def test_the_tutor_notice_links_open_the_queue_and_the_mail_settings(app, db, people, two_uploads):
    people.tutor(email="tina@example.org", name="Tina Tutor")
    upload_pdf(app_client(app), people.holder, exercise_id(db), filename="Zweite.pdf")
    text = mail_text(db, "new_submission", "tina@example.org")
    context = people.holder.context_id
    queue = open_in_plain_browser(app, link_to(text, f"/c/{context}/queue"))
    assert queue.status_code == 200, queue.text[:500]
    assert "Lena Lernend" in queue.text
    choice = open_in_plain_browser(app, link_to(text, f"/c/{context}/submissions/settings"))
    assert choice.status_code == 200, choice.text[:500]


def app_client(app):
    from fastapi.testclient import TestClient

    from tests.conftest import TOOL_BASE_URL

    return TestClient(app, base_url=TOOL_BASE_URL, follow_redirects=False)


def test_the_digest_links_open_for_the_tutor(app, web, db, people, settings):
    tutor = people.tutor(email="dora@example.org", name="Dora Daily")
    chosen = datetime.now(UTC) - timedelta(days=2)
    mail.set_tutor_mail_mode(
        db, tutor.principal.user_id, tutor.context_id, TutorMailMode.DAILY, now=chosen
    )
    db.commit()
    upload_pdf(web, people.holder, exercise_id(db))
    evening = (datetime.now(UTC) + timedelta(days=1)).replace(hour=20)  # 21:00 in Berlin
    assert mail.send_due_digests(db, evening, settings=settings) == 1
    db.commit()
    text = mail_text(db, "submissions_digest", "dora@example.org")
    assert links_in(text)
    for url in links_in(text):
        page = open_in_plain_browser(app, url)
        assert page.status_code == 200, (url, page.text[:500])


# --- what a link does not do --------------------------------------------------------------


def test_the_link_grants_no_other_page(app, db, people, two_uploads):
    url = link_to(mail_text(db, "submission_receipt", "lena@example.org"), submissions_path(people))
    context = people.holder.context_id
    for other in (f"/c/{context}/", f"/c/{context}/lessons/kundenbeziehungen"):
        page = open_in_plain_browser(app, with_path(url, other))
        assert page.status_code == 403, (other, page.status_code)
        assert "öffnet nur die Seite, zu der er führt" in page.text
        assert "Zurück zum LMS" in page.text  # the way back: the platform's address
        assert "Kurswerk" in page.text and "kt=" not in page.text


def test_a_link_of_one_learner_cannot_reach_another_learners_submission(
    app, db, people, two_uploads
):
    otto_submission = db.exec(
        select(Submission).where(Submission.user_id == two_uploads.principal.user_id)
    ).one()
    lena_url = link_to(
        mail_text(db, "submission_receipt", "lena@example.org"), submissions_path(people)
    )
    ottos_receipt = f"/c/{people.holder.context_id}/submissions/{otto_submission.id}/versions/1"
    page = open_in_plain_browser(app, with_path(lena_url, ottos_receipt))
    assert page.status_code == 403
    assert "Ottos-Loesung.pdf" not in page.text


def test_the_link_sends_nothing(app, db, people, two_uploads):
    """A form posted with the link's token is refused: the link is read-only."""
    tutor = people.tutor(email="tina@example.org", name="Tina Tutor")
    upload_pdf(app_client(app), people.holder, exercise_id(db), filename="Zweite.pdf")
    context = people.holder.context_id
    url = link_to(
        mail_text(db, "new_submission", "tina@example.org"), f"/c/{context}/submissions/settings"
    )
    page = open_in_plain_browser(app, url, method="POST")
    assert page.status_code == 403
    assert mail.tutor_mail_mode(db, tutor.principal.user_id, context) is TutorMailMode.EACH


def test_a_tampered_link_gets_a_page_in_the_browsers_language(app, db, people, two_uploads):
    url = link_to(mail_text(db, "submission_receipt", "lena@example.org"), submissions_path(people))
    token = token_of(url)
    tampered = token[:-3] + ("A" if token[-3] != "A" else "B") + token[-2:]
    german = open_in_plain_browser(app, with_token(url, tampered))
    assert german.status_code == 403  # a page that helps, not 401
    assert "Dieser Link ist ungültig" in german.text
    assert "Öffnen Sie Kurswerk über Ihren Kurs im LMS" in german.text
    english = open_in_plain_browser(app, with_token(url, tampered), accept_language="en-GB,en")
    assert english.status_code == 403
    assert "This link is not valid" in english.text and '<html lang="en">' in english.text
    assert not lists(german.text + english.text, db, people.holder)


def test_an_expired_link_gets_a_page_in_the_readers_language(
    app, db, people, settings, monkeypatch
):
    reader = people.tutor(email="emma@example.org", name="Emma English", locale="en")
    links = EmailLinks(settings)
    path = f"/c/{reader.context_id}/queue"
    now = time.time()
    with monkeypatch.context() as past:
        past.setattr(time, "time", lambda: now - (settings.email_link_days * 86400 + 60))
        url = links.url(
            path,
            LinkReader(
                reader.principal.user_id, reader.context_id, reader.principal.platform_id,
                "tutor", "en",
            ),
        )  # fmt: skip
    page = open_in_plain_browser(app, url, accept_language="de")
    assert page.status_code == 403
    assert "This link from an email has expired" in page.text  # the reader's, not the browser's
    assert "Back to the LMS" in page.text
    fresh = links.url(
        path,
        LinkReader(
            reader.principal.user_id, reader.context_id, reader.principal.platform_id,
            "tutor", "en",
        ),
    )  # fmt: skip
    assert open_in_plain_browser(app, fresh).status_code == 200


def test_a_link_is_not_switched_to_when_another_person_is_signed_in(app, db, people, two_uploads):
    url = link_to(mail_text(db, "submission_receipt", "lena@example.org"), submissions_path(people))
    page = open_in_plain_browser(app, url, signed_in=two_uploads.principal)  # Otto's browser
    assert page.status_code == 403
    assert "für eine andere Person bestimmt" in page.text
    assert not lists(page.text, db, people.holder)


def test_the_same_person_signed_in_simply_sees_the_page(app, db, people, two_uploads):
    url = link_to(mail_text(db, "submission_receipt", "lena@example.org"), submissions_path(people))
    page = open_in_plain_browser(app, url, signed_in=people.holder.principal)
    assert page.status_code == 200
    assert lists(page.text, db, people.holder)
    assert 'id="email-link-note"' not in page.text  # a full session, as from the LMS

"""The links in the mails of the forum and of the questions to the course lead (new post,
report, digest, unanswered alert, question asked, question answered) open their page in a
browser that never launched Kurswerk, for their reader, and nothing else."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session

from course.forum.periodic import run_periodic
from kurswerk.core.clock import utcnow
from tests.course.test_forum_helpers import (
    People,
    ask_in_forum,
    emails_to,
    lesson_path,
    notice_of,
    people,
    post_form,
    reply_to,
    web,
)
from tests.support.mail_links import links_in, open_in_plain_browser, with_path

__all__ = ["people", "web"]


def mail_text(db: Session, to: str, template: str) -> str:
    [mail] = emails_to(db, to, template)
    return str(mail.payload["text"])


def opened(app: FastAPI, text: str) -> dict[str, str]:
    """Every tool link of a mail opened in a plain browser: path → page (each must be 200)."""
    pages = {}
    assert links_in(text), text
    for url in links_in(text):
        page = open_in_plain_browser(app, url)
        assert page.status_code == 200, (url, page.status_code, page.text[:800])
        pages[urlsplit(url).path] = page.text
    return pages


def test_a_new_post_mail_opens_the_thread_and_the_notification_settings(
    app: FastAPI, web: TestClient, people: People, db: Session
):
    thread_id = ask_in_forum(web, people.anna, "Kommt die Antwort an?")
    reply_to(web, people.tina, thread_id, "Ja, hier ist sie.")
    pages = opened(app, mail_text(db, "anna@example.org", "forum_post"))
    context = people.context_id
    assert "Ja, hier ist sie." in pages[f"/c/{context}/forum/threads/{thread_id}"]
    assert f"/c/{context}/forum/notifications" in pages


def test_a_report_mail_opens_the_reports_page_for_the_tutor(
    app: FastAPI, web: TestClient, people: People, db: Session
):
    thread_id = ask_in_forum(web, people.anna)
    reply_id = reply_to(web, people.ben, thread_id, "Werbung: kauft meine Produkte!")
    report = f"/c/{people.context_id}/forum/posts/{reply_id}/report"
    assert notice_of(post_form(web, people.anna, report, {"reason": "Spam"})) == "reported"
    pages = opened(app, mail_text(db, "tina@example.org", "forum_report"))
    assert "Werbung: kauft meine Produkte!" in pages[f"/c/{people.context_id}/forum/reports"]


def test_the_digest_and_the_unanswered_alert_open_their_threads(
    app: FastAPI, web: TestClient, people: People, db: Session, engine: Engine, settings
):
    post_form(web, people.ben, lesson_path(people.ben, "/forum/follow"), {"follow": "true"})
    post_form(
        web, people.ben, f"/c/{people.context_id}/forum/notifications", {"delivery": "digest"}
    )
    thread_id = ask_in_forum(web, people.anna, "Frage für den Tagesüberblick")
    report = run_periodic(engine, settings, now=utcnow() + timedelta(hours=25))
    assert report.digests == 1 and report.unanswered_alerts == 1
    thread = f"/c/{people.context_id}/forum/threads/{thread_id}"
    assert (
        "Frage für den Tagesüberblick"
        in opened(app, mail_text(db, "ben@example.org", "forum_digest"))[thread]
    )
    assert (
        "Frage für den Tagesüberblick"
        in opened(app, mail_text(db, "tina@example.org", "forum_unanswered"))[thread]
    )


def ask_course_lead(web: TestClient, person, subject: str) -> int:
    response = post_form(
        web, person, lesson_path(person, "/ask"), {"subject": subject, "body": "Wie genau?"}
    )
    assert response.status_code == 303 and notice_of(response) == "asked"
    return int(response.headers["location"].split("/questions/")[1].split("?")[0])


def test_question_mails_open_the_question_for_the_tutor_and_the_answer_for_the_asker(
    app: FastAPI, web: TestClient, people: People, db: Session
):
    question_id = ask_course_lead(web, people.anna, "Frage an die Tutorin")
    question = f"/c/{people.context_id}/questions/{question_id}"
    assert (
        "Frage an die Tutorin"
        in opened(app, mail_text(db, "tina@example.org", "question_asked"))[question]
    )
    post_form(web, people.tina, f"{question}/answer", {"answer": "Die Antwort der Tutorin."})
    assert (
        "Die Antwort der Tutorin."
        in opened(app, mail_text(db, "anna@example.org", "question_answered"))[question]
    )


def test_the_answer_link_of_one_learner_cannot_open_another_learners_question(
    app: FastAPI, web: TestClient, people: People, db: Session
):
    annas = ask_course_lead(web, people.anna, "Annas Frage")
    bens = ask_course_lead(web, people.ben, "Bens private Frage")
    answer = f"/c/{people.context_id}/questions/{annas}/answer"
    post_form(web, people.tina, answer, {"answer": "Für Anna."})
    [url] = links_in(mail_text(db, "anna@example.org", "question_answered"))
    page = open_in_plain_browser(app, with_path(url, f"/c/{people.context_id}/questions/{bens}"))
    assert page.status_code == 403
    assert "Bens private Frage" not in page.text
    assert "öffnet nur die Seite, zu der er führt" in page.text


def test_a_learners_link_does_not_open_a_tutors_page(
    app: FastAPI, web: TestClient, people: People, db: Session
):
    thread_id = ask_in_forum(web, people.anna)
    reply_to(web, people.tina, thread_id, "Antwort")
    [thread_url, _] = links_in(mail_text(db, "anna@example.org", "forum_post"))
    page = open_in_plain_browser(
        app, with_path(thread_url, f"/c/{people.context_id}/forum/reports"), accept_language="en"
    )
    assert page.status_code == 403
    # The reader's language, as the link names it (Anna's LMS speaks German).
    assert "öffnet nur die Seite" in page.text

"""Ask the course lead: a private question, emailed to the tutors, answered in the tool and
by email, seen only by its asker and the tutors, published anonymised as an FAQ entry."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from course.faq.models import FaqEntry
from course.questions.models import LecturerQuestion
from kurswerk.core.auth import Role
from lti.models import LmsContext
from tests.course.html_tools import parse
from tests.course.test_forum_helpers import (
    People,
    emails_to,
    get,
    lesson_path,
    notice_of,
    people,
    post_form,
    web,
)

__all__ = ["people", "web"]


def ask(
    web: TestClient, people: People, subject: str = "Frage zu Communitys", body: str = ""
) -> int:
    body = body or "Ich arbeite bei **Firma X** und frage mich, ob eine Brandcommunity passt."
    response = post_form(
        web, people.anna, lesson_path(people.anna, "/ask"), {"subject": subject, "body": body}
    )
    assert response.status_code == 303 and notice_of(response) == "asked"
    return int(response.headers["location"].split("/questions/")[1].split("?")[0])


def test_a_question_is_stored_and_emailed_to_the_tutors_only(
    web: TestClient, people: People, db: Session
):
    question_id = ask(web, people)
    row = db.get(LecturerQuestion, question_id)
    assert row is not None and row.asker_id == people.anna.principal.user_id
    [mail] = emails_to(db, "tina@example.org", "question_asked")
    assert mail.payload["subject"] == "Frage an die Kursleitung: Frage zu Communitys"
    assert "Anna Andersen" in mail.payload["text"] and "Firma X" in mail.payload["text"]
    assert f"/questions/{question_id}" in mail.payload["text"]
    assert emails_to(db, "ben@example.org") == [] and emails_to(db, "anna@example.org") == []


def test_the_tutor_answers_in_the_tool_and_the_learner_gets_it_by_email(
    web: TestClient, people: People, db: Session
):
    question_id = ask(web, people)
    response = post_form(
        web, people.tina, f"/c/{people.context_id}/questions/{question_id}/answer",
        {"answer": "Ja, eine *Brandcommunity* passt, wenn ..."},
    )  # fmt: skip
    assert notice_of(response) == "answered"
    [mail] = emails_to(db, "anna@example.org", "question_answered")
    assert "Brandcommunity* passt" not in mail.payload["text"]  # plain text, no Markdown
    assert "Brandcommunity passt" in mail.payload["text"]
    assert "<em>Brandcommunity</em>" in mail.payload["html"]
    page = parse(get(web, people.anna, f"/c/{people.context_id}/questions/{question_id}").text)
    assert "Brandcommunity" in page.find(id="kw-answer-title").parent.text  # type: ignore[union-attr]
    assert "questions/" in get(web, people.anna, lesson_path(people.anna, "/ask")).text


def test_each_recipient_reads_the_question_and_the_answer_in_their_own_language(
    web: TestClient, people: People, db: Session, make_learner
):
    english_tutor = make_learner(
        context=db.get(LmsContext, people.context_id),
        role=Role.TUTOR,
        name="Emma English",
        email="emma@example.org",
        locale="en",
    )
    question_id = ask(web, people)  # Anna, German
    [english] = emails_to(db, "emma@example.org", "question_asked")
    assert english.payload["locale"] == "en"
    assert english.payload["subject"] == "Question to the course lead: Frage zu Communitys"
    assert english.payload["text"].startswith("Hello Emma English,")
    [german] = emails_to(db, "tina@example.org", "question_asked")
    assert german.payload["locale"] == "de"

    post_form(
        web, english_tutor, f"/c/{people.context_id}/questions/{question_id}/answer",
        {"answer": "Ja, eine Brandcommunity passt."},
    )  # fmt: skip
    [answer] = emails_to(db, "anna@example.org", "question_answered")
    assert answer.payload["locale"] == "de"  # the asker's language, not the English tutor's
    assert answer.payload["subject"] == "Antwort auf Ihre Frage: Frage zu Communitys"


def test_learners_see_their_own_questions_only(web: TestClient, people: People):
    question_id = ask(web, people)
    own = get(web, people.anna, f"/c/{people.context_id}/questions")
    assert "Frage zu Communitys" in own.text
    others = get(web, people.ben, f"/c/{people.context_id}/questions")
    assert "Frage zu Communitys" not in others.text
    detail = get(web, people.ben, f"/c/{people.context_id}/questions/{question_id}")
    assert detail.status_code == 404
    inbox = get(web, people.tina, f"/c/{people.context_id}/questions")
    assert "Frage zu Communitys" in inbox.text and "Anna Andersen" in inbox.text


def test_a_tutor_publishes_the_question_as_an_anonymised_faq_entry(
    web: TestClient, people: People, db: Session
):
    question_id = ask(web, people)
    publish = f"/c/{people.context_id}/questions/{question_id}/publish"
    early = post_form(web, people.tina, publish, {"question": "q", "answer": "a"})
    assert early.status_code == 400 and "Nur beantwortete Fragen" in early.text
    post_form(
        web,
        people.tina,
        f"/c/{people.context_id}/questions/{question_id}/answer",
        {"answer": "Für Firma X passt eine Brandcommunity."},
    )
    form = parse(get(web, people.tina, publish).text)
    assert form.find("input", id="kw-question").attrs["value"] == "Frage zu Communitys"
    response = post_form(
        web,
        people.tina,
        publish,
        {
            "question": "Wann passt eine Brandcommunity?",
            "answer": "Wenn die Festigung der Beziehungen im Fokus steht.",
        },
    )
    assert notice_of(response) == "published"
    entry = db.exec(select(FaqEntry).where(FaqEntry.origin == "question")).one()
    assert entry.question_id == question_id and entry.context_id == people.context_id
    faq = get(web, people.ben, lesson_path(people.ben, "/faq")).text
    assert "Wann passt eine Brandcommunity?" in faq
    assert "Anna" not in faq and "Firma X" not in faq
    detail = get(web, people.tina, f"/c/{people.context_id}/questions/{question_id}").text
    assert "In der FAQ veröffentlicht" in detail


def test_an_empty_question_is_refused_and_the_form_keeps_the_subject(
    web: TestClient, people: People, db: Session
):
    response = post_form(
        web, people.anna, lesson_path(people.anna, "/ask"), {"subject": "Nur Betreff", "body": "  "}
    )
    assert response.status_code == 400
    assert "Bitte füllen Sie dieses Feld aus." in response.text
    assert 'value="Nur Betreff"' in response.text
    assert db.exec(select(LecturerQuestion)).all() == []


def test_the_question_and_answer_mails_render_markdown_as_every_mail_does(
    web: TestClient, people: People, db: Session
):
    """Issue 9 §6: the answer keeps "Viele Grüße⏎Tina" on two lines in the tool
    and in the mail; both mails' text parts have no ``**``, keep bullets and blank lines."""
    body = "**Wichtig:** bitte prüfen.\n\n- eins\n- zwei\n\nViele Grüße\nTina"
    text = "Wichtig: bitte prüfen.\n\n– eins\n– zwei\n\nViele Grüße\nTina"
    question_id = ask(web, people, body=body.replace("Tina", "Anna"))
    [asked] = emails_to(db, "tina@example.org", "question_asked")
    assert text.replace("Tina", "Anna") in asked.payload["text"]
    post_form(
        web, people.tina, f"/c/{people.context_id}/questions/{question_id}/answer",
        {"answer": body},
    )  # fmt: skip
    [answered] = emails_to(db, "anna@example.org", "question_answered")
    assert text in answered.payload["text"] and "Viele Grüße<br>" in answered.payload["html"]
    page = get(web, people.anna, f"/c/{people.context_id}/questions/{question_id}")
    assert "Viele Grüße<br>" in page.text


def test_a_question_reaches_a_tutor_the_roster_lists_who_never_launched(
    web: TestClient, people: People, db: Session
):
    from lti import nrps as lti_nrps
    from lti import service as lti_service

    rita = lti_nrps.RosterMember(
        user_id="t-rita",
        name="Rita Roster",
        given_name="",
        family_name="",
        email="rita@example.org",
        roles=("Instructor",),
        role=Role.TUTOR,
    )
    lti_service.record_members(db, context_id=people.anna.context_id, members=[rita])
    db.commit()
    ask(web, people)
    [mail] = emails_to(db, "rita@example.org", "question_asked")
    assert mail.payload["locale"] == "de"  # never launched: the default language
    assert "Hallo Rita Roster" in mail.payload["text"]
    assert len(emails_to(db, "tina@example.org", "question_asked")) == 1

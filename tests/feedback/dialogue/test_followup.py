"""One follow-up question per feedback (issue 14): asked by the learner within the window,
sent to the tutor who wrote the feedback (or, with them gone, to the course's tutors) by
email through the outbox, listed in the queue with its promised answer day, answered on
the review page, the answer mailed to the learner; shown under the feedback to the
learner and the staff only. Every refusal leaves nothing written."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import update
from sqlmodel import select

from feedback.dialogue import followups
from feedback.dialogue.deadlines import answer_due, due_day
from feedback.dialogue.models import FollowUpQuestion
from feedback.models import Feedback
from kurswerk.core.clock import utcnow
from kurswerk.core.db import new_session
from kurswerk.core.email_links import EmailLinks
from kurswerk.core.settings import Settings
from lti.models import Membership
from tests.feedback.dialogue.conftest import answer, ask
from tests.feedback.helpers import mails, path, text_of

QUESTION = "Was meinen Sie mit **begründen**: eine Quelle je Kanal?"


def questions(db) -> list[FollowUpQuestion]:
    db.expire_all()
    return list(db.exec(select(FollowUpQuestion).order_by(FollowUpQuestion.id)).all())


def question_mails(db) -> list:
    return [m for m in mails(db) if m.payload["template"] == "followup_question"]


def answer_mails(db) -> list:
    return [m for m in mails(db) if m.payload["template"] == "followup_answered"]


def test_the_learner_asks_and_the_question_goes_to_the_tutor_who_wrote_the_feedback(
    web, world, released, db
):
    response = ask(web, world.learner, released.fid, QUESTION)
    assert response.status_code == 303
    location = response.headers["location"]
    assert f"/feedback/{released.sid}?" in location and "done=asked" in location
    assert location.endswith(f"#kw-question-{released.fid}")
    (question,) = questions(db)
    assert question.feedback_id == released.fid
    assert question.tutor_user_id == world.tutor.principal.user_id
    assert question.learner_user_id == world.learner.principal.user_id
    assert question.body_markdown == QUESTION and question.answered_at is None
    (mail,) = question_mails(db)
    assert mail.dedup_key == f"followup_question:{question.id}:{world.tutor.principal.user_id}"
    text = mail.payload["text"]
    assert mail.payload["subject"] == (
        "Rückfrage zum Feedback: Leistungen für die Kundenbeziehung und Social Media "
        "(Lena Lernende)"
    )
    assert "Lena Lernende hat eine Rückfrage zu Ihrem Feedback zur Fassung 1" in text
    assert "Was meinen Sie mit begründen: eine Quelle je Kanal?" in text
    assert "Die Antwort ist zugesagt bis" in text
    assert f"/c/{world.learner.context_id}/review/{released.sid}?t=" in text
    assert "<strong>begründen</strong>" in mail.payload["html"]

    page = web.get(location)
    assert "Ihre Rückfrage ist gesendet" in text_of(page)
    assert "<strong>begründen</strong>" in page.text
    assert "Noch keine Antwort; sie ist zugesagt bis" in text_of(page)
    assert 'name="question"' not in page.text  # the one question is asked


def test_a_second_question_is_refused_and_nothing_is_written(web, world, released, db):
    assert ask(web, world.learner, released.fid, QUESTION).status_code == 303
    second = ask(web, world.learner, released.fid, "Und noch etwas?")
    assert second.status_code == 409
    assert "bereits eine Rückfrage gestellt" in text_of(second)
    assert [q.body_markdown for q in questions(db)] == [QUESTION]
    assert len(question_mails(db)) == 1


def test_a_question_after_the_window_is_refused(web, world, released, db, app_settings):
    past = utcnow() - timedelta(days=app_settings.followup_days, minutes=1)
    db.execute(update(Feedback).where(Feedback.id == released.fid).values(released_at=past))
    db.commit()
    page = web.get(path(world.learner, f"/feedback/{released.sid}"))
    assert 'name="question"' not in page.text
    assert "Rückfragen zu diesem Feedback waren bis" in text_of(page)
    response = ask(web, world.learner, released.fid, QUESTION)
    assert response.status_code == 409
    assert "Frist für eine Rückfrage zu diesem Feedback ist abgelaufen" in text_of(response)
    assert questions(db) == [] and question_mails(db) == []


def test_just_inside_the_window_a_question_is_taken(web, world, released, db, app_settings):
    almost = utcnow() - timedelta(days=app_settings.followup_days) + timedelta(minutes=5)
    db.execute(update(Feedback).where(Feedback.id == released.fid).values(released_at=almost))
    db.commit()
    assert ask(web, world.learner, released.fid, QUESTION).status_code == 303
    assert len(questions(db)) == 1


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Bitte schreiben Sie Ihre Rückfrage."),
        ("  \n\r\n ", "Bitte schreiben Sie Ihre Rückfrage."),
        ("x" * (followups.QUESTION_MAX_CHARS + 1), "zu lang (höchstens 2 000)"),
    ],
)
def test_an_empty_or_oversized_question_is_refused_and_shown_again(
    web, world, released, db, text, message
):
    response = ask(web, world.learner, released.fid, text)
    assert response.status_code == 422
    assert message in text_of(response).replace("\u202f", " ")
    assert 'aria-invalid="true"' in response.text
    assert f'href="#kw-question-field-{released.fid}"' in response.text  # the summary links
    if text.strip():
        assert text in response.text  # the text as typed, to fix
    assert questions(db) == [] and question_mails(db) == []


def test_a_question_of_exactly_the_limit_is_taken(web, world, released, db):
    text = "ä" * followups.QUESTION_MAX_CHARS
    assert ask(web, world.learner, released.fid, text).status_code == 303
    assert questions(db)[0].body_markdown == text


def test_no_one_else_asks_about_a_learners_feedback(web, world, released, db):
    for person in (world.learner2, world.tutor, world.admin):
        assert ask(web, person, released.fid, QUESTION).status_code == 404
    # Another course's learner, naming the feedback in their own course's URL or in ours.
    other = world.other_learner
    assert ask(web, other, released.fid, QUESTION).status_code == 404
    foreign = web.post(
        other.url(f"/c/{world.learner.context_id}/dialogue/{released.fid}/question"),
        data={"csrf_token": other.csrf, "question": QUESTION},
    )
    assert foreign.status_code == 403
    assert ask(web, world.learner, 2_000_000, QUESTION).status_code == 404
    assert questions(db) == [] and question_mails(db) == []


def test_a_draft_cannot_be_asked_about(web, world, make_submission, db):
    from tests.feedback.helpers import claim, feedback_rows, save

    submission = make_submission(world.learner)
    claim(web, world.tutor, submission.id)
    save(web, world.tutor, submission.id, "Noch ein Entwurf")
    (draft,) = feedback_rows(db, submission.id)
    assert ask(web, world.learner, draft.id, QUESTION).status_code == 404
    assert questions(db) == []


def test_when_the_author_is_gone_the_question_goes_to_the_courses_tutors(web, world, released, db):
    author = world.tutor.principal.user_id
    db.execute(
        update(Membership)
        .where(Membership.user_id == author, Membership.context_id == world.learner.context_id)
        .values(role="learner")
    )
    db.commit()
    assert ask(web, world.learner, released.fid, QUESTION).status_code == 303
    (question,) = questions(db)
    assert question.tutor_user_id is None
    to = {m.payload["to_name"]: m.payload["text"] for m in question_mails(db)}
    assert set(to) == {"Theo Tutor"}  # the course's tutors now (admins are not reviewers)
    assert "Tilda Tutorin gehört nicht mehr zu den Tutor:innen dieses Kurses" in to["Theo Tutor"]
    queue = text_of(web.get(path(world.tutor2, "/queue")))
    assert "alle Tutor:innen" in queue and "Lena Lernende" in queue


def test_a_course_without_tutors_sends_the_question_to_its_admins(web, world, released, db):
    tutors = [world.tutor.principal.user_id, world.tutor2.principal.user_id]
    db.execute(update(Membership).where(Membership.user_id.in_(tutors)).values(role="learner"))
    db.commit()
    assert ask(web, world.learner, released.fid, QUESTION).status_code == 303
    assert [m.payload["to_name"] for m in question_mails(db)] == ["Ada Admin"]


def test_two_questions_at_once_one_wins(engine, world, released, db):
    barrier = threading.Barrier(2)
    results: list[object] = []
    links = EmailLinks(Settings(base_url="https://kurswerk.test"))

    def run(text: str) -> None:
        with new_session(engine) as session:
            barrier.wait()
            try:
                followups.ask(
                    session,
                    world.learner.principal,
                    released.fid,
                    text,
                    followup_days=14,
                    answer_days=2,
                    links=links,
                )
                session.commit()
                results.append("asked")
            except followups.errors.DialogueRefused as refused:
                session.rollback()
                results.append(refused.status_code)

    threads = [threading.Thread(target=run, args=(text,)) for text in ("Eins?", "Zwei?")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(results, key=str) == [409, "asked"]
    assert len(questions(db)) == 1 and len(question_mails(db)) == 1


def test_the_tutor_answers_on_the_review_page_and_the_learner_gets_it_by_email(
    web, world, released, db
):
    ask(web, world.learner, released.fid, QUESTION)
    review = web.get(path(world.tutor, f"/review/{released.sid}"))
    assert "<strong>begründen</strong>" in review.text
    assert f'id="kw-answer-field-{released.fid}"' in review.text
    response = answer(web, world.tutor2, released.fid, "Ja: **eine Quelle** je Kanal genügt.")
    assert response.status_code == 303
    assert "done=answered" in response.headers["location"]
    (question,) = questions(db)
    assert question.answered_by_user_id == world.tutor2.principal.user_id
    assert question.answered_at is not None
    (mail,) = answer_mails(db)
    assert mail.payload["to"] == "lena@example.org"
    assert mail.dedup_key == f"followup_answered:{question.id}"
    assert mail.payload["subject"] == (
        "Antwort auf Ihre Rückfrage: Leistungen für die Kundenbeziehung und Social Media"
    )
    assert "Theo Tutor hat Ihre Rückfrage zum Feedback zur Fassung 1" in mail.payload["text"]
    assert "Ja: eine Quelle je Kanal genügt." in mail.payload["text"]
    assert f"/c/{world.learner.context_id}/feedback/{released.sid}?t=" in mail.payload["text"]
    mine = text_of(web.get(path(world.learner, f"/feedback/{released.sid}")))
    assert "Antwort von Theo Tutor am" in mine and "Ja: eine Quelle je Kanal genügt." in mine
    after = web.get(response.headers["location"])
    assert "Ihre Antwort ist gespeichert" in text_of(after)
    assert f'id="kw-answer-field-{released.fid}"' not in after.text


def test_refused_answers_write_nothing(web, world, released, db):
    assert answer(web, world.tutor, released.fid, "Zu früh").status_code == 404  # no question
    ask(web, world.learner, released.fid, QUESTION)
    assert answer(web, world.learner, released.fid, "Selbst beantwortet").status_code == 404
    assert answer(web, world.other_tutor, released.fid, "Fremd").status_code == 404
    empty = answer(web, world.tutor, released.fid, "   ")
    assert empty.status_code == 422 and "Bitte schreiben Sie Ihre Antwort." in text_of(empty)
    assert f'href="#kw-answer-field-{released.fid}"' in empty.text
    long = "y" * (followups.ANSWER_MAX_CHARS + 1)
    too_long = answer(web, world.tutor, released.fid, long)
    assert too_long.status_code == 422 and long in too_long.text
    assert questions(db)[0].answered_at is None and answer_mails(db) == []
    assert answer(web, world.tutor, released.fid, "Die Antwort.").status_code == 303
    second = answer(web, world.admin, released.fid, "Noch eine Antwort.")
    assert second.status_code == 409 and "bereits beantwortet" in text_of(second)
    assert questions(db)[0].answer_markdown == "Die Antwort." and len(answer_mails(db)) == 1


def test_the_exchange_is_private_to_the_learner_and_the_courses_staff(web, world, released, db):
    ask(web, world.learner, released.fid, QUESTION)
    answer(web, world.tutor, released.fid, "Nur für Lena: eine Quelle genügt.")
    for person in (world.learner, world.tutor2, world.admin):
        page = web.get(path(person, f"/feedback/{released.sid}"))
        assert "Nur für Lena: eine Quelle genügt." in page.text, person.principal.name
    for person in (world.learner2, world.other_tutor, world.other_learner):
        page = web.get(person.url(f"/c/{person.context_id}/feedback/{released.sid}"))
        assert page.status_code == 404
        assert "Nur für Lena" not in page.text


def test_the_queue_lists_open_questions_with_their_promised_day(web, world, released, db):
    ask(web, world.learner, released.fid, QUESTION)
    (question,) = questions(db)
    queue = web.get(path(world.tutor, "/queue"))
    shown = text_of(queue)
    assert "Rückfragen zu Feedback" in shown and "Lena Lernende" in shown
    assert f"#kw-question-{released.fid}" in queue.text
    assert "Überfällig" not in shown.split("Rückfragen zu Feedback")[1].split("Tastenkürzel")[0]
    db.execute(
        update(FollowUpQuestion)
        .where(FollowUpQuestion.id == question.id)
        .values(answer_due_at=utcnow() - timedelta(minutes=1))
    )
    db.commit()
    late = text_of(web.get(path(world.tutor, "/queue")))
    assert "1 überfällig" in late
    # Theo sees no question to Tilda; the admin sees every question.
    assert "Keine offene Rückfrage." in text_of(web.get(path(world.tutor2, "/queue")))
    assert "Lena Lernende" in text_of(web.get(path(world.admin, "/queue"))).split("Tastenkürzel")[0]
    answer(web, world.tutor, released.fid, "Erledigt.")
    assert "Keine offene Rückfrage." in text_of(web.get(path(world.tutor, "/queue")))


def test_the_answer_is_promised_in_working_days():
    friday_noon = datetime(2026, 12, 4, 11, 0, tzinfo=UTC)  # 12:00 in Berlin
    assert due_day(answer_due(friday_noon, 2)) == date(2026, 12, 8)  # Tuesday
    monday_late = datetime(2026, 12, 7, 22, 30, tzinfo=UTC)  # 23:30 on Monday in Berlin
    assert due_day(answer_due(monday_late, 2)) == date(2026, 12, 9)
    end = answer_due(friday_noon, 2)
    assert end == datetime(2026, 12, 8, 23, 0, tzinfo=UTC)  # Wednesday 00:00 in Berlin


@pytest.mark.parametrize("token", [None, "", "falsch"])
def test_question_and_answer_need_the_csrf_token(web, world, released, db, token):
    assert ask(web, world.learner, released.fid, QUESTION, csrf=token).status_code == 403
    assert questions(db) == []
    ask(web, world.learner, released.fid, QUESTION)
    assert answer(web, world.tutor, released.fid, "Antwort", csrf=token).status_code == 403
    assert questions(db)[0].answered_at is None and answer_mails(db) == []


def test_the_open_questions_list_the_oldest_and_count_all(web, world, release_feedback, db):
    from feedback.dialogue import inbox

    first = release_feedback()
    second = release_feedback(world.learner2, exercise="art-der-kundenbeziehung")
    ask(web, world.learner2, second.fid, "Später gefragt")
    ask(web, world.learner, first.fid, "Noch später gefragt")
    listed = inbox.open_questions(db, world.admin.principal, now=utcnow(), limit=1)
    assert [row.feedback_id for row in listed.rows] == [second.fid]  # the oldest
    assert (listed.total, listed.overdue, listed.more) == (2, 0, True)
    later = inbox.open_questions(db, world.admin.principal, now=utcnow() + timedelta(days=9))
    assert (later.total, later.overdue, later.more) == (2, 2, False)
    assert len(later.rows) == 2 and all(row.overdue for row in later.rows)

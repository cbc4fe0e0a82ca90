"""Announcing a new feedback date (issue 14, "Before a promise slips"): a tutor or admin
of the course names a working day, today or later, and a reason; the date, its revision
and an event (who, when, old date, new date, reason) are stored and the learner's email
is in the outbox in the same transaction. Bad input, a learner, another course's
submission, a settled promise: a clear 4xx with the form shown again, nothing written."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from feedback.promises.models import PromiseEvent, PromiseEventKind
from feedback.promises.outcome import settle
from feedback.promises.rule import day_end
from kurswerk.core import clock
from kurswerk.core.outbox import worker as outbox_worker
from kurswerk.core.outbox.queue import OutboxMessage
from tests.feedback.helpers import mails, path, text_of
from tests.feedback.promises.conftest import events_of, promise_of
from tests.feedback.promises.dates import (
    holiday_after,
    saturday_after,
    today,
    typed,
    working_day_after,
)
from tests.support.smtp import SmtpSink

REASON = "Die Tutorin ist krank; ihre Vertretung übernimmt am Montag."


def announce(web, person, sid, new_date: str, reason: str = REASON, **extra):
    data = {"csrf_token": person.csrf, "new_date": new_date, "reason": reason, **extra}
    return web.post(path(person, f"/review/{sid}/promise"), data=data)


@pytest.fixture
def promised(world, make_submission, promise):
    submission = make_submission(world.learner)
    return submission, promise(submission)


@pytest.fixture
def sink():
    server = SmtpSink().start()
    yield server
    server.stop()


def test_a_tutor_announces_a_new_date_and_the_learner_is_told_at_once(
    web, db, world, promised, sink, settings, engine
):
    submission, before = promised
    new = working_day_after(today(), 3)
    response = announce(web, world.tutor, submission.id, typed(new), promise_revision="0")
    assert response.status_code == 303
    assert response.headers["location"].endswith("#kw-promise")
    after = promise_of(db, submission.id)
    assert (after.due_on, after.first_due_on, after.revision) == (new, before.due_on, 1)
    assert clock.as_utc(after.due_at) == day_end(new)
    changed = [e for e in events_of(db, after.id) if e.kind == PromiseEventKind.CHANGED]
    assert [(e.actor_user_id, e.old_date, e.new_date, e.reason) for e in changed] == [
        (world.tutor.principal.user_id, before.due_on, new, REASON)
    ]
    [mail] = [m for m in mails(db) if m.payload["template"] == "promise_changed"]
    assert mail.payload["to"] == "lena@example.org"
    outbox_worker.run_worker(
        settings.model_copy(update={"smtp_url": sink.url}), engine=engine, once=True, periodic=[]
    )
    [message] = [m.message for m in sink.messages if "lena@example.org" in m.rcpt_tos]
    assert message["Subject"] == "Neues Datum für Ihr Feedback: " + (
        "Leistungen für die Kundenbeziehung und Social Media"
    )
    text = message.get_body(preferencelist=("plain",)).get_content()
    assert f"Feedback bis {clock.weekday_day_month(new)}" in text
    assert f"(bisher zugesagt: {clock.weekday_day_month(before.due_on)})" in text
    assert REASON in text
    page = web.get(response.headers["location"])  # post-redirect-get
    assert "Das neue Datum ist angekündigt." in text_of(page)
    assert "neues Datum angekündigt" in text_of(page)  # the history


def test_the_learner_sees_the_new_date_and_the_reason_on_their_pages(web, db, world, promised):
    submission, before = promised
    new = working_day_after(today(), 4)
    assert announce(web, world.admin, submission.id, typed(new)).status_code == 303
    page = web.get(path(world.learner, f"/submissions/{submission.id}"))
    assert page.status_code == 200
    shown = text_of(page)
    assert f"Feedback bis {clock.weekday_day_month(new)}" in shown
    assert f"zuerst zugesagt war {clock.weekday_day_month(before.due_on)}" in shown
    assert REASON in shown


def _nothing_written(db, submission_id, before):
    after = promise_of(db, submission_id)
    assert (after.due_on, after.revision) == (before.due_on, before.revision)
    assert [e.kind for e in events_of(db, after.id)] == [e.kind for e in events_of(db, before.id)]
    assert not [m for m in mails(db) if m.payload["template"] == "promise_changed"]


DATE, WHY = "kw-promise-new-date", "kw-promise-reason"


def _soon() -> str:
    return typed(working_day_after(today(), 2))


@pytest.mark.parametrize(
    ("new_date", "reason", "message", "field"),
    [
        (lambda: typed(today() - timedelta(days=1)), REASON, "liegt in der Vergangenheit", DATE),
        (lambda: typed(saturday_after(today())), REASON, "ist kein Arbeitstag", DATE),
        (lambda: typed(holiday_after(today())), REASON, "ist kein Arbeitstag", DATE),
        (lambda: "nächste Woche", REASON, "im Format TT.MM.JJJJ", DATE),
        (_soon, "   ", "Bitte nennen Sie einen Grund", WHY),
        (_soon, "x" * 1001, "ist mit 1001 Zeichen zu lang", WHY),
    ],
    ids=["past", "weekend", "holiday", "not-a-date", "no-reason", "reason-too-long"],
)
def test_a_bad_date_or_reason_shows_the_form_again_and_writes_nothing(
    web, db, world, promised, new_date, reason, message, field
):
    submission, before = promised
    typed_date = new_date()
    response = announce(web, world.tutor, submission.id, typed_date, reason)
    assert response.status_code == 422
    assert message in text_of(response)
    assert f'href="#{field}"' in response.text  # the summary leads to the field
    assert 'aria-invalid="true"' in response.text
    assert f'value="{typed_date}"' in response.text  # what was typed is kept
    _nothing_written(db, submission.id, before)


def test_the_same_date_again_changes_nothing(web, db, world, promised):
    submission, before = promised
    response = announce(web, world.tutor, submission.id, typed(before.due_on))
    assert response.status_code in (409, 422)
    _nothing_written(db, submission.id, before)


def test_a_learner_cannot_change_a_promise(web, db, world, promised):
    submission, before = promised
    response = announce(web, world.learner, submission.id, typed(working_day_after(today(), 2)))
    assert response.status_code == 404
    _nothing_written(db, submission.id, before)


def test_another_courses_submission_is_not_found(web, db, world, promised):
    submission, before = promised
    response = announce(web, world.other_tutor, submission.id, typed(working_day_after(today(), 2)))
    assert response.status_code == 404
    _nothing_written(db, submission.id, before)


def test_without_the_csrf_token_nothing_is_changed(web, db, world, promised):
    submission, before = promised
    response = web.post(
        path(world.tutor, f"/review/{submission.id}/promise"),
        data={"new_date": typed(working_day_after(today(), 2)), "reason": REASON},
    )
    assert response.status_code == 403
    _nothing_written(db, submission.id, before)


def test_a_released_promise_cannot_be_moved(web, db, world, promised):
    submission, before = promised
    settle(
        db,
        submission_version_id=before.submission_version_id,
        released_at=clock.utcnow(),
        tutor_user_id=world.tutor.principal.user_id,
    )
    db.commit()
    settled = promise_of(db, submission.id)
    response = announce(web, world.tutor, submission.id, typed(working_day_after(today(), 2)))
    assert response.status_code == 409
    assert "keine offene Zusage mehr" in text_of(response)
    assert promise_of(db, submission.id).due_on == settled.due_on
    assert not db.exec(
        select(PromiseEvent).where(PromiseEvent.kind == PromiseEventKind.CHANGED)
    ).all()
    assert not db.exec(
        select(OutboxMessage).where(OutboxMessage.dedup_key.startswith("promise_changed"))
    ).all()

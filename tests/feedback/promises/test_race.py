"""Two tutors announcing a new date for one promise at the same moment (issue 14): the
changes are serialised on the promise's row - the second waits for the first and applies
its date on top of it - so both are recorded (each event names the date it replaced),
the revision counts both, and the learner's last email names the date in force."""

from __future__ import annotations

import threading

from sqlmodel import select

from feedback.promises import change
from feedback.promises.models import PromiseEventKind
from kurswerk.core import clock
from kurswerk.core.db import new_session
from kurswerk.core.email_links import EmailLinks
from kurswerk.core.outbox.queue import OutboxMessage
from tests.feedback.promises.conftest import events_of, promise_of
from tests.feedback.promises.dates import today, typed, working_day_after


def test_two_changes_at_once_are_both_recorded_and_the_learner_sees_the_last(
    db, engine, settings, world, make_submission, promise, monkeypatch
):
    submission = make_submission(world.learner)
    before = promise(submission)
    both_read = threading.Barrier(2, timeout=20)
    lock_row = change.lock_row

    def lock_after_both_have_read(session, model, row_id):
        both_read.wait()  # each has read revision 0 before either takes the row
        lock_row(session, model, row_id)

    monkeypatch.setattr(change, "lock_row", lock_after_both_have_read)
    dates = {
        world.tutor.principal.user_id: working_day_after(today(), 3),
        world.tutor2.principal.user_id: working_day_after(today(), 6),
    }
    results, errors = {}, []

    def announce(person):
        try:
            with new_session(engine) as session:
                results[person.principal.user_id] = change.announce_new_date(
                    session,
                    person.principal,
                    submission.id,
                    new_date=typed(dates[person.principal.user_id]),
                    reason=f"Grund von {person.principal.name}",
                    seen_revision=0,
                    links=EmailLinks(settings),
                )
                session.commit()
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=announce, args=(p,)) for p in (world.tutor, world.tutor2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    assert len(results) == 2

    changes = [e for e in events_of(db, before.id) if e.kind == PromiseEventKind.CHANGED]
    assert len(changes) == 2
    first, second = changes
    assert first.old_date == before.due_on
    assert second.old_date == first.new_date  # the second applied on top of the first
    final = promise_of(db, submission.id)
    assert (final.due_on, final.revision) == (second.new_date, 2)
    assert sorted(r.overtaken for r in results.values()) == [False, True]
    db.expire_all()
    mails = db.exec(
        select(OutboxMessage)
        .where(OutboxMessage.dedup_key.startswith("promise_changed:"))
        .order_by(OutboxMessage.id)
    ).all()
    assert [m.dedup_key for m in mails] == [f"promise_changed:{e.id}" for e in changes]
    assert f"Feedback bis {clock.weekday_day_month(final.due_on)}" in mails[-1].payload["text"]

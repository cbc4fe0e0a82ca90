# ruff: noqa: F811 - fixtures are imported by name and then requested as arguments
"""Bookings at the same moment: two learners on the last slot get one booking and one
clear refusal (409); one learner booking beyond the month's allowance twice at once gets
one. The transactions overlap for certain (``tests.support.overlap``): the first to
insert its booking holds it uncommitted until the other has begun to write."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from coaching.common import CoachingRefused
from coaching.office_hours import booking as booking_rules
from coaching.office_hours.booking import Rules, book
from coaching.office_hours.models import OfficeHourSlot
from coaching.office_hours.withdrawal import withdraw_slot
from kurswerk.core.auth import Principal
from kurswerk.core.clock import utcnow
from kurswerk.core.db import new_session
from tests.coaching.office_hours.booking_fixtures import (
    Hours,
    at,
    audit_entries,
    bookings,
    day,
    hours,
    make_learner,
    notified,
)
from tests.coaching.office_hours.booking_fixtures import (
    book as book_page,
)
from tests.conftest import TOOL_BASE_URL
from tests.support.overlap import overlapping_writes, run_at_once

__all__ = ["hours", "make_learner", "notified"]

RULES = Rules(min_notice=timedelta(hours=24), free_cancel=timedelta(hours=24))


def booking_by(engine, principal: Principal, slot_id: int):
    """Book in a session of its own, as a request would: the booking's id, or the
    refusal's status and first message."""

    def run() -> object:
        with new_session(engine) as session:
            try:
                made = book(
                    session, principal, slot_id, topic="", pdf=None, now=utcnow(), rules=RULES
                )
            except CoachingRefused as refused:
                session.rollback()
                return refused.status_code, refused.problems[0].text("de")
            session.commit()
            return made.id

    return run


def test_two_learners_on_the_last_slot_get_one_booking_and_one_refusal(
    engine, db: Session, hours: Hours, notified
):
    slot = hours.slot(at(day(3), 10))
    lukas = hours.learner()
    with overlapping_writes("office_hour_booking") as overlap:
        outcomes = run_at_once(
            booking_by(engine, hours.lena.principal, slot.id),
            booking_by(engine, lukas.principal, slot.id),
        )
    assert overlap.paused and not overlap.timed_out
    [made] = bookings(db)
    refusal = (
        409,
        "Diesen Termin hat gerade jemand anderes gebucht. Bitte wählen Sie einen anderen Termin.",
    )
    assert sorted(outcomes, key=str) == sorted([made.id, refusal], key=str)
    assert [e.detail["booking_id"] for e in audit_entries(db)] == [made.id]
    assert [n[0] for n in notified] == [made.id]


def test_a_learner_booking_beyond_the_allowance_twice_at_once_gets_one(
    engine, db: Session, hours: Hours
):
    once = hours.learner(per_month=1, name="Ole Einmal")
    first, second = hours.slot(at(day(3), 10)), hours.slot(at(day(4), 10))
    with overlapping_writes("office_hour_booking") as overlap:
        outcomes = run_at_once(
            booking_by(engine, once.principal, first.id),
            booking_by(engine, once.principal, second.id),
        )
    assert overlap.paused and not overlap.timed_out
    [made] = bookings(db)
    refused = [o for o in outcomes if isinstance(o, tuple)]
    assert [o for o in outcomes if not isinstance(o, tuple)] == [made.id]
    assert [status for status, _ in refused] == [409]
    assert "sind schon gebucht" in refused[0][1]
    assert len(audit_entries(db)) == 1


def test_the_unique_index_refuses_a_booking_whose_check_came_too_early(
    db: Session, hours: Hours, monkeypatch: pytest.MonkeyPatch, notified
):
    """When the slot's check saw it free but another booking holds it by the time of the
    insert (the other transaction committed in between), the partial unique index
    refuses the insert, and the learner reads the same 409 as for a slot found taken."""
    slot = hours.slot(at(day(3), 10))
    now = utcnow()
    book(db, hours.lena.principal, slot.id, topic="", pdf=None, now=now, rules=RULES)
    db.commit()
    lukas = hours.learner()
    monkeypatch.setattr(booking_rules, "live_booking", lambda session, slot_id: None)
    with pytest.raises(CoachingRefused) as refused:
        book(db, lukas.principal, slot.id, topic="", pdf=None, now=now, rules=RULES)
    assert refused.value.status_code == 409
    assert "jemand anderes gebucht" in refused.value.problems[0].text("de")
    db.rollback()
    assert len(bookings(db)) == 1 and len(audit_entries(db)) == 1


def test_two_booking_forms_sent_at_once_for_the_last_slot(app, db: Session, hours: Hours):
    """Over HTTP: both requests pass the check before the body is read, stream their
    form, and meet again when they write: one 303, one 409 with the reason on the page."""
    slot = hours.slot(at(day(3), 10))
    lukas = hours.learner()

    def send(person) -> object:
        def run() -> object:
            with TestClient(app, base_url=TOOL_BASE_URL) as browser:
                return book_page(browser, person, slot.id, topic="Gleichzeitig")

        return run

    with overlapping_writes("office_hour_booking") as overlap:
        responses = run_at_once(send(hours.lena), send(lukas))
    assert overlap.paused and not overlap.timed_out
    assert sorted(r.status_code for r in responses) == [303, 409]
    refused = next(r for r in responses if r.status_code == 409)
    assert "Diesen Termin hat gerade jemand anderes gebucht." in refused.text
    assert len(bookings(db)) == 1


def test_a_slot_withdrawn_after_the_booking_read_it_is_not_booked(
    engine, db: Session, hours: Hours, notified
):
    """The booking's transaction has read the slot (still offered) when the tutor
    withdraws it and commits: under the slot's lock the booking reads the slot again and is
    refused (409), nothing written. Read only once, the stale slot let it book a slot that
    was no longer offered."""
    slot = hours.slot(at(day(3), 10))
    assert slot.id is not None
    with new_session(engine) as session:
        seen = session.get(OfficeHourSlot, slot.id)  # what the page had read (held: the
        assert seen is not None  # session's identity map keeps only what is referenced)
        with new_session(engine) as tutor:
            assert withdraw_slot(
                tutor,
                context_id=hours.context_id,
                tutor_user_id=hours.tutor.principal.user_id,
                slot_id=slot.id,
                now=utcnow(),
            )
            tutor.commit()
        with pytest.raises(CoachingRefused) as refused:
            book(
                session,
                hours.lena.principal,
                slot.id,
                topic="",
                pdf=None,
                now=utcnow(),
                rules=RULES,
            )
        session.rollback()
    assert refused.value.status_code == 409
    assert bookings(db) == []
    assert notified == []

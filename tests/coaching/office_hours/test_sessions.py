# ruff: noqa: F811 - fixtures are imported by name and then requested as arguments
"""The tutor's side: their sessions upcoming, past and cancelled; one session with notes
(private, shared with the learner), held / no-show, cancel (the hour goes back) and move
(the same booking on another free slot of theirs). Another tutor's booking is not found."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlmodel import Session

from coaching.office_hours.models import BookingStatus, OfficeHourBooking
from kurswerk.core.auth import Role
from kurswerk.core.clock import utcnow
from tests.coaching.office_hours.booking_fixtures import (
    NEXT_MONTH,
    Hours,
    at,
    audit_entries,
    book,
    bookings,
    day,
    get,
    hours,
    make_learner,
    notified,
    post,
    written,
)

__all__ = ["hours", "make_learner", "notified"]


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def session_path(hours: Hours, booking_id: int, action: str = "") -> str:
    path = f"/c/{hours.context_id}/office-hours/sessions/{booking_id}"
    return f"{path}/{action}" if action else path


def booked(
    client, db: Session, hours: Hours, slot, learner=None, topic="Zielgruppe"
) -> OfficeHourBooking:
    assert book(client, learner or hours.lena, slot.id, topic=topic).status_code == 303
    return bookings(db)[-1]


def past_booking(db: Session, hours: Hours, minutes_ago: int = 90) -> OfficeHourBooking:
    """A booking whose slot began ``minutes_ago`` (made as a row: nobody can book the past)."""
    slot = hours.slot(utcnow().replace(microsecond=0) - timedelta(minutes=minutes_ago))
    booking = OfficeHourBooking(
        context_id=hours.context_id,
        slot_id=slot.id,
        user_id=hours.lena.principal.user_id,
        grant_id=hours.grant.id,
        starts_at=slot.starts_at,
        ends_at=slot.ends_at,
        month=slot.starts_at.strftime("%Y-%m"),
        topic="Rückblick",
    )
    db.add(booking)
    db.commit()
    return booking


def test_the_sessions_page_shows_upcoming_past_and_cancelled(client, db: Session, hours: Hours):
    upcoming = booked(client, db, hours, hours.slot(at(day(3), 10)), topic="Meine Frage")
    cancelled = booked(client, db, hours, hours.slot(at(day(4), 10)))
    post(client, hours.lena, f"/c/{hours.context_id}/office-hours/bookings/{cancelled.id}/cancel")
    past = past_booking(db, hours)
    page = get(client, hours.tutor, f"/c/{hours.context_id}/office-hours/sessions")
    assert page.status_code == 200
    text = text_of(page.text)
    assert text.index("Anstehende Termine") < text.index("Meine Frage")
    assert (
        text.index("Vergangene Termine") < text.index("Rückblick") < text.index("Abgesagte Termine")
    )
    for booking in (upcoming, cancelled, past):
        assert session_path(hours, booking.id) in page.text
    # a learner is not a tutor
    assert (
        get(client, hours.lena, f"/c/{hours.context_id}/office-hours/sessions").status_code == 403
    )


def test_notes_private_stay_with_the_tutor_shared_reach_the_learner(
    client, db: Session, hours: Hours
):
    booking = booked(client, db, hours, hours.slot(at(day(3), 10)))
    response = post(
        client,
        hours.tutor,
        session_path(hours, booking.id, "notes"),
        {
            "note_private": "Wirkt unsicher bei Zielgruppen",
            "note_shared": "Bitte Persona mitbringen",
        },
    )
    assert response.status_code == 303 and "done=notes_saved" in response.headers["location"]
    [saved] = bookings(db)
    assert (saved.note_private, saved.note_shared) == (
        "Wirkt unsicher bei Zielgruppen",
        "Bitte Persona mitbringen",
    )
    learner_page = text_of(get(client, hours.lena, f"/c/{hours.context_id}/office-hours").text)
    assert "Bitte Persona mitbringen" in learner_page
    assert "Wirkt unsicher" not in learner_page
    again = post(
        client,
        hours.tutor,
        session_path(hours, booking.id, "notes"),
        {
            "note_private": "Wirkt unsicher bei Zielgruppen",
            "note_shared": "Bitte Persona mitbringen",
        },
    )
    assert "done=unchanged" in again.headers["location"]
    too_long = post(
        client, hours.tutor, session_path(hours, booking.id, "notes"), {"note_private": "x" * 4001}
    )
    assert too_long.status_code == 400
    assert "Die Notiz ist zu lang" in text_of(too_long.text)
    assert bookings(db)[0].note_private == "Wirkt unsicher bei Zielgruppen"


def test_held_and_no_show_are_recorded_from_the_start_on(client, db: Session, hours: Hours):
    future = booked(client, db, hours, hours.slot(at(day(3), 10)))
    before = written(db)
    early = post(
        client, hours.tutor, session_path(hours, future.id, "outcome"), {"outcome": "held"}
    )
    assert early.status_code == 409
    assert "erst ab seinem Beginn" in text_of(early.text)
    assert written(db) == before

    past = past_booking(db, hours)
    assert "Hat der Termin stattgefunden?" in text_of(
        get(client, hours.tutor, session_path(hours, past.id)).text
    )
    bad = post(
        client, hours.tutor, session_path(hours, past.id, "outcome"), {"outcome": "cancelled"}
    )
    assert bad.status_code == 400
    response = post(
        client, hours.tutor, session_path(hours, past.id, "outcome"), {"outcome": "no_show"}
    )
    assert response.status_code == 303 and "done=outcome_saved" in response.headers["location"]
    db.expire_all()
    recorded = db.get(OfficeHourBooking, past.id)
    assert (recorded.status, recorded.spends_hour) == (BookingStatus.NO_SHOW, True)
    assert recorded.outcome_by_user_id == hours.tutor.principal.user_id
    corrected = post(
        client, hours.tutor, session_path(hours, past.id, "outcome"), {"outcome": "held"}
    )
    assert corrected.status_code == 303
    entries = [e for e in audit_entries(db) if e.action == "office_hour_outcome"]
    assert [(e.detail["before"]["status"], e.detail["after"]["status"]) for e in entries] == [
        ("booked", "no_show"),
        ("no_show", "held"),
    ]
    assert all(e.detail["booking_id"] == past.id for e in entries)


def test_a_tutor_cancels_and_the_hour_goes_back(client, db: Session, hours: Hours, notified):
    booking = booked(client, db, hours, hours.slot(at(day(3), 10)))
    response = post(client, hours.tutor, session_path(hours, booking.id, "cancel"))
    assert response.status_code == 303 and "done=cancelled" in response.headers["location"]
    [cancelled] = bookings(db)
    assert (cancelled.status, cancelled.spends_hour, cancelled.sequence) == (
        BookingStatus.CANCELLED,
        False,
        1,
    )
    assert cancelled.cancelled_by_user_id == hours.tutor.principal.user_id
    assert [n[1] for n in notified] == ["booked", "cancelled_by_tutor"]
    entry = audit_entries(db)[-1]
    assert (entry.action, entry.detail["subject"]["by"]) == ("office_hour_cancelled", "tutor")
    assert entry.actor_user_id == hours.tutor.principal.user_id
    again = post(client, hours.tutor, session_path(hours, booking.id, "cancel"))
    assert again.status_code == 409


def test_a_tutor_moves_a_booking_to_another_free_slot_of_theirs(
    client, db: Session, hours: Hours, notified
):
    first = hours.slot(at(day(3), 10))
    booking = booked(client, db, hours, first)
    uid = booking.uid
    target = hours.slot(at(day(5, NEXT_MONTH), 15), minutes=60)
    page = get(client, hours.tutor, session_path(hours, booking.id))
    assert f'<option value="{target.id}">' in page.text
    response = post(
        client, hours.tutor, session_path(hours, booking.id, "move"), {"slot": str(target.id)}
    )
    assert response.status_code == 303 and "done=moved" in response.headers["location"]
    [moved] = bookings(db)
    assert moved.id == booking.id and moved.uid == uid
    assert moved.slot_id == target.id
    assert (moved.sequence, moved.status, moved.month) == (
        1,
        "booked",
        NEXT_MONTH.strftime("%Y-%m"),
    )
    assert moved.ends_at - moved.starts_at == timedelta(minutes=60)
    assert notified[-1] == (booking.id, "moved", 1)
    entry = audit_entries(db)[-1]
    assert entry.action == "office_hour_moved"
    assert entry.detail["before"]["starts_at"] != entry.detail["after"]["starts_at"]
    # the old slot is free again for others
    lukas = hours.learner()
    assert book(client, lukas, first.id).status_code == 303


def test_moves_to_a_slot_not_free_or_not_theirs_are_refused(client, db: Session, hours: Hours):
    first = hours.slot(at(day(3), 10))
    booking = booked(client, db, hours, first)
    taken = hours.slot(at(day(4), 10))
    booked(client, db, hours, taken, learner=hours.learner())
    other_tutor = hours.make(context=hours.course, role=Role.TUTOR, name="Tina Tutor")
    theirs = hours.slot(at(day(5), 10), tutor=other_tutor)
    withdrawn = hours.slot(at(day(6), 10), withdrawn=True)
    begun = hours.slot(utcnow().replace(microsecond=0) - timedelta(minutes=1))
    before = written(db)
    cases = [
        (str(taken.id), 409, "schon gebucht"),
        (str(theirs.id), 404, "Diesen Termin gibt es nicht."),
        (str(withdrawn.id), 409, "zurückgezogen"),
        (str(begun.id), 409, "hat schon begonnen"),
        (str(first.id), 400, "liegt schon auf diesem Termin"),
        ("", 400, "Bitte wählen Sie einen Termin."),
        ("99999999999", 400, "Bitte wählen Sie einen Termin."),
    ]
    for slot, status, words in cases:
        response = post(
            client, hours.tutor, session_path(hours, booking.id, "move"), {"slot": slot}
        )
        assert response.status_code == status, (slot, response.status_code)
        assert words in text_of(response.text), slot
    assert written(db) == before
    assert bookings(db)[0].slot_id == first.id


def test_another_tutor_finds_no_booking_of_someone_elses_slot(client, db: Session, hours: Hours):
    booking = booked(client, db, hours, hours.slot(at(day(3), 10)))
    other_tutor = hours.make(context=hours.course, role=Role.TUTOR, name="Tina Tutor")
    free = hours.slot(at(day(4), 10), tutor=other_tutor)
    before = written(db)
    assert get(client, other_tutor, session_path(hours, booking.id)).status_code == 404
    for action, form in [
        ("notes", {"note_shared": "fremd"}),
        ("cancel", {}),
        ("move", {"slot": str(free.id)}),
        ("outcome", {"outcome": "held"}),
    ]:
        assert (
            post(client, other_tutor, session_path(hours, booking.id, action), form).status_code
            == 404
        )
    # a learner cannot use the tutor's forms either
    assert post(client, hours.lena, session_path(hours, booking.id, "cancel")).status_code == 403
    assert written(db) == before
    [unchanged] = bookings(db)
    assert (unchanged.status, unchanged.note_shared) == ("booked", "")


def test_every_tutor_form_needs_the_csrf_token(client, db: Session, hours: Hours):
    booking = booked(client, db, hours, hours.slot(at(day(3), 10)))
    before = written(db)
    for action in ("notes", "cancel", "move", "outcome"):
        url = hours.tutor.url(session_path(hours, booking.id, action))
        assert client.post(url, data={"note_shared": "x"}).status_code == 403
    assert written(db) == before

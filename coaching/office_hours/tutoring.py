"""A tutor's changes to the bookings of their own slots: cancel (the hour goes back to
the learner), move to another free slot of theirs (the same booking: calendar ``uid``
kept, ``sequence`` + 1), record the outcome (held / no-show, both spend the hour) and
keep notes (private, or shared with the learner).

The rules of ``coaching.office_hours.booking`` apply: the booking is read under its row
lock, every change writes an audit entry and tells learner and tutor (``notices``) in
the caller's transaction; nothing here commits. A booking of another tutor's slot is
"not found" (``queries.tutor_booking``).
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from coaching.audit import AuditAction
from coaching.common import clean_multiline, refuse
from coaching.office_hours import notices
from coaching.office_hours.allowance import month_of
from coaching.office_hours.booking import (
    SLOT_NOT_FOUND,
    SLOT_WITHDRAWN,
    audit_change,
    cancel,
    live_for_change,
    snapshot,
    write_or_taken,
)
from coaching.office_hours.models import BookingStatus, OfficeHourBooking, OfficeHourSlot
from coaching.office_hours.notices import BookingChange
from coaching.office_hours.queries import live_booking, tutor_booking
from kurswerk.core.auth import Principal
from kurswerk.core.clock import as_utc
from kurswerk.core.db import lock_row
from kurswerk.core.i18n import N_

MAX_NOTE = 4000

OUTCOMES = (BookingStatus.HELD, BookingStatus.NO_SHOW)
NO_SUCH_OUTCOME = N_("Bitte wählen Sie „stattgefunden“ oder „nicht erschienen“.")
OUTCOME_TOO_EARLY = N_(
    "Ob ein Termin stattgefunden hat, lässt sich erst ab seinem Beginn eintragen."
)
OUTCOME_OF_CANCELLED = N_("Der Termin wurde abgesagt; ein Ergebnis lässt sich nicht eintragen.")
CHOOSE_SLOT = N_("Bitte wählen Sie einen Termin.")
MOVE_SAME_SLOT = N_("Die Buchung liegt schon auf diesem Termin. Bitte wählen Sie einen anderen.")
MOVE_TARGET_BEGUN = N_("Dieser Termin hat schon begonnen. Bitte wählen Sie einen späteren.")
MOVE_TARGET_TAKEN = N_("Dieser Termin ist schon gebucht. Bitte wählen Sie einen freien Termin.")
NOTE_TOO_LONG = N_("Die Notiz ist zu lang: höchstens %(max)s Zeichen.")


def cancel_by_tutor(
    session: Session, principal: Principal, booking_id: int, *, now: datetime
) -> OfficeHourBooking:
    """The tutor cancels a booking of their slot before it begins: the hour goes back to
    the learner, who is told."""
    booking = live_for_change(session, tutor_booking(session, principal, booking_id), now)
    cancel(session, principal, booking, now=now, spends_hour=False, by="tutor")
    return booking


def move_booking(
    session: Session, principal: Principal, booking_id: int, slot_id: int, *, now: datetime
) -> OfficeHourBooking:
    """The tutor moves a booking of their slot to another free slot of theirs in this
    course that has not begun. The booking spends from the new slot's month; the
    learner's allowance is not checked again (the tutor chose the time)."""
    booking = live_for_change(session, tutor_booking(session, principal, booking_id), now)
    target = session.get(OfficeHourSlot, slot_id)
    if (
        target is None
        or target.context_id != principal.context_id
        or target.tutor_user_id != principal.user_id
    ):
        raise refuse("slot", SLOT_NOT_FOUND, status=404)
    if target.id == booking.slot_id:
        raise refuse("slot", MOVE_SAME_SLOT)
    if target.withdrawn_at is not None:
        raise refuse("slot", SLOT_WITHDRAWN, status=409)
    if as_utc(target.starts_at) <= now:
        raise refuse("slot", MOVE_TARGET_BEGUN, status=409)
    assert target.id is not None
    if live_booking(session, target.id) is not None:
        raise refuse("slot", MOVE_TARGET_TAKEN, status=409)
    before = snapshot(booking)
    booking.slot_id = target.id
    booking.starts_at = target.starts_at
    booking.ends_at = target.ends_at
    booking.month = month_of(as_utc(target.starts_at))
    booking.sequence += 1
    booking.reminder_sent_at = None  # a reminder of the old time says nothing of the new
    booking.updated_at = now
    write_or_taken(session, booking)
    audit_change(session, principal, AuditAction.BOOKING_MOVED, booking, before=before)
    notices.notify(session, booking, BookingChange.MOVED)
    return booking


def record_outcome(
    session: Session, principal: Principal, booking_id: int, outcome: str, *, now: datetime
) -> bool:
    """Held or no-show (both spend the hour), from the slot's start on; a recorded
    outcome may be corrected. False when it was recorded so already."""
    try:
        status = BookingStatus(outcome)
    except ValueError:
        status = None
    if status not in OUTCOMES:
        raise refuse("outcome", NO_SUCH_OUTCOME)
    assert status is not None
    booking = tutor_booking(session, principal, booking_id)
    assert booking.id is not None
    lock_row(session, OfficeHourBooking, booking.id)
    session.refresh(booking)
    if booking.status == BookingStatus.CANCELLED.value:
        raise refuse("outcome", OUTCOME_OF_CANCELLED, status=409)
    if as_utc(booking.starts_at) > now:
        raise refuse("outcome", OUTCOME_TOO_EARLY, status=409)
    if booking.status == status.value:
        return False
    before = snapshot(booking)
    booking.status = status.value
    booking.spends_hour = True
    booking.outcome_at = now
    booking.outcome_by_user_id = principal.user_id
    booking.updated_at = now
    audit_change(session, principal, AuditAction.BOOKING_OUTCOME, booking, before=before)
    return True


def clean_note(raw: str, field: str) -> str:
    """A note as stored (like the topic, ``clean_multiline``); refused when longer than
    ``MAX_NOTE``."""
    text = clean_multiline(raw)
    if len(text) > MAX_NOTE:
        raise refuse(field, NOTE_TOO_LONG, max=MAX_NOTE)
    return text


def save_notes(
    session: Session,
    principal: Principal,
    booking_id: int,
    *,
    private: str,
    shared: str,
    now: datetime,
) -> bool:
    """The tutor's notes on a booking: ``private`` for themselves, ``shared`` shown to the
    learner. False when both were unchanged."""
    note_private = clean_note(private, "note_private")
    note_shared = clean_note(shared, "note_shared")
    booking = tutor_booking(session, principal, booking_id)
    if (booking.note_private, booking.note_shared) == (note_private, note_shared):
        return False
    booking.note_private = note_private
    booking.note_shared = note_shared
    booking.updated_at = now
    session.add(booking)
    session.flush()
    return True

"""The booking rules: a learner books a slot and cancels it; a tutor cancels or moves a
booking of their slot, records whether it was held, and keeps notes on it.

* **Booking** needs a current coaching grant whose package includes office hours, a slot
  of this LMS course that is not withdrawn, not taken and starts no sooner than the
  minimum notice (``KURSWERK_OFFICE_HOURS_MIN_NOTICE_HOURS``), on a day inside the
  grant's effective period, and an hour left in the slot's month (``allowance``).
* **Cancelling** by the learner until the free-cancellation deadline
  (``KURSWERK_OFFICE_HOURS_FREE_CANCEL_HOURS`` before the start) gives the hour back;
  later (until the start) it spends it. A tutor's cancellation always gives it back; a
  tutor's move keeps the booking (same calendar ``uid``, ``sequence`` + 1) on another
  free slot of theirs. Held and no-show spend the hour.

Races: the rules are checked again under the lock on the learner's grant row
(``kurswerk.core.db.lock_row``), so two bookings of one learner at once cannot both spend
the last hour of a month; two learners on the last slot meet at the partial unique index
(one live booking per slot), and the loser gets the same 409 as when the slot was
already taken. Every change writes its audit entry (``coaching.audit``) and tells learner
and tutor (``notices.notify``) in the caller's transaction; nothing here commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from coaching.audit import AuditAction, record
from coaching.common import Actor, CoachingRefused, Problem, clean_multiline, refuse
from coaching.models import CoachingGrant, CoachingPackage
from coaching.office_hours import notices
from coaching.office_hours.allowance import (
    Allowance,
    current_allowance,
    hours_left,
    month_label,
    month_of,
)
from coaching.office_hours.availability import IN_PAST
from coaching.office_hours.models import BookingStatus, OfficeHourBooking, OfficeHourSlot
from coaching.office_hours.notices import BookingChange
from coaching.office_hours.queries import learner_booking, live_booking
from kurswerk.core import i18n
from kurswerk.core.auth import Principal, Role
from kurswerk.core.clock import as_utc, local_date
from kurswerk.core.db import lock_row
from kurswerk.core.i18n import N_
from kurswerk.core.settings import Settings
from lti.models import LmsContext, PlatformUser

MAX_TOPIC = 2000

LEARNERS_ONLY = N_("Sprechstunden buchen Teilnehmer:innen mit einem Coachingpaket.")
NO_OFFICE_HOURS = N_(
    "Sprechstunden buchen können Teilnehmende, deren Coachingpaket Sprechstunden umfasst. "
    "Wenden Sie sich an Ihre Kursleitung, wenn Sie ein solches Paket erhalten möchten."
)
SLOT_NOT_FOUND = N_("Diesen Termin gibt es nicht.")
SLOT_WITHDRAWN = N_("Dieser Termin wurde zurückgezogen und kann nicht gebucht werden.")
SLOT_TAKEN = N_(
    "Diesen Termin hat gerade jemand anderes gebucht. Bitte wählen Sie einen anderen Termin."
)
OUTSIDE_GRANT = N_(
    "Dieser Termin liegt außerhalb der Gültigkeit Ihres Coachingpakets. Sie können Termine "
    "nur in dieser Zeit buchen."
)
MONTH_USED = N_(
    "Ihre Sprechstunden für %(month)s sind schon gebucht. Wählen Sie einen Termin in einem "
    "anderen Monat oder sagen Sie einen gebuchten Termin rechtzeitig ab."
)
TOPIC_TOO_LONG = N_("Das Thema ist zu lang: höchstens %(max)s Zeichen.")
NOT_LIVE = N_("Diese Buchung ist nicht mehr aktiv: Sie wurde abgesagt oder hat stattgefunden.")
ALREADY_BEGUN = N_("Der Termin hat schon begonnen und lässt sich nicht mehr absagen.")
TOO_SOON = N_("Dieser Termin beginnt zu bald, um ihn noch zu buchen.")


@dataclass(frozen=True, slots=True)
class TooSoon(Problem):
    """A slot that starts sooner than the minimum notice (``params["hours"]``); its
    ``message`` is the words without the number (for a page that shows only that)."""

    def text(self, locale: str) -> str:
        return i18n.ngettext(
            locale,
            "Dieser Termin beginnt zu bald: Buchen lässt er sich bis %(hours)s Stunde vor Beginn.",
            "Dieser Termin beginnt zu bald: Buchen lässt er sich bis %(hours)s Stunden vor Beginn.",
            int(self.params["hours"]),
            hours=self.params["hours"],
        )


@dataclass(frozen=True, slots=True)
class MonthProblem(Problem):
    """A problem that names a month (``params["month"]``, ``"2026-12"``) in the reader's
    language."""

    def text(self, locale: str) -> str:
        return i18n.gettext(locale, self.message, month=month_label(self.params["month"], locale))


@dataclass(frozen=True)
class Rules:
    """The booking settings (``KURSWERK_OFFICE_HOURS_*``)."""

    min_notice: timedelta
    free_cancel: timedelta

    @classmethod
    def from_settings(cls, settings: Settings) -> Rules:
        return cls(
            min_notice=timedelta(hours=settings.office_hours_min_notice_hours),
            free_cancel=timedelta(hours=settings.office_hours_free_cancel_hours),
        )

    def cancel_deadline(self, booking: OfficeHourBooking) -> datetime:
        """Until when the learner may cancel and get the hour back."""
        return as_utc(booking.starts_at) - self.free_cancel

    def cancel_gives_hour_back(self, booking: OfficeHourBooking, now: datetime) -> bool:
        return now <= self.cancel_deadline(booking)


@dataclass(frozen=True)
class StoredPdf:
    """The learner's PDF, checked and committed to storage (``kurswerk.core.files``)."""

    file_key: str
    name: str
    size: int


@dataclass(frozen=True)
class Bookable:
    """A slot the learner may book now, with what it spends from."""

    slot: OfficeHourSlot
    allowance: Allowance
    month: str
    hours_left: int  # in ``month``, before this booking


def clean_topic(raw: str) -> str:
    """The topic as stored (``coaching.common.clean_multiline``: line breaks kept, control
    and format characters such as NUL and bidi overrides removed, trimmed); refused when
    longer than ``MAX_TOPIC``."""
    text = clean_multiline(raw)
    if len(text) > MAX_TOPIC:
        raise refuse("topic", TOPIC_TOO_LONG, max=MAX_TOPIC)
    return text


def check_bookable(
    session: Session, principal: Principal, slot_id: int, *, now: datetime, rules: Rules
) -> Bookable:
    """Whether the principal may book the slot now (refused with the first reason that
    applies); writes nothing but may bind an email grant (``coaching_status``)."""
    if principal.role is not Role.LEARNER:
        raise refuse("", LEARNERS_ONLY, status=403)
    slot = session.get(OfficeHourSlot, slot_id)
    if slot is None or slot.context_id != principal.context_id:
        raise refuse("slot", SLOT_NOT_FOUND, status=404)
    allowance = current_allowance(
        session, user_id=principal.user_id, context_id=principal.context_id, today=now.date()
    )
    if allowance is None or allowance.per_month <= 0:
        raise refuse("", NO_OFFICE_HOURS, status=403)
    if slot.withdrawn_at is not None:
        raise refuse("slot", SLOT_WITHDRAWN, status=409)
    starts = as_utc(slot.starts_at)
    if starts <= now:
        raise refuse("slot", IN_PAST, status=400)
    if starts < now + rules.min_notice:
        hours = int(rules.min_notice.total_seconds() // 3600)
        raise CoachingRefused([TooSoon("slot", TOO_SOON, {"hours": hours})], status=409)
    if not allowance.covers(local_date(starts)):
        raise refuse("slot", OUTSIDE_GRANT, status=403)
    assert slot.id is not None
    if live_booking(session, slot.id) is not None:
        raise refuse("slot", SLOT_TAKEN, status=409)
    month = month_of(starts)
    left = hours_left(session, allowance, month)
    if left <= 0:
        raise CoachingRefused([MonthProblem("slot", MONTH_USED, {"month": month})], status=409)
    return Bookable(slot=slot, allowance=allowance, month=month, hours_left=left)


def book(
    session: Session,
    principal: Principal,
    slot_id: int,
    *,
    topic: str,
    pdf: StoredPdf | None,
    now: datetime,
    rules: Rules,
) -> OfficeHourBooking:
    """Book the slot for the principal (checked again under their grant's lock); the
    booking, its audit entry and its notices are in the session, not committed."""
    first = check_bookable(session, principal, slot_id, now=now, rules=rules)
    lock_row(session, CoachingGrant, first.allowance.grant_id)  # this learner, one at a time
    # ... and this slot: a tutor withdrawing it at the same moment (coaching.office_hours.
    # withdrawal locks it before it reads the bookings) waits for this booking, or this
    # booking, read again under the lock, finds the slot withdrawn.
    lock_row(session, OfficeHourSlot, slot_id)
    session.expire(first.slot)
    checked = check_bookable(session, principal, slot_id, now=now, rules=rules)  # under them
    slot = checked.slot
    assert slot.id is not None
    booking = OfficeHourBooking(
        context_id=principal.context_id,
        slot_id=slot.id,
        user_id=principal.user_id,
        grant_id=checked.allowance.grant_id,
        starts_at=slot.starts_at,
        ends_at=slot.ends_at,
        month=checked.month,
        topic=topic,
        file_key=pdf.file_key if pdf else None,
        file_name=pdf.name if pdf else None,
        file_size=pdf.size if pdf else None,
        booked_by_user_id=principal.user_id,
        created_at=now,
        updated_at=now,
    )
    write_or_taken(session, booking)
    audit_change(session, principal, AuditAction.BOOKED, booking, before=None)
    notices.notify(session, booking, BookingChange.BOOKED)
    return booking


def write_or_taken(session: Session, booking: OfficeHourBooking) -> None:
    """Write the booking; a slot another booking holds by now (the unique index) is the
    same refusal as a slot found taken."""
    try:
        with session.begin_nested():
            session.add(booking)
            session.flush()
    except IntegrityError as exc:
        raise refuse("slot", SLOT_TAKEN, status=409) from exc


def cancel_by_learner(
    session: Session, principal: Principal, booking_id: int, *, now: datetime, rules: Rules
) -> OfficeHourBooking:
    """The learner cancels their booking before it begins: in time, the hour comes back
    (``spends_hour`` false); after the deadline it stays spent."""
    booking = live_for_change(session, learner_booking(session, principal, booking_id), now)
    spends_hour = not rules.cancel_gives_hour_back(booking, now)
    cancel(session, principal, booking, now=now, spends_hour=spends_hour, by="learner")
    return booking


def live_for_change(
    session: Session, booking: OfficeHourBooking, now: datetime
) -> OfficeHourBooking:
    """The booking under its row lock, as committed now, refused unless it is booked and
    has not begun (what a cancellation or a move needs)."""
    assert booking.id is not None
    lock_row(session, OfficeHourBooking, booking.id)
    session.refresh(booking)
    if booking.status != BookingStatus.BOOKED.value:
        raise refuse("", NOT_LIVE, status=409)
    if as_utc(booking.starts_at) <= now:
        raise refuse("", ALREADY_BEGUN, status=409)
    return booking


def cancel(
    session: Session,
    principal: Principal,
    booking: OfficeHourBooking,
    *,
    now: datetime,
    spends_hour: bool,
    by: Literal["learner", "tutor"],
) -> None:
    """Cancel the live ``booking`` for ``principal`` (the learner or the slot's tutor,
    ``by``): audited, and both told (``notices``). ``spends_hour``: whether the hour stays
    spent."""
    before = snapshot(booking)
    booking.spends_hour = spends_hour
    booking.status = BookingStatus.CANCELLED.value
    booking.cancelled_at = now
    booking.cancelled_by_user_id = principal.user_id
    booking.sequence += 1  # the calendar's CANCEL is a revision of the event
    booking.updated_at = now
    audit_change(session, principal, AuditAction.BOOKING_CANCELLED, booking, before=before, by=by)
    change = (
        BookingChange.CANCELLED_BY_LEARNER if by == "learner" else BookingChange.CANCELLED_BY_TUTOR
    )
    notices.notify(session, booking, change)


# --- The audit log ----------------------------------------------------------------------


def snapshot(booking: OfficeHourBooking) -> dict[str, Any]:
    return {
        "status": booking.status,
        "starts_at": as_utc(booking.starts_at).isoformat(),
        "spends_hour": booking.spends_hour,
    }


def _person(user: PlatformUser | None) -> dict[str, Any]:
    if user is None:
        return {}
    return {"user_id": user.id, "name": user.name or "", "email": user.email}


def audit_change(
    session: Session,
    principal: Principal,
    action: AuditAction,
    booking: OfficeHourBooking,
    *,
    before: dict[str, Any] | None,
    **more: Any,
) -> None:
    """The booking's audit entry: who did what to which booking, with the learner, the
    tutor, the course and the package named so it reads on its own."""
    session.add(booking)
    session.flush()
    course = session.get(LmsContext, booking.context_id)
    grant = session.get(CoachingGrant, booking.grant_id)
    slot = session.get(OfficeHourSlot, booking.slot_id)
    assert course is not None and grant is not None and slot is not None
    package = session.get(CoachingPackage, grant.package_id)
    assert package is not None
    record(
        session,
        Actor.admin(principal),
        action,
        platform_id=course.platform_id,
        package_id=package.id,
        grant_id=grant.id,
        booking_id=booking.id,
        subject={
            "course": {
                "id": course.id,
                "lms_context_id": course.lms_context_id,
                "title": course.title,
            },
            "package": {"id": package.id, "name": package.name},
            "person": _person(session.get(PlatformUser, booking.user_id)),
            "tutor": _person(session.get(PlatformUser, slot.tutor_user_id)),
            **more,
        },
        before=before,
        after=snapshot(booking),
        source="web",
    )

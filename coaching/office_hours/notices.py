"""What a change of a booking tells learner and tutor: the emails with their calendar
invitation, through the outbox in the caller's transaction.

The booking rules (``coaching.office_hours.booking``) call :func:`notify` after every
change they make, in the same transaction; this module decides who hears what:

==========================  ==============================  ==============================
change                      the learner                     the tutor (of the slot)
==========================  ==============================  ==============================
booked                      booked, ``REQUEST``             booked, ``REQUEST``
moved (by the tutor)        moved, ``REQUEST``              moved, ``REQUEST``
cancelled by the learner    confirmation, ``CANCEL``        notice, ``CANCEL``
cancelled by the tutor      notice, ``CANCEL``              confirmation, ``CANCEL``
==========================  ==============================  ==============================

and ``coaching.office_hours.reminders`` sends both the reminder before the start
(:func:`enqueue_reminders`, no invitation: the calendar has it already).

Each email is written in its reader's language (``mail.recipient_locale``) with the
invitation in that language too; the times read in the course's time zone, which is
named. Each outbox row has a key that names the booking, the change, the booking's
sequence and the reader, so a repeated call writes nothing twice while every move (a new
sequence) is mailed. The links open the learner's office-hours page (route
:data:`LEARNER_PAGE`) or the tutor's sessions (route :data:`TUTOR_PAGE`) for their reader,
also outside the LMS (``kurswerk.core.email_links``).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import parseaddr
from typing import Any

from babel import dates
from sqlmodel import Session

from coaching.office_hours.calendar import Invitation, Method, Party, attachment
from coaching.office_hours.models import MeetingForm, OfficeHourBooking, OfficeHourSlot
from kurswerk.core import clock, i18n, mail
from kurswerk.core.auth import Role
from kurswerk.core.clock import utcnow
from kurswerk.core.email_links import EmailLinks, LinkReader
from kurswerk.core.i18n import N_
from kurswerk.core.outbox.queue import enqueue_email
from kurswerk.core.paths import path_for
from kurswerk.core.settings import Settings, get_settings
from lti.models import LmsContext, PlatformUser

LEARNER_PAGE = "office_hours"
"""The learner's office-hours page (their bookings, free slots, what is left)."""
TUTOR_PAGE = "office_hours_sessions"
"""The tutor's sessions: upcoming and past bookings of their office hours."""

UNNAMED_LEARNER = N_("Teilnehmer:in ohne Namen (Nr. %(id)s)")
UNTITLED_COURSE = N_("Kurs")
LEARNER_SUMMARY = N_("Sprechstunde: %(course)s")
TUTOR_SUMMARY = N_("Sprechstunde mit %(learner)s: %(course)s")


class BookingChange(enum.StrEnum):
    BOOKED = "booked"  # a learner booked a slot
    MOVED = "moved"  # a tutor moved the booking to another slot (same uid, sequence + 1)
    CANCELLED_BY_LEARNER = "cancelled_by_learner"
    CANCELLED_BY_TUTOR = "cancelled_by_tutor"


class Reader(enum.StrEnum):
    LEARNER = "learner"
    TUTOR = "tutor"


TEMPLATES: dict[BookingChange, dict[Reader, str]] = {
    BookingChange.BOOKED: {
        Reader.LEARNER: "office_hour_booked_to_learner",
        Reader.TUTOR: "office_hour_booked_to_tutor",
    },
    BookingChange.MOVED: {
        Reader.LEARNER: "office_hour_moved_to_learner",
        Reader.TUTOR: "office_hour_moved_to_tutor",
    },
    BookingChange.CANCELLED_BY_LEARNER: {
        Reader.LEARNER: "office_hour_learner_cancelled_to_learner",
        Reader.TUTOR: "office_hour_learner_cancelled_to_tutor",
    },
    BookingChange.CANCELLED_BY_TUTOR: {
        Reader.LEARNER: "office_hour_tutor_cancelled_to_learner",
        Reader.TUTOR: "office_hour_tutor_cancelled_to_tutor",
    },
}
"""The email each change sends to each reader (``kurswerk/templates/email/<name>/``)."""

REMINDER_TEMPLATES = {
    Reader.LEARNER: "office_hour_reminder_to_learner",
    Reader.TUTOR: "office_hour_reminder_to_tutor",
}

_CANCELLATIONS = frozenset({BookingChange.CANCELLED_BY_LEARNER, BookingChange.CANCELLED_BY_TUTOR})


@dataclass(frozen=True)
class BookingFacts:
    """A booking with the rows its emails speak of."""

    booking: OfficeHourBooking
    slot: OfficeHourSlot
    course: LmsContext
    learner: PlatformUser
    tutor: PlatformUser


def booking_facts(session: Session, booking: OfficeHourBooking) -> BookingFacts:
    """The slot (its tutor, form and place), course, learner and tutor of ``booking``."""
    slot = session.get(OfficeHourSlot, booking.slot_id)
    course = session.get(LmsContext, booking.context_id)
    learner = session.get(PlatformUser, booking.user_id)
    tutor = session.get(PlatformUser, slot.tutor_user_id) if slot is not None else None
    if slot is None or course is None or learner is None or tutor is None:
        raise LookupError(f"office-hour booking {booking.id} lacks its slot, course or people")
    return BookingFacts(booking, slot, course, learner, tutor)


def notify(session: Session, booking: OfficeHourBooking, change: BookingChange) -> None:
    """Write the emails (with their iCalendar invitation) this change sends to the learner
    and the tutor into the outbox, in ``session``'s transaction. The booking is flushed and
    already shows the change (for a move: its new slot, times and sequence)."""
    enqueue_notices(session, booking, change, settings=get_settings(), now=utcnow())


def enqueue_notices(
    session: Session,
    booking: OfficeHourBooking,
    change: BookingChange,
    *,
    settings: Settings,
    now: datetime,
) -> None:
    """:func:`notify` with the settings and the time given. Never commits."""
    facts = booking_facts(session, booking)
    method = Method.CANCEL if change in _CANCELLATIONS else Method.REQUEST
    for reader, template in TEMPLATES[change].items():
        _enqueue(
            session,
            facts,
            reader,
            template,
            key=f"office-hour:{booking.id}:{change.value}:{booking.sequence}:{reader.value}",
            method=method,
            settings=settings,
            now=now,
        )


def enqueue_reminders(
    session: Session, booking: OfficeHourBooking, *, settings: Settings, now: datetime
) -> None:
    """The reminder before the start, to the learner and to the tutor. Never commits."""
    facts = booking_facts(session, booking)
    for reader, template in REMINDER_TEMPLATES.items():
        _enqueue(
            session,
            facts,
            reader,
            template,
            key=f"office-hour-reminder:{booking.id}:{booking.sequence}:{reader.value}",
            method=None,
            settings=settings,
            now=now,
        )


# --- one email -----------------------------------------------------------------------------


def _enqueue(
    session: Session,
    facts: BookingFacts,
    reader: Reader,
    template: str,
    *,
    key: str,
    method: Method | None,
    settings: Settings,
    now: datetime,
) -> None:
    person = facts.learner if reader is Reader.LEARNER else facts.tutor
    locale = mail.recipient_locale(person.locale)
    context = mail_context(facts, reader, locale, settings=settings)
    attachments = []
    if method is not None:
        invitation = _invitation(facts, reader, locale, context, method, settings)
        attachments.append(attachment(invitation, zone=clock.course_timezone(), now=now))
    enqueue_email(
        session,
        to=person.email,
        to_name=person.name,
        template=template,
        locale=locale,
        key=key,
        context=context,
        attachments=attachments,
    )


def _one_line(value: str | None) -> str:
    return " ".join((value or "").split())


def learner_label(user: PlatformUser, locale: str) -> str:
    """The learner's name for their tutor; someone whose LMS withheld it still has one."""
    name = _one_line(user.name) or _one_line(f"{user.given_name or ''} {user.family_name or ''}")
    return name or i18n.gettext(locale, UNNAMED_LEARNER, id=user.id)


def appointment_text(starts_at: datetime, ends_at: datetime, locale: str) -> str:
    """``Mittwoch, 28. Oktober 2026, 10:00–10:30 Uhr`` / ``Wednesday, 28 October 2026,
    10:00–10:30``, in the course's time zone (joined as the language joins a day and a
    time)."""
    where = clock.format_locale(locale)
    day = clock.day_with_weekday(clock.local_date(starts_at), locale)
    start, end = clock.time_of_day(starts_at, locale, uhr=False), clock.time_of_day(ends_at, locale)
    times = f"{start}–{end}"
    glue = str(dates.get_datetime_format("full", locale=where)).replace("'", "")
    return glue.replace("{0}", times).replace("{1}", day)


def zone_text(at: datetime, locale: str) -> str:
    """The course's time zone at ``at``, named for people and by its IANA name:
    ``Mitteleuropäische Normalzeit (Europe/Berlin)``."""
    zone = clock.course_timezone()
    name = dates.get_timezone_name(clock.local(at), locale=clock.format_locale(locale))
    return f"{name} ({zone.key})" if name != zone.key else zone.key


def _page_url(facts: BookingFacts, reader: Reader, locale: str, settings: Settings) -> str:
    person = facts.learner if reader is Reader.LEARNER else facts.tutor
    role, page = (
        (Role.LEARNER, LEARNER_PAGE) if reader is Reader.LEARNER else (Role.TUTOR, TUTOR_PAGE)
    )
    assert person.id is not None and facts.course.id is not None
    link_reader = LinkReader(
        person.id, facts.course.id, facts.course.platform_id, role.value, locale
    )
    return EmailLinks(settings).url(path_for(page, context=facts.course.id), link_reader)


def mail_context(
    facts: BookingFacts, reader: Reader, locale: str, *, settings: Settings
) -> dict[str, Any]:
    """The values every office-hour email gets (``body.txt`` of each lists them)."""
    booking, person = facts.booking, facts.learner if reader is Reader.LEARNER else facts.tutor
    starts_at, ends_at = clock.as_utc(booking.starts_at), clock.as_utc(booking.ends_at)
    free_cancel = starts_at - timedelta(hours=settings.office_hours_free_cancel_hours)
    return {
        "recipient_name": _one_line(person.name),
        "course_title": facts.course.title or i18n.gettext(locale, UNTITLED_COURSE),
        "learner_name": learner_label(facts.learner, locale),
        "tutor_name": _one_line(facts.tutor.name),
        "when": appointment_text(starts_at, ends_at, locale),
        "when_short": clock.when(starts_at, locale),
        "zone": zone_text(starts_at, locale),
        "form": i18n.gettext(locale, MeetingForm(facts.slot.form).label),
        "details": facts.slot.details.strip(),
        "topic": booking.topic.strip(),
        "file_name": booking.file_name if booking.file_key else None,
        "hour_back": not booking.spends_hour,
        "free_cancel_hours": settings.office_hours_free_cancel_hours,
        "free_cancel_until": clock.when(free_cancel, locale),
        "page_url": _page_url(facts, reader, locale, settings),
    }


# --- the invitation --------------------------------------------------------------------------


def _location(form: MeetingForm, form_label: str, details: str) -> str:
    """Where: a video link as it is (calendars make it clickable); else the form first."""
    if not details:
        return form_label
    return details if form is MeetingForm.VIDEO else f"{form_label}: {details}"


def _organizer(tutor: PlatformUser, settings: Settings) -> Party:
    """The tutor; without an address of theirs, the tool's sender address in their name
    (an invitation needs an organizer)."""
    address = tutor.email if tutor.email and mail.is_valid_address(tutor.email) else None
    return Party(_one_line(tutor.name), address or parseaddr(settings.mail_from)[1])


def _invitation(
    facts: BookingFacts,
    reader: Reader,
    locale: str,
    context: dict[str, Any],
    method: Method,
    settings: Settings,
) -> Invitation:
    def _(msgid: str, **params: Any) -> str:
        return i18n.gettext(locale, msgid, **params)

    course, learner = context["course_title"], context["learner_name"]
    if reader is Reader.LEARNER:
        summary = _(LEARNER_SUMMARY, course=course)
        who = _("Tutor:in: %(name)s", name=context["tutor_name"]) if context["tutor_name"] else ""
    else:
        summary = _(TUTOR_SUMMARY, learner=learner, course=course)
        who = _("Teilnehmer:in: %(name)s", name=learner)
    form = MeetingForm(facts.slot.form)
    lines = [
        _("Kurs: %(course)s", course=course),
        who,
        _("Form: %(form)s", form=context["form"]),
        context["details"],
        _("Thema: %(topic)s", topic=context["topic"]) if context["topic"] else "",
        context["page_url"],
    ]
    attendee = facts.learner.email
    return Invitation(
        method=method,
        uid=facts.booking.uid,
        sequence=facts.booking.sequence,
        starts_at=facts.booking.starts_at,
        ends_at=facts.booking.ends_at,
        summary=summary,
        location=_location(form, context["form"], context["details"]),
        description="\n".join(line for line in lines if line),
        organizer=_organizer(facts.tutor, settings),
        attendee=(
            Party(learner, attendee) if attendee and mail.is_valid_address(attendee) else None
        ),
        url=context["page_url"],
    )

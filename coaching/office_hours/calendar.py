"""The calendar invitation of a booking: an iCalendar object (RFC 5545) sent by email as
iTIP (RFC 5546), made with the ``icalendar`` library.

One booking is one event for its whole life: its ``UID`` is the booking's ``uid``, and
each email about it carries the booking's ``SEQUENCE`` (the booking rules count it up
when the booking changes). A calendar that holds the event replaces it with an invitation
of a higher sequence (``METHOD:REQUEST``, a move) and removes it on ``METHOD:CANCEL``.

Times carry the course's time zone (``DTSTART;TZID=Europe/Berlin:20261026T100000``) with
its ``VTIMEZONE`` definition for the years around the event, so a calendar shows the
local time the booking was made for, also across the change to summer or winter time.

This module knows nothing of the database: :class:`Invitation` holds what the event
says, in the words of the person who receives it (``coaching.office_hours.notices`` fills
it in).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

import icalendar

from kurswerk.core import mail
from kurswerk.core.clock import as_utc

PRODID = "-//Kurswerk//Sprechstunden//DE"
FILE_NAME = "invite.ics"
CONTENT_TYPE = "text/calendar"


class Method(enum.StrEnum):
    """What the email asks a calendar to do with the event (RFC 5546 §1.4)."""

    REQUEST = "REQUEST"  # add it, or update it to this sequence
    CANCEL = "CANCEL"  # remove it


@dataclass(frozen=True, slots=True)
class Party:
    """The organizer (the tutor) or the attendee (the learner)."""

    name: str
    email: str


@dataclass(frozen=True, slots=True)
class Invitation:
    """What one calendar event says; texts already in the reader's language."""

    method: Method
    uid: str
    sequence: int
    starts_at: datetime  # a stored time (UTC; naive means UTC)
    ends_at: datetime
    summary: str
    location: str
    description: str
    organizer: Party
    attendee: Party | None  # None: the learner has no address
    url: str | None = None


def _address(party: Party, **params: str) -> icalendar.vCalAddress:
    address = icalendar.vCalAddress(f"mailto:{party.email}")
    name = " ".join(party.name.split())
    if name:
        address.params["CN"] = name
    for key, value in params.items():
        address.params[key.upper().replace("_", "-")] = value
    return address


def _zone_years(starts_at: datetime, ends_at: datetime) -> tuple[date, date]:
    """The span the ``VTIMEZONE`` covers: the event's year and the next (both changes of
    the clock around it, whatever the season)."""
    return date(starts_at.year, 1, 1), date(ends_at.year + 2, 1, 1)


def to_ical(invitation: Invitation, *, zone: ZoneInfo, now: datetime) -> bytes:
    """The ``.ics`` file of ``invitation``, its times in ``zone``; ``DTSTAMP`` is ``now``."""
    starts_at = as_utc(invitation.starts_at).astimezone(zone)
    ends_at = as_utc(invitation.ends_at).astimezone(zone)
    cancelled = invitation.method is Method.CANCEL

    event = icalendar.Event()
    event.add("uid", invitation.uid)
    event.add("sequence", invitation.sequence)
    event.add("dtstamp", as_utc(now))
    event.add("dtstart", starts_at)
    event.add("dtend", ends_at)
    event.add("summary", invitation.summary)
    if invitation.location:
        event.add("location", invitation.location)
    if invitation.description:
        event.add("description", invitation.description)
    if invitation.url:
        event.add("url", invitation.url)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("transp", "OPAQUE")
    event.add("organizer", _address(invitation.organizer))
    if invitation.attendee is not None:
        # The learner booked it themselves: nothing to answer.
        extra = {} if cancelled else {"partstat": "ACCEPTED"}
        event.add(
            "attendee",
            _address(
                invitation.attendee,
                cutype="INDIVIDUAL",
                role="REQ-PARTICIPANT",
                rsvp="FALSE",
                **extra,
            ),
        )

    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", invitation.method.value)
    calendar.add_component(event)
    first, last = _zone_years(starts_at, ends_at)
    calendar.add_missing_timezones(first_date=first, last_date=last)
    return bytes(calendar.to_ical())


def attachment(invitation: Invitation, *, zone: ZoneInfo, now: datetime) -> mail.Attachment:
    """The invitation as an email attachment: ``text/calendar; method=...`` (RFC 6047)."""
    return mail.Attachment(
        FILE_NAME,
        CONTENT_TYPE,
        to_ical(invitation, zone=zone, now=now),
        params=(("method", invitation.method.value), ("charset", "utf-8")),
    )

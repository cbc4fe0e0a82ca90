# ruff: noqa: F811 - fixtures are imported by name and then requested as arguments
"""The calendar invitation of a booking (iTIP over email, RFC 5545/5546/6047), parsed back
with ``icalendar``: one event for the booking's life (a stable UID, an increasing
SEQUENCE), REQUEST while it stands and CANCEL when it is called off, the times in the
course's zone with its VTIMEZONE, right on both sides of the change to winter time."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar

from coaching.office_hours.calendar import Invitation, Method, Party, to_ical
from tests.coaching.office_hours.notify_support import (  # noqa: F401 - fixtures
    at_berlin,
    base_url,
    event_of,
    invitation_of,
    mail_to,
    mails,
    world,
)

BERLIN = ZoneInfo("Europe/Berlin")
# Summer time ends on 31 October 2027: the first slot is in summer time (UTC+2), the
# second in winter time (UTC+1); both are 10:00 in Berlin.
SUMMER = at_berlin(2027, 10, 25, 10)
WINTER = at_berlin(2027, 11, 1, 10)


def _life_of_a_booking(world):
    booking = world.book(world.slot(SUMMER))
    world.move(booking, world.slot(WINTER))
    world.cancel(booking, by_tutor=True)
    return booking


def test_one_event_from_booking_to_cancellation_stable_uid_and_increasing_sequence(db, world):
    booking = _life_of_a_booking(world)
    for address in ("lena@example.org", "tom@example.org"):
        calendars = [invitation_of(row) for row in mail_to(mails(db), address)]
        assert [str(c["METHOD"]) for c in calendars] == ["REQUEST", "REQUEST", "CANCEL"]
        events = [event_of(c) for c in calendars]
        assert {str(e["UID"]) for e in events} == {booking.uid}
        assert [int(e["SEQUENCE"]) for e in events] == [0, 1, 2]
        assert [str(e["STATUS"]) for e in events] == ["CONFIRMED", "CONFIRMED", "CANCELLED"]


def test_times_carry_the_course_zone_and_read_ten_oclock_on_both_sides_of_the_change(db, world):
    _life_of_a_booking(world)
    rows = mail_to(mails(db), "lena@example.org")
    booked, moved = (base64.b64decode(r.payload["attachments"][0]["data_base64"]) for r in rows[:2])
    assert b"DTSTART;TZID=Europe/Berlin:20271025T100000" in booked
    assert b"DTEND;TZID=Europe/Berlin:20271025T103000" in booked
    assert b"DTSTART;TZID=Europe/Berlin:20271101T100000" in moved
    for raw, utc_hour in ((booked, 8), (moved, 9)):
        calendar = icalendar.Calendar.from_ical(raw)
        (zone,) = calendar.walk("VTIMEZONE")
        assert str(zone["TZID"]) == "Europe/Berlin"
        start = event_of(calendar).decoded("DTSTART")
        assert start.astimezone(UTC).hour == utc_hour
        # A calendar that only has the VTIMEZONE of the file (not the IANA database)
        # reads the same instant.
        own_rules = zone.to_tz(lookup_tzid=False)
        local = start.replace(tzinfo=None).replace(tzinfo=own_rules)
        assert local.astimezone(UTC) == start.astimezone(UTC)


def test_the_vtimezone_itself_knows_summer_and_winter_time(db, world):
    world.book(world.slot(SUMMER))
    zone = invitation_of(mail_to(mails(db), "tom@example.org")[0]).walk("VTIMEZONE")[0]
    rules = zone.to_tz(lookup_tzid=False)
    assert datetime(2027, 10, 25, 10, tzinfo=rules).utcoffset() == timedelta(hours=2)
    assert datetime(2027, 11, 1, 10, tzinfo=rules).utcoffset() == timedelta(hours=1)
    assert datetime(2028, 3, 27, 10, tzinfo=rules).utcoffset() == timedelta(hours=2)


def test_the_tutor_organises_the_learner_attends_in_each_readers_words(db, world):
    booking = world.book(world.slot(SUMMER))
    rows = mails(db)
    learner = event_of(invitation_of(mail_to(rows, "lena@example.org")[0]))
    tutor = event_of(invitation_of(mail_to(rows, "tom@example.org")[0]))
    for event in (learner, tutor):
        organizer, attendee = event["ORGANIZER"], event["ATTENDEE"]
        assert str(organizer) == "mailto:tom@example.org"
        assert organizer.params["CN"] == "Tom Tutor"
        assert str(attendee) == "mailto:lena@example.org"
        assert attendee.params["CN"] == "Lena Lernt"
        assert attendee.params["ROLE"] == "REQ-PARTICIPANT"
        assert str(event["LOCATION"]) == "https://meet.example.org/kurswerk-42"
        assert isinstance(event.decoded("DTSTAMP"), datetime)
    assert str(learner["SUMMARY"]) == "Sprechstunde: Social-Media-Strategie"
    assert str(tutor["SUMMARY"]) == "Office hour with Lena Lernt: Social-Media-Strategie"
    assert "Thema: Personas für ein Café" in str(learner["DESCRIPTION"])
    assert "Form: Videogespräch" in str(learner["DESCRIPTION"])
    assert "Topic: Personas für ein Café" in str(tutor["DESCRIPTION"])
    assert "Learner: Lena Lernt" in str(tutor["DESCRIPTION"])
    # the URL opens each reader's own page
    assert str(learner["URL"]).startswith(f"{base_url()}/c/{booking.context_id}/office-hours?t=")
    assert str(tutor["URL"]).startswith(
        f"{base_url()}/c/{booking.context_id}/office-hours/sessions?t="
    )


def test_the_attachment_is_text_calendar_with_the_method_of_the_invitation(db, world):
    booking = world.book(world.slot(SUMMER))
    world.cancel(booking)
    booked, cancelled = (
        r.payload["attachments"][0] for r in mail_to(mails(db), "lena@example.org")
    )
    assert booked["content_type"] == cancelled["content_type"] == "text/calendar"
    assert booked["params"] == {"method": "REQUEST", "charset": "utf-8"}
    assert cancelled["params"] == {"method": "CANCEL", "charset": "utf-8"}


def test_a_phone_or_room_names_its_form_as_the_location(db, world):
    world.book(world.slot(SUMMER, form="phone", details="+49 30 1234567"))
    world.book(world.slot(WINTER, form="on_site", details="Raum 3.14"))
    learner = [event_of(invitation_of(r)) for r in mail_to(mails(db), "lena@example.org")]
    tutor = [event_of(invitation_of(r)) for r in mail_to(mails(db), "tom@example.org")]
    assert [str(e["LOCATION"]) for e in learner] == [
        "Telefon: +49 30 1234567",
        "Vor Ort: Raum 3.14",
    ]
    assert [str(e["LOCATION"]) for e in tutor] == ["Phone: +49 30 1234567", "On site: Raum 3.14"]


def test_without_addresses_the_sender_organises_and_nobody_is_invited_by_a_guess(db, world):
    world.tutor.email = None
    world.learner.email = None
    db.add_all([world.tutor, world.learner])
    db.commit()
    world.book(world.slot(SUMMER))
    rows = mails(db)
    assert {row.status for row in rows} == {"skipped"}  # nobody to write to ...
    event = event_of(invitation_of(rows[0]))  # ... but the row shows what was meant
    assert str(event["ORGANIZER"]) == "mailto:kurswerk@localhost"  # KURSWERK_MAIL_FROM
    assert event["ORGANIZER"].params["CN"] == "Tom Tutor"
    assert "ATTENDEE" not in event


def test_a_course_in_utc_needs_no_vtimezone():
    invitation = Invitation(
        method=Method.REQUEST,
        uid="b-1@kurswerk",
        sequence=3,
        starts_at=datetime(2027, 10, 25, 8, 0),  # naive: stored UTC
        ends_at=datetime(2027, 10, 25, 8, 30),
        summary="Sprechstunde",
        location="",
        description="",
        organizer=Party("", "tom@example.org"),
        attendee=None,
    )
    raw = to_ical(invitation, zone=ZoneInfo("UTC"), now=datetime(2027, 10, 1, tzinfo=UTC))
    assert b"DTSTART:20271025T080000Z" in raw
    assert b"VTIMEZONE" not in raw
    assert b"CN=" not in raw  # a nameless organizer is an address only
    event = event_of(icalendar.Calendar.from_ical(raw))
    assert int(event["SEQUENCE"]) == 3 and "LOCATION" not in event


def test_berlin_times_are_written_in_berlin_whatever_zone_the_stored_time_has():
    invitation = Invitation(
        method=Method.CANCEL,
        uid="b-2@kurswerk",
        sequence=1,
        starts_at=datetime(2027, 3, 29, 8, 0, tzinfo=UTC),  # the day after the change
        ends_at=datetime(2027, 3, 29, 9, 0, tzinfo=UTC),
        summary="Sprechstunde",
        location="Raum 1",
        description="",
        organizer=Party("Tom Tutor", "tom@example.org"),
        attendee=Party("Lena Lernt", "lena@example.org"),
    )
    raw = to_ical(invitation, zone=BERLIN, now=datetime(2027, 3, 1, tzinfo=UTC))
    assert b"DTSTART;TZID=Europe/Berlin:20270329T100000" in raw
    assert b"DTEND;TZID=Europe/Berlin:20270329T110000" in raw
    event = event_of(icalendar.Calendar.from_ical(raw))
    assert str(event["STATUS"]) == "CANCELLED"
    assert "PARTSTAT" not in event["ATTENDEE"].params  # nothing to accept in a cancellation

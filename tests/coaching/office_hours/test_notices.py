# ruff: noqa: F811 - fixtures are imported by name and then requested as arguments
"""What a booking's changes tell learner and tutor: one email each per change, written into
the outbox with the change (a rolled-back change mails nobody), each in its reader's
language with the time in the course's zone and the zone named, the calendar invitation
attached, the links opening each reader's own page; delivered over a real SMTP
conversation with the invitation parsed back from the message."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import icalendar
import pytest

from coaching.office_hours import notices
from coaching.office_hours.notices import BookingChange
from kurswerk.core.email_links import EmailLinks
from kurswerk.core.outbox import worker as outbox_worker
from kurswerk.core.settings import get_settings
from tests.coaching.office_hours.notify_support import (  # noqa: F401 - fixtures
    at_berlin,
    base_url,
    invitation_of,
    mail_to,
    mails,
    world,
)
from tests.support.smtp import SmtpSink

SUMMER = at_berlin(2027, 10, 25, 10)  # Monday, summer time
WINTER = at_berlin(2027, 11, 1, 14)  # Monday, winter time

LENA, TOM = "lena@example.org", "tom@example.org"


def _templates(db) -> list[tuple[str, str, str]]:
    return [(r.payload["to"], r.payload["template"], r.payload["locale"]) for r in mails(db)]


@pytest.mark.parametrize(
    ("change", "learner_template", "tutor_template", "method"),
    [
        (BookingChange.BOOKED, "booked_to_learner", "booked_to_tutor", "REQUEST"),
        (BookingChange.MOVED, "moved_to_learner", "moved_to_tutor", "REQUEST"),
        (
            BookingChange.CANCELLED_BY_LEARNER,
            "learner_cancelled_to_learner",
            "learner_cancelled_to_tutor",
            "CANCEL",
        ),
        (
            BookingChange.CANCELLED_BY_TUTOR,
            "tutor_cancelled_to_learner",
            "tutor_cancelled_to_tutor",
            "CANCEL",
        ),
    ],
)
def test_each_change_mails_the_learner_in_german_and_the_tutor_in_english(
    db, world, change, learner_template, tutor_template, method
):
    booking = world.book(world.slot(SUMMER), notify=False)
    notices.notify(db, booking, change)
    db.commit()
    assert _templates(db) == [
        (LENA, f"office_hour_{learner_template}", "de"),
        (TOM, f"office_hour_{tutor_template}", "en"),
    ]
    for row in mails(db):
        assert str(invitation_of(row)["METHOD"]) == method
        assert row.dedup_key.startswith(f"office-hour:{booking.id}:{change.value}:")


def test_the_booking_emails_name_the_time_in_the_course_zone_and_the_zone(db, world):
    world.book(world.slot(SUMMER))
    german, english = (r.payload for r in mails(db))
    assert german["subject"] == "Sprechstunde gebucht: 25.10.2027, 10:00 Uhr"
    assert "Montag, 25. Oktober 2027, 10:00–10:30 Uhr" in german["text"]
    assert "Mitteleuropäische Sommerzeit (Europe/Berlin)" in german["text"]
    assert "Tutor:in:       Tom Tutor" in german["text"]
    assert "Thema:          Personas für ein Café" in german["text"]
    assert "Form:           Videogespräch: https://meet.example.org/kurswerk-42" in german["text"]
    assert "Sagen Sie bis 24.10.2027, 10:00 Uhr ab" in german["text"]
    assert english["subject"] == "New booking of your office hour: 25 Oct 2027, 10:00"
    assert "Lena Lernt has booked your office hour" in english["text"]
    assert "Monday, 25 October 2027, 10:00–10:30" in english["text"]
    assert "Central European Summer Time (Europe/Berlin)" in english["text"]
    assert '<html lang="en">' in english["html"]


def test_a_move_tells_both_the_new_time_in_winter_time(db, world):
    booking = world.book(world.slot(SUMMER))
    world.move(booking, world.slot(WINTER))
    german, english = (r.payload for r in mails(db)[2:])
    assert german["subject"] == "Sprechstunde verlegt: 01.11.2027, 14:00 Uhr"
    assert "Montag, 1. November 2027, 14:00–14:30 Uhr" in german["text"]
    assert "Mitteleuropäische Normalzeit (Europe/Berlin)" in german["text"]
    assert english["subject"] == "Office hour moved: 1 Nov 2027, 14:00"
    assert "The learner is told by email." in english["text"]


def test_cancelling_in_time_says_the_hour_comes_back_and_late_says_it_counts(db, world):
    in_time = world.book(world.slot(SUMMER))
    world.cancel(in_time, spends_hour=False)
    late = world.book(world.slot(WINTER))
    world.cancel(late, spends_hour=True)
    texts = [r.payload["text"] for r in mail_to(mails(db), LENA)]
    assert "Die Stunde wird Ihrem Coachingpaket wieder gutgeschrieben." in texts[1]
    assert "zählt als genutzt" not in texts[1]
    assert "weniger als 24 Stunden vor Beginn: Die Stunde zählt als genutzt." in texts[3]
    assert "gutgeschrieben" not in texts[3]
    tutor = [r.payload["text"] for r in mail_to(mails(db), TOM)]
    assert "Lena Lernt has cancelled the office hour" in tutor[1]


def test_the_tutors_cancellation_tells_the_learner_who_can_book_again(db, world):
    booking = world.book(world.slot(SUMMER))
    world.cancel(booking, by_tutor=True)
    learner, tutor = (r.payload for r in mails(db)[2:])
    assert learner["subject"] == "Ihre Sprechstunde wurde abgesagt: 25.10.2027, 10:00 Uhr"
    assert "von der Tutorin oder dem Tutor abgesagt" in learner["text"]
    assert "Die Stunde wird Ihrem Coachingpaket wieder gutgeschrieben." in learner["text"]
    assert tutor["subject"] == "Office hour cancelled: 25 Oct 2027, 10:00"


def test_the_learners_pdf_is_named_to_the_tutor(db, world):
    booking = world.book(world.slot(SUMMER), notify=False)
    booking.file_key, booking.file_name, booking.file_size = "oh/1.pdf", "Personas.pdf", 2048
    notices.notify(db, booking, BookingChange.BOOKED)
    db.commit()
    (tutor,) = mail_to(mails(db), TOM)
    assert "The learner has added a PDF to prepare: “Personas.pdf”." in tutor.payload["text"]


def test_links_open_each_readers_own_page_outside_the_lms(db, world):
    booking = world.book(world.slot(SUMMER))
    links = EmailLinks(get_settings())
    expected = {
        LENA: (world.learner.id, "learner", f"/c/{booking.context_id}/office-hours"),
        TOM: (world.tutor.id, "tutor", f"/c/{booking.context_id}/office-hours/sessions"),
    }
    for row in mails(db):
        user_id, role, path = expected[row.payload["to"]]
        url = next(w for w in row.payload["text"].split() if w.startswith(base_url()))
        assert urlsplit(url).path == path
        grant = links.read(parse_qs(urlsplit(url).query)["t"][0])
        assert (grant.reader.user_id, grant.reader.role, grant.path) == (user_id, role, path)
        assert grant.reader.locale == row.payload["locale"]


def test_a_repeated_notice_writes_nothing_twice_but_every_move_is_told(db, world):
    booking = world.book(world.slot(SUMMER))
    notices.notify(db, booking, BookingChange.BOOKED)  # a retried request
    db.commit()
    assert len(mails(db)) == 2
    world.move(booking, world.slot(WINTER))
    world.move(booking, world.slot(SUMMER))  # and back: a new sequence, a new email
    assert len(mails(db)) == 6


def test_a_change_that_rolls_back_mails_nobody(db, world):
    booking = world.book(world.slot(SUMMER), notify=False)
    notices.notify(db, booking, BookingChange.CANCELLED_BY_LEARNER)
    db.rollback()
    assert mails(db) == []


def test_a_learner_without_an_address_gets_a_skipped_row_the_tutor_still_hears(db, world):
    world.learner.email = None
    db.add(world.learner)
    db.commit()
    world.book(world.slot(SUMMER))
    learner, tutor = mails(db)
    assert learner.status == "skipped"
    assert learner.skipped_reason == "recipient has no email address"
    assert tutor.status == "pending"


@pytest.fixture
def sink():
    server = SmtpSink().start()
    yield server
    server.stop()


def test_delivered_over_smtp_with_the_invitation_attached_and_parsed_back(
    db, world, engine, settings, sink
):
    booking = world.book(world.slot(SUMMER))
    world.cancel(booking)
    report = outbox_worker.run_worker(
        settings.model_copy(update={"smtp_url": sink.url}), engine=engine, once=True, periodic=[]
    )
    assert report.sent == 4
    received = {
        (item.rcpt_tos, str(item.message["Subject"])): item.message for item in sink.messages
    }
    booked = received[((LENA,), "Sprechstunde gebucht: 25.10.2027, 10:00 Uhr")]
    cancelled = received[((TOM,), "Office hour cancelled: 25 Oct 2027, 10:00")]
    for message, method, sequence in ((booked, "REQUEST", 0), (cancelled, "CANCEL", 1)):
        assert message.get_content_type() == "multipart/mixed"
        body = message.get_body(preferencelist=("plain",)).get_content()
        assert "Europe/Berlin" in body
        (invite,) = message.iter_attachments()
        assert invite.get_content_type() == "text/calendar"
        assert invite.get_param("method") == method
        assert invite.get_filename() == "invite.ics"
        calendar = icalendar.Calendar.from_ical(invite.get_content())
        assert str(calendar["METHOD"]) == method
        (event,) = calendar.walk("VEVENT")
        assert str(event["UID"]) == booking.uid
        assert int(event["SEQUENCE"]) == sequence
        assert calendar.walk("VTIMEZONE")[0]["TZID"] == "Europe/Berlin"

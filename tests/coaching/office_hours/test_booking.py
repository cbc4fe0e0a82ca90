# ruff: noqa: F811 - fixtures are imported by name and then requested as arguments
"""A learner books an office hour and cancels it, through the pages: what is written
(the booking, its audit entry, the notice), what the page then shows (the hours left),
and what a cancellation in time or late does to the hour."""

from __future__ import annotations

import re

from sqlmodel import Session

from coaching.office_hours.allowance import month_label
from coaching.office_hours.models import BookingStatus
from kurswerk.core.auth import Role
from tests.coaching.office_hours.booking_fixtures import (
    MONTH,
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
)
from tests.uploads import pdfs
from tests.uploads.submission_fixtures import course_loaded

__all__ = ["course_loaded", "hours", "make_learner", "notified"]


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def label(month) -> str:
    return month_label(month.strftime("%Y-%m"), "de")


def office_hours(person) -> str:
    return f"/c/{person.context_id}/office-hours"


def test_a_learner_books_a_free_slot_with_a_topic(client, db: Session, hours: Hours, notified):
    slot = hours.slot(at(day(3), 10))
    response = book(client, hours.lena, slot.id, topic="Meine Zielgruppe\r\nFrage zu Übung 2")
    assert response.status_code == 303, response.text
    assert "done=booked" in response.headers["location"]

    [booking] = bookings(db)
    assert booking.slot_id == slot.id
    assert booking.user_id == hours.lena.principal.user_id
    assert booking.grant_id == hours.grant.id
    assert booking.status == BookingStatus.BOOKED
    assert booking.spends_hour is True
    assert booking.month == MONTH.strftime("%Y-%m")
    assert booking.topic == "Meine Zielgruppe\nFrage zu Übung 2"
    assert booking.file_key is None
    assert (booking.sequence, booking.booked_by_user_id) == (0, hours.lena.principal.user_id)
    assert notified == [(booking.id, "booked", 0)]

    [entry] = audit_entries(db)
    assert entry.action == "office_hour_booked"
    assert entry.detail["booking_id"] == booking.id
    assert entry.grant_id == hours.grant.id and entry.package_id == hours.package.id
    assert entry.actor_user_id == hours.lena.principal.user_id
    assert entry.detail["subject"]["tutor"]["name"] == "Tom Tutor"
    assert entry.detail["after"]["status"] == "booked"

    page = text_of(get(client, hours.lena, office_hours(hours.lena) + "?done=booked").text)
    assert "Ihr Termin ist gebucht." in page
    assert "Ihre gebuchten Termine" in page and "Meine Zielgruppe" in page
    assert f"{label(MONTH)} noch 1 von 2 frei" in page  # two a month, one booked


def test_the_page_lists_free_slots_by_month_and_day_in_the_course_zone(client, hours: Hours):
    hours.slot(at(day(4), 14, 30), minutes=45, form="phone")
    hours.slot(at(day(3), 9))
    hours.slot(at(day(5, NEXT_MONTH), 16))
    hours.slot(at(day(6), 9), withdrawn=True)
    page = get(client, hours.lena, office_hours(hours.lena))
    assert page.status_code == 200
    text = text_of(page.text)
    assert "Alle Zeiten: Mitteleuropäische Zeit (Europe/Berlin)." in text
    months = re.findall(r"<h3 id=\"oh-month-(\d{4}-\d{2})\">", page.text)
    assert months == [MONTH.strftime("%Y-%m"), NEXT_MONTH.strftime("%Y-%m")]
    assert text.index("09:00–09:30 Uhr") < text.index("14:30–15:15 Uhr") < text.index("16:00")
    assert "Telefon" in text
    assert page.text.count(">Buchen</a>") == 3  # the withdrawn slot is not offered


def test_a_learner_without_a_package_sees_what_a_package_would_offer(
    client, db: Session, hours: Hours
):
    nobody = hours.make(context=hours.course, name="Nora Neu")
    hours.slot(at(day(3), 10))
    html = get(client, nobody, office_hours(nobody)).text
    page = text_of(html)
    assert "Sie haben in diesem Kurs kein Coachingpaket." in page
    assert "Coaching Plus" in page and "2 Sprechstunden im Monat" in page
    assert "Ein Paket erhalten Sie über die Kursleitung" in page
    assert ">Buchen</a>" not in html


def test_the_page_speaks_english(client, hours: Hours):
    hours.slot(at(day(3), 10))
    lena = hours.make(context=hours.course, name="Lea English", locale="en")
    from tests.coaching.office_hours.booking_fixtures import give_hours

    give_hours(hours.db, lena, per_month=1)
    page = text_of(get(client, lena, office_hours(lena)).text)
    assert "All times: Central European Time (Europe/Berlin)." in page
    assert "Free appointments" in page and "Book" in page


def test_cancelling_in_time_gives_the_hour_back(client, db: Session, hours: Hours, notified):
    slot = hours.slot(at(day(3), 10))
    assert book(client, hours.lena, slot.id).status_code == 303
    [booking] = bookings(db)
    page = text_of(get(client, hours.lena, office_hours(hours.lena)).text)
    assert "Kostenlos absagen bis" in page

    response = post(client, hours.lena, f"{office_hours(hours.lena)}/bookings/{booking.id}/cancel")
    assert response.status_code == 303
    assert "done=cancelled_free" in response.headers["location"]
    [cancelled] = bookings(db)
    assert cancelled.status == BookingStatus.CANCELLED
    assert cancelled.spends_hour is False
    assert cancelled.cancelled_by_user_id == hours.lena.principal.user_id
    assert cancelled.sequence == 1
    assert [n[1:] for n in notified] == [("booked", 0), ("cancelled_by_learner", 1)]
    entry = audit_entries(db)[-1]
    assert entry.action == "office_hour_cancelled"
    assert entry.detail["booking_id"] == booking.id
    assert entry.detail["subject"]["by"] == "learner"
    assert entry.detail["before"]["spends_hour"] is True
    assert entry.detail["after"] == {
        **entry.detail["before"],
        "status": "cancelled",
        "spends_hour": False,
    }

    page = text_of(get(client, hours.lena, office_hours(hours.lena)).text)
    assert f"{label(MONTH)} noch 2 von 2 frei" in page  # the hour is back
    assert "Noch 2 Sprechstunden frei." in page  # and the slot is free again
    assert "Frühere und abgesagte Termine" in page


class TestLateCancellation:
    """Booking up to 1 hour ahead, free cancellation up to 48 hours ahead: a slot 30 hours
    ahead is booked after the free deadline."""

    @staticmethod
    def settings_for(settings):
        return settings.model_copy(
            update={"office_hours_min_notice_hours": 1, "office_hours_free_cancel_hours": 48}
        )

    def test_cancelling_after_the_deadline_spends_the_hour(self, client, db: Session, hours: Hours):
        client.app.state.settings = self.settings_for(client.app.state.settings)
        from datetime import timedelta

        from kurswerk.core.clock import utcnow

        slot = hours.slot(utcnow().replace(microsecond=0) + timedelta(hours=30))
        assert book(client, hours.lena, slot.id).status_code == 303
        [booking] = bookings(db)
        page = text_of(get(client, hours.lena, office_hours(hours.lena)).text)
        assert "Wenn Sie jetzt absagen, zählt die Sprechstunde trotzdem." in page

        response = post(
            client, hours.lena, f"{office_hours(hours.lena)}/bookings/{booking.id}/cancel"
        )
        assert response.status_code == 303
        assert "done=cancelled_late" in response.headers["location"]
        [cancelled] = bookings(db)
        assert (cancelled.status, cancelled.spends_hour) == (BookingStatus.CANCELLED, True)


def test_a_pdf_added_to_a_booking_is_checked_stored_and_shown_to_whom_it_concerns(
    client, db: Session, hours: Hours, make_learner
):
    slot = hours.slot(at(day(3), 10))
    data = pdfs.make_pdf(pages=2)
    response = book(
        client, hours.lena, slot.id, topic="Mein Entwurf", pdf=data, filename="Entwurf März.pdf"
    )
    assert response.status_code == 303, text_of(response.text)[-400:]
    [booking] = bookings(db)
    assert booking.file_key is not None and booking.file_size == len(data)
    assert booking.file_name == "Entwurf März.pdf"

    path = f"/c/{hours.context_id}/office-hours/bookings/{booking.id}/file"
    for person in (hours.lena, hours.tutor):
        download = get(client, person, path)
        assert download.status_code == 200
        assert download.content == data
        assert download.headers["content-type"] == "application/pdf"
        assert download.headers["content-disposition"].startswith("attachment;")
    admin = make_learner(context=hours.course, role=Role.ADMIN, name="Ada Admin")
    assert get(client, admin, path).status_code == 200
    lukas = hours.learner()
    other_tutor = make_learner(context=hours.course, role=Role.TUTOR, name="Tina Tutor")
    assert get(client, lukas, path).status_code == 404
    assert get(client, other_tutor, path).status_code == 404
    page = get(client, hours.lena, office_hours(hours.lena)).text
    assert "Entwurf März.pdf" in page


def test_the_course_home_links_each_role_to_its_office_hours_page(
    client, hours: Hours, make_learner, course_loaded
):
    admin = make_learner(context=hours.course, role=Role.ADMIN, name="Ada Admin")
    links = [
        (hours.lena, "Sprechstunden", f"/c/{hours.context_id}/office-hours"),
        (hours.tutor, "Meine Sprechstundentermine", f"/c/{hours.context_id}/office-hours/sessions"),
        (admin, "Sprechstunden: alle Buchungen", f"/c/{hours.context_id}/office-hours/bookings"),
    ]
    for person, label, path in links:
        home = get(client, person, f"/c/{hours.context_id}/")
        assert home.status_code == 200
        found = re.search(
            rf'<a href="{re.escape(path)}\?kt=[^"]*">{re.escape(label)}</a>', home.text
        )
        assert found, (person.principal.role, label)
        assert get(client, person, path).status_code == 200
        others = [other_path for other, _, other_path in links if other is not person]
        assert not any(f'href="{other_path}?' in home.text for other_path in others)

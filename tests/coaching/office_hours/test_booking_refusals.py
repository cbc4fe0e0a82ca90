# ruff: noqa: F811 - fixtures are imported by name and then requested as arguments
"""Bad input to booking and cancelling: each is a clear 4xx with its reason on the page,
and nothing is written (no booking, no audit entry, no notice, no stored file)."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pikepdf
import pytest
from pikepdf import Dictionary, Name, String
from sqlmodel import Session

from coaching.office_hours.allowance import month_label
from coaching.office_hours.models import OfficeHourBooking
from kurswerk.core.auth import Role
from kurswerk.core.clock import utcnow
from tests.coaching.office_hours.booking_fixtures import (
    HEADERS,
    MONTH,
    NEXT_MONTH,
    Hours,
    at,
    book,
    book_body,
    book_path,
    bookings,
    day,
    get,
    give_hours,
    hours,
    make_learner,
    notified,
    post,
    written,
)
from tests.uploads import pdfs

__all__ = ["hours", "make_learner", "notified"]


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def stored_files(settings) -> list[Path]:
    root = Path(settings.storage_url.removeprefix("file://"))
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def refused(response, status: int, words: str) -> None:
    assert response.status_code == status, (response.status_code, text_of(response.text)[-600:])
    assert words in text_of(response.text)


def test_a_slot_in_the_past_is_refused(client, db: Session, hours: Hours, notified):
    slot = hours.slot(utcnow().replace(microsecond=0) - timedelta(hours=2))
    refused(book(client, hours.lena, slot.id), 400, "Dieser Termin liegt in der Vergangenheit.")
    assert written(db) == (0, 0) and notified == []


def test_a_slot_within_the_minimum_notice_is_refused(client, db: Session, hours: Hours):
    slot = hours.slot(utcnow().replace(microsecond=0) + timedelta(hours=3))
    refused(
        book(client, hours.lena, slot.id),
        409,
        "Dieser Termin beginnt zu bald: Buchen lässt er sich bis 24 Stunden vor Beginn.",
    )
    assert written(db) == (0, 0)


def test_a_withdrawn_slot_is_refused(client, db: Session, hours: Hours):
    slot = hours.slot(at(day(3), 10), withdrawn=True)
    refused(book(client, hours.lena, slot.id), 409, "Dieser Termin wurde zurückgezogen")
    assert written(db) == (0, 0)


def test_a_slot_of_another_course_is_not_found(client, db: Session, hours: Hours):
    other_tutor = hours.make(role=Role.TUTOR, name="Olga Other")
    from lti.models import LmsContext

    other_course = db.get(LmsContext, other_tutor.context_id)
    slot = hours.slot(at(day(3), 10), tutor=other_tutor, course=other_course)
    refused(book(client, hours.lena, slot.id), 404, "Diesen Termin gibt es nicht.")
    assert get(client, hours.lena, book_path(hours.lena, slot.id)).status_code == 404
    assert written(db) == (0, 0)


def test_a_slot_that_does_not_exist_is_not_found(client, db: Session, hours: Hours):
    refused(book(client, hours.lena, 987654), 404, "Diesen Termin gibt es nicht.")
    response = book(client, hours.lena, 99999999999999)  # beyond the id column
    assert response.status_code in (400, 404, 422)
    assert written(db) == (0, 0)


def test_a_slot_after_the_grant_ends_is_refused(client, db: Session, hours: Hours):
    late = hours.learner(valid_until=day(10))
    inside = hours.slot(at(day(10), 10))
    outside = hours.slot(at(day(11), 10))
    refused(book(client, late, outside.id), 403, "außerhalb der Gültigkeit Ihres Coachingpakets")
    assert written(db) == (0, 0)
    assert book(client, late, inside.id).status_code == 303


def test_a_slot_before_the_grant_begins_is_refused(client, db: Session, hours: Hours):
    later = hours.learner(valid_from=day(1, NEXT_MONTH))
    slot = hours.slot(at(day(3), 10))
    # no package today: the grant has not begun
    refused(book(client, later, slot.id), 403, "deren Coachingpaket Sprechstunden umfasst")
    assert written(db) == (0, 0)


def test_without_a_package_or_without_office_hours_in_it_booking_is_refused(
    client, db: Session, hours: Hours
):
    slot = hours.slot(at(day(3), 10))
    nobody = hours.make(context=hours.course, name="Nora Neu")
    refused(book(client, nobody, slot.id), 403, "deren Coachingpaket Sprechstunden umfasst")
    none_in_it = hours.learner(per_month=0, name="Zoe Null")
    refused(book(client, none_in_it, slot.id), 403, "deren Coachingpaket Sprechstunden umfasst")
    assert written(db) == (0, 0)


def test_a_tutor_cannot_book(client, db: Session, hours: Hours):
    slot = hours.slot(at(day(3), 10))
    give_hours(db, hours.tutor, per_month=2)
    refused(book(client, hours.tutor, slot.id), 403, "Sprechstunden buchen Teilnehmer:innen")
    assert written(db) == (0, 0)


def test_a_taken_slot_is_refused(client, db: Session, hours: Hours):
    slot = hours.slot(at(day(3), 10))
    assert book(client, hours.lena, slot.id).status_code == 303
    before = written(db)
    lukas = hours.learner()
    refused(book(client, lukas, slot.id), 409, "Diesen Termin hat gerade jemand anderes gebucht.")
    assert written(db) == before


def test_a_month_whose_hours_are_booked_is_refused(client, db: Session, hours: Hours):
    first, second, third = (hours.slot(at(day(n), 10)) for n in (3, 4, 5))
    elsewhere = hours.slot(at(day(3, NEXT_MONTH), 10))
    assert book(client, hours.lena, first.id).status_code == 303
    assert book(client, hours.lena, second.id).status_code == 303
    before = written(db)
    response = book(client, hours.lena, third.id)
    month = month_label(MONTH.strftime("%Y-%m"), "de")  # "Januar 2027"
    refused(response, 409, f"Ihre Sprechstunden für {month} sind schon gebucht.")
    assert written(db) == before
    page = get(client, hours.lena, f"/c/{hours.context_id}/office-hours")
    assert f'href="/c/{hours.context_id}/office-hours/book/{third.id}' not in page.text
    assert "sind gebucht. Termine in diesem Monat" in text_of(page.text)
    assert book(client, hours.lena, elsewhere.id).status_code == 303  # another month


def test_a_topic_over_the_limit_is_refused(client, db: Session, hours: Hours):
    slot = hours.slot(at(day(3), 10))
    refused(book(client, hours.lena, slot.id, topic="x" * 2001), 400, "Das Thema ist zu lang")
    assert written(db) == (0, 0)


def test_a_file_that_is_no_pdf_is_refused_and_nothing_is_kept(
    client, db: Session, hours: Hours, settings
):
    slot = hours.slot(at(day(3), 10))
    response = book(
        client,
        hours.lena,
        slot.id,
        topic="Mein Plan",
        pdf=b"PK\x03\x04 not a pdf",
        filename="a.pdf",
    )
    refused(response, 422, "Die Datei ist kein gültiges PDF.")
    assert "Mein Plan" in response.text  # the topic is kept for the next try
    assert written(db) == (0, 0)
    assert stored_files(settings) == []


def test_a_pdf_with_javascript_is_refused(client, db: Session, hours: Hours, settings):
    slot = hours.slot(at(day(3), 10))

    def with_script(pdf: pikepdf.Pdf) -> None:
        pdf.Root.OpenAction = Dictionary(S=Name.JavaScript, JS=String("app.alert(1)"))

    response = book(client, hours.lena, slot.id, pdf=pdfs.make_pdf(change=with_script))
    refused(response, 422, "aktive Inhalte")
    assert written(db) == (0, 0)
    assert stored_files(settings) == []


def test_booking_without_the_csrf_token_is_refused(client, db: Session, hours: Hours, settings):
    slot = hours.slot(at(day(3), 10))
    url = hours.lena.url(book_path(hours.lena, slot.id))
    without = book_body(None)
    assert client.post(url, content=without, headers=HEADERS).status_code == 403
    forged = book_body(hours.lena, csrf="forged", pdf=pdfs.make_pdf())
    assert client.post(url, content=forged, headers=HEADERS).status_code == 403
    assert written(db) == (0, 0)
    assert stored_files(settings) == []


def test_someone_elses_booking_cannot_be_cancelled(client, db: Session, hours: Hours):
    slot = hours.slot(at(day(3), 10))
    assert book(client, hours.lena, slot.id).status_code == 303
    [booking] = bookings(db)
    lukas = hours.learner()
    before = written(db)
    path = f"/c/{lukas.context_id}/office-hours/bookings/{booking.id}/cancel"
    refused(post(client, lukas, path), 404, "Diese Buchung gibt es nicht.")
    # nor through another course's URL, nor without the token
    assert (
        post(client, hours.lena, path.replace(f"/c/{lukas.context_id}/", "/c/999/")).status_code
        == 403
    )
    assert client.post(hours.lena.url(path), data={}).status_code == 403
    assert written(db) == before
    assert bookings(db)[0].status == "booked"


def test_a_cancelled_booking_cannot_be_cancelled_again(client, db: Session, hours: Hours):
    slot = hours.slot(at(day(3), 10))
    assert book(client, hours.lena, slot.id).status_code == 303
    [booking] = bookings(db)
    path = f"/c/{hours.context_id}/office-hours/bookings/{booking.id}/cancel"
    assert post(client, hours.lena, path).status_code == 303
    before = written(db)
    refused(post(client, hours.lena, path), 409, "Diese Buchung ist nicht mehr aktiv")
    assert written(db) == before


def test_a_booking_that_has_begun_cannot_be_cancelled(client, db: Session, hours: Hours):
    slot = hours.slot(utcnow().replace(microsecond=0) - timedelta(minutes=5))
    booking = OfficeHourBooking(
        context_id=hours.context_id,
        slot_id=slot.id,
        user_id=hours.lena.principal.user_id,
        grant_id=hours.grant.id,
        starts_at=slot.starts_at,
        ends_at=slot.ends_at,
        month="2000-01",
    )
    db.add(booking)
    db.commit()
    before = written(db)
    path = f"/c/{hours.context_id}/office-hours/bookings/{booking.id}/cancel"
    refused(post(client, hours.lena, path), 409, "hat schon begonnen")
    assert written(db) == before


@pytest.mark.parametrize("role", [Role.LEARNER, Role.TUTOR])
def test_the_admins_pages_are_for_admins_only(client, hours: Hours, role):
    person = hours.tutor if role is Role.TUTOR else hours.lena
    base = f"/c/{hours.context_id}/office-hours/bookings"
    assert get(client, person, base).status_code == 403
    assert get(client, person, base + "/export").status_code == 403


def test_ids_beyond_the_database_range_are_refused_not_an_error(client, hours: Hours):
    huge = "99999999999999999999"
    base = f"/c/{hours.context_id}/office-hours"
    for person, path in [
        (hours.lena, f"{base}/book/{huge}"),
        (hours.lena, f"{base}/bookings/{huge}/file"),
        (hours.tutor, f"{base}/sessions/{huge}"),
    ]:
        response = get(client, person, path)
        assert 400 <= response.status_code < 500, (path, response.status_code)
    assert post(client, hours.lena, f"{base}/bookings/{huge}/cancel").status_code == 400

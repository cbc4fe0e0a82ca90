# ruff: noqa: F811 - fixtures are imported by name and then requested as arguments
"""The admins' view of a course's office hours: every booking, the hours spent per
package and month, and the CSV export (the admin's language, the course's time zone, a
safe file name, no cell a spreadsheet would run as a formula)."""

from __future__ import annotations

import csv
import io
import re
from datetime import date

from sqlmodel import Session

from coaching.office_hours.allowance import month_label
from coaching.office_hours.export import export_filename, safe_cell
from kurswerk.core.auth import Role
from tests.coaching.office_hours.booking_fixtures import (
    MONTH,
    NEXT_MONTH,
    Hours,
    at,
    book,
    bookings,
    day,
    get,
    hours,
    make_learner,
    post,
)

__all__ = ["hours", "make_learner"]


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def three_bookings(client, db: Session, hours: Hours):
    """Lena books two (one cancelled in time), Mia books one with a hostile topic."""
    mia = hours.learner(name="Mia =Muster", per_month=1)
    assert book(client, hours.lena, hours.slot(at(day(3), 10)).id).status_code == 303
    assert book(client, hours.lena, hours.slot(at(day(3, NEXT_MONTH), 9, 30)).id).status_code == 303
    assert (
        book(client, mia, hours.slot(at(day(4), 16)).id, topic='=HYPERLINK("x")').status_code == 303
    )
    second = bookings(db)[1]
    path = f"/c/{hours.context_id}/office-hours/bookings/{second.id}/cancel"
    assert post(client, hours.lena, path).status_code == 303
    return mia


def test_admins_see_every_booking_and_the_spend_per_package(
    client, db: Session, hours: Hours, make_learner
):
    mia = three_bookings(client, db, hours)
    admin = make_learner(context=hours.course, role=Role.ADMIN, name="Ada Admin")
    page = get(client, admin, f"/c/{hours.context_id}/office-hours/bookings")
    assert page.status_code == 200
    text = text_of(page.text)
    assert text.count("Tom Tutor") == 3
    assert "Lena Lernt" in text and "Mia =Muster" in text
    assert "abgesagt" in text
    rows = re.findall(r"<tr><td>([^<]+)</td><td>([^<]+)</td><td>(\d+)</td></tr>", page.text)
    month = month_label(MONTH.strftime("%Y-%m"), "de")
    # one hour each under Lena's and Mia's package; Lena's cancelled one spent nothing
    assert sorted(rows) == sorted(
        [("Coaching Plus", month, "1"), (f"Coaching 1 h ({mia.principal.user_id})", month, "1")]
    )


def test_the_csv_export_in_german(client, db: Session, hours: Hours, make_learner):
    three_bookings(client, db, hours)
    admin = make_learner(context=hours.course, role=Role.ADMIN, name="Ada Admin")
    response = get(client, admin, f"/c/{hours.context_id}/office-hours/bookings/export")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    disposition = response.headers["content-disposition"]
    assert re.fullmatch(
        r'attachment; filename="sprechstunden-social-media-strategie-\d{4}-\d{2}-\d{2}\.csv"; '
        r"filename\*=UTF-8''sprechstunden-social-media-strategie-\d{4}-\d{2}-\d{2}\.csv",
        disposition,
    ), disposition
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body[1:]), delimiter=";"))
    header, *data = rows
    assert header[:5] == ["Buchung", "Beginn", "Ende", "Zeitzone", "Monat"]
    assert "Zählt als Sprechstunde" in header and "Thema" in header
    assert len(data) == 3
    first = dict(zip(header, data[0], strict=True))
    assert first["Beginn"] == f"{day(3).isoformat()} 10:00"  # the course's local time
    assert first["Ende"] == f"{day(3).isoformat()} 10:30"
    assert first["Zeitzone"] == "Europe/Berlin"
    assert first["Status"] == "gebucht" and first["Zählt als Sprechstunde"] == "ja"
    assert first["Tutor:in"] == "Tom Tutor" and first["E-Mail-Adresse"] == "lena@example.org"
    mia = dict(zip(header, data[1], strict=True))
    assert mia["Teilnehmer:in"] == "Mia =Muster"
    assert mia["Thema"] == '\'=HYPERLINK("x")'  # a formula is written as text
    cancelled = dict(zip(header, data[2], strict=True))
    assert (cancelled["Status"], cancelled["Zählt als Sprechstunde"]) == ("abgesagt", "nein")
    assert cancelled["Abgesagt am"] != ""


def test_the_csv_export_in_english(client, db: Session, hours: Hours, make_learner):
    three_bookings(client, db, hours)
    admin = make_learner(context=hours.course, role=Role.ADMIN, name="Ada Admin", locale="en")
    response = get(client, admin, f"/c/{hours.context_id}/office-hours/bookings/export")
    assert (
        'filename="office-hours-social-media-strategie-' in response.headers["content-disposition"]
    )
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8")[1:]), delimiter=","))
    assert rows[0][:3] == ["Booking", "Start", "End"]
    assert rows[1][rows[0].index("Status")] == "booked"


def test_safe_cells_and_file_names():
    assert [safe_cell(v) for v in ("=1+1", "+49", "-3", "@SUM(A1)", "Plan", "")] == [
        "'=1+1",
        "'+49",
        "'-3",
        "'@SUM(A1)",
        "Plan",
        "",
    ]
    name = export_filename('Über "Kurs" / ../ 2027; rm', date(2027, 1, 5), "de")
    assert name == "sprechstunden-uber-kurs-2027-rm-2027-01-05.csv"
    assert export_filename("", date(2027, 1, 5), "en") == "office-hours-2027-01-05.csv"

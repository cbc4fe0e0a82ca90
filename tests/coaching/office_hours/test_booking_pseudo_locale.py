# ruff: noqa: F811 - fixtures are imported by name and then requested as arguments
"""The booking pages speak a language added only as a catalog (the pseudo-locale): every
text on them comes from the catalog, apart from data (names, addresses, the topic and
notes people wrote, dates and times as Babel writes them), with realistic content on each:
free slots in two months (one used up), bookings upcoming, held, cancelled, a PDF, notes,
refusals; and the audit log with the bookings' entries."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session, select

from coaching.office_hours.booking import Rules
from coaching.office_hours.models import OfficeHourBooking, OfficeHourSlot
from coaching.office_hours.views import OfficeHoursFormat
from kurswerk.core.auth import Role
from kurswerk.core.clock import file_size, utcnow
from tests.coaching.office_hours.booking_fixtures import (
    NEXT_MONTH,
    Hours,
    at,
    book,
    bookings,
    day,
    get,
    give_hours,
    hours,
    make_learner,
    post,
)
from tests.support.pseudo_locale import (  # noqa: F401 - fixture
    PSEUDO,
    pseudo_catalogs,
    unwrapped_text,
)
from tests.uploads import pdfs

__all__ = ["hours", "make_learner", "pseudo_catalogs"]

NAMES = ("Tom Tutor", "Lena Lernt", "Pia Pseudo", "Ada Admin", "Social-Media-Strategie")
WRITTEN = (
    "https://meet.example.org/tom",
    "Raum 3.14",
    "Zielgruppe",
    "Persona mitbringen",
    "Fragen.pdf",
    "pia@example.org",
    "Coaching Plus",
    "Coaching Pseudo",
)


def dates_of(db: Session, rules: Rules) -> tuple[str, ...]:
    """Every date and time the pages may show, as Babel writes them in the pseudo-locale."""
    oh = OfficeHoursFormat(PSEUDO)
    found: list[str] = [oh.zone()]
    for slot in db.exec(select(OfficeHourSlot)).all():
        found += [oh.when(slot), oh.day(slot.starts_at), oh.span(slot), oh.moment(slot.starts_at)]
        found += [
            oh.month(slot.starts_at.strftime("%Y-%m")),
            oh.moment(slot.starts_at - rules.free_cancel),
        ]
    for booking in db.exec(select(OfficeHourBooking)).all():
        found += [oh.month(booking.month), oh.moment(rules.cancel_deadline(booking))]
        if booking.file_size:
            found.append(file_size(booking.file_size, PSEUDO))  # "1 KB"
    now = utcnow()
    found += [oh.month(now.strftime("%Y-%m")), oh.moment(now)]
    found += [oh.moment(now + timedelta(minutes=n)) for n in range(-5, 5)]
    return tuple(found)


def test_every_booking_page_speaks_the_catalogs_language(
    client, db: Session, hours: Hours, make_learner, pseudo_catalogs
):
    rules = Rules.from_settings(client.app.state.settings)
    pia = make_learner(
        context=hours.course, name="Pia Pseudo", email="pia@example.org", locale=PSEUDO
    )
    give_hours(db, pia, per_month=1, name="Coaching Pseudo")
    tutor = make_learner(context=hours.course, role=Role.TUTOR, name="Tom Tutor", locale=PSEUDO)
    admin = make_learner(context=hours.course, role=Role.ADMIN, name="Ada Admin", locale=PSEUDO)
    nobody = make_learner(context=hours.course, name="Lena Lernt", locale=PSEUDO)

    booked = hours.slot(at(day(3), 10), tutor=tutor)
    hours.slot(at(day(4), 11), tutor=tutor, form="on_site", details="Raum 3.14")
    hours.slot(at(day(5, NEXT_MONTH), 9), tutor=tutor, form="phone")
    cancelled = hours.slot(at(day(6, NEXT_MONTH), 9), tutor=tutor)
    assert book(client, pia, booked.id, topic="Zielgruppe", pdf=pdfs.make_pdf()).status_code == 303
    assert book(client, pia, cancelled.id).status_code == 303
    [first, second] = bookings(db)
    assert (
        post(
            client, pia, f"/c/{hours.context_id}/office-hours/bookings/{second.id}/cancel"
        ).status_code
        == 303
    )
    past_slot = hours.slot(utcnow().replace(microsecond=0) - timedelta(hours=2), tutor=tutor)
    past = OfficeHourBooking(
        context_id=hours.context_id,
        slot_id=past_slot.id,
        user_id=pia.principal.user_id,
        grant_id=first.grant_id,
        starts_at=past_slot.starts_at,
        ends_at=past_slot.ends_at,
        month="2000-01",
        status="held",
        note_shared="Persona mitbringen",
    )
    db.add(past)
    db.commit()
    session = f"/c/{hours.context_id}/office-hours/sessions/{first.id}"
    post(
        client,
        tutor,
        session + "/notes",
        {"note_private": "Zielgruppe", "note_shared": "Persona mitbringen"},
    )

    def speaks(page, *more: str) -> None:
        assert page.status_code < 500, page.text[-400:]
        assert f'<html lang="{PSEUDO}">' in page.text
        data = (*NAMES, *WRITTEN, *dates_of(db, rules), *more)
        assert unwrapped_text(page.text, data) == []

    base = f"/c/{hours.context_id}/office-hours"
    speaks(get(client, pia, base + "?done=booked"))
    speaks(get(client, pia, base + "?done=cancelled_late"))
    speaks(get(client, nobody, base))
    speaks(get(client, tutor, base))
    free = hours.slot(at(day(7), 9), tutor=tutor)
    speaks(get(client, pia, f"{base}/book/{free.id}"))  # this month's hour is used up
    speaks(get(client, pia, f"{base}/book/{cancelled.id}"))
    refused = book(client, pia, cancelled.id, topic="x" * 2001)
    speaks(refused, "x" * 2001)  # the topic is kept in its field
    speaks(post(client, pia, f"{base}/bookings/{second.id}/cancel"))  # cancelled already
    speaks(get(client, tutor, base + "/sessions"))
    speaks(get(client, tutor, session + "?done=notes_saved"))
    speaks(get(client, tutor, f"{base}/sessions/{past.id}"))
    speaks(post(client, tutor, session + "/move", {"slot": ""}))
    speaks(post(client, tutor, session + "/outcome", {"outcome": "held"}))
    speaks(get(client, admin, base + "/bookings"))
    speaks(get(client, admin, f"/c/{hours.context_id}/admin/coaching/audit"))

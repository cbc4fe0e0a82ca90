# ruff: noqa: F811 - fixtures are imported by name and then requested as arguments
"""The tutor's sessions pages and the admins' bookings page in a real Chromium: WCAG 2.1
AA (axe-core) in German and English with a course's worth of bookings (topics, a PDF,
private and shared notes, upcoming, past and cancelled), and "held" recorded with the
keyboard alone."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from playwright.sync_api import Browser, Page
from sqlmodel import Session

from coaching.models import CoachingGrant
from coaching.office_hours.models import BookingStatus, OfficeHourBooking, OfficeHourSlot
from kurswerk.core.auth import Role
from kurswerk.core.clock import course_timezone, utcnow
from tests.coaching.office_hours.booking_fixtures import (
    Hours,
    at,
    bookings,
    day,
    give_hours,
    hours,
)
from tests.coaching.test_browser import assert_accessible, browser, live, open_page
from tests.support.people import Learner, make_learner

__all__ = ["browser", "hours", "live", "make_learner"]

pytestmark = pytest.mark.e2e


@dataclass
class Sessions:
    upcoming: OfficeHourBooking
    past: OfficeHourBooking


def _booking(
    db: Session, slot: OfficeHourSlot, learner: Learner, grant: CoachingGrant, **fields: object
) -> OfficeHourBooking:
    """A booking as a row (the past cannot be booked through the rules)."""
    booking = OfficeHourBooking(
        context_id=learner.context_id,
        slot_id=slot.id,
        user_id=learner.principal.user_id,
        grant_id=grant.id,
        starts_at=slot.starts_at,
        ends_at=slot.ends_at,
        month=slot.starts_at.astimezone(course_timezone()).strftime("%Y-%m"),
        booked_by_user_id=learner.principal.user_id,
        **fields,
    )
    db.add(booking)
    db.commit()
    return booking


def _sessions(db: Session, hours: Hours, tutor: Learner) -> Sessions:
    """``tutor``'s office hours with every kind of row their pages and the admins' show:
    an upcoming booking with a topic, a PDF and both notes, a free slot to move it to, a
    cancelled booking and one that began 90 minutes ago."""
    upcoming = _booking(
        db,
        hours.slot(at(day(3), 10), tutor=tutor),
        hours.lena,
        hours.grant,
        topic="Wie finde ich die Tonalität für unsere Brandcommunity?\nZwei Posts bringe ich mit.",
        file_key="office-hours/fragen",
        file_name="Fragen zur Tonalität.pdf",
        file_size=48_213,
        note_private="Wirkt unsicher bei Zielgruppen; die Persona-Übung vorschlagen.",
        note_shared="Bitte bringen Sie Ihre Persona und zwei Beispielposts mit.",
    )
    hours.slot(at(day(5), 14, 30), tutor=tutor, minutes=45, form="phone", details="030 1234567")
    lukas = hours.make(context=hours.course, name="Lukas Lernt", email="lukas@example.org")
    _, lukas_grant = give_hours(db, lukas, per_month=1, name="Coaching Basis")
    _booking(
        db,
        hours.slot(at(day(4), 9), tutor=tutor, form="on_site", details="Raum 3.14"),
        lukas,
        lukas_grant,
        topic="Redaktionsplan",
        status=BookingStatus.CANCELLED.value,
        spends_hour=False,
        cancelled_at=utcnow(),
        cancelled_by_user_id=lukas.principal.user_id,
    )
    past = _booking(
        db,
        hours.slot(utcnow().replace(microsecond=0) - timedelta(minutes=90), tutor=tutor),
        hours.lena,
        hours.grant,
        topic="Rückblick auf die Handlungsoptionen",
        note_shared="Danke für das Gespräch.",
    )
    return Sessions(upcoming=upcoming, past=past)


def _path(hours: Hours, tail: str = "") -> str:
    return f"/c/{hours.context_id}/office-hours/{tail}"


@pytest.mark.parametrize("locale", ["de", "en"])
def test_the_sessions_and_bookings_pages_pass_axe_with_data_refusals_and_changes(
    live: str, browser: Browser, db: Session, hours: Hours, locale: str
):
    tutor = hours.make(context=hours.course, role=Role.TUTOR, name="Tara Tutorin", locale=locale)
    admin = hours.make(context=hours.course, role=Role.ADMIN, name="Ada Admin", locale=locale)
    made = _sessions(db, hours, tutor)

    page = open_page(browser, live + tutor.url(_path(hours, "sessions")), locale=locale)
    assert page.get_attribute("html", "lang") == locale
    assert page.locator("tbody tr").count() == 3  # upcoming, past, cancelled
    assert_accessible(page, f"the sessions ({locale})")

    # the upcoming session: topic, PDF, notes, move and cancel; then notes refused
    page.goto(live + tutor.url(_path(hours, f"sessions/{made.upcoming.id}")))
    assert page.input_value("#os-note_shared") == made.upcoming.note_shared
    # "please choose", the free slot and the cancelled booking's slot, free again
    assert page.locator("#os-slot option").count() == 3
    assert page.locator("#os-cancel-title").is_visible()
    assert_accessible(page, f"an upcoming session ({locale})")
    page.fill("#os-note_private", "x" * 4001)
    with page.expect_navigation():
        page.locator("section[aria-labelledby=os-notes-title] button[type=submit]").click()
    assert page.locator(".error-summary").is_visible()
    assert page.get_attribute("#os-note_private", "aria-invalid") == "true"
    assert_accessible(page, f"an upcoming session with refused notes ({locale})")

    # the past session: held / no-show, then the page saying it was recorded
    page.goto(live + tutor.url(_path(hours, f"sessions/{made.past.id}")))
    assert_accessible(page, f"a past session ({locale})")
    page.check("#os-no-show")
    with page.expect_navigation():
        page.locator("section[aria-labelledby=os-outcome-title] button[type=submit]").click()
    assert page.locator("[role=status]").is_visible()
    assert_accessible(page, f"a past session with its outcome saved ({locale})")
    page.context.close()

    page = open_page(browser, live + admin.url(_path(hours, "bookings")), locale=locale)
    assert page.locator("section[aria-labelledby=oa-all] tbody tr").count() == 3
    assert_accessible(page, f"the admins' bookings ({locale})")
    page.context.close()


def _tab_to(page: Page, selector: str, limit: int = 60) -> None:
    """Press Tab until ``selector`` has the focus, as a keyboard user reaches it."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement === document.querySelector(s)", selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


def test_a_tutor_records_a_past_session_as_held_with_the_keyboard_alone(
    live: str, browser: Browser, db: Session, hours: Hours
):
    made = _sessions(db, hours, hours.tutor)
    page = open_page(browser, live + hours.tutor.url(_path(hours, "sessions")), js=False)
    _tab_to(page, f"a[href^='{_path(hours, f'sessions/{made.past.id}')}']")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    _tab_to(page, "#os-held")
    page.keyboard.press("Space")
    assert page.is_checked("#os-held")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Ergebnis speichern"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("[role=status]").inner_text().endswith("Das Ergebnis wurde eingetragen.")
    assert page.is_checked("#os-held")
    status = page.locator("dl.facts div", has_text="Status").locator("dd").inner_text()
    assert status.strip() == "stattgefunden"
    page.context.close()
    recorded = next(b for b in bookings(db) if b.id == made.past.id)
    assert (recorded.status, recorded.outcome_by_user_id) == (
        BookingStatus.HELD,
        hours.tutor.principal.user_id,
    )

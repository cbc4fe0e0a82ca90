"""Booking an office hour end to end in Chromium, on the demo as ``kurswerk demo`` wires it
(``demo_loop``: the demo package with two office hours a month, Tom's weekly office hours,
the demo's outbox worker and its SMTP catcher).

Carla launches from the LMS simulator (inside its cross-site iframe), opens her office
hours from the course home and books one of Tom's slots with the keyboard alone (Tab to
the slot, Enter, the topic typed, Tab to the button, Enter); the month's hours left go
from two to one. The invitation arrives in the demo's mail catcher and parses back as the
booking's event (``METHOD:REQUEST``). She cancels in time, by keyboard too: the hour comes
back, and the cancellation arrives as ``METHOD:CANCEL`` with the same ``UID`` and a
higher ``SEQUENCE``. The office-hours page (before and after booking), the booking form
and the page after cancelling have no WCAG 2.1 A/AA violations.

The slot is one that starts at least two days ahead, so cancelling a minute later is in
time whatever the hour the test runs.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

import icalendar
import pytest
from playwright.sync_api import expect
from sqlalchemy.engine import Engine
from sqlmodel import col, select

from coaching.office_hours.allowance import month_of
from coaching.office_hours.models import BookingStatus, OfficeHourBooking, OfficeHourSlot
from coaching.office_hours.views import OfficeHoursFormat
from kurswerk.core import clock
from kurswerk.core.db import new_session
from kurswerk.devplatform.mailcatcher import CaughtMail
from tests.e2e.axe import axe_violations, describe

pytestmark = pytest.mark.e2e

COURSE_TITLE = "Social-Media-Strategie"
CARLA_EMAIL = "carla.coaching@example.org"
TOPIC = "Wie messe ich den Erfolg meiner Kampagne?"
ZONE = "Europe/Berlin"
TIMEOUT_MS = 60_000  # generous: two cores shared with other work
MAIL_TIMEOUT_S = 120.0
IN_TIME = timedelta(days=2)  # the slot starts at least this far ahead: cancelled in time


@pytest.fixture(autouse=True)
def _patient_expect() -> Iterator[None]:
    """Generous waits for ``expect`` in this module only (back to the default after)."""
    expect.set_options(timeout=TIMEOUT_MS)
    yield
    expect.set_options(timeout=None)


def _frame(page: Any, stack: Any) -> Any:
    """The LMS iframe's current document, which must be the tool's (the other site)."""
    handle = page.locator("#contentframe").element_handle()
    frame = handle.content_frame() if handle else None
    assert frame is not None and frame.url.startswith(stack.tool_url), frame and frame.url
    return frame


def _accessible(page: Any, stack: Any, what: str) -> None:
    violations = axe_violations(_frame(page, stack))
    assert violations == [], f"{what}:\n{describe(violations)}"


FOCUSED = """() => {
  const e = document.activeElement;
  if (!e || e === document.body) return "";
  return e.id ? "#" + e.id : (e.getAttribute("aria-label") || e.textContent || "").trim();
}"""


def _tab_to(page: Any, stack: Any, name: str, limit: int = 150) -> None:
    """Press Tab until the tool's focused element is ``name``: its ``#id``, aria-label or
    text. The keys go to the browser, which moves focus through the LMS page into the
    tool's frame as a person's Tab key would."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if _frame(page, stack).evaluate(FOCUSED) == name:
            return
    raise AssertionError(f"never reached {name!r} with Tab")


def _left(tool: Any, month: str) -> Any:
    """What is left of ``month``'s hours, in the page's "Ihre Sprechstunden" box."""
    return tool.locator(f"#oh-left ~ dl div:has(> dt:text-is('{month}')) > dd")


def _invitation(mails: Any, method: str) -> icalendar.Calendar:
    """Carla's mail whose calendar invitation has ``method``, parsed back."""

    def calendar_of(mail: CaughtMail) -> str | None:
        texts = [a.text for a in mail.attachments if a.is_calendar and a.text]
        return texts[0] if texts else None

    caught = mails.wait_for_mail(
        lambda m: (
            m.to == (CARLA_EMAIL,)
            and (text := calendar_of(m)) is not None
            and f"METHOD:{method}" in text
        ),
        timeout=MAIL_TIMEOUT_S,
    )
    assert caught is not None, [m.subject for m in mails.newest_first()]
    (invite,) = [a for a in caught.attachments if a.is_calendar]
    assert invite.filename == "invite.ics"
    assert invite.content_type.startswith("text/calendar")
    assert f"method={method}" in invite.content_type.replace('"', "")
    text = calendar_of(caught)
    assert text is not None
    return icalendar.Calendar.from_ical(text)


def _event(calendar: icalendar.Calendar) -> Any:
    (event,) = calendar.walk("VEVENT")
    return event


def test_carla_books_by_keyboard_gets_the_invitation_cancels_in_time_and_has_the_hour_back(
    demo_loop: Any, page: Any, engine: Engine
):
    stack = demo_loop
    page.context.set_default_timeout(TIMEOUT_MS)
    with new_session(engine) as session:
        slot = session.exec(
            select(OfficeHourSlot)
            .where(OfficeHourSlot.starts_at >= clock.utcnow() + IN_TIME)
            .order_by(col(OfficeHourSlot.starts_at))
        ).first()
    assert slot is not None, "the demo offers no office hours"
    oh = OfficeHoursFormat("de")
    month = oh.month(month_of(slot.starts_at))

    # Carla, from the LMS: the course home links her office hours.
    page.goto(f"{stack.simulator_url}/?person=carla")
    tool = page.frame_locator("#contentframe")
    expect(tool.get_by_role("heading", level=1)).to_contain_text(COURSE_TITLE)
    assert urlsplit(page.url).hostname == "localhost"  # the LMS stays the top site
    tool.get_by_role("link", name="Sprechstunden", exact=True).click()
    expect(tool.get_by_role("heading", level=1)).to_have_text("Sprechstunden")
    expect(_left(tool, month)).to_have_text("noch 2 von 2 frei")
    expect(tool.locator("main")).to_contain_text("Tom Tutor")
    _accessible(page, stack, "office hours, nothing booked")

    # Booked by keyboard: the slot's link, the topic, the button.
    _tab_to(page, stack, f"{oh.when(slot)} buchen")
    page.keyboard.press("Enter")
    expect(tool.get_by_role("heading", level=1)).to_have_text("Termin buchen")
    _accessible(page, stack, "the booking form")
    _tab_to(page, stack, "#ob-topic")
    page.keyboard.type(TOPIC)
    _tab_to(page, stack, "Verbindlich buchen")
    page.keyboard.press("Enter")
    expect(tool.get_by_role("status")).to_contain_text("Ihr Termin ist gebucht.")
    expect(_left(tool, month)).to_have_text("noch 1 von 2 frei")
    mine = tool.locator("section[aria-labelledby='oh-mine'] article")
    expect(mine).to_have_count(1)
    expect(mine).to_contain_text(oh.when(slot))
    expect(mine).to_contain_text(TOPIC)
    expect(mine).to_contain_text("Kostenlos absagen bis")
    _accessible(page, stack, "office hours with a booking")

    with new_session(engine) as session:
        booking = session.exec(select(OfficeHourBooking)).one()
    assert (booking.slot_id, booking.topic) == (slot.id, TOPIC)

    # The invitation, delivered by the demo's worker to its mail catcher.
    booked = _event(_invitation(stack.mails, "REQUEST"))
    assert str(booked["uid"]) == booking.uid
    assert str(booked["status"]) == "CONFIRMED"
    assert booked["dtstart"].params["TZID"] == ZONE
    assert booked.decoded("dtstart") == clock.as_utc(slot.starts_at)
    assert str(booked["attendee"]).lower() == f"mailto:{CARLA_EMAIL}"

    # Cancelled in time, by keyboard: the hour comes back.
    _tab_to(page, stack, "Termin absagen")
    page.keyboard.press("Enter")
    expect(tool.get_by_role("status")).to_contain_text(
        "Der Termin ist abgesagt. Die Sprechstunde steht Ihnen wieder zur Verfügung."
    )
    expect(_left(tool, month)).to_have_text("noch 2 von 2 frei")
    expect(mine).to_have_count(0)
    earlier = tool.locator("section[aria-labelledby='oh-earlier'] tbody tr")
    expect(earlier).to_have_count(1)
    expect(earlier.locator("td").nth(2)).to_have_text("abgesagt")
    expect(earlier.locator("td").nth(3)).to_have_text("nein")  # the hour is not spent
    _accessible(page, stack, "office hours after cancelling")

    with new_session(engine) as session:
        cancelled = session.exec(select(OfficeHourBooking)).one()
    assert (cancelled.status, cancelled.spends_hour) == (BookingStatus.CANCELLED.value, False)

    # The cancellation: the same event, a later revision.
    withdrawn = _invitation(stack.mails, "CANCEL")
    event = _event(withdrawn)
    assert str(event["uid"]) == booking.uid
    assert int(event["sequence"]) == cancelled.sequence > int(booked["sequence"])
    assert str(event["status"]) == "CANCELLED"
    assert event["dtstart"].params["TZID"] == ZONE

# ruff: noqa: F811 - fixtures are imported by name and then requested as arguments
"""The tutor's office-hours page in a real Chromium: WCAG 2.1 AA (axe-core) in German and
English, with slots (free and booked), a series and refused input; and a weekly series
added with the keyboard alone."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import Browser, Page
from sqlmodel import Session

from coaching.office_hours.availability import publish_series, publish_slot
from kurswerk.core import clock
from tests.coaching.office_hours.offer_fixtures import *  # noqa: F403
from tests.coaching.office_hours.offer_fixtures import (
    People,
    all_series,
    book,
    bookable_day,
    one_off,
    slots,
    weekly,
)
from tests.coaching.test_browser import assert_accessible, browser, live, open_page  # noqa: F401

pytestmark = pytest.mark.e2e


def _offer(db: Session, people: People) -> None:
    now = clock.utcnow()
    day = bookable_day()
    booked = publish_slot(db, **people.where(), wanted=one_off(day, 9), now=now)
    publish_slot(db, **people.where(), wanted=one_off(day, 11), now=now)
    publish_series(
        db,
        **people.where(),
        wanted=weekly(day.weekday(), day, day + timedelta(weeks=3), hour=14),
        now=now,
        horizon_weeks=12,
    )
    db.commit()
    book(db, booked, people.lena)


@pytest.mark.parametrize("locale", ["de", "en"])
def test_the_page_passes_axe_with_data_and_with_refused_input(
    live: str, browser: Browser, db: Session, people: People, make_learner, locale: str
):
    tom = make_learner(context=people.course, role=people.tom.principal.role, locale=locale)
    people.tom = tom
    _offer(db, people)
    page = open_page(browser, live + tom.url(f"/c/{tom.context_id}/office-hours/offer"))
    assert page.locator("tbody tr").count() == len(slots(db)) + 1  # and the series' row
    assert_accessible(page, f"the page with slots ({locale})")
    # refused: the error summary links to the field, which says what is wrong
    page.fill("#oh1-start", "25:00")
    with page.expect_navigation():
        page.locator("section[aria-labelledby=oh-new-slot] button[type=submit]").click()
    assert page.locator(".error-summary").is_visible()
    assert page.get_attribute("#oh1-start", "aria-invalid") == "true"
    assert_accessible(page, f"the page with refused input ({locale})")
    page.context.close()


def _tab_to(page: Page, selector: str, limit: int = 80) -> None:
    """Press Tab until ``selector`` has the focus (as a keyboard user reaches it)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement === document.querySelector(s)", selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


def test_a_weekly_series_is_added_with_the_keyboard_alone(
    live: str, browser: Browser, db: Session, people: People
):
    first = bookable_day()
    last = first + timedelta(weeks=2)
    page = open_page(
        browser, live + people.tom.url(f"/c/{people.tom.context_id}/office-hours/offer")
    )
    _tab_to(page, "#ohs-weekday")
    weekday = ["Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag"][first.weekday()]
    for _ in range(first.weekday() + 1):  # from "– Bitte wählen –" down to the day
        page.keyboard.press("ArrowDown")
    assert page.locator("#ohs-weekday option:checked").inner_text() == weekday
    page.keyboard.press("Tab")
    page.keyboard.type("16:30")
    page.keyboard.press("Tab")
    page.keyboard.press("Control+a")
    page.keyboard.type("60")
    page.keyboard.press("Tab")
    page.keyboard.press("ArrowDown")  # Videogespräch
    page.keyboard.press("Tab")
    page.keyboard.type("https://meet.example/tom")
    page.keyboard.press("Tab")
    page.keyboard.type(first.strftime("%d.%m.%Y"))
    page.keyboard.press("Tab")
    page.keyboard.type(last.strftime("%d.%m.%Y"))
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.type") == "submit"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    done = page.locator("[role=status]").inner_text()
    assert "Die wöchentliche Sprechstunde ist angelegt" in done
    [series] = all_series(db)
    assert (series.weekday, series.duration_minutes, series.form) == (first.weekday(), 60, "video")
    assert {clock.local(s.starts_at).strftime("%H:%M") for s in slots(db)} == {"16:30"}
    assert page.locator("tbody tr").count() == len(slots(db)) + 1  # and the series' row
    page.context.close()

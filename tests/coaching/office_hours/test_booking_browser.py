# ruff: noqa: F811 - fixtures are imported by name and then requested as arguments
"""The learner's office-hours page in a real Chromium: WCAG 2.1 AA (axe-core) in German
and English, and a slot booked with the keyboard alone (Tab to the slot's link, Enter,
the topic typed, Tab to the button, Enter), without JavaScript."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import pytest
import uvicorn
from fastapi import FastAPI
from playwright.sync_api import Browser, Page, sync_playwright
from sqlmodel import Session

from coaching.office_hours.views import OfficeHoursFormat
from tests.coaching.office_hours.booking_fixtures import (
    Hours,
    at,
    bookings,
    day,
    give_hours,
    hours,
    make_learner,
)
from tests.e2e.axe import AXE_JS, axe_violations, describe

__all__ = ["hours", "make_learner"]

pytestmark = pytest.mark.e2e

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture
def live(app: FastAPI) -> Iterator[str]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "server did not start"
        time.sleep(0.02)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=15)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    assert AXE_JS.is_file(), "run `npm ci` first: axe-core is a dev dependency"
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def open_page(browser: Browser, url: str, *, js: bool, locale: str) -> Page:
    context = browser.new_context(
        viewport={"width": 800, "height": 900}, java_script_enabled=js, locale=locale
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    response = page.goto(url)
    assert response is not None and response.ok, url
    return page


def assert_accessible(page: Page, what: str) -> None:
    violations = axe_violations(page)
    assert violations == [], f"{what}:\n{describe(violations)}"


def tab_to(page: Page, accessible_name: str, limit: int = 80) -> None:
    """Press Tab until the focused element is named ``accessible_name`` (its aria-label or
    its text)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        name = page.evaluate(
            "() => { const e = document.activeElement;"
            " return e ? (e.getAttribute('aria-label') || e.textContent || '').trim() : ''; }"
        )
        if name == accessible_name:
            return
    raise AssertionError(f"never reached {accessible_name!r} with Tab")


@pytest.mark.parametrize("locale", ["de", "en"])
def test_the_learner_page_is_accessible_and_a_slot_is_booked_by_keyboard(
    browser: Browser, live: str, db: Session, hours: Hours, locale: str
):
    learner = hours.make(context=hours.course, name="Kim Keyboard", locale=locale)
    give_hours(db, learner, per_month=2)
    booked_before = hours.slot(at(day(2), 9))
    target = hours.slot(at(day(3), 10))
    hours.slot(at(day(4), 14, 30), form="on_site", details="Raum 3.14")
    page_url = live + learner.url(f"/c/{hours.context_id}/office-hours")

    # axe needs JavaScript; first one booking, so every part of the page has content
    form_url = live + learner.url(f"/c/{hours.context_id}/office-hours/book/{booked_before.id}")
    with_js = open_page(browser, form_url, js=True, locale=locale)
    assert_accessible(with_js, f"the booking form ({locale})")
    with_js.locator("#ob-topic").fill("Erste Frage")
    with_js.locator("main button[type=submit]").click()
    with_js.wait_for_url("**/office-hours?*done=booked*")
    assert_accessible(with_js, f"the learner's page with a booking ({locale})")
    with_js.context.close()

    page = open_page(browser, page_url, js=False, locale=locale)
    slot_name = {"de": "%(when)s buchen", "en": "Book %(when)s"}[locale] % {
        "when": OfficeHoursFormat(locale).when(target)
    }
    tab_to(page, slot_name)
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/office-hours/book/{target.id}*")
    page.keyboard.press("Tab")  # skip link, then the page's links and forms: to the topic
    for _ in range(40):
        if page.evaluate("() => document.activeElement && document.activeElement.id") == "ob-topic":
            break
        page.keyboard.press("Tab")
    page.keyboard.type("Per Tastatur gebucht")
    tab_to(page, {"de": "Verbindlich buchen", "en": "Book now"}[locale])
    page.keyboard.press("Enter")
    page.wait_for_url("**/office-hours?*done=booked*")
    assert {"de": "Ihr Termin ist gebucht.", "en": "Your appointment is booked."}[locale] in (
        page.inner_text("main")
    )
    page.context.close()

    made = [b for b in bookings(db) if b.slot_id == target.id]
    assert [(b.user_id, b.topic) for b in made] == [
        (learner.principal.user_id, "Per Tastatur gebucht")
    ]

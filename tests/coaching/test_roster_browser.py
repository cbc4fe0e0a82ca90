"""The coaching roster page in a real Chromium, fed by the live LMS simulator's roster:
WCAG 2.1 AA (axe-core) for admins and tutors, German and English, with errors; the grant
works with the keyboard alone and without JavaScript; "select all" is an enhancement."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from playwright.sync_api import Browser
from sqlmodel import Session, select

from coaching.models import CoachingGrant
from lti.models import LmsContext
from tests.coaching.fixtures import make_package
from tests.coaching.test_browser import assert_accessible, browser, live, open_page
from tests.lti.advantage import Simulator, landing, launch, register_simulator, start_simulator

pytestmark = pytest.mark.e2e
__all__ = ["browser", "live"]  # fixtures


@pytest.fixture(params=["de", "en"])
def locale(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def simulator(app: FastAPI, db: Session, locale: str = "de") -> Iterator[Simulator]:
    sim = start_simulator(app, locale="en-US" if locale == "en" else "de-DE")
    try:
        register_simulator(db, sim.config)
        yield sim
    finally:
        sim.server.stop()


@pytest.fixture
def sim(app: FastAPI, db: Session) -> Iterator[Simulator]:
    yield from simulator(app, db)


def roster_url(client: TestClient, sim: Simulator, db: Session, who: str) -> str:
    """The roster page's URL for ``who`` (after their launch), with a package to grant."""
    path, token = landing(launch(client, sim, who))
    context_id = int(path.split("/")[2])
    course = db.get(LmsContext, context_id)
    assert course is not None
    if who == "ada":
        make_package(db, course.platform_id, name="Coaching Basis", feedback_quota=3)
    return f"/c/{context_id}/coaching/roster?kt={token}"


def test_the_admins_and_tutors_roster_pages_pass_axe(
    app, client, db, live: str, browser: Browser, locale: str
):
    for sim in simulator(app, db, locale):
        admin = open_page(browser, live + roster_url(client, sim, db, "ada"))
        assert admin.locator("input[name=member]").count() == 4
        assert_accessible(admin, f"admin roster ({locale})")
        button = "Paket an Ausgewählte vergeben" if locale == "de" else "Grant the package"
        admin.get_by_role("button", name=button).first.click()  # no package chosen
        admin.wait_for_load_state()
        summary = admin.locator(".error-summary")
        assert summary.get_attribute("role") == "alert"
        assert_accessible(admin, f"admin roster with an error ({locale})")
        summary.locator("a").first.click()
        assert admin.evaluate("location.hash") == "#rg-package"
        assert admin.locator("#rg-package").get_attribute("aria-invalid") == "true"
        admin.context.close()

        tutor = open_page(browser, live + roster_url(client, sim, db, "tom"))
        assert tutor.locator("input[name=member]").count() == 0
        assert tutor.locator("table tbody tr").count() == 4
        assert_accessible(tutor, f"tutor roster ({locale})")
        tutor.context.close()


def test_an_admin_grants_with_the_keyboard_alone(app, client, db, sim, live, browser):
    page = open_page(browser, live + roster_url(client, sim, db, "ada"))
    page.locator("#rg-package").focus()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "rg-valid_until"
    page.locator("#rg-package").select_option(label="Coaching Basis (3 Einreichungen)")
    lena = page.get_by_label("Lena Lernende")
    assert lena.is_checked()  # a learner without a package: preselected
    lena.focus()
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"
    page.keyboard.press("Space")
    assert not lena.is_checked()
    page.get_by_role("button", name="Paket an Ausgewählte vergeben").first.focus()
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    status = page.locator("[role=status]").inner_text()
    assert "Fertig: 1 neu vergeben, 0 übersprungen" in status  # Carla only
    granted = db.exec(select(CoachingGrant)).all()
    assert len(granted) == 1
    page.context.close()


def test_select_all_is_an_enhancement_and_the_form_works_without_javascript(
    app, client, db, sim, live, browser
):
    url = live + roster_url(client, sim, db, "ada")
    page = open_page(browser, url)
    page.get_by_role("button", name="Alle angezeigten auswählen").click()
    assert page.locator("input[name=member]:checked").count() == 4
    page.get_by_role("button", name="Auswahl aufheben").click()
    assert page.locator("input[name=member]:checked").count() == 0
    page.context.close()

    page = open_page(browser, url, js=False)
    assert not page.get_by_role("button", name="Alle angezeigten auswählen").is_visible()
    page.get_by_label("nur Teilnehmende ohne Paket").check()
    page.get_by_role("button", name="Liste anzeigen").click()
    page.wait_for_load_state()
    assert page.locator("table tbody tr").count() == 2  # Carla and Lena
    page.locator("#rg-package").select_option(label="Coaching Basis (3 Einreichungen)")
    page.get_by_role("button", name="Paket an Ausgewählte vergeben").first.click()
    page.wait_for_load_state()
    assert "Fertig: 2 neu vergeben" in page.locator("[role=status]").inner_text()
    assert page.get_by_label("nur Teilnehmende ohne Paket").is_checked()  # the filter is kept
    assert "Niemand in der Liste passt zu dieser Auswahl." in page.locator("main").inner_text()
    page.context.close()

"""The coaching pages in a real Chromium: WCAG 2.1 AA (axe-core) for every admin page
(with data, with errors, German and English) and the learner's page; the forms work
with the keyboard and without JavaScript."""

from __future__ import annotations

import re
import socket
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
import uvicorn
from fastapi import FastAPI
from playwright.sync_api import Browser, Page, sync_playwright
from sqlmodel import Session

from coaching.common import Actor
from coaching.grants.changes import grant_package
from coaching.grants.grantees import Grantee
from kurswerk.core.auth import Role
from tests.coaching.fixtures import *  # noqa: F403
from tests.coaching.fixtures import TODAY, Learner, Site, make_package
from tests.e2e.axe import AXE_JS, axe_violations, describe

pytestmark = pytest.mark.e2e

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def live(app: FastAPI) -> Iterator[str]:
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline, "server did not start"
        time.sleep(0.02)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    assert AXE_JS.is_file(), "run `npm ci` first: axe-core is a dev dependency"
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def world(db: Session, site: Site, make_learner) -> dict[str, Any]:
    """Packages, members and grants, so that every table and list has rows."""
    basis = make_package(
        db,
        site.platform.id,
        name="Coaching Basis",
        feedback_quota=3,
        office_hours_per_month=1,
        description="Feedback auf **drei** Übungen.",
        valid_until=TODAY + timedelta(days=365),
    )
    make_package(db, site.platform.id, name="Coaching Plus", feedback_quota=None)
    lena = make_learner(context=site.course, name="Lena Lernt", email="lena@example.org")
    make_learner(context=site.course, role=Role.TUTOR, name="Tina Tutor")
    grant = grant_package(
        db,
        Actor.admin(site.admin.principal),
        course=site.course,
        package=basis,
        grantee=Grantee(user_id=lena.principal.user_id, email=None, name="Lena Lernt"),
        valid_until=TODAY + timedelta(days=90),
    )
    grant_package(
        db,
        Actor.cli(),
        course=site.course,
        package=basis,
        grantee=Grantee(user_id=None, email="mia@example.org"),
        source="cli",
    )
    db.commit()
    return {"package": basis, "grant": grant, "lena": lena}


def open_page(browser: Browser, url: str, *, js: bool = True, locale: str = "de-DE") -> Page:
    """A fresh browser context on ``url`` (axe needs JavaScript; our pages do not)."""
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


def as_locale(make_learner, site: Site, locale: str) -> Learner:
    return make_learner(context=site.course, role=Role.ADMIN, name="Ada Admin", locale=locale)


@pytest.mark.parametrize("locale", ["de", "en"])
def test_admin_pages_pass_axe_wcag_21_aa(
    live: str, browser: Browser, site: Site, world, make_learner, locale: str
):
    admin = as_locale(make_learner, site, locale)
    base = site.base
    for path in [
        "",
        "/packages/new",
        f"/packages/{world['package'].id}",
        "/grants",
        "/grants?show=all",
        f"/grants/{world['grant'].id}",
        "/import",
        "/audit",
    ]:
        page = open_page(browser, live + admin.url(base + path))
        assert_accessible(page, f"{path or '/'} ({locale})")
        page.context.close()


def test_forms_with_errors_pass_axe_and_link_each_error_to_its_field(
    live: str, browser: Browser, site: Site, world
):
    page = open_page(browser, live + site.admin.url(site.base + "/packages/new"))
    page.get_by_label("Name").fill("")
    page.get_by_label("Anzahl der Einreichungen mit Feedback").fill("-4")
    page.get_by_label("Gültig ab").fill("2027-06-01")
    page.get_by_label("Gültig bis").fill("2027-01-01")
    page.get_by_role("button", name="Paket anlegen").click()
    page.wait_for_load_state()
    assert_accessible(page, "package form with errors")
    summary = page.locator(".error-summary")
    assert summary.get_attribute("role") == "alert"
    links = summary.locator("a")
    assert links.count() == 3
    links.nth(1).click()  # "Die Zahl darf nicht negativ sein." -> the quota field
    assert page.evaluate("location.hash") == "#pkg-feedback_quota"
    field = page.locator("#pkg-feedback_quota")
    assert field.get_attribute("aria-invalid") == "true"
    assert (
        page.locator("#pkg-feedback_quota-error")
        .inner_text()
        .endswith("Die Zahl darf nicht negativ sein.")
    )
    page.context.close()

    page = open_page(browser, live + site.admin.url(site.base + "/grants"))
    email_form = page.locator("form", has=page.locator("#ge-email"))
    email_form.get_by_label("E-Mail-Adresse").fill("keine adresse")
    email_form.get_by_label("Paket").select_option(label="Coaching Plus (unbegrenzt)")
    email_form.get_by_role("button", name="Paket vergeben").click()
    page.wait_for_load_state()
    assert "keine gültige E-Mail-Adresse" in page.locator(".error-summary").inner_text()
    assert_accessible(page, "grant form with errors")
    page.context.close()


def test_import_preview_pages_pass_axe(live: str, browser: Browser, site: Site, world, tmp_path):
    bad = tmp_path / "fehler.csv"
    bad.write_text(
        "email;package;valid_until\nlena@example.org;Gold;\nkaputt;Coaching Basis;morgen\n",
        encoding="utf-8",
    )
    good = tmp_path / "gut.csv"
    good.write_text("email;package\nneu@example.org;Coaching Plus\n", encoding="utf-8")
    for file, heading in ((bad, "2 Zeilen haben Fehler"), (good, "Noch ist nichts gespeichert.")):
        page = open_page(browser, live + site.admin.url(site.base + "/import"))
        page.get_by_label("CSV-Datei").set_input_files(str(file))
        page.get_by_role("button", name="Vorschau anzeigen").click()
        page.wait_for_load_state()
        assert heading in page.locator("main").inner_text()
        assert_accessible(page, f"preview of {file.name}")
        if file is good:
            page.get_by_role("button", name="Jetzt speichern (1 Änderung)").click()
            page.wait_for_load_state()
            assert "Import abgeschlossen: 1 neu vergeben" in page.locator("main").inner_text()
            assert_accessible(page, "grants after the import")
        page.context.close()


@pytest.mark.parametrize("with_package", [True, False])
def test_the_learners_coaching_page_passes_axe(
    live: str, browser: Browser, site: Site, world, make_learner, with_package: bool
):
    person = world["lena"] if with_package else make_learner(context=site.course)
    page = open_page(browser, live + person.url(f"/c/{site.course.id}/coaching"))
    text = page.locator("main").inner_text()
    assert ("noch für 3 von 3 Einreichungen" in text) is with_package
    assert ("Sie haben in diesem Kurs kein Coachingpaket." in text) is not with_package
    assert ("Coaching Plus" in text) is not with_package  # the offers, for those without
    assert_accessible(page, "my coaching")
    page.context.close()


def test_a_grant_is_made_and_revoked_with_the_keyboard_alone(
    live: str, browser: Browser, site: Site, world
):
    page = open_page(browser, live + site.admin.url(site.base + "/grants"))
    page.locator("#gm-member").focus()
    page.keyboard.press("Tab")  # to the package
    assert page.evaluate("document.activeElement.id") == "gm-package"
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"
    page.locator("#gm-member").select_option(label="Tina Tutor – Tutor:in")
    page.locator("#gm-package").select_option(label="Coaching Plus (unbegrenzt)")
    page.locator("#gm-valid_until").focus()
    for _ in range(5):  # a date input has a stop per part (day, month, year)
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.tagName") == "BUTTON":
            break
    assert page.evaluate("document.activeElement.textContent.trim()") == "Paket vergeben"
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    assert "Das Paket wurde vergeben." in page.locator("[role=status]").inner_text()
    page.get_by_role("link", name=re.compile(r"^Verwalten.*Tina Tutor, Coaching Plus$")).click()
    page.get_by_role("button", name="Vergabe widerrufen").focus()
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    assert "Die Vergabe wurde widerrufen." in page.locator("[role=status]").inner_text()
    page.context.close()


def test_the_admin_forms_work_without_javascript(live: str, browser: Browser, site: Site, world):
    page = open_page(browser, live + site.admin.url(site.base + "/packages/new"), js=False)
    page.get_by_label("Name").fill("Coaching Intensiv")
    page.get_by_label("Anzahl der Einreichungen mit Feedback").fill("8")
    page.get_by_role("button", name="Paket anlegen").click()
    page.wait_for_load_state()
    assert "Das Paket wurde angelegt." in page.locator("[role=status]").inner_text()

    page.goto(live + site.admin.url(site.base + "/grants"))
    email_form = page.locator("form", has=page.locator("#ge-email"))
    email_form.get_by_label("E-Mail-Adresse").fill("neu@example.org")
    email_form.get_by_label("Paket").select_option(label="Coaching Intensiv (8 Einreichungen)")
    email_form.get_by_role("button", name="Paket vergeben").click()
    page.wait_for_load_state()
    assert "Das Paket wurde vergeben." in page.locator("[role=status]").inner_text()
    assert "neu@example.org" in page.locator("table").inner_text()
    page.context.close()

# ruff: noqa: F811 - fixtures are imported by name and then requested as arguments
"""The promise's pages in a real Chromium: the upload form with its date, the review
page's promise block (a new date announced with the keyboard and without JavaScript, a
refused one), the tutors' capacity page and the admins' report, WCAG 2.1 AA (axe-core)
in German and English, and no sideways scrolling at LMS iframe widths."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page

from kurswerk.core import clock
from tests.e2e.axe import axe_violations, describe
from tests.feedback.dialogue.conftest import release_feedback  # noqa: F401 - fixture
from tests.feedback.promises.dates import today, typed, working_day_after
from tests.feedback.promises.test_report import dataset  # noqa: F401 - fixture
from tests.feedback.promises.test_report_dialogue import after  # noqa: F401 - fixture
from tests.uploads.submission_fixtures import give_package

pytestmark = pytest.mark.e2e


def open_page(
    browser: Browser, url: str, *, js: bool = True, width: int = 1000, locale: str = "de-DE"
) -> Page:
    context = browser.new_context(
        locale=locale, java_script_enabled=js, viewport={"width": width, "height": 900}
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    response = page.goto(url)
    assert response is not None and response.ok, (url, response and response.status)
    return page


def assert_accessible(page: Page, label: str) -> None:
    violations = axe_violations(page)
    assert violations == [], f"{label}:\n{describe(violations)}"


def no_sideways_scrolling(page: Page) -> int:
    return int(
        page.evaluate(
            "document.scrollingElement.scrollWidth - document.scrollingElement.clientWidth"
        )
    )


def test_the_upload_form_shows_the_date_and_is_accessible(live, browser, db, world):
    give_package(db, world.learner)
    url = f"/c/{world.learner.context_id}/lessons/kundenbeziehungen/exercises/leistungen-pruefen"
    page = open_page(browser, live + world.learner.url(f"{url}?industry=media"), width=600)
    promised = clock.add_working_days(today(), 5)
    date_line = page.locator(".feedback-promise__date")
    assert date_line.inner_text() == f"Feedback bis {clock.weekday_day_month(promised)}"
    assert no_sideways_scrolling(page) <= 0
    assert_accessible(page, "exercise page with the upload form")


def announce_through_the_form(page: Page, new_date: str, reason: str) -> None:
    page.get_by_label("Neues Datum", exact=True).fill(new_date)
    page.get_by_label("Grund", exact=True).fill(reason)
    page.get_by_label("Grund", exact=True).press("Tab")
    with page.expect_navigation():
        page.keyboard.press("Enter")  # the button, reached with the keyboard


def test_a_tutor_announces_a_new_date_with_the_keyboard_without_javascript(
    live, browser, db, world, make_submission, promise
):
    submission = make_submission(world.learner)
    promise(submission)
    url = live + world.tutor.url(f"/c/{world.tutor.context_id}/review/{submission.id}")
    page = open_page(browser, url, js=False)
    block = page.locator("#kw-promise")
    assert "Feedback bis" in block.inner_text()
    announce_through_the_form(page, "morgen", "Die Tutorin ist krank.")
    assert "im Format TT.MM.JJJJ" in page.locator(".notice--error").inner_text()
    assert page.get_by_label("Grund", exact=True).input_value() == "Die Tutorin ist krank."
    new = working_day_after(today(), 3)
    announce_through_the_form(page, typed(new), "Die Tutorin ist krank.")
    assert "Das neue Datum ist angekündigt." in block.inner_text()
    assert "neues Datum angekündigt" in page.locator(".promise-history").inner_text()


def test_the_promise_block_passes_axe_in_each_state(
    live, browser, db, world, make_submission, promise
):
    """axe runs JavaScript in the page: these pages are opened with it on."""
    submission = make_submission(world.learner)
    promise(submission)
    url = live + world.tutor.url(f"/c/{world.tutor.context_id}/review/{submission.id}")
    page = open_page(browser, url)
    assert_accessible(page, "review page with the promise block")
    announce_through_the_form(page, "morgen", "Krank.")
    assert_accessible(page, "review page with a refused date")
    announce_through_the_form(page, typed(working_day_after(today(), 3)), "Krank.")
    assert "Das neue Datum ist angekündigt." in page.locator("#kw-promise").inner_text()
    assert_accessible(page, "review page after a new date")


def test_the_capacity_page_is_accessible(live, browser, world):
    url = live + world.tutor.url(f"/c/{world.tutor.context_id}/promises/capacity")
    page = open_page(browser, url)
    page.get_by_label("Feedbacks pro Woche").fill("12")
    page.get_by_role("button", name="Speichern").click()
    assert "Ihre Angabe ist gespeichert." in page.content()
    assert_accessible(page, "capacity page")


@pytest.mark.parametrize(
    ("locale", "heading"), [("de", "Feedbackzusagen"), ("en", "Feedback promises")]
)
def test_the_report_is_accessible_in_both_languages(
    live,
    browser,
    db,
    world,
    dataset,
    make_learner,
    locale,
    heading,
):
    admin = (
        world.admin
        if locale == "de"
        else make_learner(
            context=world.context, role=world.admin.principal.role, locale="en", name="Eve Admin"
        )
    )
    page = open_page(browser, live + admin.url(f"/c/{admin.context_id}/admin/promises"))
    assert page.locator("h1").inner_text() == heading
    assert page.locator("svg[role=img]").count() == 7
    assert_accessible(page, f"report ({locale})")


@pytest.mark.parametrize("width", [600, 1280])
def test_the_report_fits_lms_iframe_widths(live, browser, world, dataset, width):
    url = live + world.admin.url(f"/c/{world.admin.context_id}/admin/promises")
    page = open_page(browser, url, width=width)
    assert no_sideways_scrolling(page) <= 0


@pytest.mark.parametrize(("locale", "width"), [("de", 375), ("en", 1280)])
def test_the_report_with_what_followed_the_feedback_is_accessible(
    live, browser, world, dataset, after, make_learner, locale, width
):
    """Promises and the dialogue after feedback together: every chart drawn, both tables
    of each part in a scrolling region reached with the keyboard, no sideways scrolling
    of the page."""
    admin = (
        world.admin
        if locale == "de"
        else make_learner(
            context=world.context, role=world.admin.principal.role, locale="en", name="Eve Admin"
        )
    )
    url = live + admin.url(f"/c/{admin.context_id}/admin/promises")
    page = open_page(browser, url, width=width, locale=f"{locale}-DE")
    assert page.locator("svg[role=img]").count() == 11
    regions = page.locator("#kw-report-tutors .table-scroll[role=region][tabindex='0']")
    assert regions.count() == 1
    assert no_sideways_scrolling(page) <= 0
    assert_accessible(page, f"report with the dialogue ({locale}, {width} px)")

# ruff: noqa: F811 - fixtures are imported by name and then requested as arguments
"""The submission pages in a real Chromium: the upload form works without JavaScript, and
the form, the error page, the receipt and the submissions pages pass axe (WCAG 2.1 AA)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import select

from kurswerk.core.auth import Role
from tests.e2e.axe import axe_violations, describe
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.support.people import make_learner  # noqa: F401 - fixture
from tests.uploads import pdfs
from tests.uploads.submission_fixtures import (  # noqa: F401 - fixtures
    EXERCISE,
    LESSON,
    NOTHING,
    course_loaded,
    give_package,
    live,
    people,
    storage_root,
    stored,
)
from uploads.models import Submission, SubmissionVersion

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def open_page(chromium, url: str, *, js: bool = True, locale: str = "de-DE"):
    context = chromium.new_context(java_script_enabled=js, locale=locale)
    context.set_default_timeout(20_000)
    page = context.new_page()
    response = page.goto(url)
    assert response is not None
    return page, response


def assert_accessible(chromium, url: str, *, status: int = 200) -> None:
    page, response = open_page(chromium, url)
    try:
        assert response.status == status, url
        violations = axe_violations(page)
        assert violations == [], f"{url}\n{describe(violations)}"
    finally:
        page.context.close()


def exercise_url(live: str, person) -> str:
    path = f"/c/{person.context_id}/lessons/{LESSON}/exercises/{EXERCISE}?industry=media"
    return live + person.url(path)


def upload_through_the_form(chromium, live, person, file: Path, note: str = "") -> Any:
    """Fill in and send the exercise page's form with JavaScript off; return the page."""
    page, _ = open_page(chromium, exercise_url(live, person), js=False)
    page.get_by_label("Ihre Lösung als PDF-Datei").set_input_files(str(file))
    if note:
        page.get_by_label("Worauf soll sich das Feedback konzentrieren?").fill(note)
    page.get_by_role("button", name="Lösung einreichen").click()
    page.wait_for_load_state()
    return page


def test_a_learner_uploads_through_the_form_without_javascript(
    live, chromium, db, people, tmp_path
):
    pdf = tmp_path / "Meine Lösung.pdf"
    pdf.write_bytes(pdfs.make_pdf(pages=2))
    page = upload_through_the_form(chromium, live, people.holder, pdf, note="Zielgruppe?")
    try:
        assert page.get_by_role("heading", level=1).inner_text() == (
            "Ihre Einreichung ist eingegangen"
        )
        assert "Meine Lösung.pdf" in page.locator("main").inner_text()
    finally:
        page.context.close()
    version = db.exec(select(SubmissionVersion)).one()
    assert (version.display_name, version.pages, version.note) == (
        "Meine Lösung.pdf",
        2,
        "Zielgruppe?",
    )


def test_a_refused_file_comes_back_with_an_error_summary_linked_to_the_field(
    live, chromium, db, people, tmp_path
):
    fake = tmp_path / "arbeit.pdf"
    fake.write_text("Das ist ein Text, kein PDF.", encoding="utf-8")
    page = upload_through_the_form(chromium, live, people.holder, fake)
    try:
        summary = page.get_by_role("alert")
        assert "Ihre Datei wurde nicht angenommen" in summary.inner_text()
        assert "Die Datei ist kein gültiges PDF." in summary.inner_text()
        field = page.get_by_label("Ihre Lösung als PDF-Datei")
        assert field.get_attribute("aria-invalid") == "true"
        assert "kein gültiges PDF" in field.evaluate(
            "el => el.getAttribute('aria-describedby').split(' ')"
            ".map(id => document.getElementById(id).textContent).join(' ')"
        )
    finally:
        page.context.close()
    assert db.exec(select(Submission)).all() == []


@pytest.mark.parametrize("locale", ["de", "en"])
def test_the_submission_pages_pass_axe(live, chromium, db, people, tmp_path, locale):
    holder = people.make(locale=locale, context=people.context, email="a@example.org")
    give_package(db, holder)
    pdf = tmp_path / "loesung.pdf"
    pdf.write_bytes(pdfs.make_pdf(pages=1))
    page, _ = open_page(chromium, exercise_url(live, holder), js=False, locale="de-DE")
    page.locator("#kw-file").set_input_files(str(pdf))
    page.locator("form.submission-form button").click()
    page.wait_for_load_state()
    receipt = page.url
    page.context.close()
    submission = db.exec(
        select(Submission).where(Submission.user_id == holder.principal.user_id)
    ).one()
    base = f"/c/{holder.context_id}"

    assert_accessible(chromium, exercise_url(live, holder))  # the form (and a submission)
    assert_accessible(chromium, receipt)
    assert_accessible(chromium, live + holder.url(f"{base}/submissions"))
    assert_accessible(chromium, live + holder.url(f"{base}/submissions/{submission.id}"))
    plain = people.make(locale=locale, context=people.context)
    assert_accessible(chromium, exercise_url(live, plain))  # the offer, no form
    assert_accessible(chromium, live + plain.url(f"{base}/submissions"))  # empty list
    tutor = people.make(role=Role.TUTOR, locale=locale, context=people.context)
    assert_accessible(chromium, live + tutor.url(f"{base}/submissions/settings"))


def test_the_error_page_passes_axe(live, chromium, db, people, tmp_path):
    """The refused upload's page, fetched again in a context with JavaScript for axe."""
    page, _ = open_page(chromium, exercise_url(live, people.holder))
    fake = tmp_path / "bild.pdf"
    fake.write_bytes(pdfs.png_bytes())
    page.locator("#kw-file").set_input_files(str(fake))
    page.locator("form.submission-form button").click()
    page.wait_for_load_state()
    try:
        assert "Ihre Datei wurde nicht angenommen" in page.get_by_role("alert").inner_text()
        violations = axe_violations(page)
        assert violations == [], describe(violations)
    finally:
        page.context.close()


def test_the_form_is_usable_with_the_keyboard(live, chromium, people):
    page, _ = open_page(chromium, exercise_url(live, people.holder))
    try:
        page.locator("#kw-file").focus()
        assert page.evaluate("document.activeElement.id") == "kw-file"
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.id") == "kw-note"
        assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.textContent.trim()") == "Lösung einreichen"
    finally:
        page.context.close()


class TestAFileOverTheLimit:
    @pytest.fixture
    def settings(self, settings):
        return settings.model_copy(update={"max_upload_mb": 1})

    def test_the_browser_shows_the_german_message_and_nothing_is_stored(
        self, live, chromium, db, people, tmp_path, settings
    ):
        """The refusal comes before the body is read and closes the connection; Chromium
        still shows it (not a connection error)."""
        big = tmp_path / "gross.pdf"
        big.write_bytes(pdfs.make_pdf() + b"\n" * (30 * 1024 * 1024))
        page = upload_through_the_form(chromium, live, people.holder, big)
        try:
            alert = page.get_by_role("alert").inner_text()
            assert "Die Datei ist größer als 1 MB." in alert
        finally:
            page.context.close()
        assert stored(db, storage_root(settings)) == NOTHING

"""The upload at the end of the lesson page (issue #12 §3), in Chromium, on the demo as
``kurswerk demo`` wires it (``demo_loop``: Carla holds the demo's coaching package, granted
by email before her first launch).

Carla launches from the LMS simulator (inside its cross-site iframe), opens the lesson,
follows the lesson's own words "Uploadfunktion am Ende der Webseite" to the end of the page
and finds the form there. By keyboard she goes from field to field: exercise, industry,
note, file, the button. She first picks a file that is not a PDF: the form comes back with
the error and with her choices and note kept. With her PDF she then submits, by pressing
Enter on the button, and sees the receipt. The lesson page with the form, the form with the
error and the receipt have no WCAG 2.1 A/AA violations. Lena, without a package, sees the
offer there instead.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.test_coaching_loop import (
    COURSE_TITLE,
    LESSON,
    TIMEOUT_MS,
    _accessible,
    _fact,
    _frame,
    _launch,
)
from tests.uploads import pdfs

pytestmark = pytest.mark.e2e

EXERCISE = "Art der Kundenbeziehung und Leistungspotenzial von Social Media"
NOTE = "Vor allem die Einordnung der Kundenbeziehung bitte prüfen."
FILE_NAME = "Carlas Übung.pdf"


@pytest.fixture(autouse=True)
def _patient_expect() -> Iterator[None]:
    expect.set_options(timeout=TIMEOUT_MS)
    yield
    expect.set_options(timeout=None)


def _open_the_lesson(page: Any, stack: Any, person: str) -> Any:
    tool = _launch(page, stack, person)
    expect(tool.get_by_role("heading", level=1)).to_contain_text(COURSE_TITLE)
    tool.get_by_role("link", name=LESSON).first.click()
    expect(tool.get_by_role("heading", level=1)).to_have_text(LESSON)
    return tool


def _focused(page: Any, stack: Any) -> str:
    """The id of the element that has the keyboard focus in the tool's frame."""
    return str(_frame(page, stack).evaluate("() => document.activeElement.id"))


def test_a_package_holder_uploads_from_the_end_of_the_lesson_and_sees_the_receipt(
    page, demo_loop, tmp_path: Path
):
    page.context.set_default_timeout(TIMEOUT_MS)
    stack = demo_loop
    not_pdf = tmp_path / "Notizen.pdf"
    not_pdf.write_bytes(b"PK\x03\x04 this is a zip, renamed")
    pdf = tmp_path / FILE_NAME
    pdf.write_bytes(pdfs.make_pdf(pages=2))

    tool = _open_the_lesson(page, stack, "carla")
    # The lesson's promise leads to the end of the page, where the form is.
    tool.get_by_role("link", name="Uploadfunktion am Ende der Webseite").click()
    end = tool.locator("#kw-upload")
    expect(end.get_by_role("heading", level=2)).to_have_text("Übung einreichen")
    assert _frame(page, stack).evaluate(
        """() => {
          const sections = document.querySelectorAll("article.lesson > section");
          return sections[sections.length - 1].id === "kw-upload"
            && location.hash === "#kw-upload";
        }"""
    )
    expect(end).to_contain_text("Ihr Coachingpaket „Coachingpaket Demo“: noch 3 von 3")
    _accessible(page, stack, "lesson page with the upload at its end")

    # Field by field with the keyboard, in the order the form is read.
    exercise = end.get_by_label("Übung", exact=True)
    exercise.focus()
    exercise.select_option(label=EXERCISE)
    order = []
    for _ in range(4):
        page.keyboard.press("Tab")
        order.append(_focused(page, stack))
    assert order[:3] == ["kw-industry", "kw-note", "kw-file"], order
    end.get_by_label("Branche", exact=True).select_option(label="Handel (Filialisten)")
    end.get_by_label("Worauf soll sich das Feedback konzentrieren?").focus()
    page.keyboard.type(NOTE)
    end.get_by_label("Ihre Lösung als PDF-Datei").set_input_files(str(not_pdf))
    end.get_by_role("button", name="Lösung einreichen").focus()
    page.keyboard.press("Enter")

    # Refused: the form again, the error first, nothing she chose or wrote lost.
    expect(tool.get_by_role("heading", level=1)).to_have_text("Übung einreichen")
    summary = tool.locator(".error-summary")
    expect(summary).to_contain_text("Die Datei ist kein gültiges PDF.")
    expect(tool.get_by_label("Übung", exact=True)).to_have_value("art-der-kundenbeziehung")
    expect(tool.get_by_label("Branche", exact=True)).to_have_value("retail")
    expect(tool.get_by_label("Worauf soll sich das Feedback konzentrieren?")).to_have_value(NOTE)
    _accessible(page, stack, "the lesson's form with a refused file")

    tool.get_by_label("Ihre Lösung als PDF-Datei").set_input_files(str(pdf))
    tool.get_by_role("button", name="Lösung einreichen").focus()
    page.keyboard.press("Enter")

    expect(tool.get_by_role("heading", level=1)).to_have_text("Ihre Einreichung ist eingegangen")
    facts = tool.locator("dl.submission-facts")
    expect(_fact(facts, "Übung")).to_have_text(EXERCISE)
    expect(_fact(facts, "Branche")).to_contain_text("Handel (Filialisten)")
    expect(_fact(facts, "Datei")).to_contain_text(FILE_NAME)
    expect(_fact(facts, "Worauf soll sich das Feedback konzentrieren?")).to_contain_text(NOTE)
    _accessible(page, stack, "receipt after the lesson's upload")


def test_a_learner_without_a_package_finds_the_offer_at_the_end_of_the_lesson(page, demo_loop):
    page.context.set_default_timeout(TIMEOUT_MS)
    tool = _open_the_lesson(page, demo_loop, "lena")
    end = tool.locator("#kw-upload")
    expect(end.get_by_role("heading", level=2)).to_have_text("Übung einreichen")
    expect(end).to_contain_text("Mit einem Coachingpaket können Sie Ihre Lösung als PDF einreichen")
    expect(end.locator("form")).to_have_count(0)
    _accessible(page, demo_loop, "lesson page with the offer at its end")

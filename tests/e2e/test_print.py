"""Printing a lesson or a worksheet ("Lektion drucken", "Arbeitsvorlage drucken"), in
Chromium: the print section of ``kurswerk/static/kurswerk.css`` and
``kurswerk/static/print.js``.

* with print media, the lesson (in the LMS frame, where its button prints it) shows its
  headings and work steps, no navigation, forms or buttons, and external links written out;
* with print media, a worksheet shows its step and table, not its downloads or navigation;
* the lesson printed to PDF has its title and text, not the page's controls;
* the print button prints, and is not shown where JavaScript is off.

The LMS simulator (``localhost``) frames the tool (``127.0.0.1``): two sites.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pikepdf
import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

COURSE_TITLE = "Social-Media-Strategie"
LESSON = "Kundenbeziehungen"
WORKSHEET = "Übersicht Kundenbeziehungen"
EXTERNAL = "https://example.org/kurswerk/druck"

ADD_EXTERNAL_LINK = """(url) => {
  const link = document.createElement("a");
  link.href = url;
  link.id = "kw-test-external";
  link.textContent = "ein Beispiel";
  document.querySelector(".lesson-body p").append(" ", link);
}"""
"""A link as an author writes one in the lesson text (the demo lesson names its sites
without linking them)."""

AFTER_CONTENT = "(el) => getComputedStyle(el, '::after').content"


def _lesson_in_frame(page: Any, stack: Any) -> Any:
    """Lena opens the course in the simulator and the lesson in its frame: the frame."""
    page.goto(f"{stack.simulator_url}/?person=lena")
    tool = page.frame_locator("#contentframe")
    expect(tool.get_by_role("heading", level=1)).to_contain_text(COURSE_TITLE)
    tool.get_by_role("link", name=LESSON).first.click()
    expect(tool.get_by_role("heading", level=1)).to_contain_text(LESSON)
    handle = page.locator("#contentframe").element_handle()
    frame = handle.content_frame() if handle else None
    assert frame is not None and frame.url.startswith(stack.tool_url), frame
    return frame


def _on_its_own(page: Any, url: str, **context_options: Any) -> Any:
    """``url`` (a tool page carrying its session token) in a window of its own."""
    context = page.context.browser.new_context(locale="de-DE", **context_options)
    context.set_default_timeout(15_000)
    own = context.new_page()
    own.goto(url)
    return own


def test_print_media_lesson_keeps_text_and_work_steps_drops_navigation_and_controls(
    page, demo_stack
):
    frame = _lesson_in_frame(page, demo_stack)
    frame.evaluate(ADD_EXTERNAL_LINK, EXTERNAL)
    page.emulate_media(media="print")

    for hidden in ("header.site-header", "nav.breadcrumbs", "nav.toc", "form", "button"):
        expect(frame.locator(hidden).first).to_be_hidden()
    expect(frame.locator("#kw-progress")).to_be_hidden()
    expect(frame.get_by_role("heading", level=1)).to_be_visible()
    steps = frame.locator(".work-step")
    assert steps.count() >= 1
    for index in range(steps.count()):
        expect(steps.nth(index)).to_be_visible()
    expect(frame.locator(".process-step").first).to_be_visible()

    external = frame.locator("#kw-test-external")
    assert external.evaluate(AFTER_CONTENT) == f'" ({EXTERNAL})"'  # written out after its text
    worksheet = frame.locator(".lesson-body a[href*='/worksheets/']").first
    assert worksheet.evaluate(AFTER_CONTENT) == "none"  # the tool's own link (its token) is not
    assert frame.locator("a[href^='#']").first.evaluate(AFTER_CONTENT) == "none"

    page.emulate_media(media="screen")
    expect(frame.locator("header.site-header")).to_be_visible()


def test_print_media_worksheet_keeps_step_and_table_drops_downloads_and_navigation(
    page, demo_stack
):
    frame = _lesson_in_frame(page, demo_stack)
    frame.locator(".lesson-box a[href*='/worksheets/']").first.click()
    expect(frame.get_by_role("heading", level=1)).to_have_text(WORKSHEET)
    page.emulate_media(media="print")

    for hidden in ("header.site-header", "nav.breadcrumbs", "#kw-downloads", "button"):
        expect(frame.locator(hidden).first).to_be_hidden()
    expect(frame.get_by_role("heading", name="Was der Prozessschritt verlangt")).to_be_visible()
    expect(frame.locator("table.worksheet-table")).to_be_visible()
    assert frame.locator(".table-scroll").evaluate("(el) => getComputedStyle(el).overflowX") == (
        "visible"
    )  # the whole table on paper, not a scroller's visible part


def test_the_lesson_printed_to_pdf_has_its_title_and_text_not_its_controls(
    page, demo_stack, tmp_path
):
    own = _on_its_own(page, _lesson_in_frame(page, demo_stack).url)
    own.evaluate(ADD_EXTERNAL_LINK, EXTERNAL)
    pdf = tmp_path / "lesson.pdf"
    own.pdf(path=str(pdf), format="A4")

    text = _words(pdf)
    assert LESSON in text
    assert "ARBEITSSCHRITT" in text.upper()
    assert EXTERNAL in text  # the URL written out
    shown_on_screen = ("Angemeldet als", "Abmelden", "Sprache", "Noch nicht gelesen")
    for control in (
        *shown_on_screen,
        "Kursleitung fragen",
        "Als gelesen markieren",
        "Lektion drucken",
    ):
        assert control.replace(" ", "") not in text, control
    assert "kt=" not in text  # no session token on paper
    own.context.close()


def test_the_print_button_prints_and_is_not_shown_without_javascript(page, demo_stack):
    frame = _lesson_in_frame(page, demo_stack)
    frame.evaluate(
        "() => { window.print = () => { window.kwPrinted = 1 + (window.kwPrinted || 0); }; }"
    )
    button = frame.get_by_role("button", name="Lektion drucken")
    expect(button).to_be_visible()
    button.click()
    assert frame.evaluate("() => window.kwPrinted") == 1

    own = _on_its_own(page, frame.url, java_script_enabled=False)
    expect(own.get_by_role("heading", level=1)).to_contain_text(LESSON)
    expect(own.get_by_role("button", name="Lektion drucken")).to_be_hidden()
    own.context.close()


# -- the text of a PDF Chromium wrote ------------------------------------------------


def _words(pdf: Path) -> str:
    """The text shown on the PDF's pages, without spaces (Chromium places glyphs one by
    one, so word gaps are not text): read through each font's ToUnicode map."""
    shown: list[str] = []
    with pikepdf.open(pdf) as document:
        for page in document.pages:
            fonts = page.resources.get("/Font", {})
            maps = {str(name): _to_unicode(font) for name, font in fonts.items()}
            current: dict[int, str] = {}
            for operands, operator in pikepdf.parse_content_stream(page):
                if str(operator) == "Tf":
                    current = maps.get(str(operands[0]), {})
                elif str(operator) in ("Tj", "TJ"):
                    items = operands[0] if str(operator) == "TJ" else [operands[0]]
                    for item in items:
                        if isinstance(item, pikepdf.String):
                            raw = bytes(item)
                            codes = (int.from_bytes(raw[i : i + 2]) for i in range(0, len(raw), 2))
                            shown.append("".join(current.get(code, "") for code in codes))
    return re.sub(r"\s+", "", "".join(shown))


def _to_unicode(font: Any) -> dict[int, str]:
    """A font's 2-byte codes to text, from its ToUnicode CMap (bfchar and bfrange)."""
    if "/ToUnicode" not in font:
        return {}
    cmap = font.ToUnicode.read_bytes().decode("latin-1")
    table: dict[int, str] = {}
    for block in re.findall(r"beginbfchar(.*?)endbfchar", cmap, re.S):
        for code, text in re.findall(r"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>", block):
            table[int(code, 16)] = bytes.fromhex(text).decode("utf-16-be")
    for block in re.findall(r"beginbfrange(.*?)endbfrange", cmap, re.S):
        for low, high, first in re.findall(
            r"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>", block
        ):
            for offset, code in enumerate(range(int(low, 16), int(high, 16) + 1)):
                table[code] = chr(int(first, 16) + offset)
    return table

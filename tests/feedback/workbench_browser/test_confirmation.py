"""The release confirmation shows the annotated PDF itself (issue 13, "a confirmation step
that shows exactly what the learner will receive"): in Chromium, the viewer opens the
preview of the confirmed annotation set and draws its first page with the note, the page
stays axe-clean (WCAG 2.1 AA) wide and narrow, and the preview leaves no temp file."""

from __future__ import annotations

import json
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from tests.e2e.axe import axe_violations, describe
from tests.feedback.helpers import claim, save
from tests.feedback.workbench.helpers import note, put_set
from tests.feedback.workbench_browser.pages import SHOTS, open_page

pytestmark = pytest.mark.e2e


def test_the_confirmation_shows_the_annotated_pdf_inline_and_is_axe_clean(
    live, browser, world, submission, web, storage
):
    tutor = world.tutor
    claim(web, tutor, submission.id)
    put_set(web, tutor, submission.id, 0, [note(text="Zielgruppe genauer fassen")])
    save(web, tutor, submission.id, "Siehe Anmerkungen im PDF.")
    url = tutor.url(f"/c/{tutor.context_id}/review/{submission.id}/release")
    page = open_page(browser, live + url)

    viewer = page.locator("#kw-release-pdf")
    expect(page.locator("#kw-release-pdf[data-ready]")).to_be_attached()
    config = json.loads(viewer.locator("script[data-viewer-config]").text_content() or "")
    assert urlsplit(config["src"]).path.endswith(f"/review/{submission.id}/annotated.pdf")
    assert parse_qs(urlsplit(config["src"]).query)["revision"] == ["1"]  # the confirmed set
    expect(viewer.locator("[data-page-count]")).to_have_text("von 12")
    first = viewer.locator(".pdf-page[data-page='1']")
    expect(first.locator("canvas")).to_be_visible()
    expect(first.locator(".annotationLayer .textAnnotation")).to_have_count(1)
    expect(page.get_by_role("region", name="Anmerkungen im PDF").locator("li")).to_have_text(
        [re.compile("Seite 1 · Notiz von Tilda Tutorin.*Zielgruppe genauer fassen", re.S)]
    )
    link = page.get_by_role("link", name=re.compile("^Vorschau öffnen"))
    assert link.get_attribute("href") == config["src"]  # the way without JavaScript
    page.screenshot(path=str(SHOTS / "confirmation-1280.png"), full_page=True)
    violations = axe_violations(page)
    assert violations == [], describe(violations)

    page.set_viewport_size({"width": 375, "height": 800})
    expect(first.locator("canvas")).to_be_visible()
    page.screenshot(path=str(SHOTS / "confirmation-375.png"), full_page=True)
    violations = axe_violations(page)
    assert violations == [], describe(violations)
    assert page.errors == []  # type: ignore[attr-defined]
    assert not any(storage.temp_dir.iterdir())  # the previews' copies are gone


def test_a_set_saved_while_the_confirmation_loads_is_not_shown_as_confirmed(
    live, browser, world, submission, web
):
    """Another tab saves just before the viewer fetches the preview: the preview of the
    confirmed revision is refused, and the viewer says why instead of showing the newer
    set."""
    tutor = world.tutor
    claim(web, tutor, submission.id)
    put_set(web, tutor, submission.id, 0, [note()])
    save(web, tutor, submission.id, "Siehe Anmerkungen im PDF.")
    context = browser.new_context(locale="de-DE", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(20_000)
    page = context.new_page()
    answers: list[int] = []
    page.on("response", lambda r: answers.append(r.status) if "annotated.pdf" in r.url else None)

    def save_in_another_tab_first(route):
        put_set(web, tutor, submission.id, 1, [note(), note(id="n2", at=[100, 100])])
        route.continue_()

    page.route("**/annotated.pdf?*", save_in_another_tab_first)
    page.goto(live + tutor.url(f"/c/{tutor.context_id}/review/{submission.id}/release"))
    viewer = page.locator("#kw-release-pdf")
    expect(page.locator("#kw-release-pdf[data-failed]")).to_be_attached()
    expect(viewer.locator("[data-viewer-status]")).to_have_text(
        re.compile("^Die Vorschau lässt sich hier nicht anzeigen, oder die Anmerkungen wurden")
    )
    assert answers == [409]
    expect(viewer.locator(".pdf-page canvas")).to_have_count(0)
    context.close()

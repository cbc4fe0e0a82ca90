"""The tutor's annotations in a real Chromium, against the workbench's API: highlighting
a sentence and pinning a note survive a reload; undo/redo with the keyboard; freehand
with the pointer; a text box placed with the keyboard alone; deleting from the list;
two tabs saving on the same revision (the second keeps its change on top of the first
one's set, and says so; the merge's rule); others (a tutor without the claim) see the
annotations read-only."""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

import pytest
from playwright.sync_api import Page, expect

from tests.feedback.helpers import claim
from tests.feedback.workbench_browser.pages import open_page, review_url, select_text, viewer_ready
from tests.feedback.workbench_browser.text_pdfs import LINES

pytestmark = pytest.mark.e2e


def workbench(browser, live, world, submission, web) -> Page:
    """The review page of a tutor who holds the claim, its annotations loaded."""
    claim(web, world.tutor, submission.id)
    page = open_page(browser, live + review_url(world.tutor, submission))
    viewer_ready(page)
    expect(page.locator("#kw-viewer[data-annotations='loaded']")).to_be_attached()
    expect(page.locator(".pdf-page[data-page='1'] .textLayer")).to_contain_text(LINES[0])
    return page


def saved(page: Page) -> None:
    expect(page.get_by_role("status").filter(has_text="Gespeichert")).to_have_text(
        re.compile(r"^Gespeichert \d\d:\d\d$")
    )


def highlight(page: Page, text: str) -> None:
    select_text(page, 1, text)
    page.get_by_role("button", name="Markieren").click()


def test_a_highlight_and_a_note_survive_a_reload(live, browser, world, submission, web):
    page = workbench(browser, live, world, submission, web)
    highlight(page, LINES[0])
    expect(page.locator(".kw-annot--highlight")).to_have_count(1)
    page.get_by_role("button", name="Notiz", exact=True).click()
    page.locator(".pdf-page[data-page='1']").click(position={"x": 400, "y": 300})
    page.get_by_role("textbox", name="Text der Notiz").fill("Zielgruppe genauer fassen")
    page.get_by_role("button", name="Fertig").click()
    saved(page)

    page.reload()
    viewer_ready(page)
    listed = page.locator("[data-annotation-items] li")
    expect(listed).to_have_text(
        [re.compile(f"Markierung: {LINES[0]}"), re.compile("Notiz: Zielgruppe genauer fassen")]
    )
    expect(page.get_by_role("button", name=f"Markierung: {LINES[0]}", exact=True)).to_be_visible()
    expect(
        page.get_by_role("button", name="Notiz: Zielgruppe genauer fassen", exact=True)
    ).to_be_visible()
    assert page.errors == []  # type: ignore[attr-defined]


def test_undo_and_redo_with_the_keyboard(live, browser, world, submission, web):
    page = workbench(browser, live, world, submission, web)
    highlight(page, LINES[1])
    mark = page.locator(".kw-annot--highlight")
    expect(mark).to_have_count(1)
    page.get_by_role("region", name=re.compile("^PDF: ")).focus()
    page.keyboard.press("Control+z")
    expect(mark).to_have_count(0)
    page.keyboard.press("Control+Shift+z")
    expect(mark).to_have_count(1)
    page.keyboard.press("Control+z")
    page.keyboard.press("Control+y")
    expect(mark).to_have_count(1)
    saved(page)
    page.reload()
    expect(page.locator(".kw-annot--highlight")).to_have_count(1)


def test_a_freehand_stroke_is_drawn_with_the_pointer(live, browser, world, submission, web):
    page = workbench(browser, live, world, submission, web)
    page.get_by_role("button", name="Freihand").click()
    sheet = page.locator(".pdf-page[data-page='1']")
    sheet.scroll_into_view_if_needed()
    box = sheet.bounding_box()
    assert box is not None
    page.mouse.move(box["x"] + 100, box["y"] + 150)
    page.mouse.down()
    for step in range(1, 20):
        page.mouse.move(box["x"] + 100 + step * 10, box["y"] + 150 + (step % 4) * 6)
    page.mouse.up()
    expect(page.locator(".kw-annot--ink polyline")).to_have_count(1)
    saved(page)


def test_a_text_box_is_placed_with_the_keyboard_alone(live, browser, world, submission, web):
    page = workbench(browser, live, world, submission, web)
    page.get_by_role("region", name=re.compile("^PDF: ")).focus()
    page.keyboard.press("f")
    expect(page.get_by_role("button", name="Textfeld")).to_have_attribute("aria-pressed", "true")
    page.keyboard.press("Enter")
    editor = page.get_by_role("textbox", name="Text des Textfelds")
    expect(editor).to_be_focused()
    page.keyboard.type("Hier fehlt die Quelle.")
    page.keyboard.press("Control+Enter")
    expect(page.locator(".kw-annot--freetext")).to_have_text("Hier fehlt die Quelle.")
    saved(page)


def test_an_annotation_is_deleted_from_the_list(live, browser, world, submission, web):
    page = workbench(browser, live, world, submission, web)
    highlight(page, LINES[0])
    highlight(page, LINES[2])
    items = page.locator("[data-annotation-items] li")
    expect(items).to_have_count(2)
    page.get_by_role("button", name=f"Markierung: {LINES[0]} auf Seite 1 löschen").click()
    expect(items).to_have_count(1)
    expect(page.locator(".kw-annot--highlight")).to_have_count(1)
    expect(items.first.get_by_role("button", name=re.compile("zeigen$"))).to_be_focused()
    saved(page)


def pin_note(page: Page, text: str) -> None:
    page.get_by_role("button", name="Notiz", exact=True).click()
    page.locator(".pdf-page[data-page='1']").click(position={"x": 400, "y": 300})
    page.get_by_role("textbox", name="Text der Notiz").fill(text)
    page.get_by_role("button", name="Fertig").click()


def test_two_tabs_saving_on_one_revision_both_changes_are_kept(
    live, browser, world, submission, web
):
    first = workbench(browser, live, world, submission, web)
    second = open_page(browser, live + review_url(world.tutor, submission))
    viewer_ready(second)
    expect(second.locator("#kw-viewer[data-annotations='loaded']")).to_be_attached()
    highlight(first, LINES[0])
    saved(first)
    pin_note(second, "Quelle fehlt")  # based on the revision before the first tab's save
    expect(second.get_by_role("status").filter(has_text="zusammengeführt")).to_have_text(
        re.compile(r"Ihre Änderungen sind erhalten und mit diesem Stand zusammengeführt\. "
                   r"Gespeichert \d\d:\d\d$")
    )  # fmt: skip
    both = [re.compile(f"Markierung: {LINES[0]}"), re.compile("Notiz: Quelle fehlt")]
    expect(second.locator("[data-annotation-items] li")).to_have_text(both)
    first.reload()
    viewer_ready(first)
    expect(first.locator("[data-annotation-items] li")).to_have_text(both)


# A tab's set when it saved last (base), its set now (local), and the server's set now.
MERGE = """async (url) => {
  const { mergeSets } = await import(url);
  const item = (id, text) => ({ id, type: "note", page: 1, at: [10, 10], text, color: "#ffd400" });
  const base = [item("a", "A"), item("b", "B"), item("c", "C")];
  const local = [item("a", "A hier"), item("c", "C"), item("d", "D hier")];
  const server = [item("a", "A dort"), item("b", "B"), item("c", "C dort"), item("e", "E dort")];
  return mergeSets(base, local, server).map((i) => `${i.id}:${i.text}`);
}"""


def test_a_merge_keeps_both_sides_changes_and_applies_this_tabs_deletions(
    live, browser, world, submission, web
):
    page = workbench(browser, live, world, submission, web)
    main = page.locator("script[src*='workbench/main.js']").get_attribute("src")
    assert main is not None
    store = urljoin(page.url, urlsplit(main).path.replace("main.js", "annotations/store.js"))
    # a: changed on both sides, this tab's change wins; b: deleted here; c: changed there;
    # d: added here (last); e: added there.
    assert page.evaluate(MERGE, store) == ["a:A hier", "c:C dort", "e:E dort", "d:D hier"]


def test_a_tutor_without_the_claim_sees_the_annotations_read_only(
    live, browser, world, submission, web
):
    page = workbench(browser, live, world, submission, web)
    highlight(page, LINES[0])
    saved(page)
    other = world.tutor2
    look = open_page(browser, live + review_url(other, submission))
    viewer_ready(look)
    expect(look.get_by_role("button", name=f"Markierung: {LINES[0]}", exact=True)).to_be_visible()
    expect(look.get_by_role("toolbar", name="Werkzeuge für Anmerkungen")).to_have_count(0)
    expect(look.get_by_role("button", name=re.compile("löschen$"))).to_have_count(0)


# This tab adds "d", changes "a", changes "c" and takes that back; meanwhile the other
# side deleted "c" and added "e". After the merge the history is still this tab's: redo
# of "c" changed finds no "c" (nothing happens, no error), and undo takes back this tab's
# own changes, newest first.
HISTORY = """async (url) => {
  const { Store } = await import(url);
  const item = (id, text) => ({ id, type: "note", page: 1, at: [10, 10], text, color: "#ffd400" });
  const store = new Store();
  store.replaceAll([item("a", "A"), item("c", "C")], 1);
  store.add(item("d", "D hier"));
  store.update("a", { text: "A hier" });
  store.update("c", { text: "C hier" });
  store.undo();
  store.rebase([item("a", "A"), item("e", "E dort")], 2);
  const texts = () => store.list().map((i) => `${i.id}:${i.text}`).join(" ");
  const seen = [texts()];
  store.redo();
  seen.push(texts());
  for (let step = 0; step < 3; step += 1) {
    store.undo();
    seen.push(texts());
  }
  return seen;
}"""


def test_undo_after_a_merge_takes_back_this_tabs_own_changes(live, browser, world, submission, web):
    page = workbench(browser, live, world, submission, web)
    main = page.locator("script[src*='workbench/main.js']").get_attribute("src")
    assert main is not None
    store = urljoin(page.url, urlsplit(main).path.replace("main.js", "annotations/store.js"))
    assert page.evaluate(HISTORY, store) == [
        "a:A hier e:E dort d:D hier",  # merged
        "a:A hier e:E dort d:D hier",  # redo "c" changed: "c" is gone there
        "a:A hier e:E dort d:D hier",  # undo of that redo: still nothing to do
        "a:A e:E dort d:D hier",  # undo "a" changed
        "a:A e:E dort",  # undo "d" added
    ]

"""Steps of the workbench's browser tests: open a page, wait for the viewer, select text."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Browser, Page, expect

SHOTS = Path("/tmp/annot-client")
"""Screenshots for a look by eye (not compared)."""


def open_page(browser: Browser, url: str, *, js: bool = True, width: int = 1280) -> Page:
    """``url`` in a fresh context; ``page.errors`` collects script errors and console errors."""
    context = browser.new_context(
        locale="de-DE", java_script_enabled=js, viewport={"width": width, "height": 900}
    )
    context.set_default_timeout(20_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on(
        "console",
        lambda message: errors.append(message.text) if message.type == "error" else None,
    )
    page.errors = errors  # type: ignore[attr-defined]
    response = page.goto(url)
    assert response is not None and response.ok, (url, response and response.status)
    return page


def review_url(person, submission) -> str:
    return person.url(f"/c/{person.context_id}/review/{submission.id}")


def viewer_ready(page: Page) -> None:
    """The viewer has opened the PDF and drawn its first page."""
    expect(page.locator("#kw-viewer[data-ready]")).to_be_attached()


def select_text(page: Page, number: int, text: str) -> None:
    """Select ``text`` in page ``number``'s text layer, as a drag with the mouse would."""
    page.evaluate(
        """([number, text]) => {
          const layer = document.querySelector(`.pdf-page[data-page='${number}'] .textLayer`);
          const span = Array.from(layer.querySelectorAll("span"))
            .find((s) => s.textContent.includes(text));
          const node = span.firstChild;
          const start = node.textContent.indexOf(text);
          const range = document.createRange();
          range.setStart(node, start);
          range.setEnd(node, start + text.length);
          window.getSelection().removeAllRanges();
          window.getSelection().addRange(range);
        }""",
        [number, text],
    )

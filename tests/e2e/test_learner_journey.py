"""A learner's first visit, end to end in Chromium: the LMS simulator on ``localhost``
launches Kurswerk on ``127.0.0.1`` inside its iframe (a cross-site frame, as in
Moodle), the learner lands on the course home, reads the lesson "Kundenbeziehungen",
marks it read, and the progress survives a reload and a fresh launch. The lesson page
and an exercise page have no WCAG 2.1 A/AA violations.

The texts the locators look for are the course pages' German wording; if that
wording changes, change the constants below.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from tests.e2e.axe import describe

pytestmark = pytest.mark.e2e

COURSE_TITLE = "Social-Media-Strategie"
LESSON = "Kundenbeziehungen"
MARK_READ = re.compile(r"als gelesen markieren", re.IGNORECASE)
SHOW_TASK = re.compile(r"anzeigen", re.IGNORECASE)
READ_STATE = re.compile(r"\bgelesen\b", re.IGNORECASE)


def _tool_frame(page, stack):
    """The iframe's current document, which must be the tool's (the other site)."""
    handle = page.locator("#contentframe").element_handle()
    frame = handle.content_frame() if handle else None
    assert frame is not None
    assert urlsplit(frame.url).hostname == "127.0.0.1", frame.url
    assert frame.url.startswith(stack.tool_url), frame.url
    return frame


def _launch_as_lena(page, stack):
    page.goto(f"{stack.simulator_url}/?person=lena")
    tool = page.frame_locator("#contentframe")
    expect(tool.get_by_role("heading", level=1)).to_contain_text(COURSE_TITLE)
    return tool


def _open_lesson(tool):
    tool.get_by_role("link", name=LESSON).first.click()
    expect(tool.get_by_role("heading", level=1)).to_contain_text(LESSON)


def test_learner_reads_a_lesson_and_keeps_the_progress(page, demo_stack, axe):
    tool = _launch_as_lena(page, demo_stack)
    home = _tool_frame(page, demo_stack)
    assert urlsplit(page.url).hostname == "localhost"  # the LMS stays the top site
    assert urlsplit(home.url).path.startswith("/c/"), home.url

    _open_lesson(tool)
    lesson = _tool_frame(page, demo_stack)
    violations = axe(lesson)
    assert violations == [], describe(violations)

    tool.get_by_role("button", name=MARK_READ).click()
    expect(tool.get_by_role("button", name=MARK_READ)).to_have_count(0)
    expect(tool.get_by_text(READ_STATE).first).to_be_visible()

    # Reload the lesson inside the iframe: same session, progress from the database.
    lesson_url = _tool_frame(page, demo_stack).url
    _tool_frame(page, demo_stack).goto(lesson_url)
    expect(tool.get_by_role("heading", level=1)).to_contain_text(LESSON)
    expect(tool.get_by_role("button", name=MARK_READ)).to_have_count(0)
    expect(tool.get_by_text(READ_STATE).first).to_be_visible()

    # A fresh launch from the LMS (a new Kurswerk session) still knows it.
    page.reload()
    tool = page.frame_locator("#contentframe")
    expect(tool.get_by_role("heading", level=1)).to_contain_text(COURSE_TITLE)
    _open_lesson(tool)
    expect(tool.get_by_role("button", name=MARK_READ)).to_have_count(0)


def test_exercise_page_has_no_wcag_violations(page, demo_stack, axe):
    tool = _launch_as_lena(page, demo_stack)
    _open_lesson(tool)
    # The lesson's task list links each exercise (not the in-page "Übungen" anchor).
    tool.locator("a[href*='/exercises/']").first.click()
    expect(tool.get_by_role("heading", level=1)).to_be_visible()
    exercise = _tool_frame(page, demo_stack)
    assert "/exercises/" in urlsplit(exercise.url).path, exercise.url
    violations = axe(exercise)
    assert violations == [], describe(violations)

    # Pick an industry: the task for it, with its example companies, is shown.
    tool.locator("input[name=industry][value=retail]").check()
    tool.locator("form button[type=submit]").filter(has_text=SHOW_TASK).click()
    expect(tool.get_by_text("Douglas").first).to_be_visible()
    chosen = _tool_frame(page, demo_stack)
    assert "industry=retail" in chosen.url, chosen.url
    violations = axe(chosen)
    assert violations == [], describe(violations)

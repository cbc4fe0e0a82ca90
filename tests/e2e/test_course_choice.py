"""With two courses loaded and no link naming one, an instructor's first launch asks which
course this LMS course shows; in Chromium inside the simulator's frame, with the keyboard
only, and checked with axe (WCAG 2.1 AA)."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import Engine

from course.content import load as content
from kurswerk.core.db import new_session
from tests.course.conftest import second_course
from tests.e2e.axe import axe_violations, describe

pytestmark = pytest.mark.e2e


@pytest.fixture
def two_courses_stack(registered_platform, engine: Engine, tmp_path: Path, live_stack):
    with new_session(engine) as session:
        content.load(session, second_course(tmp_path))
        session.commit()
    return live_stack


def test_an_instructor_chooses_the_course_with_the_keyboard(page, two_courses_stack):
    stack = two_courses_stack
    page.goto(f"{stack.simulator_url}/?person=tom")
    frame = page.frame_locator("#contentframe")
    expect(frame.get_by_role("heading", level=1)).to_have_text("Kurs auswählen")

    handle = page.locator("#contentframe").element_handle()
    tool = handle.content_frame() if handle else None
    assert tool is not None
    violations = axe_violations(tool)
    assert violations == [], describe(violations)

    choice = frame.get_by_role("radio", name="Krisenkommunikation")
    choice.focus()
    page.keyboard.press("Space")
    expect(choice).to_be_checked()
    frame.get_by_role("button", name="Kurs festlegen").focus()
    page.keyboard.press("Enter")
    expect(frame.get_by_role("heading", level=1)).to_contain_text("Krisenkommunikation")

"""LTI Advantage in a real browser: headless Chromium on the simulator's pages
(``localhost``), the tool framed from another site (``127.0.0.1``), both live.

* A tutor adds Kurswerk content by deep linking: the picker in the LMS frame, the signed
  answer auto-posted back (the simulator checks it against the tool's key set, fetched
  over HTTP), the new link on the course page, and its launch landing on that place.
* An admin registers the tool by dynamic registration: the tool's page in the
  simulator's frame posts ``org.imsglobal.lti.close``, the simulator shows the tool.
* A teacher's *view submission* in the simulator's gradebook opens the tool's review
  page in the frame (here: "nothing submitted yet").
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import pytest
from fastapi import FastAPI
from sqlalchemy.engine import Engine
from sqlmodel import select

from course import exercise_names as course_exercise_names
from course import lesson_page as course_lesson_page
from course.content import load as content
from course.models import Exercise
from kurswerk.app import create_app
from kurswerk.core.db import new_session
from kurswerk.core.settings import Settings
from kurswerk.devplatform import demo
from kurswerk.devplatform.app import create_simulator
from kurswerk.devplatform.config import SimulatorConfig
from lti import service
from lti.models import LineItem, LmsContext
from tests.course.conftest import CONTENT
from tests.e2e.axe import axe_violations
from tests.e2e.conftest import (
    CHROMIUM,
    CHROMIUM_ARGS,
    page,  # noqa: F401 - a fresh browser context per test
)
from tests.e2e.servers import LiveServer
from tests.lti.catalog import FakeCatalog

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Chromium for this module only: Playwright's sync API keeps an event loop in the
    main thread while it lives (see tests/e2e/conftest.py)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@dataclass
class Stack:
    tool: FastAPI
    simulator: FastAPI
    config: SimulatorConfig


@pytest.fixture
def stack(settings: Settings, engine: Engine) -> Iterator[Stack]:
    tool_socket, simulator_socket = demo.bind_loopback(0), demo.bind_loopback(0)
    config = SimulatorConfig.local(
        simulator_port=demo.port_of(simulator_socket), tool_port=demo.port_of(tool_socket)
    )
    tool = create_app(settings.model_copy(update={"base_url": config.tool_base_url}))
    simulator = create_simulator(config, settings=settings)
    servers = [LiveServer(tool, tool_socket), LiveServer(simulator, simulator_socket)]
    try:
        for server in servers:
            server.start()
        yield Stack(tool, simulator, config)
    finally:
        for server in servers:
            server.stop()
        tool.state.engine.dispose()


def _frame(tab: Any, selector: str, origin: str) -> Any:
    handle = tab.locator(selector).element_handle()
    frame = handle.content_frame() if handle else None
    assert frame is not None
    assert frame.url.startswith(origin), frame.url
    return frame


def _launched_link_path(tab: Any, ending: str) -> str:
    """The path of the tool's frame once the launch of a deep-linked link has landed on
    a path that ends with ``ending`` (or where it is after waiting)."""
    tab.wait_for_url(re.compile(r"link=dl-"))
    path = ""
    for _ in range(100):
        frame = tab.locator("#contentframe").element_handle().content_frame()
        path = urlsplit(frame.url).path
        if path.endswith(ending):
            break
        tab.wait_for_timeout(100)
    return path


def test_a_tutor_deep_links_a_lesson_in_the_browser(page, stack, engine, fill_slot):  # noqa: F811
    from playwright.sync_api import expect

    with new_session(engine) as session:
        demo.register_simulator(session, stack.config)
        session.commit()
    fill_slot(service.DEEP_LINK_CATALOG, FakeCatalog())

    page.goto(f"{stack.config.issuer}/?person=tom")
    page.get_by_role("link", name="Kurswerk-Inhalt hinzufügen").click()
    picker = page.frame_locator("#contentframe")
    expect(picker.get_by_role("heading", level=1)).to_have_text(
        "Kurswerk-Inhalt in den Kurs einfügen"
    )
    frame = _frame(page, "#contentframe", stack.config.tool_base_url)
    assert axe_violations(frame) == []
    picker.get_by_label(re.compile("Lektion 1: Einstieg")).check()
    picker.get_by_role("button", name="Einfügen").click()

    # The answer went back to the LMS, inside the frame, without a click.
    expect(picker.get_by_role("heading", level=1)).to_have_text("Inhalte übernommen")
    expect(picker.get_by_text("lessons/einstieg")).to_be_visible()
    picker.get_by_role("link", name="Zur Kursseite").click()

    page.get_by_role("link", name="Lektion 1: Einstieg").click()
    assert re.fullmatch(r"/c/\d+/lessons/einstieg", _launched_link_path(page, "/lessons/einstieg"))


def test_a_tutor_deep_links_a_lessons_forum_from_the_real_course(page, stack, engine):  # noqa: F811
    """The course's own catalog in the picker (every group, the forums last), checked with
    axe in German and English; the forum chosen by keyboard; its link opens the lesson's
    thread list, in the language the tutor chose in the picker."""
    from playwright.sync_api import expect

    with new_session(engine) as session:
        demo.register_simulator(session, stack.config)
        content.load(session, CONTENT)
        session.commit()

    page.goto(f"{stack.config.issuer}/?person=tom")
    page.get_by_role("link", name="Kurswerk-Inhalt hinzufügen").click()
    picker = page.frame_locator("#contentframe")
    expect(picker.locator("legend")).to_have_text(
        ["Kurs", "Lektionen", "Übungen", "Foren der Lektionen"]
    )
    assert axe_violations(_frame(page, "#contentframe", stack.config.tool_base_url)) == []

    # The picker's own language switch, as a tutor would use it.
    picker.get_by_label("Sprache").select_option("en")
    picker.get_by_role("button", name="OK").click()
    expect(picker.locator("legend")).to_have_text(
        ["Course", "Lessons", "Exercises", "Lesson forums"]
    )
    assert axe_violations(_frame(page, "#contentframe", stack.config.tool_base_url)) == []

    forum = picker.get_by_label(re.compile("Forum: Kundenbeziehungen"))
    forum.focus()
    page.keyboard.press("Space")  # by keyboard
    expect(forum).to_be_checked()
    picker.get_by_role("button", name="Add").click()
    expect(picker.get_by_role("heading", level=1)).to_have_text("Inhalte übernommen")
    picker.get_by_role("link", name="Zur Kursseite").click()

    page.get_by_role("link", name="Forum: Kundenbeziehungen").click()
    path = _launched_link_path(page, "/forum")
    assert re.fullmatch(r"/c/\d+/lessons/kundenbeziehungen/forum", path)
    # The tutor chose English in the picker: the choice sticks for the next launch.
    expect(picker.get_by_role("link", name="Ask a new question")).to_be_visible()


def test_an_admin_registers_the_tool_by_dynamic_registration(page, stack, engine):  # noqa: F811
    from playwright.sync_api import expect

    page.goto(f"{stack.config.issuer}/tools")
    expect(page.get_by_text("Noch kein Tool per Dynamic Registration registriert.")).to_be_visible()
    page.get_by_role("button", name="Kurswerk registrieren").click()
    page.wait_for_url(re.compile(r"/tools\?start=1$"))
    # The tool's page in the frame registers, then asks the platform to close it; the
    # simulator leaves the frame and shows the tool.
    page.wait_for_url(f"{stack.config.issuer}/tools")
    expect(page.get_by_role("heading", name="Registriertes Tool")).to_be_visible()
    expect(page.get_by_text(stack.config.tool_jwks_url)).to_be_visible()
    assert page.locator("#registrationframe").count() == 0
    with new_session(engine) as session:
        [(platform, deployments)] = service.list_platforms(session)
    assert platform.issuer == stack.config.issuer
    assert deployments == [stack.config.deployment_id]
    assert axe_violations(page) == []

    # Again (issue 9 §6): the tool says it is already registered - no failure - and asks
    # the platform to close the frame as before; the list still shows the one tool.
    page.get_by_role("button", name="Kurswerk registrieren").click()
    page.wait_for_url(re.compile(r"/tools\?start=1$"))
    page.wait_for_url(f"{stack.config.issuer}/tools")
    expect(page.get_by_text(stack.config.tool_jwks_url)).to_be_visible()
    assert page.locator("#registrationframe").count() == 0
    with new_session(engine) as session:
        assert len(service.list_platforms(session)) == 1


def _launched_frame(tab: Any, stack: Stack, person: str) -> tuple[Any, str, str]:
    """The tool's frame after a launch as ``person``: (frame, course path, page token)."""
    tab.goto(f"{stack.config.issuer}/?person={person}")
    for _ in range(150):
        frame = tab.locator("#contentframe").element_handle().content_frame()
        url = urlsplit(frame.url)
        if frame.url.startswith(stack.config.tool_base_url) and url.path.startswith("/c/"):
            token = re.search(r"kt=([^&]+)", url.query)
            assert token
            return frame, url.path.rstrip("/"), token.group(1)
        tab.wait_for_timeout(100)
    raise AssertionError("the launch did not land in the course")


def test_the_new_pages_meet_wcag_aa(page, stack, engine):  # noqa: F811
    with new_session(engine) as session:
        demo.register_simulator(session, stack.config)
        session.commit()
    for path in ("/gradebook?person=tom", "/roster?person=tom", "/tools"):
        page.goto(stack.config.issuer + path)
        assert axe_violations(page) == [], path

    for person, tool_path in (
        ("tom", "/roster"),
        ("ada", "/lti/lms-calls"),
        ("lena", "/lti/review/1"),
    ):
        frame, course, token = _launched_frame(page, stack, person)
        if tool_path == "/lti/review/1":
            tool_path = "/lti/review/" + _own_user_id(engine, stack, person)
        frame.goto(f"{stack.config.tool_base_url}{course}{tool_path}?kt={token}")
        frame.wait_for_load_state()
        assert frame.locator("h1").count() == 1, tool_path
        assert axe_violations(frame) == [], tool_path


def _own_user_id(engine: Engine, stack: Stack, person: str) -> str:
    from lti.models import PlatformUser

    sub = stack.config.person(person).sub  # type: ignore[union-attr]
    with new_session(engine) as session:
        user = session.exec(select(PlatformUser).where(PlatformUser.sub == sub)).one()
    return str(user.id)


def test_view_submission_in_the_gradebook_opens_the_tools_review_in_the_frame(
    page,  # noqa: F811
    stack,
    engine,
):
    """The teacher's *view submission* for a learner who has not submitted: the tool's
    page in the simulator's frame says so, and meets WCAG 2.1 AA."""
    with new_session(engine) as session:
        demo.register_simulator(session, stack.config)
        content.load(session, CONTENT)
        session.commit()
    _launched_frame(page, stack, "tom")  # the LMS course is known to the tool now
    course = stack.simulator.state.course
    with new_session(engine) as session:
        exercise = session.exec(select(Exercise).where(Exercise.slug == "leistungen-pruefen")).one()
        context = session.exec(select(LmsContext)).one()
        resource_id = course_exercise_names.exercise_resource_id(exercise.id)
        column = course.add_line_item(
            label=exercise.title, score_maximum=1, resource_id=resource_id
        )
        session.add(
            LineItem(
                context_id=context.id,
                resource_id=resource_id,
                lineitem_url=stack.config.lineitem_url(column.id),
            )
        )
        session.commit()
    course_lesson_page.clear_cache()
    from playwright.sync_api import expect

    page.goto(f"{stack.config.issuer}/gradebook?person=tom")
    page.get_by_role("link", name="Einreichung von Lena ansehen").first.click()
    review = page.frame_locator("#contentframe")
    expect(review.get_by_role("heading", level=1)).to_have_text("Einsicht in eine Einreichung")
    expect(review.get_by_text("noch nichts eingereicht")).to_be_visible()
    frame = _frame(page, "#contentframe", stack.config.tool_base_url)
    assert "/submission-review/" in frame.url
    assert axe_violations(frame) == []

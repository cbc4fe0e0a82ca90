"""The browser-test harness: the tool and the LMS simulator as live servers, Chromium.

Fixtures (function scope unless said):

* ``stack_plan``          both loopback sockets bound, the simulator's config and the
                          tool's settings (test database, ``base_url`` = the tool's URL)
* ``live_stack``          tool on ``http://127.0.0.1:{port}``, simulator on
                          ``http://localhost:{port}``: two sites, as in a real LMS
* ``registered_platform`` the simulator registered in the tool (``lti.service``)
* ``course_content``      ``content/`` loaded (``course.content.load``)
* ``demo_stack``          all three, in the order ``kurswerk demo`` uses: register and
                          load first, then serve
* ``demo_loop``           the whole demo as ``kurswerk demo`` wires it: its SMTP catcher,
                          its preparation (content, platform, Carla's coaching grant),
                          both apps (the simulator listing the caught mails) and its
                          outbox worker delivering to the catcher and the gradebook
* ``browser`` (session)   Debian's Chromium driven by Playwright; ``page`` a fresh context
* ``axe``                 ``axe(page_or_frame) -> violations`` for WCAG 2.1 A/AA

The registration and content steps, and every step of ``demo_loop``, call the same
functions as ``kurswerk demo`` (``kurswerk.devplatform.demo``).
"""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy.engine import Engine

from kurswerk.app import create_app
from kurswerk.core.db import new_session
from kurswerk.core.settings import Settings, get_settings
from kurswerk.devplatform import demo
from kurswerk.devplatform.app import create_simulator
from kurswerk.devplatform.config import SimulatorConfig
from kurswerk.devplatform.mailcatcher import MailStore
from tests.e2e.axe import axe_violations
from tests.e2e.servers import LiveServer

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@dataclass
class StackPlan:
    tool_socket: socket.socket
    simulator_socket: socket.socket
    simulator: SimulatorConfig
    settings: Settings


@dataclass
class LiveStack:
    tool_url: str
    simulator_url: str
    simulator: SimulatorConfig
    settings: Settings


@dataclass
class DemoLoop(LiveStack):
    mails: MailStore  # what the demo's SMTP catcher received


@pytest.fixture
def stack_plan(settings: Settings) -> Iterator[StackPlan]:
    tool_socket = demo.bind_loopback(0)
    simulator_socket = demo.bind_loopback(0)
    simulator = SimulatorConfig.local(
        simulator_port=demo.port_of(simulator_socket), tool_port=demo.port_of(tool_socket)
    )
    tool_settings = settings.model_copy(update={"base_url": simulator.tool_base_url})
    try:
        yield StackPlan(tool_socket, simulator_socket, simulator, tool_settings)
    finally:
        tool_socket.close()
        simulator_socket.close()


@pytest.fixture
def live_stack(stack_plan: StackPlan, engine: Engine) -> Iterator[LiveStack]:
    """Both servers running; ``engine`` makes the test database start and end empty."""
    tool_app = create_app(stack_plan.settings)
    simulator_app = create_simulator(stack_plan.simulator, settings=stack_plan.settings)
    servers = [
        LiveServer(tool_app, stack_plan.tool_socket),
        LiveServer(simulator_app, stack_plan.simulator_socket),
    ]
    try:
        for server in servers:
            server.start()
        yield LiveStack(
            tool_url=stack_plan.simulator.tool_base_url,
            simulator_url=stack_plan.simulator.issuer,
            simulator=stack_plan.simulator,
            settings=stack_plan.settings,
        )
    finally:
        for server in servers:
            server.stop()
        tool_app.state.engine.dispose()


@pytest.fixture
def registered_platform(stack_plan: StackPlan, engine: Engine) -> None:
    """Needs the LTI work (``lti.service``)."""
    with new_session(engine) as session:
        demo.register_simulator(session, stack_plan.simulator)
        session.commit()


@pytest.fixture
def course_content(engine: Engine) -> str:
    """Needs the course work (``course.content.load``). Returns the loader's report."""
    with new_session(engine) as session:
        report = demo.load_content(session, demo.content_dir())
        session.commit()
    return report


@pytest.fixture
def demo_stack(registered_platform: None, course_content: str, live_stack: LiveStack) -> LiveStack:
    """The stack as ``kurswerk demo`` runs it: registered, content loaded, then serving."""
    return live_stack


@pytest.fixture
def demo_loop(
    stack_plan: StackPlan, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> Iterator[DemoLoop]:
    """``kurswerk demo`` on the test database: catcher, preparation, apps, worker."""
    monkeypatch.setenv("KURSWERK_SMTP_URL", "")  # the demo's own catcher, not a server set here
    mails = MailStore()
    catcher = demo.start_mail_catcher(mails)
    assert catcher is not None
    worker = None
    servers: list[LiveServer] = []
    try:
        settings = stack_plan.settings.model_copy(update={"smtp_url": catcher.url})
        demo.prepare(settings, stack_plan.simulator, demo.content_dir())
        tool_app, simulator_app = demo.demo_apps(settings, stack_plan.simulator, mails)
        servers = [
            LiveServer(tool_app, stack_plan.tool_socket),
            LiveServer(simulator_app, stack_plan.simulator_socket),
        ]
        for server in servers:
            server.start()
        worker = demo.start_worker(settings)
        assert worker is not None
        yield DemoLoop(
            tool_url=stack_plan.simulator.tool_base_url,
            simulator_url=stack_plan.simulator.issuer,
            simulator=stack_plan.simulator,
            settings=settings,
            mails=mails,
        )
    finally:
        if worker is not None:
            worker.stop(timeout=30)
        for server in servers:
            server.stop()
        if servers:
            tool_app.state.engine.dispose()
        catcher.stop()
        get_settings.cache_clear()


@pytest.fixture(scope="package")
def browser() -> Iterator[Any]:
    """One Chromium for the browser tests, stopped when they are done: Playwright's sync
    API keeps an event loop running in the main thread while it lives, which would break
    every later test that calls ``asyncio.run()``."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(locale="de-DE")
    context.set_default_timeout(15_000)
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.fixture
def axe() -> Callable[..., list[dict[str, Any]]]:
    return axe_violations

"""The simulator's "Postausgang (Demo)" in Chromium: the list and a mail (with a calendar
invitation attached) have no WCAG 2.1 A/AA violations, and a mail's HTML (with a script
in it) is shown in a sandboxed frame where the script does not run."""

from __future__ import annotations

from collections.abc import Iterator
from email.message import EmailMessage

import pytest

from kurswerk.core.settings import Settings
from kurswerk.devplatform import demo
from kurswerk.devplatform.app import create_simulator
from kurswerk.devplatform.config import SimulatorConfig
from kurswerk.devplatform.mailcatcher import MailStore
from tests.e2e.axe import describe
from tests.e2e.servers import LiveServer

pytestmark = pytest.mark.e2e

HTML = (
    "<html><body><h1>Ihr Feedback ist da</h1><p>Hallo Carla,</p>"
    "<script>document.body.dataset.ran = 'yes'; top.document.title = 'gekapert';</script>"
    "</body></html>"
)


@pytest.fixture
def outbox() -> Iterator[tuple[str, MailStore]]:
    store = MailStore()
    message = EmailMessage()
    message["From"] = "Kurswerk <kurswerk@localhost>"
    message["To"] = "carla.coaching@example.org"
    message["Subject"] = "Feedback zu Ihrer Einreichung"
    message.set_content("Hallo Carla,\n\nIhr Feedback ist da.")
    message.add_alternative(HTML, subtype="html")
    message.add_attachment(
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nMETHOD:REQUEST\r\nEND:VCALENDAR\r\n",
        maintype="text",
        subtype="calendar",
        filename="invite.ics",
        params={"method": "REQUEST"},
    )
    store.add(bytes(message), mail_from="kurswerk@localhost", to=("carla.coaching@example.org",))
    sock = demo.bind_loopback(0)
    config = SimulatorConfig.local(simulator_port=demo.port_of(sock), tool_port=9)
    server = LiveServer(
        create_simulator(config, settings=Settings(env="test"), mail_store=store), sock
    )
    server.start()
    try:
        yield config.issuer, store
    finally:
        server.stop()
        sock.close()


def test_the_outbox_and_a_mail_are_accessible_and_the_mail_cannot_script(page, outbox, axe):
    url, _ = outbox
    page.goto(f"{url}/")
    page.get_by_role("link", name="Postausgang (Demo)").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Postausgang (Demo)"
    violations = axe(page)
    assert violations == [], describe(violations)

    page.get_by_role("link", name="Feedback zu Ihrer Einreichung").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Feedback zu Ihrer Einreichung"
    assert page.get_by_role("link", name="invite.ics").is_visible()
    violations = axe(page)
    assert violations == [], describe(violations)

    frame = page.frame_locator("iframe.lms-mail-html")
    assert frame.get_by_role("heading", level=1).inner_text() == "Ihr Feedback ist da"
    assert "gekapert" not in page.title()
    ran = (
        page.locator("iframe.lms-mail-html")
        .element_handle()
        .content_frame()
        .evaluate("() => document.body.dataset.ran || 'no'")
    )
    assert ran == "no"

"""The demo's local SMTP catcher and the simulator's "Postausgang (Demo)" page: a mail the
tool enqueues is delivered by the demo's worker to the catcher and listed by the page;
a caught mail's HTML never becomes part of the simulator's page."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, date, datetime
from email.message import EmailMessage

import pytest
from fastapi.testclient import TestClient

from kurswerk.core.db import new_session
from kurswerk.core.outbox.queue import enqueue_email
from kurswerk.core.settings import Settings, get_settings
from kurswerk.devplatform import demo
from kurswerk.devplatform.app import create_simulator
from kurswerk.devplatform.config import SimulatorConfig
from kurswerk.devplatform.mailcatcher import MailCatcher, MailStore
from tests.course.html_tools import parse


def receipt() -> dict[str, object]:
    return {
        "learner_name": "Carla Coaching",
        "course_title": "Social-Media-Strategie",
        "exercise_title": "Leistungen prüfen",
        "industry": "Medien",
        "file_name": "lösung.pdf",
        "version": 1,
        "submitted_at": datetime(2026, 11, 22, 13, 5, tzinfo=UTC),
        "promised_on": date(2026, 11, 27),
        "submissions_url": "http://127.0.0.1:8000/c/1/submissions",
    }


def raw_mail(*, subject: str, text: str | None, html: str | None) -> bytes:
    message = EmailMessage()
    message["From"] = "kurswerk@localhost"
    message["To"] = "carla.coaching@example.org"
    message["Subject"] = subject
    if text is not None:
        message.set_content(text)
    if html is not None:
        if text is None:
            message.set_content(html, subtype="html")
        else:
            message.add_alternative(html, subtype="html")
    return bytes(message)


@pytest.fixture
def store() -> MailStore:
    return MailStore()


@pytest.fixture
def outbox_page(store: MailStore) -> Iterator[TestClient]:
    config = SimulatorConfig.local(simulator_port=9001, tool_port=9000)
    app = create_simulator(config, settings=Settings(env="test"), mail_store=store)
    with TestClient(app, base_url=config.issuer) as client:
        yield client


@pytest.fixture
def catcher(store: MailStore, monkeypatch: pytest.MonkeyPatch) -> Iterator[MailCatcher]:
    """``demo.start_mail_catcher`` with no SMTP URL of the user's (restored afterwards)."""
    monkeypatch.setenv("KURSWERK_SMTP_URL", "")
    started = demo.start_mail_catcher(store)
    assert started is not None
    try:
        yield started
    finally:
        started.stop()
        get_settings.cache_clear()


def test_the_demo_points_the_tool_at_its_catcher(catcher: MailCatcher):
    assert catcher.url.startswith("smtp://127.0.0.1:")
    assert get_settings().smtp_url == catcher.url


def test_an_smtp_url_of_the_users_own_is_kept(store, monkeypatch):
    monkeypatch.setenv("KURSWERK_SMTP_URL", "smtp://mail.example.org:25")
    assert demo.start_mail_catcher(store) is None
    assert get_settings().smtp_url == "smtp://mail.example.org:25"
    get_settings.cache_clear()


def test_a_mail_enqueued_in_the_tool_reaches_the_outbox_page(
    catcher, store, outbox_page, settings, engine
):
    with new_session(engine) as session:
        enqueue_email(
            session,
            to="carla.coaching@example.org",
            template="submission_receipt",
            context=receipt(),
        )
        session.commit()

    worker = demo.start_worker(settings.model_copy(update={"smtp_url": catcher.url}))
    assert worker is not None
    try:
        assert store.wait_for(1, timeout=30), "the demo's worker delivered nothing"
    finally:
        worker.stop(timeout=10)

    (caught,) = store.newest_first()
    assert caught.to == ("carla.coaching@example.org",)
    assert caught.text and "Leistungen prüfen" in caught.text
    listing = outbox_page.get("/mails")
    assert listing.status_code == 200
    rows = parse(listing.text).find_all("tr")
    cells = [row.clean_text for row in rows]
    assert any("carla.coaching@example.org" in c and caught.subject in c for c in cells), cells
    detail = outbox_page.get(f"/mails/{caught.id}")
    assert detail.status_code == 200
    assert "Leistungen prüfen" in next(parse(detail.text).find_all("pre")).clean_text


def test_the_course_page_links_the_outbox(outbox_page):
    links = parse(outbox_page.get("/").text).find_all("a")
    assert any(link.attrs.get("href", "").startswith("/mails") for link in links)


def test_the_outbox_lists_the_newest_mail_first(store, outbox_page):
    for subject in ("Erste", "Zweite", "Dritte"):
        store.add(raw_mail(subject=subject, text="x", html=None), mail_from="a@b", to=("c@d",))
    links = [
        a.clean_text
        for a in parse(outbox_page.get("/mails").text).find_all("a")
        if a.attrs.get("href", "").startswith("/mails/")
    ]
    assert links == ["Dritte", "Zweite", "Erste"]


def test_mail_html_is_shown_only_inside_a_sandboxed_frame(store, outbox_page):
    hostile = '<p>Hallo</p><script>alert("x")</script><img src=x onerror="alert(1)">'
    caught = store.add(
        raw_mail(subject="<b>Betreff</b>", text="Hallo <b>Text</b>", html=hostile),
        mail_from="kurswerk@localhost",
        to=("carla.coaching@example.org",),
    )
    page = outbox_page.get(f"/mails/{caught.id}")
    assert page.status_code == 200
    assert "<script>alert" not in page.text
    assert "<b>Betreff</b>" not in page.text
    assert 'onerror="alert' not in page.text
    (frame,) = parse(page.text).find_all("iframe")
    assert frame.attrs["sandbox"] == ""
    assert frame.attrs["srcdoc"].strip() == hostile  # the parser unescapes the attribute
    assert "Hallo <b>Text</b>" in next(parse(page.text).find_all("pre")).clean_text


def test_a_mail_with_only_one_part_says_the_other_is_missing(store, outbox_page):
    caught = store.add(
        raw_mail(subject="Nur Text", text="Nur Text", html=None), mail_from="a@b", to=("c@d",)
    )
    page = outbox_page.get(f"/mails/{caught.id}")
    assert list(parse(page.text).find_all("iframe")) == []
    assert "keinen solchen Teil" in page.text


def test_unknown_and_malformed_mail_ids_are_refused(outbox_page):
    assert outbox_page.get("/mails/999").status_code == 404
    assert outbox_page.get("/mails/abc").status_code == 422


def test_the_store_keeps_only_the_newest_mails():
    store = MailStore(limit=2)
    for subject in ("A", "B", "C"):
        store.add(raw_mail(subject=subject, text="x", html=None), mail_from="a@b", to=("c@d",))
    assert [m.subject for m in store.newest_first()] == ["C", "B"]
    assert store.get(1) is None


def test_waiting_for_a_mail_returns_the_oldest_wanted_one_once_it_arrives():
    store = MailStore()
    store.add(raw_mail(subject="Receipt", text="x", html=None), mail_from="a@b", to=("c@d",))

    def deliver() -> None:
        for subject in ("Feedback", "Feedback again"):
            store.add(raw_mail(subject=subject, text="y", html=None), mail_from="a@b", to=("c@d",))

    sender = threading.Thread(target=deliver)
    sender.start()
    try:
        found = store.wait_for_mail(lambda m: m.subject.startswith("Feedback"), timeout=30)
    finally:
        sender.join()
    assert found is not None and found.subject == "Feedback"
    assert store.wait_for_mail(lambda m: m.subject == "Never sent", timeout=0.01) is None


def test_without_a_catcher_the_page_says_where_mail_goes():
    config = SimulatorConfig.local(simulator_port=9001, tool_port=9000)
    app = create_simulator(config, settings=Settings(env="test"))
    with TestClient(app, base_url=config.issuer) as client:
        page = client.get("/mails")
    assert page.status_code == 200
    assert "KURSWERK_SMTP_URL" in page.text


INVITE = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Test//EN\r\nMETHOD:REQUEST\r\n"
    "BEGIN:VEVENT\r\nUID:booking-1@kurswerk.test\r\nSEQUENCE:0\r\n"
    "DTSTART:20270223T090000Z\r\nDTEND:20270223T093000Z\r\nSUMMARY:Sprechstunde\r\n"
    "END:VEVENT\r\nEND:VCALENDAR\r\n"
)


def mail_with_files() -> bytes:
    message = EmailMessage()
    message["From"] = "kurswerk@localhost"
    message["To"] = "carla.coaching@example.org"
    message["Subject"] = "Sprechstunde gebucht"
    message.set_content("Ihr Termin ist gebucht.")
    message.add_attachment(
        INVITE.encode(),
        maintype="text",
        subtype="calendar",
        filename="invite.ics",
        params={"method": "REQUEST", "charset": "utf-8"},
    )
    message.add_attachment(
        b"%PDF-1.7 ...", maintype="application", subtype="pdf", filename="Feedback.pdf"
    )
    return bytes(message)


def test_a_calendar_invitation_is_kept_listed_and_offered_for_download(store, outbox_page):
    caught = store.add(mail_with_files(), mail_from="a@b", to=("carla.coaching@example.org",))
    invite, pdf = caught.attachments
    assert (invite.filename, invite.size, invite.text) == ("invite.ics", len(INVITE), INVITE)
    assert invite.content_type.startswith("text/calendar") and "REQUEST" in invite.content_type
    assert (pdf.filename, pdf.content_type, pdf.size, pdf.text) == (
        "Feedback.pdf",
        "application/pdf",
        12,
        None,  # other files are named, not kept
    )

    page = parse(outbox_page.get(f"/mails/{caught.id}").text)
    items = [item.clean_text for item in page.find_all("li")]
    assert any(i.startswith("invite.ics (text/calendar") and "UID:booking-1" in i for i in items)
    assert any(i.startswith("Feedback.pdf (application/pdf, 12 Bytes)") for i in items)
    links = [a.attrs.get("href") for a in page.find_all("a")]
    assert f"/mails/{caught.id}/attachments/1" in links
    assert f"/mails/{caught.id}/attachments/2" not in links

    download = outbox_page.get(f"/mails/{caught.id}/attachments/1")
    assert download.status_code == 200
    assert download.headers["content-type"] == "text/calendar; charset=utf-8"
    assert download.headers["content-disposition"].startswith('attachment; filename="invite.ics"')
    assert download.headers["x-content-type-options"] == "nosniff"
    assert download.text == INVITE


def test_only_a_kept_invitation_can_be_downloaded(store, outbox_page):
    caught = store.add(mail_with_files(), mail_from="a@b", to=("c@d",))
    for path in (
        f"/mails/{caught.id}/attachments/2",  # the PDF: named only
        f"/mails/{caught.id}/attachments/3",
        f"/mails/{caught.id}/attachments/0",
        f"/mails/{caught.id + 1}/attachments/1",
    ):
        assert outbox_page.get(path).status_code == 404, path


def test_the_invitation_is_kept_across_a_restart(tmp_path):
    path = tmp_path / "mails.jsonl"
    # a mail kept by an earlier demo, before attachments were kept
    path.write_text(
        '{"id": 1, "received_at": "2026-11-22T13:05:00+00:00", "mail_from": "a@b", '
        '"to": ["c@d"], "subject": "Früher", "text": "x", "html": null}\n',
        encoding="utf-8",
    )
    MailStore(path=path).add(mail_with_files(), mail_from="a@b", to=("c@d",))
    again, earlier = MailStore(path=path).newest_first()
    assert [(a.filename, a.text) for a in again.attachments] == [
        ("invite.ics", INVITE),
        ("Feedback.pdf", None),
    ]
    assert (earlier.subject, earlier.attachments) == ("Früher", ())

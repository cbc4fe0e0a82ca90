"""The demo's office hours: the demo package includes two a month, and Tom, the tutor,
offers a weekly series on Tuesdays and Thursdays at 10:00 before anyone has launched,
published through the office-hours rules. Every start prepares again and adds nothing:
one series per weekday, each day laid out once; a series Tom ended stays ended; an
earlier demo package without office hours gets them unless an admin changed it.

And the loop without a browser: Carla launches, books one of Tom's slots through the
page's form, the demo's worker delivers the invitations through the demo's SMTP catcher
(a real SMTP conversation), the caught ``.ics`` parses back as the booking's event, and
Tom, launching for the first time, sees the booking among his sessions."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta
from urllib.parse import urlsplit

import icalendar
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from coaching.audit import AuditAction
from coaching.common import Actor
from coaching.models import CoachingAuditEntry, CoachingPackage
from coaching.office_hours.availability import OneOff, publish_slot
from coaching.office_hours.models import (
    BookingStatus,
    OfficeHourBooking,
    OfficeHourSeries,
    OfficeHourSlot,
)
from coaching.office_hours.withdrawal import withdraw_series
from coaching.packages import PackageInput, create_package, update_package
from course import lesson_page as course_lesson_page
from kurswerk.core import clock
from kurswerk.core.db import new_session
from kurswerk.core.settings import Settings
from kurswerk.devplatform import demo
from kurswerk.devplatform.config import COACHING_PERSON, OFFICE_HOURS_TUTOR
from kurswerk.devplatform.demo_seed import (
    DEMO_OFFER,
    DEMO_OFFICE_HOURS_PER_MONTH,
    DEMO_PACKAGE_DESCRIPTION,
    DEMO_PACKAGE_NAME,
    EARLIER_PACKAGE_DESCRIPTION,
    demo_actor,
)
from kurswerk.devplatform.mailcatcher import CaughtMail, MailCatcher, MailStore
from lti.models import LmsContext, Membership, PlatformUser
from tests.course.html_tools import Element, parse
from tests.lti.advantage import Simulator, landing, launch, start_simulator
from tests.uploads.submission_fixtures import BOUNDARY, csrf_part, multipart, part

ZONE = "Europe/Berlin"
TOPIC = "Meine Zielgruppe: wie eng fasse ich sie?"
MAIL_TIMEOUT_S = 60.0


@pytest.fixture
def sim(app: FastAPI) -> Iterator[Simulator]:
    simulator = start_simulator(app)
    course_lesson_page.clear_cache()
    try:
        yield simulator
    finally:
        simulator.server.stop()
        course_lesson_page.clear_cache()


@pytest.fixture
def prepared(sim: Simulator, settings: Settings) -> Simulator:
    """The demo's preparation run twice for the live simulator (it is idempotent)."""
    demo.prepare(settings, sim.config, demo.content_dir())
    demo.prepare(settings, sim.config, demo.content_dir())
    return sim


def tom(db: Session, sim: Simulator) -> PlatformUser:
    person = sim.config.person(OFFICE_HOURS_TUTOR)
    assert person is not None
    db.expire_all()
    return db.exec(select(PlatformUser).where(PlatformUser.sub == person.sub)).one()


def series_of(db: Session) -> list[OfficeHourSeries]:
    db.expire_all()
    return list(db.exec(select(OfficeHourSeries).order_by(col(OfficeHourSeries.weekday))).all())


def slots_of(db: Session) -> list[OfficeHourSlot]:
    db.expire_all()
    return list(db.exec(select(OfficeHourSlot).order_by(col(OfficeHourSlot.starts_at))).all())


def expected_days(now: datetime, horizon_weeks: int) -> list[tuple[int, datetime]]:
    """(weekday, start in UTC) of every Tuesday and Thursday 10:00 in Berlin after ``now``
    up to the horizon, public holidays left out: what the series must be laid out to."""
    zone = clock.course_timezone()
    until = now + timedelta(weeks=horizon_weeks)
    day = now.astimezone(zone).date()
    found = []
    while day <= until.astimezone(zone).date():
        starts = datetime.combine(day, time(10, 0), tzinfo=zone).astimezone(UTC)
        if day.weekday() in (1, 3) and now < starts <= until and not clock.is_public_holiday(day):
            found.append((day.weekday(), starts))
        day += timedelta(days=1)
    return found


# --- preparing ------------------------------------------------------------------------


def test_the_demo_package_includes_office_hours(prepared, db: Session):
    package = db.exec(select(CoachingPackage)).one()
    assert package.name == DEMO_PACKAGE_NAME
    assert package.office_hours_per_month == DEMO_OFFICE_HOURS_PER_MONTH == 2
    assert package.description == DEMO_PACKAGE_DESCRIPTION
    actions = db.exec(select(CoachingAuditEntry.action).order_by(col(CoachingAuditEntry.id)))
    assert list(actions) == ["package_created", "granted"]  # two starts, one of each


def test_tom_offers_tuesdays_and_thursdays_at_ten_once_however_often_the_demo_starts(
    prepared, settings: Settings, db: Session
):
    tutor = tom(db, prepared)
    context = db.exec(select(LmsContext)).one()
    today = clock.local_date(clock.utcnow())
    series = series_of(db)
    assert [
        (s.tutor_user_id, s.context_id, s.weekday, s.local_start, s.timezone, s.withdrawn_at)
        for s in series
    ] == [
        (tutor.id, context.id, 1, time(10, 0), ZONE, None),
        (tutor.id, context.id, 3, time(10, 0), ZONE, None),
    ]
    for s in series:
        assert (s.duration_minutes, s.form, s.details) == (
            DEMO_OFFER.duration_minutes,
            "video",
            DEMO_OFFER.details,
        )
        assert s.details.startswith("https://")
        assert s.first_day <= today < s.last_day

    before = slots_of(db)
    report = demo.prepare(settings, prepared.config, demo.content_dir())  # a third start
    assert "Office hours" not in report  # found, not offered again (which would clash)
    after = slots_of(db)
    assert [s.id for s in series_of(db)] == [s.id for s in series]
    assert [s.id for s in after] == [s.id for s in before]

    # Laid out up to the horizon (from the first start: a few seconds ago), each day once,
    # each at 10:00 in Berlin in summer and winter alike, 30 minutes, no holiday.
    laid_out = [(clock.local(s.starts_at).weekday(), clock.as_utc(s.starts_at)) for s in after]
    first_start = min(s.created_at for s in series)
    assert laid_out == expected_days(clock.as_utc(first_start), settings.office_hours_horizon_weeks)
    assert len(laid_out) >= 2 * (settings.office_hours_horizon_weeks - 2)
    for slot in after:
        assert clock.local(slot.starts_at).time() == time(10, 0)
        assert slot.ends_at - slot.starts_at == timedelta(minutes=30)
        assert (slot.tutor_user_id, slot.context_id, slot.withdrawn_at) == (
            tutor.id,
            context.id,
            None,
        )
        assert slot.series_id in {s.id for s in series}


def test_tom_is_recorded_before_his_first_launch_and_his_launch_finds_him(
    prepared, client: TestClient, settings: Settings, db: Session
):
    person = prepared.config.person(OFFICE_HOURS_TUTOR)
    assert person is not None
    recorded = tom(db, prepared)
    assert (recorded.name, recorded.given_name, recorded.family_name, recorded.email) == (
        "Tom Tutor",
        "Tom",
        "Tutor",
        person.email,
    )
    # Recorded like a roster member: no membership, which would say he had launched.
    assert db.exec(select(Membership).where(Membership.user_id == recorded.id)).all() == []

    client.follow_redirects = False
    landing(launch(client, prepared, OFFICE_HOURS_TUTOR))
    demo.prepare(settings, prepared.config, demo.content_dir())

    launched = tom(db, prepared)  # one user by platform and sub: the launch found his row
    assert launched.id == recorded.id
    membership = db.exec(select(Membership).where(Membership.user_id == launched.id)).one()
    assert membership.role == "tutor"
    assert [(s.weekday, s.tutor_user_id) for s in series_of(db)] == [
        (1, launched.id),
        (3, launched.id),
    ]


def test_a_series_tom_ended_stays_ended_after_a_restart(prepared, settings: Settings, db: Session):
    tutor = tom(db, prepared)
    assert tutor.id is not None
    tuesdays, thursdays = series_of(db)
    assert tuesdays.id is not None
    withdrawn = withdraw_series(
        db,
        context_id=tuesdays.context_id,
        tutor_user_id=tutor.id,
        series_id=tuesdays.id,
        now=clock.utcnow(),
    )
    assert withdrawn
    db.commit()

    demo.prepare(settings, prepared.config, demo.content_dir())

    after = series_of(db)
    assert [(s.id, s.withdrawn_at is not None) for s in after] == [
        (tuesdays.id, True),
        (thursdays.id, False),
    ]
    open_tuesdays = [
        s for s in slots_of(db) if s.series_id == tuesdays.id and s.withdrawn_at is None
    ]
    assert open_tuesdays == []


def test_a_slot_of_toms_own_at_that_time_is_reported_and_the_demo_starts(
    sim: Simulator, client: TestClient, settings: Settings, db: Session
):
    """Tom launched and offered next Tuesday 10:00 himself before the demo first offered
    its series (an older demo database): the Tuesday series would clash, so it is left
    out and named in the report; Thursdays are offered."""
    with new_session(db.get_bind()) as session:  # type: ignore[arg-type]
        demo.register_simulator(session, sim.config)
        session.commit()
    client.follow_redirects = False
    landing(launch(client, sim, OFFICE_HOURS_TUTOR))
    tutor = tom(db, sim)
    context = db.exec(select(LmsContext)).one()
    assert tutor.id is not None and context.id is not None
    now = clock.utcnow()
    today = clock.local_date(now)
    tuesday = today + timedelta(days=(1 - today.weekday()) % 7 or 7)
    while clock.is_public_holiday(tuesday):
        tuesday += timedelta(weeks=1)
    own = publish_slot(
        db,
        context_id=context.id,
        tutor_user_id=tutor.id,
        wanted=OneOff(tuesday, time(10, 0), DEMO_OFFER),
        now=now,
    )
    db.commit()

    report = demo.prepare(settings, sim.config, demo.content_dir())

    assert "Office hours on Tuesdays not offered for Tom Tutor" in report
    assert [s.weekday for s in series_of(db)] == [3]
    assert [s.id for s in slots_of(db) if s.series_id is None] == [own.id]


# --- an earlier demo database ---------------------------------------------------------


def earlier_demo_package(db: Session, sim: Simulator) -> CoachingPackage:
    """The demo package as the demo made it before packages included office hours."""
    with new_session(db.get_bind()) as session:  # type: ignore[arg-type]
        demo.register_simulator(session, sim.config)
        session.commit()
    platform_id = demo_platform_id(db, sim)
    today = clock.utcnow().date()
    package = create_package(
        db,
        demo_actor(),
        platform_id=platform_id,
        data=PackageInput(
            name=DEMO_PACKAGE_NAME,
            description=EARLIER_PACKAGE_DESCRIPTION,
            feedback_quota=3,
            valid_from=today,
            valid_until=today + timedelta(days=365),
        ),
        source="demo",
    )
    db.commit()
    return package


def demo_platform_id(db: Session, sim: Simulator) -> int:
    from lti.models import Platform

    platform = db.exec(select(Platform).where(Platform.issuer == sim.config.issuer)).one()
    assert platform.id is not None
    return platform.id


def package_entries(db: Session) -> list[tuple[str, str, int | None, str | None]]:
    db.expire_all()
    entries = db.exec(
        select(CoachingAuditEntry)
        .where(col(CoachingAuditEntry.action).like("package_%"))
        .order_by(col(CoachingAuditEntry.id))
    ).all()
    return [
        (
            e.action,
            e.actor_label,
            (e.detail.get("after") or {}).get("office_hours_per_month"),
            e.detail.get("source"),
        )
        for e in entries
    ]


def test_an_earlier_demo_package_gets_its_office_hours_once(
    sim: Simulator, settings: Settings, db: Session
):
    package = earlier_demo_package(db, sim)
    assert package.office_hours_per_month == 0

    demo.prepare(settings, sim.config, demo.content_dir())
    demo.prepare(settings, sim.config, demo.content_dir())

    db.refresh(package)
    assert package.office_hours_per_month == 2
    assert package.description == DEMO_PACKAGE_DESCRIPTION
    assert package_entries(db) == [
        ("package_created", "system:demo", 0, "demo"),
        ("package_updated", "system:demo", 2, "demo"),
    ]


def test_an_admins_change_to_the_earlier_package_is_kept(
    sim: Simulator, settings: Settings, db: Session
):
    package = earlier_demo_package(db, sim)
    admin = Actor(user_id=None, label="Ada Admin")
    changed = update_package(
        db,
        admin,
        package,
        PackageInput(
            name=package.name,
            description="Unser Paket: nur Feedback, keine Sprechstunden.",
            feedback_quota=package.feedback_quota,
            valid_from=package.valid_from,
            valid_until=package.valid_until,
        ),
    )
    assert changed
    db.commit()

    demo.prepare(settings, sim.config, demo.content_dir())

    db.refresh(package)
    assert package.office_hours_per_month == 0
    assert package.description == "Unser Paket: nur Feedback, keine Sprechstunden."
    assert [action for action, *_ in package_entries(db)] == [
        AuditAction.PACKAGE_CREATED.value,
        AuditAction.PACKAGE_UPDATED.value,
    ]


# --- the loop without a browser -------------------------------------------------------


@pytest.fixture
def mails(prepared: Simulator, settings: Settings) -> Iterator[MailStore]:
    """The demo's SMTP catcher and its outbox worker delivering to it."""
    store = MailStore()
    catcher = MailCatcher(store).start()
    worker = demo.start_worker(settings.model_copy(update={"smtp_url": catcher.url}))
    assert worker is not None
    try:
        yield store
    finally:
        worker.stop(timeout=30)
        catcher.stop()


def page_of(client: TestClient, path: str, token: str) -> Element:
    sep = "&" if "?" in path else "?"
    answer = client.get(path if "kt=" in path else f"{path}{sep}kt={token}")
    assert answer.status_code == 200, answer.text[:500]
    return parse(answer.text)


def link_to(page: Element, path_part: str, text: str | None = None) -> str:
    for link in page.find_all("a"):
        href = link.attrs.get("href") or ""
        if path_part in href and (text is None or link.clean_text == text):
            return href
    raise AssertionError(f"no link to {path_part} ({text})")


def invitation(mail: CaughtMail) -> icalendar.Calendar:
    (attachment,) = [a for a in mail.attachments if a.is_calendar]
    assert attachment.filename.endswith(".ics")
    assert attachment.content_type.startswith("text/calendar")
    assert attachment.text is not None
    return icalendar.Calendar.from_ical(attachment.text)


def test_carla_books_tom_sees_it_and_the_invitation_arrives_in_the_mail_catcher(
    prepared: Simulator, mails: MailStore, client: TestClient, db: Session
):
    carla = prepared.config.person(COACHING_PERSON)
    assert carla is not None
    client.follow_redirects = False

    # Carla: the course home links her office hours; they offer Tom's slots.
    home, token = landing(launch(client, prepared, COACHING_PERSON))
    office_hours = link_to(page_of(client, home, token), "/office-hours", "Sprechstunden")
    listing = page_of(client, office_hours, token)
    assert "noch 2 von 2 frei" in listing.clean_text
    assert "Tom Tutor" in listing.clean_text
    slot_page = page_of(client, link_to(listing, "/office-hours/book/", "Buchen"), token)
    form = slot_page.find("form", cls="submission-form")
    csrf = form.find("input", name="csrf_token").attrs["value"]
    assert csrf
    booked = client.post(
        form.attrs["action"] or "",
        content=multipart(
            csrf_part(csrf), part("topic", TOPIC.encode()), part("file", b"", filename="")
        ),
        headers={"content-type": f"multipart/form-data; boundary={BOUNDARY}"},
    )
    assert booked.status_code == 303, booked.text[:500]
    assert "done=booked" in booked.headers["location"]
    location = urlsplit(booked.headers["location"])
    after = page_of(client, f"{location.path}?{location.query}", token)
    assert "Ihr Termin ist gebucht." in after.clean_text
    assert "noch 1 von 2 frei" in after.clean_text

    db.expire_all()
    booking = db.exec(select(OfficeHourBooking)).one()
    slot = db.get(OfficeHourSlot, booking.slot_id)
    assert slot is not None and slot.series_id is not None
    learner = db.get(PlatformUser, booking.user_id)
    assert learner is not None and learner.sub == carla.sub
    assert (booking.status, booking.topic, booking.spends_hour) == (
        BookingStatus.BOOKED.value,
        TOPIC,
        True,
    )

    # The invitation, delivered by the demo's worker through SMTP to the catcher.
    caught = mails.wait_for_mail(
        lambda m: m.to == (carla.email,) and any(a.is_calendar for a in m.attachments),
        timeout=MAIL_TIMEOUT_S,
    )
    assert caught is not None, [m.subject for m in mails.newest_first()]
    assert caught.subject.startswith("Sprechstunde gebucht")
    calendar = invitation(caught)
    assert calendar["method"] == "REQUEST"
    (event,) = calendar.walk("VEVENT")
    assert str(event["uid"]) == booking.uid
    assert int(event["sequence"]) == booking.sequence
    assert event["dtstart"].params["TZID"] == ZONE
    starts = event.decoded("dtstart")
    assert starts == clock.as_utc(slot.starts_at)
    assert (starts.tzinfo.key, starts.time()) == (ZONE, time(10, 0))  # type: ignore[union-attr]
    assert event.decoded("dtend") - starts == timedelta(minutes=30)
    assert str(event["attendee"]).lower() == f"mailto:{carla.email}"
    assert [str(tz["tzid"]) for tz in calendar.walk("VTIMEZONE")] == [ZONE]
    assert DEMO_OFFER.details in str(event.get("location", "")) + str(event.get("description", ""))
    tutor = prepared.config.person(OFFICE_HOURS_TUTOR)
    assert tutor is not None
    to_tom = mails.wait_for_mail(
        lambda m: m.to == (tutor.email,) and any(a.is_calendar for a in m.attachments),
        timeout=MAIL_TIMEOUT_S,
    )
    assert to_tom is not None
    assert str(invitation(to_tom).walk("VEVENT")[0]["uid"]) == booking.uid

    # Tom, at his first launch: the booking is among his sessions.
    tom_home, tom_token = landing(launch(client, prepared, OFFICE_HOURS_TUTOR))
    sessions = link_to(
        page_of(client, tom_home, tom_token), "/office-hours/sessions", "Meine Sprechstundentermine"
    )
    seen = page_of(client, sessions, tom_token).clean_text
    assert "Carla Coaching" in seen
    assert TOPIC in seen

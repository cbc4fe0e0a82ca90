"""Rows for the course home's panels (issue 15): packages and grants, office hours booked,
LMS calls in the outbox, promised feedback dates - made directly, as the rooms leave them.
The people and submissions come from ``tests.feedback.conftest`` (``world``,
``make_submission``)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlmodel import Session, select

from coaching.models import CoachingGrant, CoachingPackage
from coaching.office_hours.allowance import month_of
from coaching.office_hours.models import OfficeHourBooking, OfficeHourSlot
from kurswerk.core.clock import utcnow
from kurswerk.core.extensions import extensions
from kurswerk.core.outbox.queue import OutboxMessage
from lti.ags import LMS_CALL
from tests.course.html_tools import Element, parse
from tests.support.people import Learner
from uploads.models import Submission, SubmissionVersion
from uploads.promised import PROMISE_DESK


def grant(
    db: Session,
    person: Learner,
    *,
    quota: int | None = 3,
    hours: int = 2,
    name: str | None = None,
    until: date | None = None,
) -> CoachingGrant:
    """A package of the person's platform (made for this grant) given to them."""
    package = CoachingPackage(
        platform_id=person.principal.platform_id,
        name=name or f"Paket {person.principal.user_id}-{quota}-{hours}",
        feedback_quota=quota,
        office_hours_per_month=hours,
        valid_until=until,
    )
    db.add(package)
    db.flush()
    given = CoachingGrant(
        package_id=package.id, context_id=person.context_id, user_id=person.principal.user_id
    )
    db.add(given)
    db.commit()
    return given


def book(
    db: Session,
    learner: Learner,
    tutor: Learner,
    given: CoachingGrant,
    *,
    starts_in: timedelta = timedelta(days=2),
    status: str = "booked",
    spends: bool = True,
    month: str | None = None,
) -> OfficeHourBooking:
    """A booking of a slot of ``tutor``, spending from this month unless ``month`` says."""
    starts = utcnow() + starts_in
    slot = OfficeHourSlot(
        context_id=learner.context_id,
        tutor_user_id=tutor.principal.user_id,
        starts_at=starts,
        ends_at=starts + timedelta(minutes=30),
        form="video",
    )
    db.add(slot)
    db.flush()
    assert slot.id is not None and given.id is not None
    booking = OfficeHourBooking(
        context_id=learner.context_id,
        slot_id=slot.id,
        user_id=learner.principal.user_id,
        grant_id=given.id,
        starts_at=slot.starts_at,
        ends_at=slot.ends_at,
        month=month or month_of(utcnow()),
        status=status,
        spends_hour=spends,
    )
    db.add(booking)
    db.commit()
    return booking


def lms_call(
    db: Session, context_id: int, platform_id: int, *, status: str, attempts: int, age: timedelta
) -> None:
    db.add(
        OutboxMessage(
            kind=LMS_CALL,
            payload={"platform_id": platform_id, "context_id": context_id, "score": {}},
            status=status,
            attempts=attempts,
            created_at=utcnow() - age,
            last_error="HTTP 400" if attempts else None,
        )
    )
    db.commit()


def promise(db: Session, submission: Submission, *, now: datetime | None = None) -> date:
    """The promised feedback date of the submission's latest version (feedback's desk)."""
    version = db.exec(
        select(SubmissionVersion).where(
            SubmissionVersion.submission_id == submission.id,
            SubmissionVersion.number == submission.latest_version,
        )
    ).one()
    due = extensions.get(PROMISE_DESK).record(
        db, submission, version, target_days=5, now=now or utcnow()
    )
    db.commit()
    return due


def home_of(web, person: Learner) -> Element:
    response = web.get(person.url(f"/c/{person.context_id}/"))
    assert response.status_code == 200, response.text[:400]
    return parse(response.text)


def card(page: Element, title_id: str) -> Element | None:
    """The card or group headed by the element with id ``title_id``, if shown."""
    return next((el for el in page.iter() if el.attrs.get("aria-labelledby") == title_id), None)


def figures(section: Element) -> list[str]:
    """The big figures of a card or group, as read: "2 von 3 Einreichungen ... frei"."""
    return [el.clean_text for el in section.find_all("p", cls="dash-card__figure")]

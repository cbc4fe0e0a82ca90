"""Fixtures and helpers of the booking tests (``test_booking*.py``, ``test_allowance.py``,
``test_sessions*.py``, ``test_races*.py`` import them).

One LMS course with a tutor (Tom), a learner with a package of two office hours a month
(Lena), and slots inserted as rows (the tutor's publishing side is
``coaching.office_hours.availability``, tested on its own). Slots lie in ``MONTH``, a
month about six weeks ahead, at local times of the course's zone, so that every one is
far beyond the minimum notice and all share one month's allowance.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func
from sqlmodel import Session, SQLModel, select

from coaching.models import CoachingAuditEntry, CoachingGrant, CoachingPackage
from coaching.office_hours import notices
from coaching.office_hours.models import OfficeHourBooking, OfficeHourSlot
from kurswerk.core.auth import Role
from kurswerk.core.clock import course_timezone, utcnow
from lti.models import LmsContext
from tests.support.people import Learner, MakeLearner, make_learner
from tests.uploads.submission_fixtures import BOUNDARY, csrf_part, file_part, multipart, part


def _month_ahead(days: int) -> date:
    ahead = utcnow().date() + timedelta(days=days)
    return ahead.replace(day=1)


MONTH = _month_ahead(45)
"""The first day of the month the slots lie in."""
NEXT_MONTH = (MONTH + timedelta(days=32)).replace(day=1)


def day(n: int, month: date = MONTH) -> date:
    """The ``n``-th day of ``month``."""
    return month.replace(day=n)


def at(on: date, hour: int, minute: int = 0) -> datetime:
    """A local time of the course's zone, as the UTC moment that is stored."""
    return datetime.combine(on, time(hour, minute), tzinfo=course_timezone()).astimezone(UTC)


@dataclass
class Hours:
    """A course with office hours: its tutor, a learner holding a package, helpers."""

    db: Session
    course: LmsContext
    tutor: Learner
    lena: Learner
    package: CoachingPackage
    grant: CoachingGrant
    make: MakeLearner

    @property
    def context_id(self) -> int:
        assert self.course.id is not None
        return self.course.id

    def slot(
        self,
        starts_at: datetime,
        *,
        minutes: int = 30,
        tutor: Learner | None = None,
        course: LmsContext | None = None,
        form: str = "video",
        details: str = "https://meet.example.org/tom",
        withdrawn: bool = False,
    ) -> OfficeHourSlot:
        course = course or self.course
        assert course.id is not None
        slot = OfficeHourSlot(
            context_id=course.id,
            tutor_user_id=(tutor or self.tutor).principal.user_id,
            starts_at=starts_at,
            ends_at=starts_at + timedelta(minutes=minutes),
            form=form,
            details=details,
            withdrawn_at=utcnow() if withdrawn else None,
        )
        self.db.add(slot)
        self.db.commit()
        return slot

    def learner(
        self,
        *,
        per_month: int = 2,
        name: str = "Lukas Lernt",
        locale: str = "de",
        valid_from: date | None = None,
        valid_until: date | None = None,
    ) -> Learner:
        """Another learner of the course with a grant of a package of ``per_month``."""
        person = self.make(
            context=self.course,
            name=name,
            email=f"{name.split()[0].lower()}@example.org",
            locale=locale,
        )
        give_hours(
            self.db, person, per_month=per_month, valid_from=valid_from, valid_until=valid_until
        )
        return person


def give_hours(
    db: Session,
    person: Learner,
    *,
    per_month: int = 2,
    name: str | None = None,
    valid_from: date | None = None,
    valid_until: date | None = None,
) -> tuple[CoachingPackage, CoachingGrant]:
    """A package of ``per_month`` office hours a month, granted to ``person``."""
    package = CoachingPackage(
        platform_id=person.principal.platform_id,
        name=name or f"Coaching {per_month} h ({person.principal.user_id})",
        feedback_quota=3,
        office_hours_per_month=per_month,
    )
    db.add(package)
    db.flush()
    assert package.id is not None
    grant = CoachingGrant(
        package_id=package.id,
        context_id=person.context_id,
        user_id=person.principal.user_id,
        valid_from=valid_from,
        valid_until=valid_until,
    )
    db.add(grant)
    db.commit()
    return package, grant


@pytest.fixture
def hours(db: Session, make_learner: MakeLearner) -> Hours:
    tutor = make_learner(role=Role.TUTOR, name="Tom Tutor", email="tom@example.org")
    course = db.get(LmsContext, tutor.context_id)
    assert course is not None
    course.title = "Social-Media-Strategie"
    db.add(course)
    db.commit()
    lena = make_learner(context=course, name="Lena Lernt", email="lena@example.org")
    package, grant = give_hours(db, lena, per_month=2, name="Coaching Plus")
    return Hours(db, course, tutor, lena, package, grant, make_learner)


@pytest.fixture
def notified(monkeypatch: pytest.MonkeyPatch) -> list[tuple[int | None, str, int]]:
    """What the booking rules told ``notices.notify``: (booking id, change, sequence)."""
    calls: list[tuple[int | None, str, int]] = []

    def record(session: Session, booking: OfficeHourBooking, change: notices.BookingChange):
        calls.append((booking.id, change.value, booking.sequence))

    monkeypatch.setattr(notices, "notify", record)
    return calls


# --- requests ---------------------------------------------------------------------------


def book_path(person: Learner, slot_id: int) -> str:
    return f"/c/{person.context_id}/office-hours/book/{slot_id}"


def book_body(
    person: Learner | None,
    *,
    topic: str = "",
    pdf: bytes | None = None,
    filename: str = "Fragen.pdf",
    csrf: str | None = None,
) -> bytes:
    """The booking form as a browser sends it: the CSRF field first, the topic, and the
    file field (empty, with an empty file name, when no file was chosen)."""
    parts = []
    token = csrf if csrf is not None else (person.csrf if person is not None else None)
    if token is not None:
        parts.append(csrf_part(token))
    parts.append(part("topic", topic.encode()))
    if pdf is None:
        parts.append(part("file", b"", filename=""))
    else:
        parts.append(file_part(pdf, filename))
    return multipart(*parts)


HEADERS = {"content-type": f"multipart/form-data; boundary={BOUNDARY}"}


def book(client: TestClient | httpx.Client, person: Learner, slot_id: int, **form: Any):
    """POST the booking form as ``person``."""
    body = book_body(person, **form)
    return client.post(
        person.url(book_path(person, slot_id)),
        content=body,
        headers=HEADERS,
        follow_redirects=False,
    )


def post(client: TestClient, person: Learner, path: str, data: dict[str, str] | None = None):
    form = {"csrf_token": person.csrf, **(data or {})}
    return client.post(person.url(path), data=form, follow_redirects=False)


def get(client: TestClient, person: Learner, path: str):
    return client.get(person.url(path), follow_redirects=False)


# --- what is stored ---------------------------------------------------------------------


def count(db: Session, model: type[SQLModel]) -> int:
    db.expire_all()
    return int(db.exec(select(func.count()).select_from(model)).one())


def written(db: Session) -> tuple[int, int]:
    """(bookings, audit entries): what a refused request must leave unchanged."""
    return count(db, OfficeHourBooking), count(db, CoachingAuditEntry)


def bookings(db: Session) -> list[OfficeHourBooking]:
    db.expire_all()
    return list(db.exec(select(OfficeHourBooking).order_by(OfficeHourBooking.id)).all())


def audit_entries(db: Session) -> list[CoachingAuditEntry]:
    db.expire_all()
    return list(db.exec(select(CoachingAuditEntry).order_by(CoachingAuditEntry.id)).all())


__all__ = [
    "MONTH",
    "NEXT_MONTH",
    "Hours",
    "at",
    "audit_entries",
    "book",
    "book_body",
    "book_path",
    "bookings",
    "count",
    "day",
    "get",
    "give_hours",
    "hours",
    "make_learner",
    "notified",
    "post",
    "written",
]

# ruff: noqa: F811 - fixtures are imported by name and then requested as arguments
"""Offering and withdrawing under requests that arrive at the same moment, over a real
socket, on either database: a double click on "offer" makes one slot (the second sees
the first and is refused as a clash), and a slot withdrawn while a booking of it is
being written is not withdrawn (the withdrawal waits at the slot's lock, then sees the
booking). The booking rules take the same lock on the slot before they write."""

from __future__ import annotations

import threading
from collections.abc import Callable

import httpx
from sqlalchemy.engine import Engine
from sqlmodel import Session

from coaching.models import CoachingGrant, CoachingPackage
from coaching.office_hours.availability import publish_slot
from coaching.office_hours.models import OfficeHourBooking, OfficeHourSlot
from kurswerk.core import clock
from kurswerk.core.db import lock_row, new_session
from tests.coaching.office_hours.offer_fixtures import *  # noqa: F403
from tests.coaching.office_hours.offer_fixtures import (
    Learner,
    People,
    bookable_day,
    one_off,
    slots,
)
from tests.coaching.office_hours.test_availability_pages import offer_path, slot_form
from tests.e2e.servers import served
from tests.support.overlap import overlapping_writes, run_at_once


def sender(base: str, person: Learner, path: str, data: dict[str, str]) -> Callable[[], int]:
    def send() -> int:
        with httpx.Client(base_url=base, timeout=60, follow_redirects=False) as client:
            form = {"csrf_token": person.csrf, **data}
            return client.post(person.url(path), data=form).status_code

    return send


def test_a_double_click_on_offer_makes_one_slot(app, db: Session, people: People):
    """The first request has inserted its slot but not committed when the second starts
    to write: the second waits at the lock on the tutor's row, then finds the first's
    slot at the same time and is refused (409). Checked without the lock, it found none
    and a second slot was stored."""
    path = offer_path(people.tom, "slots")
    form = slot_form(bookable_day())
    with served(app) as base, overlapping_writes("office_hour_slot") as overlap:
        codes = run_at_once(*(sender(base, people.tom, path, form) for _ in range(2)))
    assert overlap.paused and not overlap.timed_out
    assert sorted(codes, key=str) == [303, 409]
    assert len(slots(db)) == 1


def test_a_slot_being_booked_is_not_withdrawn_at_the_same_moment(
    app, db: Session, engine: Engine, people: People
):
    """A booking of the slot is written under the slot's lock (as the booking rules
    write it) and not yet committed when the tutor withdraws the slot: the withdrawal
    waits at the same lock, then reads the booking and refuses (409). Had it read the
    bookings before taking the lock, it would have found none and withdrawn a booked
    slot."""
    slot = publish_slot(db, **people.where(), wanted=one_off(bookable_day()), now=clock.utcnow())
    package = CoachingPackage(platform_id=people.lena.principal.platform_id, name="Coaching Plus")
    db.add(package)
    db.flush()
    assert package.id is not None
    grant = CoachingGrant(
        package_id=package.id, context_id=slot.context_id, user_id=people.lena.principal.user_id
    )
    db.add(grant)
    db.commit()
    assert slot.id is not None and grant.id is not None
    slot_id, grant_id = slot.id, grant.id
    locked = threading.Event()

    def book() -> None:
        with new_session(engine) as session:
            lock_row(session, OfficeHourSlot, slot_id)
            locked.set()
            taken = session.get(OfficeHourSlot, slot_id)
            assert taken is not None and taken.withdrawn_at is None
            session.add(
                OfficeHourBooking(
                    context_id=taken.context_id,
                    slot_id=slot_id,
                    user_id=people.lena.principal.user_id,
                    grant_id=grant_id,
                    starts_at=taken.starts_at,
                    ends_at=taken.ends_at,
                    month=clock.local(taken.starts_at).strftime("%Y-%m"),
                )
            )
            session.commit()

    path = offer_path(people.tom, "slots", str(slot_id), "withdraw")
    with served(app) as base, overlapping_writes("office_hour_booking") as overlap:

        def withdraw_once_locked() -> int:
            assert locked.wait(60)
            return sender(base, people.tom, path, {})()

        booked, code = run_at_once(book, withdraw_once_locked)
    assert booked is None and overlap.paused and not overlap.timed_out
    assert code == 409
    assert [s.id for s in slots(db)] == [slot_id]  # not withdrawn

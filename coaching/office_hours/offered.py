"""What a tutor's page lists of their own offer in one course: the upcoming slots, each
with who booked it, and the weekly series still running."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import and_
from sqlmodel import Session, col, select

from coaching.office_hours.models import (
    BookingStatus,
    MeetingForm,
    OfficeHourBooking,
    OfficeHourSeries,
    OfficeHourSlot,
)
from kurswerk.core import clock
from lti.models import PlatformUser

MAX_LISTED = 200


@dataclass(frozen=True, slots=True)
class SlotLine:
    """One upcoming slot as the page shows it (times in UTC; the page shows them in the
    course's time zone)."""

    id: int
    starts_at: datetime
    ends_at: datetime
    form: MeetingForm
    details: str
    weekly: bool  # laid out from a series
    booking_status: BookingStatus | None  # its live booking's, None when free
    booked_by: str | None  # the learner's name ("" when the LMS sent none)

    @property
    def booked(self) -> bool:
        return self.booking_status is not None


@dataclass(frozen=True, slots=True)
class Upcoming:
    lines: list[SlotLine]
    more: bool  # more slots than listed


def upcoming_slots(
    session: Session, *, context_id: int, tutor_user_id: int, now: datetime
) -> Upcoming:
    """The tutor's slots in this course that are not over and not withdrawn, soonest
    first, with the live booking of each (a booking that is not cancelled)."""
    live = and_(
        col(OfficeHourBooking.slot_id) == col(OfficeHourSlot.id),
        col(OfficeHourBooking.status) != BookingStatus.CANCELLED.value,
    )
    rows = session.exec(
        select(OfficeHourSlot, OfficeHourBooking.status, PlatformUser.name)
        .outerjoin(OfficeHourBooking, live)
        .outerjoin(PlatformUser, col(PlatformUser.id) == col(OfficeHourBooking.user_id))
        .where(
            OfficeHourSlot.context_id == context_id,
            OfficeHourSlot.tutor_user_id == tutor_user_id,
            col(OfficeHourSlot.withdrawn_at).is_(None),
            col(OfficeHourSlot.ends_at) > now,
        )
        .order_by(col(OfficeHourSlot.starts_at), col(OfficeHourSlot.id))
        .limit(MAX_LISTED + 1)
    ).all()
    lines = [
        SlotLine(
            id=slot.id or 0,
            starts_at=clock.as_utc(slot.starts_at),
            ends_at=clock.as_utc(slot.ends_at),
            form=MeetingForm(slot.form),
            details=slot.details,
            weekly=slot.series_id is not None,
            booking_status=BookingStatus(status) if status else None,
            booked_by=(name or "") if status else None,
        )
        for slot, status, name in rows[:MAX_LISTED]
    ]
    return Upcoming(lines, more=len(rows) > MAX_LISTED)


@dataclass(frozen=True, slots=True)
class SeriesLine:
    id: int
    weekday: int
    starts_at: datetime  # the local time of day, on its next (or first) day, in UTC
    ends_at: datetime
    duration_minutes: int
    first_day: date
    last_day: date
    form: MeetingForm
    details: str


def running_series(
    session: Session, *, context_id: int, tutor_user_id: int, now: datetime
) -> list[SeriesLine]:
    """The tutor's weekly series in this course that are not ended and not past."""
    today = clock.local_date(now)
    rows = session.exec(
        select(OfficeHourSeries)
        .where(
            OfficeHourSeries.context_id == context_id,
            OfficeHourSeries.tutor_user_id == tutor_user_id,
            col(OfficeHourSeries.withdrawn_at).is_(None),
            col(OfficeHourSeries.last_day) >= today,
        )
        .order_by(col(OfficeHourSeries.weekday), col(OfficeHourSeries.local_start))
    ).all()
    lines = []
    for series in rows:
        # The time of day as the page shows times: a moment, in the course's time zone.
        day = max(series.first_day, today)
        zone = ZoneInfo(series.timezone)
        shown = datetime.combine(day, series.local_start, tzinfo=zone).astimezone(UTC)
        lines.append(
            SeriesLine(
                id=series.id or 0,
                weekday=series.weekday,
                starts_at=shown,
                ends_at=shown + timedelta(minutes=series.duration_minutes),
                duration_minutes=series.duration_minutes,
                first_day=series.first_day,
                last_day=series.last_day,
                form=MeetingForm(series.form),
                details=series.details,
            )
        )
    return lines

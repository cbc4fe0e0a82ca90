"""Tables of office hours: what tutors offer (weekly series and their slots) and bookings.

A tutor offers office hours in one LMS course, as one-off *slots* or as a weekly *series*
(a weekday and a local time of day, for a period). A series is laid out into slots ahead
of time: each occurrence is its own row, so an exception (one week off) is one withdrawn
slot, a public holiday is simply never laid out, and a slot's time in UTC is computed
from the local time of its own day (a series keeps 10:00 across the change from summer to
winter time). Every slot holds one person (capacity one).

A *booking* is a learner's claim on a slot. A slot has at most one live booking: the
partial unique index ``uq_office_hour_booking_live_slot`` over bookings that are not
cancelled decides a race between two learners, on SQLite and PostgreSQL alike. A
cancelled booking stays (with who cancelled and when) and frees its slot; a booking that
is moved keeps its ``uid`` (the calendar's identity of the event) and counts up its
``sequence``, so calendars update the invitation they have instead of adding one.

Whether a booking spends an hour of the learner's monthly allowance is stored on it
(``spends_hour``): booked, held and no-show spend; cancelled in time (or by the tutor)
gives it back; cancelled late spends.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, time

from sqlalchemy import CheckConstraint, Column, Date, DateTime, Index, Text, Time, text
from sqlmodel import Field, SQLModel

from kurswerk.core.db import timestamp_now, timestamp_or_none
from kurswerk.core.i18n import N_, LabelledChoice


class MeetingForm(LabelledChoice):
    """How the office hour takes place; ``details`` says where (the link, the number, the
    room). ``label``: the form's name."""

    VIDEO = "video", N_("Videogespräch")
    PHONE = "phone", N_("Telefon")
    ON_SITE = "on_site", N_("Vor Ort")


class BookingStatus(LabelledChoice):
    """``label``: the state's name."""

    BOOKED = "booked", N_("gebucht")
    CANCELLED = "cancelled", N_("abgesagt")
    HELD = "held", N_("stattgefunden")
    NO_SHOW = "no_show", N_("nicht erschienen")


_FORMS_SQL = "form IN ('video', 'phone', 'on_site')"


class OfficeHourSeries(SQLModel, table=True):
    """A tutor's weekly office hour in one LMS course: every ``weekday`` (0 = Monday) at
    ``local_start`` in the course's time zone, from ``first_day`` to ``last_day``."""

    __tablename__ = "office_hour_series"
    __table_args__ = (
        CheckConstraint(_FORMS_SQL, name="form"),
        CheckConstraint("weekday BETWEEN 0 AND 6", name="weekday"),
        CheckConstraint("duration_minutes BETWEEN 5 AND 480", name="duration"),
        CheckConstraint("last_day >= first_day", name="period"),
    )

    id: int | None = Field(default=None, primary_key=True)
    context_id: int = Field(foreign_key="lms_context.id", index=True, ondelete="CASCADE")
    tutor_user_id: int = Field(foreign_key="lti_user.id", index=True, ondelete="CASCADE")
    weekday: int
    local_start: time = Field(sa_column=Column(Time, nullable=False))
    duration_minutes: int
    first_day: date = Field(sa_column=Column(Date, nullable=False))
    last_day: date = Field(sa_column=Column(Date, nullable=False))
    timezone: str = Field(max_length=64)  # the zone its local times were given in
    form: str = Field(max_length=16)
    details: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    withdrawn_at: datetime | None = timestamp_or_none()
    created_at: datetime = timestamp_now()
    updated_at: datetime = timestamp_now()


class OfficeHourSlot(SQLModel, table=True):
    """One bookable hour of one tutor in one LMS course (one-off, or one occurrence of a
    series). A withdrawn slot can no longer be booked; its bookings stay."""

    __tablename__ = "office_hour_slot"
    __table_args__ = (
        CheckConstraint(_FORMS_SQL, name="form"),
        CheckConstraint("ends_at > starts_at", name="period"),
        Index("ix_office_hour_slot_context_start", "context_id", "starts_at"),
        Index("ix_office_hour_slot_tutor_start", "tutor_user_id", "starts_at"),
        # A series lays out each day once, however often it is laid out again.
        Index(
            "uq_office_hour_slot_series_start",
            "series_id",
            "starts_at",
            unique=True,
            sqlite_where=text("series_id IS NOT NULL"),
            postgresql_where=text("series_id IS NOT NULL"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    context_id: int = Field(foreign_key="lms_context.id", ondelete="CASCADE")
    tutor_user_id: int = Field(foreign_key="lti_user.id", ondelete="CASCADE")
    series_id: int | None = Field(
        default=None, foreign_key="office_hour_series.id", ondelete="SET NULL"
    )
    starts_at: datetime = Field(sa_type=DateTime(timezone=True), nullable=False)
    ends_at: datetime = Field(sa_type=DateTime(timezone=True), nullable=False)
    form: str = Field(max_length=16)
    details: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    withdrawn_at: datetime | None = timestamp_or_none()
    withdrawn_by_user_id: int | None = Field(
        default=None, foreign_key="lti_user.id", ondelete="SET NULL"
    )
    created_at: datetime = timestamp_now()
    updated_at: datetime = timestamp_now()


def new_calendar_uid() -> str:
    """The calendar identity of a booking's event: stable for its life, unique everywhere
    (RFC 5545 recommends a domain-like right-hand side)."""
    return f"{uuid.uuid4()}@kurswerk"


class OfficeHourBooking(SQLModel, table=True):
    """A learner's booking of one slot, with the grant it was booked under."""

    __tablename__ = "office_hour_booking"
    __table_args__ = (
        CheckConstraint("status IN ('booked', 'cancelled', 'held', 'no_show')", name="status"),
        CheckConstraint("sequence >= 0", name="sequence"),
        # Capacity one: at most one booking of a slot that is not cancelled.
        Index(
            "uq_office_hour_booking_live_slot",
            "slot_id",
            unique=True,
            sqlite_where=text("status <> 'cancelled'"),
            postgresql_where=text("status <> 'cancelled'"),
        ),
        Index("ix_office_hour_booking_learner", "context_id", "user_id", "starts_at"),
        Index("ix_office_hour_booking_grant_month", "grant_id", "month"),
    )

    id: int | None = Field(default=None, primary_key=True)
    context_id: int = Field(foreign_key="lms_context.id", ondelete="CASCADE")
    slot_id: int = Field(foreign_key="office_hour_slot.id", index=True, ondelete="CASCADE")
    user_id: int = Field(foreign_key="lti_user.id", ondelete="CASCADE")  # the learner
    grant_id: int = Field(foreign_key="coaching_grant.id", ondelete="CASCADE")
    # The slot's times, copied so lists and the allowance need no join; kept in step when
    # a booking is moved.
    starts_at: datetime = Field(sa_type=DateTime(timezone=True), nullable=False)
    ends_at: datetime = Field(sa_type=DateTime(timezone=True), nullable=False)
    month: str = Field(max_length=7)  # "2026-12": the month (course's zone) it spends from
    status: str = Field(default=BookingStatus.BOOKED.value, max_length=16)
    spends_hour: bool = Field(default=True)
    topic: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    # The learner's optional PDF (through the same check as submissions), by storage key.
    file_key: str | None = Field(default=None, max_length=200)
    file_name: str | None = Field(default=None, max_length=255)
    file_size: int | None = None
    note_private: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    note_shared: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    uid: str = Field(default_factory=new_calendar_uid, max_length=100, unique=True)
    sequence: int = Field(default=0)
    booked_by_user_id: int | None = Field(
        default=None, foreign_key="lti_user.id", ondelete="SET NULL"
    )
    cancelled_at: datetime | None = timestamp_or_none()
    cancelled_by_user_id: int | None = Field(
        default=None, foreign_key="lti_user.id", ondelete="SET NULL"
    )
    outcome_at: datetime | None = timestamp_or_none()  # held / no-show recorded
    outcome_by_user_id: int | None = Field(
        default=None, foreign_key="lti_user.id", ondelete="SET NULL"
    )
    reminder_sent_at: datetime | None = timestamp_or_none()
    created_at: datetime = timestamp_now()
    updated_at: datetime = timestamp_now()

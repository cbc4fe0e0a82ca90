"""What the booking pages show: the learner's page (allowance per month, free slots by
month and day, their bookings with what a cancellation would mean), a tutor's sessions,
and how office-hour times read (``OfficeHoursFormat``, the templates' ``oh``)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from babel import dates
from sqlmodel import Session

from coaching.office_hours.allowance import (
    Allowance,
    current_allowance,
    month_label,
    month_of,
    spent_by_month,
)
from coaching.office_hours.booking import Rules
from coaching.office_hours.models import BookingStatus, MeetingForm, OfficeHourSlot
from coaching.office_hours.queries import (
    BookingRow,
    SlotRow,
    bookable_slots,
    learner_bookings,
    tutor_sessions,
)
from kurswerk.core import clock, i18n
from kurswerk.core.auth import Principal


@dataclass(frozen=True)
class DaySlots:
    day: date  # in the course's time zone
    slots: list[SlotRow]


@dataclass(frozen=True)
class MonthSlots:
    """The free slots of one month, with what is left of that month's hours."""

    month: str
    per_month: int
    left: int
    days: list[DaySlots]

    @property
    def bookable(self) -> bool:
        return self.left > 0


@dataclass(frozen=True)
class MyBooking:
    """One of the learner's bookings, with what cancelling it now would mean."""

    row: BookingRow
    cancellable: bool  # booked and not begun
    hour_back: bool  # a cancellation now gives the hour back
    cancel_deadline: datetime


@dataclass(frozen=True)
class MonthLeft:
    month: str
    left: int


@dataclass(frozen=True)
class LearnerView:
    allowance: Allowance | None
    left: list[MonthLeft] = field(default_factory=list)  # this month, then booked or offered
    months: list[MonthSlots] = field(default_factory=list)
    upcoming: list[MyBooking] = field(default_factory=list)
    earlier: list[MyBooking] = field(default_factory=list)  # begun, held, no-show, cancelled

    @property
    def books(self) -> bool:
        """Whether the learner's package includes office hours."""
        return self.allowance is not None and self.allowance.per_month > 0


def _by_month_and_day(rows: Sequence[SlotRow]) -> dict[str, dict[date, list[SlotRow]]]:
    months: dict[str, dict[date, list[SlotRow]]] = {}
    for row in rows:
        day = clock.local_date(row.slot.starts_at)
        months.setdefault(month_of(row.slot.starts_at), {}).setdefault(day, []).append(row)
    return months


def learner_view(
    session: Session, principal: Principal, *, now: datetime, rules: Rules
) -> LearnerView:
    """The learner's page: free slots inside their grant's period, grouped by month (each
    with the hours left in it) and day; their bookings, upcoming first."""
    allowance = current_allowance(
        session, user_id=principal.user_id, context_id=principal.context_id, today=now.date()
    )
    if allowance is None or allowance.per_month <= 0:
        return LearnerView(allowance=allowance)
    rows = [
        row
        for row in bookable_slots(
            session, context_id=principal.context_id, now=now, min_notice=rules.min_notice
        )
        if allowance.covers(clock.local_date(row.slot.starts_at))
    ]
    grouped = _by_month_and_day(rows)
    upcoming: list[MyBooking] = []
    earlier: list[MyBooking] = []
    for row in learner_bookings(
        session, context_id=principal.context_id, user_id=principal.user_id
    ):
        begun = clock.as_utc(row.booking.starts_at) <= now
        mine = MyBooking(
            row=row,
            cancellable=row.status is BookingStatus.BOOKED and not begun,
            hour_back=rules.cancel_gives_hour_back(row.booking, now),
            cancel_deadline=rules.cancel_deadline(row.booking),
        )
        (upcoming if mine.cancellable else earlier).append(mine)
    earlier.reverse()  # the latest first
    shown = sorted({month_of(now), *(b.row.booking.month for b in upcoming), *grouped})
    spent = spent_by_month(session, allowance.grant_id, shown)

    def left(month: str) -> int:
        return max(0, allowance.per_month - spent[month])

    return LearnerView(
        allowance=allowance,
        left=[MonthLeft(month, left(month)) for month in shown],
        months=[
            MonthSlots(
                month=month,
                per_month=allowance.per_month,
                left=left(month),
                days=[DaySlots(day, slots) for day, slots in days.items()],
            )
            for month, days in grouped.items()
        ],
        upcoming=upcoming,
        earlier=earlier,
    )


@dataclass(frozen=True)
class TutorView:
    upcoming: list[BookingRow]  # booked, not begun
    past: list[BookingRow]  # begun (the outcome to record, or recorded), the latest first
    cancelled: list[BookingRow]  # the latest first


def tutor_view(session: Session, principal: Principal, *, now: datetime) -> TutorView:
    upcoming, past, cancelled = [], [], []
    for row in tutor_sessions(
        session, context_id=principal.context_id, tutor_user_id=principal.user_id
    ):
        if row.status is BookingStatus.CANCELLED:
            cancelled.append(row)
        elif clock.as_utc(row.booking.starts_at) > now:
            upcoming.append(row)
        else:
            past.append(row)
    return TutorView(upcoming=upcoming, past=past[::-1], cancelled=cancelled[::-1])


class OfficeHoursFormat:
    """How office-hour times and values read in one page's language (``oh`` in the
    templates); times in the course's time zone, which the pages name (``zone``)."""

    def __init__(self, locale: str) -> None:
        self.locale = locale

    def zone(self) -> str:
        """``Mitteleuropäische Zeit (Europe/Berlin)``."""
        zone = clock.course_timezone()
        name = dates.get_timezone_name(zone, locale=clock.format_locale(self.locale))
        return f"{name} ({zone.key})"

    def day(self, value: date | datetime) -> str:
        """``Donnerstag, 10. Dezember 2026`` (a moment: its day in the course's zone)."""
        day = clock.local_date(value) if isinstance(value, datetime) else value
        return clock.day_with_weekday(day, self.locale)

    def span(self, item: OfficeHourSlot | BookingRow) -> str:
        """``10:00–10:30 Uhr`` / ``10:00–10:30``."""
        slot = item.slot if isinstance(item, BookingRow) else item
        start = clock.time_of_day(slot.starts_at, self.locale, uhr=False)
        return f"{start}–{clock.time_of_day(slot.ends_at, self.locale)}"

    def when(self, item: OfficeHourSlot | BookingRow) -> str:
        """``Do., 10. Dez. 2026, 10:00–10:30 Uhr``."""
        slot = item.slot if isinstance(item, BookingRow) else item
        day = clock.day_with_weekday(clock.local_date(slot.starts_at), self.locale, short=True)
        return f"{day}, {self.span(slot)}"

    def moment(self, value: datetime) -> str:
        return clock.when(value, self.locale)

    def month(self, month: str) -> str:
        return month_label(month, self.locale)

    def minutes(self, slot: OfficeHourSlot) -> int:
        return int(
            (clock.as_utc(slot.ends_at) - clock.as_utc(slot.starts_at)).total_seconds() // 60
        )

    def form(self, slot: OfficeHourSlot) -> str:
        try:
            return i18n.gettext(self.locale, MeetingForm(slot.form).label)
        except ValueError:
            return slot.form

    def status(self, row: BookingRow) -> str:
        return i18n.gettext(self.locale, row.status.label)

    def iso(self, value: datetime) -> str:
        return clock.as_utc(value).isoformat()

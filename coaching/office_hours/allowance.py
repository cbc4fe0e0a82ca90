"""How many office hours a learner has left: ``office_hours_per_month`` of the package
their current grant gives (``coaching.entitlements``), per calendar month.

A booking spends from the month its slot falls in, read in the course's time zone (a
slot at 23:30 on 31 December in Berlin spends from December, although it is January in
UTC), and only inside the grant's effective period (``effective_period``: the later
start and the earlier end of grant and package). What is spent is stored on the booking
(``spends_hour``, ``month``, ``grant_id``), so the count is one indexed query
(``ix_office_hour_booking_grant_month``).

Nothing here locks: ``coaching.office_hours.booking`` counts again under the grant's
row lock before it writes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from babel import dates
from sqlalchemy import func
from sqlmodel import Session, col, select

from coaching.entitlements import coaching_status, effective_period
from coaching.models import CoachingGrant, CoachingPackage
from coaching.office_hours.models import OfficeHourBooking
from kurswerk.core.clock import format_locale, local


@dataclass(frozen=True)
class Allowance:
    """A learner's office hours under their current grant."""

    grant: CoachingGrant
    package: CoachingPackage
    starts: date | None  # the grant's effective period (None: open on that side)
    ends: date | None

    @property
    def per_month(self) -> int:
        return self.package.office_hours_per_month

    @property
    def grant_id(self) -> int:
        assert self.grant.id is not None
        return self.grant.id

    def covers(self, day: date) -> bool:
        """Whether ``day`` (a slot's day in the course's zone) lies in the grant's period."""
        return (self.starts is None or self.starts <= day) and (
            self.ends is None or day <= self.ends
        )


def month_of(moment: datetime) -> str:
    """The month a moment falls in, in the course's time zone: ``"2026-12"``."""
    return local(moment).strftime("%Y-%m")


def month_label(month: str, locale: str) -> str:
    """``"2026-12"`` as a reader names it: ``Dezember 2026`` / ``December 2026``."""
    year, number = (int(part) for part in month.split("-"))
    return dates.format_skeleton("yMMMM", date(year, number, 1), locale=format_locale(locale))


def current_allowance(
    session: Session, *, user_id: int, context_id: int, today: date
) -> Allowance | None:
    """The learner's allowance under the grant that counts ``today``; None without a
    package (a package without office hours has an allowance of 0 a month). May bind an
    email grant to the user (``coaching_status``): the caller commits."""
    status = coaching_status(session, user_id=user_id, context_id=context_id, today=today)
    if status.grant is None or status.package is None:
        return None
    starts, ends = effective_period(status.grant, status.package)
    return Allowance(grant=status.grant, package=status.package, starts=starts, ends=ends)


def spent_by_month(session: Session, grant_id: int, months: Iterable[str]) -> dict[str, int]:
    """The hours spent under ``grant_id`` in each of ``months`` (0 where none)."""
    wanted = sorted(set(months))
    spent = dict.fromkeys(wanted, 0)
    if not wanted:
        return spent
    rows = session.exec(
        select(OfficeHourBooking.month, func.count())
        .where(
            OfficeHourBooking.grant_id == grant_id,
            col(OfficeHourBooking.month).in_(wanted),
            col(OfficeHourBooking.spends_hour).is_(True),
        )
        .group_by(col(OfficeHourBooking.month))
    ).all()
    for month, count in rows:
        spent[month] = int(count)
    return spent


def hours_left(session: Session, allowance: Allowance, month: str) -> int:
    """What is left of ``month``'s hours (never below 0: a tutor's move may have put one
    more booking into a month than it allows)."""
    spent = spent_by_month(session, allowance.grant_id, [month])[month]
    return max(0, allowance.per_month - spent)

"""What tutors offer: one-off office hours and weekly series, laid out into bookable slots.

A tutor publishes, in one LMS course, a *one-off slot* (a day, a local time, a duration)
or a *weekly series* (a weekday and a local time, for a period). Times are given in the
course's time zone and stored in UTC. A series is laid out into slots up to
``KURSWERK_OFFICE_HOURS_HORIZON_WEEKS`` ahead, each occurrence from the local time of its
own day: a Tuesday 10:00 in Europe/Berlin is 08:00 UTC in summer and 09:00 UTC in winter.
Public holidays (``kurswerk.core.clock.is_public_holiday``) are never laid out and cannot be
offered one-off; a local time the clock skips (spring forward) is left out. The worker's
daily job (:func:`layout_task`) lays the series out further as time goes by; laying out
twice, or from two workers at once, adds nothing (the unique index on series and start).

Withdrawing is ``coaching.office_hours.withdrawal``; what the tutor's page lists,
``coaching.office_hours.offered``. Nothing here commits: the request's session or the job
owns the transaction.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from babel import dates
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from coaching.common import UNTIL_BEFORE_FROM, CoachingRefused, Problem
from coaching.office_hours.models import (
    MeetingForm,
    OfficeHourSeries,
    OfficeHourSlot,
)
from kurswerk.core import clock, i18n
from kurswerk.core.db import lock_row, new_session, upsert
from kurswerk.core.i18n import N_
from kurswerk.core.outbox.worker import PeriodicTask
from kurswerk.core.settings import Settings, get_settings
from lti.models import PlatformUser

MIN_DURATION = 5  # minutes, as the tables' check constraints allow
MAX_DURATION = 480
MAX_DETAILS = 500
MAX_AHEAD = timedelta(days=366)  # how far ahead a day may be offered

IN_PAST = N_("Dieser Termin liegt in der Vergangenheit.")
DAY_IN_PAST = N_("Dieser Tag liegt in der Vergangenheit.")
TOO_FAR = N_("Sprechstunden können Sie höchstens ein Jahr im Voraus anbieten.")
HOLIDAY = N_(
    "Der %(day)s ist ein gesetzlicher Feiertag. An Feiertagen werden keine Sprechstunden angeboten."
)
SKIPPED_TIME = N_(
    "Diese Uhrzeit gibt es am %(day)s wegen der Zeitumstellung nicht. Bitte wählen Sie eine andere."
)
NO_WEEKDAY = N_("Im gewählten Zeitraum liegt kein %(weekday)s.")
ONLY_HOLIDAYS = N_(
    "Jeder %(weekday)s im gewählten Zeitraum ist ein gesetzlicher Feiertag. Bitte wählen Sie "
    "einen anderen Zeitraum."
)
CLASH = N_(
    "Zu dieser Zeit bieten Sie schon eine Sprechstunde an (%(when)s). Ziehen Sie diese "
    "zuerst zurück oder wählen Sie eine andere Zeit."
)
DURATION_RANGE = N_("Die Dauer ist eine Zahl von Minuten zwischen 5 und 480.")
DETAILS_TOO_LONG = N_("Die Angaben sind zu lang (höchstens 500 Zeichen).")
DETAILS_MISSING = {
    MeetingForm.VIDEO: N_("Bitte geben Sie den Link zum Videogespräch an (mit https://)."),
    MeetingForm.PHONE: N_("Bitte geben Sie die Telefonnummer an oder wer wen anruft."),
    MeetingForm.ON_SITE: N_("Bitte geben Sie den Ort an, zum Beispiel Gebäude und Raum."),
}
NO_NAME = N_("Person ohne Namen")


@dataclass(frozen=True, slots=True)
class TimeProblem(Problem):
    """A problem that names days (``date``), moments (``datetime``, shown in the course's
    time zone) or a ``weekday`` (0 = Monday): written the way the reader's language does."""

    def text(self, locale: str) -> str:
        return i18n.gettext(locale, self.message, **_shown(self.params, locale))


def _shown(params: dict[str, Any], locale: str) -> dict[str, str]:
    shown = {}
    for key, value in params.items():
        if isinstance(value, datetime):
            shown[key] = clock.when(value, locale)
        elif isinstance(value, date):
            shown[key] = clock.date_text(value, locale)
        elif key == "weekday":
            shown[key] = weekday_name(value, locale)
        elif key == "name" and not value:
            shown[key] = i18n.gettext(locale, NO_NAME)
        else:
            shown[key] = str(value)
    return shown


def weekday_name(weekday: int, locale: str) -> str:
    """``Dienstag`` / ``Tuesday`` (0 = Monday)."""
    return str(dates.get_day_names("wide", locale=clock.format_locale(locale))[weekday])


# --- What is offered ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Offer:
    """What each slot offers: how long, in which form, and where (link, number, room)."""

    duration_minutes: int
    form: MeetingForm
    details: str


@dataclass(frozen=True, slots=True)
class OneOff:
    day: date
    start: time  # local, in the course's time zone
    offer: Offer


@dataclass(frozen=True, slots=True)
class Weekly:
    weekday: int  # 0 = Monday
    start: time  # local, in the course's time zone
    first_day: date
    last_day: date
    offer: Offer


def check_offer(problems: list[Problem], offer: Offer) -> None:
    """The duration in range; the details given, not too long, a link for a video call."""
    if not MIN_DURATION <= offer.duration_minutes <= MAX_DURATION:
        problems.append(Problem("duration", DURATION_RANGE))
    details = offer.details
    if len(details) > MAX_DETAILS:
        problems.append(Problem("details", DETAILS_TOO_LONG))
    elif not details or (offer.form is MeetingForm.VIDEO and "://" not in details):
        problems.append(Problem("details", DETAILS_MISSING[offer.form]))


def local_start(day: date, at: time, zone: ZoneInfo) -> datetime | None:
    """The moment (UTC) the clocks of ``zone`` show ``at`` on ``day``; None where they skip
    it (the hour of the change to summer time). A time shown twice (the change to winter
    time) is its first showing."""
    wall = datetime.combine(day, at, tzinfo=zone)
    moment = wall.astimezone(UTC)
    if moment.astimezone(zone).replace(tzinfo=None) != wall.replace(tzinfo=None):
        return None
    return moment


def _today(now: datetime, zone: ZoneInfo) -> date:
    return clock.as_utc(now).astimezone(zone).date()


# --- Publishing ---------------------------------------------------------------------------


def publish_slot(
    session: Session, *, context_id: int, tutor_user_id: int, wanted: OneOff, now: datetime
) -> OfficeHourSlot:
    """Offer one slot; refused (nothing written) in the past, more than a year ahead, on a
    public holiday, at a time the clock skips, or over another slot of the tutor's (409)."""
    problems: list[Problem] = []
    check_offer(problems, wanted.offer)
    zone = clock.course_timezone()
    starts = local_start(wanted.day, wanted.start, zone)
    today = _today(now, zone)
    if wanted.day < today:
        problems.append(Problem("day", DAY_IN_PAST))
    elif wanted.day > today + MAX_AHEAD:
        problems.append(Problem("day", TOO_FAR))
    elif clock.is_public_holiday(wanted.day):
        problems.append(TimeProblem("day", HOLIDAY, {"day": wanted.day}))
    elif starts is None:
        problems.append(TimeProblem("start", SKIPPED_TIME, {"day": wanted.day}))
    elif starts <= now:
        problems.append(Problem("start", IN_PAST))
    if problems:
        raise CoachingRefused(problems)
    assert starts is not None
    ends = starts + timedelta(minutes=wanted.offer.duration_minutes)
    _refuse_clash(session, tutor_user_id, [(starts, ends)])
    slot = OfficeHourSlot(
        context_id=context_id,
        tutor_user_id=tutor_user_id,
        starts_at=starts,
        ends_at=ends,
        form=wanted.offer.form.value,
        details=wanted.offer.details,
    )
    session.add(slot)
    session.flush()
    return slot


def publish_series(
    session: Session,
    *,
    context_id: int,
    tutor_user_id: int,
    wanted: Weekly,
    now: datetime,
    horizon_weeks: int,
) -> tuple[OfficeHourSeries, int]:
    """Offer a weekly series and lay it out up to the horizon: the series and how many
    slots it has so far. Refused (nothing written) when its period starts in the past,
    ends before it starts or more than a year ahead, holds no such weekday (or only
    holidays), or when a slot would fall on another of the tutor's (409)."""
    problems: list[Problem] = []
    check_offer(problems, wanted.offer)
    zone = clock.course_timezone()
    today = _today(now, zone)
    if wanted.first_day < today:
        problems.append(Problem("first_day", DAY_IN_PAST))
    if wanted.last_day < wanted.first_day:
        problems.append(Problem("last_day", UNTIL_BEFORE_FROM))
    elif wanted.last_day > today + MAX_AHEAD:
        problems.append(Problem("last_day", TOO_FAR))
    else:
        days = list(_weekdays(wanted.weekday, wanted.first_day, wanted.last_day))
        if not days:
            problems.append(TimeProblem("weekday", NO_WEEKDAY, {"weekday": wanted.weekday}))
        elif all(clock.is_public_holiday(day) for day in days):
            problems.append(TimeProblem("weekday", ONLY_HOLIDAYS, {"weekday": wanted.weekday}))
    if problems:
        raise CoachingRefused(problems)
    series = OfficeHourSeries(
        context_id=context_id,
        tutor_user_id=tutor_user_id,
        weekday=wanted.weekday,
        local_start=wanted.start,
        duration_minutes=wanted.offer.duration_minutes,
        first_day=wanted.first_day,
        last_day=wanted.last_day,
        timezone=zone.key,
        form=wanted.offer.form.value,
        details=wanted.offer.details,
    )
    _refuse_clash(session, tutor_user_id, _occurrences(series, now, horizon_weeks))
    session.add(series)
    session.flush()
    return series, lay_out(session, series, now, horizon_weeks)


def _weekdays(weekday: int, first: date, last: date) -> Iterator[date]:
    day = first + timedelta(days=(weekday - first.weekday()) % 7)
    while day <= last:
        yield day
        day += timedelta(weeks=1)


def _occurrences(
    series: OfficeHourSeries, now: datetime, horizon_weeks: int
) -> list[tuple[datetime, datetime]]:
    """(start, end) in UTC of the series' slots from now to the horizon: each day's own
    local time, public holidays and skipped local times left out."""
    zone = ZoneInfo(series.timezone)
    now = clock.as_utc(now)
    until = now + timedelta(weeks=horizon_weeks)
    first = max(series.first_day, _today(now, zone))
    last = min(series.last_day, _today(until, zone))
    length = timedelta(minutes=series.duration_minutes)
    found = []
    for day in _weekdays(series.weekday, first, last):
        starts = local_start(day, series.local_start, zone)
        if starts is None or not now < starts <= until or clock.is_public_holiday(day):
            continue
        found.append((starts, starts + length))
    return found


def _busy(
    session: Session, tutor_user_id: int, since: datetime, until: datetime
) -> list[tuple[datetime, datetime]]:
    """The tutor's slots (in any course) that are not withdrawn and overlap the period.
    The tutor's row is locked first: a second offer of theirs at the same moment (a
    double click, the daily job) waits, then sees what the first added."""
    lock_row(session, PlatformUser, tutor_user_id)
    rows = session.exec(
        select(OfficeHourSlot.starts_at, OfficeHourSlot.ends_at).where(
            OfficeHourSlot.tutor_user_id == tutor_user_id,
            col(OfficeHourSlot.withdrawn_at).is_(None),
            col(OfficeHourSlot.starts_at) < until,
            col(OfficeHourSlot.ends_at) > since,
        )
    ).all()
    return [(clock.as_utc(starts), clock.as_utc(ends)) for starts, ends in rows]


def _clashing(
    busy: Sequence[tuple[datetime, datetime]], starts: datetime, ends: datetime
) -> datetime | None:
    return next((other for other, other_end in busy if other < ends and starts < other_end), None)


def _refuse_clash(
    session: Session, tutor_user_id: int, wanted: Sequence[tuple[datetime, datetime]]
) -> None:
    if not wanted:
        return
    busy = _busy(session, tutor_user_id, wanted[0][0], wanted[-1][1])
    for starts, ends in wanted:
        if (other := _clashing(busy, starts, ends)) is not None:
            raise CoachingRefused([TimeProblem("start", CLASH, {"when": other})], 409)


def lay_out(session: Session, series: OfficeHourSeries, now: datetime, horizon_weeks: int) -> int:
    """Add the series' missing slots up to the horizon; how many were added. A day laid
    out before (also one withdrawn since) is not added again; nor a slot over another of
    the tutor's."""
    wanted = _occurrences(series, now, horizon_weeks)
    if not wanted:
        return 0
    busy = _busy(session, series.tutor_user_id, wanted[0][0], wanted[-1][1])
    now = clock.as_utc(now)
    rows = [
        {
            "context_id": series.context_id,
            "tutor_user_id": series.tutor_user_id,
            "series_id": series.id,
            "starts_at": starts,
            "ends_at": ends,
            "form": series.form,
            "details": series.details,
            "created_at": now,
            "updated_at": now,
        }
        for starts, ends in wanted
        if _clashing(busy, starts, ends) is None
    ]
    if not rows:
        return 0
    statement = (
        upsert(session, OfficeHourSlot)
        .values(rows)
        .on_conflict_do_nothing(
            index_elements=["series_id", "starts_at"],
            index_where=col(OfficeHourSlot.series_id).is_not(None),
        )
        .returning(col(OfficeHourSlot.id))
    )
    return len(session.execute(statement).all())


def extend_layouts(session: Session, now: datetime, *, horizon_weeks: int | None = None) -> int:
    """Lay every running series out up to the horizon (the worker's daily job); how many
    slots were added. Each series is locked while it is laid out, so a tutor ending it at
    the same moment waits, and the job then leaves it alone."""
    weeks = horizon_weeks or get_settings().office_hours_horizon_weeks
    yesterday = clock.as_utc(now).date() - timedelta(days=1)  # in any time zone
    running = session.exec(
        select(OfficeHourSeries.id).where(
            col(OfficeHourSeries.withdrawn_at).is_(None),
            col(OfficeHourSeries.last_day) >= yesterday,
        )
    ).all()
    added = 0
    for series_id in running:
        assert series_id is not None
        lock_row(session, OfficeHourSeries, series_id)
        series = session.get(OfficeHourSeries, series_id, populate_existing=True)
        if series is not None and series.withdrawn_at is None:
            added += lay_out(session, series, now, weeks)
    return added


LAYOUT_TASK = "office-hours-layouts"
LAYOUT_EVERY_SECONDS = 24 * 3600


def layout_task(settings: Settings) -> PeriodicTask:
    """The worker loop's daily job: weekly office hours laid out up to the horizon."""

    def run(engine: Engine, now: datetime) -> None:
        with new_session(engine) as session:
            extend_layouts(session, now, horizon_weeks=settings.office_hours_horizon_weeks)
            session.commit()

    return PeriodicTask(LAYOUT_TASK, LAYOUT_EVERY_SECONDS, run)

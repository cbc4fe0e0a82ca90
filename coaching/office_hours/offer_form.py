"""The tutor's two forms, read: a one-off slot and a weekly series, from the text fields
as sent. Dates are typed the page's way (``kurswerk.core.date_input``), times as
``HH:MM`` (``9:30`` and ``14.30`` too), the duration in minutes. Every problem found is
named at its field; what is left to check against the calendar and the tutor's other
slots is ``coaching.office_hours.availability``'s."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, time

from coaching.common import CoachingRefused, Problem, clean_text, date_field
from coaching.office_hours.availability import (
    DURATION_RANGE,
    Offer,
    OneOff,
    Weekly,
    check_offer,
)
from coaching.office_hours.models import MeetingForm
from kurswerk.core.i18n import N_

ONE_OFF_FIELDS = ("day", "start", "duration", "form", "details")
WEEKLY_FIELDS = ("weekday", "start", "duration", "first_day", "last_day", "form", "details")

BAD_TIME = N_("Das ist keine gültige Uhrzeit. Bitte im Format HH:MM, zum Beispiel 14:30.")
TIME_MISSING = N_("Bitte geben Sie an, um wie viel Uhr die Sprechstunde beginnt.")
DAY_MISSING = N_("Bitte geben Sie den Tag an.")
FIRST_DAY_MISSING = N_("Bitte geben Sie den ersten Tag an.")
LAST_DAY_MISSING = N_("Bitte geben Sie den letzten Tag an.")
WEEKDAY_MISSING = N_("Bitte wählen Sie einen Wochentag.")
FORM_UNKNOWN = N_("Bitte wählen Sie, wie die Sprechstunde stattfindet.")

_CLOCK = re.compile(r"(\d{1,2})[:.](\d{2})")
_MAX_FIELD = 2000  # longer than any field's limit: cut before reading


def parse_clock(text: str) -> time | None:
    """``14:30``, ``9:30`` or ``14.30`` as a time of day; None for anything else."""
    match = _CLOCK.fullmatch(text.strip())
    if match is None:
        return None
    hour, minute = (int(part) for part in match.groups())
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


def _clock_field(problems: list[Problem], value: str) -> time | None:
    if not value.strip():
        problems.append(Problem("start", TIME_MISSING))
        return None
    parsed = parse_clock(value)
    if parsed is None:
        problems.append(Problem("start", BAD_TIME))
    return parsed


def _day_field(
    problems: list[Problem], name: str, value: str, missing: str, locale: str
) -> date | None:
    if not value.strip():
        problems.append(Problem(name, missing))
        return None
    return date_field(problems, name, value, locale=locale)


def _offer(problems: list[Problem], values: Mapping[str, str]) -> Offer | None:
    duration = values.get("duration", "").strip()
    minutes = int(duration) if duration.isdigit() and len(duration) <= 4 else None
    if minutes is None:
        problems.append(Problem("duration", DURATION_RANGE))
    try:
        form = MeetingForm(values.get("form", ""))
    except ValueError:
        problems.append(Problem("form", FORM_UNKNOWN))
        return None
    offer = Offer(minutes or 0, form, clean_text(values.get("details", "")[:_MAX_FIELD]))
    check_offer(problems, offer)
    return offer if minutes is not None else None


def read_one_off(values: Mapping[str, str], *, locale: str) -> OneOff:
    """The one-off slot the form asks for, or every problem with it (``CoachingRefused``)."""
    problems: list[Problem] = []
    day = _day_field(problems, "day", values.get("day", ""), DAY_MISSING, locale)
    start = _clock_field(problems, values.get("start", ""))
    offer = _offer(problems, values)
    if problems:
        raise CoachingRefused(_once_per_field(problems))
    assert day is not None and start is not None and offer is not None
    return OneOff(day, start, offer)


def read_weekly(values: Mapping[str, str], *, locale: str) -> Weekly:
    """The weekly series the form asks for, or every problem with it."""
    problems: list[Problem] = []
    raw_weekday = values.get("weekday", "").strip()
    weekday = int(raw_weekday) if raw_weekday in {"0", "1", "2", "3", "4", "5", "6"} else None
    if weekday is None:
        problems.append(Problem("weekday", WEEKDAY_MISSING))
    start = _clock_field(problems, values.get("start", ""))
    first = _day_field(
        problems, "first_day", values.get("first_day", ""), FIRST_DAY_MISSING, locale
    )
    last = _day_field(problems, "last_day", values.get("last_day", ""), LAST_DAY_MISSING, locale)
    offer = _offer(problems, values)
    if problems:
        raise CoachingRefused(_once_per_field(problems))
    assert weekday is not None and start is not None and offer is not None
    assert first is not None and last is not None
    return Weekly(weekday, start, first, last, offer)


def _once_per_field(problems: list[Problem]) -> list[Problem]:
    """The first problem of each field (a duration that is no number is not also out of
    range)."""
    seen: set[str] = set()
    kept = []
    for problem in problems:
        if problem.field not in seen:
            seen.add(problem.field)
            kept.append(problem)
    return kept

"""Dates and sizes as the feedback pages show them (course time zone, German or English)."""

from __future__ import annotations

from datetime import date, datetime

from feedback.workdays import COURSE_TIMEZONE, as_utc

_WEEKDAYS = {
    "de": ("Mo", "Di", "Mi", "Do", "Fr", "Sa", "So"),
    "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
}


def when(value: datetime, locale: str = "de") -> str:
    """``22.11.2026, 14:05 Uhr`` / ``22 Nov 2026, 14:05`` in Berlin time."""
    local = as_utc(value).astimezone(COURSE_TIMEZONE)
    if locale == "en":
        return local.strftime("%d %b %Y, %H:%M")
    return local.strftime("%d.%m.%Y, %H:%M Uhr")


def clock(value: datetime, locale: str = "de") -> str:
    local = as_utc(value).astimezone(COURSE_TIMEZONE)
    return local.strftime("%H:%M") + ("" if locale == "en" else " Uhr")


def day(value: date, locale: str = "de") -> str:
    """``Mo, 30.11.2026`` / ``Mon, 30 Nov 2026``."""
    weekday = _WEEKDAYS.get(locale, _WEEKDAYS["de"])[value.weekday()]
    if locale == "en":
        return f"{weekday}, {value.strftime('%d %b %Y')}"
    return f"{weekday}, {value.strftime('%d.%m.%Y')}"


def size(value: int, locale: str = "de") -> str:
    """``1,4 MB`` / ``1.4 MB`` (powers of 1024, as the upload limit counts)."""
    amount, unit = (value / 1024 / 1024, "MB") if value >= 1024 * 1024 else (value / 1024, "KB")
    text = f"{amount:.1f}"
    return f"{text if locale == 'en' else text.replace('.', ',')} {unit}"


HELPERS = {"when": when, "clock": clock, "day": day, "size": size}

"""Dates and sizes as the feedback pages show them (course time zone, German or English)."""

from __future__ import annotations

from functools import partial

from kurswerk.core import clock


def size(value: int, locale: str = "de") -> str:
    """``1,4 MB`` / ``1.4 MB`` (powers of 1024, as the upload limit counts)."""
    amount, unit = (value / 1024 / 1024, "MB") if value >= 1024 * 1024 else (value / 1024, "KB")
    text = f"{amount:.1f}"
    return f"{text if locale == 'en' else text.replace('.', ',')} {unit}"


HELPERS = {
    "when": clock.when,  # 22.11.2026, 14:05 Uhr / 22 Nov 2026, 14:05
    "clock": clock.time_of_day,  # 14:05 Uhr / 14:05
    "day": partial(clock.day_with_weekday, short=True),  # Mo, 30.11.2026 / Mon, 30 Nov 2026
    "size": size,
}

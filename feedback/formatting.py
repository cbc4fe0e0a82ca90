"""Dates and sizes as the feedback pages show them (course time zone, German or English)."""

from __future__ import annotations

from functools import partial

from kurswerk.core import clock

HELPERS = {
    "when": clock.when,  # 22.11.2026, 14:05 Uhr / 22 Nov 2026, 14:05
    "clock": clock.time_of_day,  # 14:05 Uhr / 14:05
    "day": partial(clock.day_with_weekday, short=True),  # Mo., 30. Nov. 2026 / Mon, 30 Nov 2026
    "size": clock.file_size,  # 340 KB, 1,4 MB / 1.4 MB
}

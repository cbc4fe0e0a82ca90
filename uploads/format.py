"""How the submission pages write dates, sizes and file names (German first, English).

Passed to templates as ``fmt`` (no filters added to the shared Jinja environment).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from markupsafe import Markup

from kurswerk.core import clock
from kurswerk.core.usertext import render_markdown

_SINGLE_NEWLINE = re.compile(r"(?<!\n)\n(?!\n)")


@dataclass(frozen=True)
class Formats:
    locale: str = "de"

    def local(self, value: datetime) -> datetime:
        return clock.local(value)

    def when(self, value: datetime) -> str:
        """``22.11.2026, 14:05 Uhr`` (course time zone) / ``22 Nov 2026, 14:05``."""
        return clock.when(value, self.locale)

    def iso(self, value: datetime | date) -> str:
        """For ``<time datetime=...>``."""
        if isinstance(value, datetime):
            return self.local(value).isoformat(timespec="minutes")
        return value.isoformat()

    def day(self, value: date) -> str:
        """``Freitag, 27. November 2026`` / ``Friday, 27 November 2026``."""
        return clock.day_with_weekday(value, self.locale)

    def size(self, size: int) -> str:
        """``340 KB``, ``1,2 MB`` (``1.2 MB`` in English)."""
        return clock.file_size(size, self.locale)


def note_html(text: str) -> Markup:
    """A learner's note as safe HTML: user Markdown (``kurswerk.core.usertext``), but a line
    break they typed stays a line break (a note is written like a message, not a text
    for CommonMark's soft breaks)."""
    return render_markdown(_SINGLE_NEWLINE.sub("  \n", text))

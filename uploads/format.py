"""How the submission pages write dates, sizes and file names (German first, English).

Passed to templates as ``fmt`` (no filters added to the shared Jinja environment).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from urllib.parse import quote

from markupsafe import Markup

from kurswerk.core.mail import DISPLAY_TIMEZONE
from kurswerk.core.outbox.queue import as_utc
from kurswerk.core.usertext import render_markdown

_SINGLE_NEWLINE = re.compile(r"(?<!\n)\n(?!\n)")

_WEEKDAYS = {
    "de": ("Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag"),
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
}


@dataclass(frozen=True)
class Formats:
    locale: str = "de"

    def local(self, value: datetime) -> datetime:
        return as_utc(value).astimezone(DISPLAY_TIMEZONE)

    def when(self, value: datetime) -> str:
        """``22.11.2026, 14:05 Uhr`` (course time zone) / ``22 Nov 2026, 14:05``."""
        local = self.local(value)
        if self.locale == "en":
            return local.strftime("%d %b %Y, %H:%M")
        return local.strftime("%d.%m.%Y, %H:%M Uhr")

    def iso(self, value: datetime | date) -> str:
        """For ``<time datetime=...>``."""
        if isinstance(value, datetime):
            return self.local(value).isoformat(timespec="minutes")
        return value.isoformat()

    def day(self, value: date) -> str:
        """``Freitag, 27.11.2026`` / ``Friday, 27 Nov 2026``."""
        weekday = _WEEKDAYS.get(self.locale, _WEEKDAYS["de"])[value.weekday()]
        if self.locale == "en":
            return f"{weekday}, {value.strftime('%d %b %Y')}"
        return f"{weekday}, {value.strftime('%d.%m.%Y')}"

    def size(self, size: int) -> str:
        """``340 KB``, ``1,2 MB`` (``1.2 MB`` in English)."""
        if size < 1024 * 1024:
            return f"{max(1, round(size / 1024))} KB"
        text = f"{size / (1024 * 1024):.1f} MB"
        return text.replace(".", ",") if self.locale == "de" else text


def note_html(text: str) -> Markup:
    """A learner's note as safe HTML: user Markdown (``kurswerk.core.usertext``), but a line
    break they typed stays a line break (a note is written like a message, not a text
    for CommonMark's soft breaks)."""
    return render_markdown(_SINGLE_NEWLINE.sub("  \n", text))


def attachment_disposition(display_name: str) -> str:
    """``Content-Disposition`` for a download: an ASCII fallback name and the UTF-8 name
    (RFC 6266 / 5987). The display name is already free of control characters and path
    separators (``kurswerk.core.files.intake.display_name``); quotes and backslashes are
    replaced."""
    fallback = "".join(
        ch if ch.isascii() and ch.isprintable() and ch not in '"\\;' else "_" for ch in display_name
    )
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(display_name, safe='')}"

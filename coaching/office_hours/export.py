"""The admins' CSV export of a course's office-hour bookings (``csv`` module).

One row per booking, the earliest first: times in the course's time zone (named in a
column of their own), the people, the package, the state and whether it spent an hour.
The header and the states are in the admin's language; the file is UTF-8 with a BOM and
separated the way a spreadsheet of that language expects (``;`` in German, ``,`` in
English), so it opens in Excel as it is. A cell a learner wrote (the topic) or the LMS
sent (names) that starts like a formula is written with a leading ``'``, so a
spreadsheet shows it as text instead of running it (CSV injection).
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterable
from datetime import date, datetime

from coaching.office_hours.queries import BookingRow, person_name
from kurswerk.core import clock, i18n

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_SLUG = re.compile(r"[^a-z0-9]+")


def safe_cell(value: str) -> str:
    """A text cell that no spreadsheet reads as a formula."""
    return "'" + value if value.startswith(_FORMULA_START) else value


def _moment(value: datetime | None) -> str:
    """``2026-12-10 14:00`` in the course's time zone ("" for none)."""
    return clock.local(value).strftime("%Y-%m-%d %H:%M") if value is not None else ""


def _columns(locale: str) -> list[str]:
    def _(msgid: str) -> str:
        return i18n.gettext(locale, msgid)

    return [
        _("Buchung"),
        _("Beginn"),
        _("Ende"),
        _("Zeitzone"),
        _("Monat"),
        _("Tutor:in"),
        _("Teilnehmer:in"),
        _("E-Mail-Adresse"),
        _("Paket"),
        _("Status"),
        _("Zählt als Sprechstunde"),
        _("Thema"),
        _("PDF"),
        _("Gebucht am"),
        _("Abgesagt am"),
    ]


def bookings_csv(rows: Iterable[BookingRow], locale: str) -> str:
    """The CSV text (the BOM first)."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, delimiter=";" if locale == "de" else ",", lineterminator="\r\n")
    writer.writerow(_columns(locale))
    zone = clock.course_timezone().key
    yes, no = i18n.gettext(locale, "ja"), i18n.gettext(locale, "nein")
    for row in rows:
        booking = row.booking
        writer.writerow(
            [
                booking.id,
                _moment(booking.starts_at),
                _moment(booking.ends_at),
                zone,
                booking.month,
                safe_cell(person_name(row.tutor)),
                safe_cell(person_name(row.learner)),
                safe_cell(row.learner.email or ""),
                safe_cell(row.package_name),
                i18n.gettext(locale, row.status.label),
                yes if booking.spends_hour else no,
                safe_cell(booking.topic),
                safe_cell(booking.file_name or ""),
                _moment(booking.created_at),
                _moment(booking.cancelled_at),
            ]
        )
    return out.getvalue()


def export_filename(course_label: str, today: date, locale: str) -> str:
    """``sprechstunden-social-media-strategie-2026-12-07.csv``: ASCII letters, digits and
    hyphens only (the course's title or LMS id, shortened)."""
    stem = i18n.pgettext(locale, "file name", "sprechstunden")
    ascii_label = unicodedata.normalize("NFKD", course_label).encode("ascii", "ignore").decode()
    slug = _SLUG.sub("-", ascii_label.lower()).strip("-")
    parts = [stem, slug[:40].strip("-"), today.isoformat()]
    return "-".join(part for part in parts if part) + ".csv"

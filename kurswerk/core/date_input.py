"""Dates people type into a form, written the way the page's language writes them.

A browser's own date field (``<input type="date">``) shows dates in the browser's
language, not the page's: an English browser showed ``12/31/2026`` beside the German
hint ``TT.MM.JJJJ``. Kurswerk's date fields are text fields instead, and each language's
catalog says how its readers write a date: a Babel (CLDR) pattern such as ``dd.MM.yyyy``
(German) or ``yyyy-MM-dd`` (English: ISO 8601, unambiguous for readers on both sides of
the Atlantic), and the same pattern in its readers' letters for the hint (``TT.MM.JJJJ``,
``YYYY-MM-DD``). A new language's catalog brings its own; the code does not change.

Reading a typed date accepts the page's pattern and, always, ISO 8601 (what scripts and
older forms send).
"""

from __future__ import annotations

import re
from datetime import date

from babel import dates
from jinja2 import pass_context
from jinja2.runtime import Context

from kurswerk.core import i18n

_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_FIELDS = {"d": "day", "M": "month", "y": "year"}


ISO_PATTERN = "yyyy-MM-dd"


def input_pattern(locale: str) -> str:
    """The Babel pattern of a typed date in ``locale`` (``dd.MM.yyyy``); ISO 8601 where a
    catalog's pattern is not one day, one month and a four-digit year."""
    pattern = i18n.pgettext(
        locale, "date field: a Babel date pattern (dd, MM, yyyy and separators)", "dd.MM.yyyy"
    )
    fields = re.findall(r"[A-Za-z]+", pattern)
    usable = sorted(run[0] for run in fields) == ["M", "d", "y"] and all(
        run in ("d", "dd", "M", "MM", "yyyy") for run in fields
    )
    return pattern if usable else ISO_PATTERN


def input_hint(locale: str) -> str:
    """The same pattern in the reader's letters (``TT.MM.JJJJ``)."""
    return i18n.pgettext(locale, "date field: the pattern as readers write it", "TT.MM.JJJJ")


def input_example(locale: str) -> str:
    """A date written that way (``31.12.2026``)."""
    return input_text(date(2026, 12, 31), locale)


def input_text(value: date | str | None, locale: str) -> str:
    """What a date field shows: a date (or an ISO date as stored) in ``locale``'s
    pattern; anything else (a person's own invalid input) as it was typed."""
    if value is None or value == "":
        return ""
    day = stored_date(value)
    if day is None:
        return str(value)
    return dates.format_date(day, input_pattern(locale), locale="en")


def stored_date(value: date | str) -> date | None:
    """A date, or a date kept as an ISO string (a form's value, an audit snapshot);
    ``None`` for any other text."""
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def parse_input(text: str, locale: str) -> date:
    """The date typed as ``text``: in ``locale``'s pattern or ISO 8601. ``ValueError``
    for anything else."""
    text = text.strip()
    if match := _ISO.fullmatch(text):
        year, month, day = (int(part) for part in match.groups())
        return date(year, month, day)
    match = _pattern_regex(input_pattern(locale)).fullmatch(text)
    if match is None:
        raise ValueError(f"not a date: {text[:40]!r}")
    return date(int(match["year"]), int(match["month"]), int(match["day"]))


def _pattern_regex(pattern: str) -> re.Pattern[str]:
    """``dd.MM.yyyy`` → a regular expression with the groups day, month and year; one
    or two digits where the pattern has d/dd or M/MM, four for yyyy."""
    parts = []
    for run in re.finditer(r"(d+|M+|y+)|([^dMy]+)", pattern):
        field, literal = run.groups()
        if field:
            digits = r"\d{4}" if field[0] == "y" else r"\d{1,2}"
            parts.append(f"(?P<{_FIELDS[field[0]]}>{digits})")
        else:
            parts.append(re.escape(literal))
    return re.compile("".join(parts))


@pass_context
def _field_text(context: Context, value: date | str | None) -> str:
    return input_text(value, str(context.get("locale") or i18n.DEFAULT_LOCALE))


@pass_context
def _field_help(context: Context, _value: object = None) -> str:
    locale = str(context.get("locale") or i18n.DEFAULT_LOCALE)
    return i18n.gettext(
        locale,
        "Format: %(format)s, zum Beispiel %(example)s.",
        format=input_hint(locale),
        example=input_example(locale),
    )


FILTERS = {"date_field": _field_text, "date_field_help": _field_help}
"""``{{ values.valid_from|date_field }}`` (the value in the page's pattern) and
``{{ none|date_field_help }}`` (the sentence that names the pattern)."""

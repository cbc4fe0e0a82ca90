"""Date fields are typed the way the page's language writes dates (its catalog's pattern),
and ISO 8601 is always understood."""

from __future__ import annotations

from datetime import date

import pytest

from kurswerk.core import date_input


@pytest.mark.parametrize(
    ("locale", "shown", "hint"),
    [("de", "31.12.2026", "TT.MM.JJJJ"), ("en", "2026-12-31", "YYYY-MM-DD")],
)
def test_a_date_field_shows_the_pages_pattern(locale, shown, hint):
    assert date_input.input_text(date(2026, 12, 31), locale) == shown
    assert date_input.input_text("2026-12-31", locale) == shown  # a stored ISO value
    assert date_input.input_hint(locale) == hint
    assert date_input.input_example(locale) == shown


def test_what_a_person_typed_is_shown_back_as_typed():
    assert date_input.input_text("morgen", "de") == "morgen"
    assert date_input.input_text("", "en") == ""


@pytest.mark.parametrize(
    ("locale", "typed"),
    [
        ("de", "31.12.2026"),
        ("de", "1.2.2027"),
        ("de", " 2026-12-31 "),
        ("en", "2026-12-31"),
    ],
)
def test_the_pages_pattern_and_iso_are_read(locale, typed):
    assert date_input.parse_input(typed, locale) in {date(2026, 12, 31), date(2027, 2, 1)}


@pytest.mark.parametrize(
    ("locale", "typed"),
    [
        ("de", "12/31/2026"),
        ("de", "31.02.2026"),  # no such day
        ("de", "31.12.26"),  # a two-digit year is ambiguous
        ("en", "31.12.2026"),  # the German pattern is not English
        ("en", "12/31/2026"),
        ("en", "tomorrow"),
    ],
)
def test_anything_else_is_refused(locale, typed):
    with pytest.raises(ValueError):
        date_input.parse_input(typed, locale)


def test_a_catalog_pattern_that_is_no_date_falls_back_to_iso(monkeypatch):
    monkeypatch.setattr(date_input.i18n, "pgettext", lambda locale, ctx, msgid: "⟦dd.MM⟧")
    assert date_input.input_pattern("xx") == date_input.ISO_PATTERN
    assert date_input.input_text(date(2026, 12, 31), "xx") == "2026-12-31"
    assert date_input.parse_input("2026-12-31", "xx") == date(2026, 12, 31)

"""``kurswerk.core.http.content_disposition``: the one ``Content-Disposition`` of the
downloads (a learner's upload) and of the PDFs the feedback pages serve."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from kurswerk.core.http import content_disposition


@pytest.mark.parametrize(
    ("name", "fallback"),
    [
        ("Bericht.pdf", "Bericht.pdf"),
        ('Übung "3".pdf', "Ubung _3_.pdf"),  # accents dropped, quotes replaced
        ("a;b\\c.txt", "a_b_c.txt"),
        ("zeile\r\nX-Evil: 1.pdf", "zeile_X-Evil_ 1.pdf"),  # a run of others: one _
        ("日本語", "download"),  # nothing left: the default
        (".hidden.", "hidden"),
    ],
)
def test_the_ascii_fallback_and_the_utf8_name(name, fallback):
    header = content_disposition("attachment", name)
    assert header == f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"
    assert "\r" not in header and "\n" not in header


def test_a_suffix_ends_both_names_and_the_default_can_be_named():
    assert content_disposition("inline", "bericht", suffix=".pdf") == (
        "inline; filename=\"bericht.pdf\"; filename*=UTF-8''bericht.pdf"
    )
    assert content_disposition("inline", "Bericht.PDF", suffix=".pdf") == (
        "inline; filename=\"Bericht.PDF\"; filename*=UTF-8''Bericht.PDF"
    )
    assert content_disposition("inline", "✓✓", default="dokument") == (
        "inline; filename=\"dokument\"; filename*=UTF-8''" + quote("✓✓", safe="")
    )

"""The community's texts (FAQ, forum and questions) in German and English: the same keys,
the same placeholders in both languages (the course pages' texts are in the gettext
catalogs, checked by ``tests/kurswerk/test_catalogs.py``)."""

from __future__ import annotations

import string

import pytest

from course.community_messages import MESSAGES as COMMUNITY


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("catalog", [COMMUNITY], ids=["community"])
def test_german_and_english_have_the_same_keys_and_placeholders(catalog):
    assert set(catalog["de"]) == set(catalog["en"])
    differing = [
        key
        for key, german in catalog["de"].items()
        if _placeholders(german) != _placeholders(catalog["en"][key])
    ]
    assert differing == []
    assert all(text.strip() for texts in catalog.values() for text in texts.values())

"""uploads.messages: a German and an English text for every refusal and every kind of
active content, with the same placeholders."""

from __future__ import annotations

import string

import pytest

from kurswerk.core import i18n
from kurswerk.core.files.errors import REJECTION_CODES, PdfRejected, UploadRejected
from kurswerk.core.files.messages import MESSAGES
from kurswerk.core.files.pdf.active import ACTIVE_KINDS

KEYS = [f"upload.rejected.{code}" for code in sorted(REJECTION_CODES)] + [
    f"upload.active.{kind}" for kind in ACTIVE_KINDS
]


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("key", KEYS)
def test_every_refusal_has_a_german_and_an_english_text(key):
    german, english = MESSAGES["de"].get(key), MESSAGES["en"].get(key)
    assert german and english and german != english
    assert placeholders(german) == placeholders(english)


def test_the_catalog_has_no_texts_for_codes_that_do_not_exist():
    assert set(MESSAGES["de"]) == set(KEYS) == set(MESSAGES["en"])


def test_the_size_message_names_the_limit():
    rejected = UploadRejected("too_large", params={"limit_mb": 20})
    text = i18n.translate("de", rejected.message, **rejected.params)
    assert text.startswith("Die Datei ist größer als 20 MB.")
    assert "larger than 20 MB" in i18n.translate("en", rejected.message, **rejected.params)


def test_active_content_names_what_was_found_as_detail():
    rejected = PdfRejected("active_content", found=("javascript", "embedded_file"))
    assert i18n.translate("de", rejected.detail) == "Gefunden: JavaScript."
    assert rejected.status_code == 422


def test_an_unknown_code_is_a_programming_error():
    with pytest.raises(ValueError):
        UploadRejected("too_big")

"""A refused upload says why in the reader's language: its code names a text of the
catalog, its placeholders filled; active content names what was found."""

from __future__ import annotations

import pytest

from kurswerk.core import i18n
from kurswerk.core.files.errors import ACTIVE_CONTENT_FOUND, PdfRejected, UploadRejected
from kurswerk.core.files.pdf.active import ACTIVE_KINDS


def test_every_kind_of_active_content_has_a_text():
    assert set(ACTIVE_CONTENT_FOUND) == set(ACTIVE_KINDS)


def test_the_size_message_names_the_limit():
    rejected = UploadRejected("too_large", params={"limit_mb": 20})
    text = i18n.gettext("de", rejected.message, **rejected.params)
    assert text.startswith("Die Datei ist größer als 20 MB.")
    assert "larger than 20 MB" in i18n.gettext("en", rejected.message, **rejected.params)


def test_active_content_names_what_was_found_as_detail():
    rejected = PdfRejected("active_content", found=("javascript", "embedded_file"))
    assert i18n.gettext("de", rejected.detail) == "Gefunden: JavaScript."
    assert i18n.gettext("en", rejected.detail) == "Found: JavaScript."
    assert rejected.status_code == 422


def test_an_unknown_code_is_a_programming_error():
    with pytest.raises(ValueError):
        UploadRejected("too_big")

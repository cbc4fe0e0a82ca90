"""A worksheet's template files, built when first asked for and then kept in memory.

Why on demand, not at ``kurswerk content load``: a template holds Kurswerk's own words
(headings, "Name", "Datum", the default columns) in the reader's language, and the
catalogs belong to the running code, not to the content - a deployment with a corrected
translation serves corrected templates without a content load. The files are small
(a few dozen KB) and quick to build (tens of milliseconds), so the first reader pays once.

Cache key: (worksheet id, the course's ``content_version``, language, format). Everything a
file shows comes from the course files (the step, the table, the titles), and
``content_version`` is a hash of all of them, so a load that changes anything changes the
key; the entries of an older version are dropped when one of the same worksheet is built
for the newer. So the cache holds at most (languages x formats) files per worksheet. Two
requests that miss at once may both build: the bytes are the same, the last one stays.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

from course.worksheets import pdf, word
from course.worksheets.layout import Sheet


@dataclass(frozen=True)
class Format:
    extension: str
    media_type: str
    build: Callable[[Sheet], bytes]


FORMATS: dict[str, Format] = {
    "docx": Format(".docx", word.MEDIA_TYPE, word.build_docx),
    "pdf": Format(".pdf", pdf.MEDIA_TYPE, pdf.build_pdf),
}
"""The template formats, by the name the download's URL carries, in the page's order."""

CacheKey = tuple[int, str, str, str]  # worksheet id, content version, language, format

_files: dict[CacheKey, bytes] = {}
_lock = threading.Lock()


def template_bytes(worksheet_id: int, version: str, fmt: str, sheet: Sheet) -> bytes:
    """The template of ``sheet`` (the worksheet ``worksheet_id`` at content ``version``) in
    the format ``fmt`` (a key of :data:`FORMATS`)."""
    key = (worksheet_id, version, sheet.locale, fmt)
    data = _files.get(key)
    if data is None:
        data = FORMATS[fmt].build(sheet)
        with _lock:
            for stale in [k for k in _files if k[0] == worksheet_id and k[1] != version]:
                del _files[stale]
            _files[key] = data
    return data


def clear_cache() -> None:
    with _lock:
        _files.clear()

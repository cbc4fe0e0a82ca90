"""Message ids for ``pybabel extract`` (``babel.cfg`` names these extractors).

Kurswerk's Python calls take the locale first (``i18n.gettext(locale, "Abmelden")``), the
templates' do not (``_("Abmelden")``). ``extract_python`` reads Python files as Babel's own
extractor does and drops that first argument, so one set of keywords (Babel's defaults)
serves both. Templates go through Jinja's own extractor (``babel.cfg``).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Mapping
from typing import IO, Any

from babel.messages.extract import extract_python as _extract_python

LOCALE_FIRST = frozenset({"gettext", "ngettext", "pgettext", "npgettext"})

Found = tuple[int, str, Any, list[str]]


def extract_python(
    fileobj: IO[bytes],
    keywords: Mapping[str, Any],
    comment_tags: Collection[str],
    options: Mapping[str, Any],
) -> Iterator[Found]:
    found: Iterable[Any] = _extract_python(fileobj, keywords, comment_tags, options)  # type: ignore[arg-type]
    for lineno, funcname, messages, comments in found:
        if funcname in LOCALE_FIRST and isinstance(messages, tuple):
            messages = messages[1:]
        yield lineno, funcname, messages, comments

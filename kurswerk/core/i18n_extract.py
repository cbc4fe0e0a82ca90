"""Message ids for ``pybabel extract`` (``babel.cfg`` names these extractors).

Kurswerk's Python calls take the locale first (``i18n.gettext(locale, "Abmelden")``), the
templates' do not (``_("Abmelden")``). ``extract_python`` reads Python files as Babel's own
extractor does and drops that first argument, so one set of keywords (Babel's defaults)
serves both.

TRANSITION: while rooms still look their texts up by dotted key (``*messages.py``, see
``kurswerk.core.i18n``), both extractors leave such keys (``coaching.quota.unlimited``) out of the
catalog; the filter goes with the last of those modules.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Iterator, Mapping
from typing import IO, Any

from babel.messages.extract import extract_python as _extract_python
from jinja2.ext import babel_extract

LOCALE_FIRST = frozenset({"gettext", "ngettext", "pgettext", "npgettext"})
LEGACY_KEY = re.compile(r"[a-z][a-z0-9_]*(\.[a-z0-9_]+)+")

Found = tuple[int, str, Any, list[str]]


def _without_legacy_keys(found: Iterable[Found]) -> Iterator[Found]:
    for lineno, funcname, messages, comments in found:
        texts = messages if isinstance(messages, tuple) else (messages,)
        if not any(isinstance(text, str) and LEGACY_KEY.fullmatch(text) for text in texts):
            yield lineno, funcname, messages, comments


def extract_python(
    fileobj: IO[bytes],
    keywords: Mapping[str, Any],
    comment_tags: Collection[str],
    options: Mapping[str, Any],
) -> Iterator[Found]:
    found: Iterable[Any] = _extract_python(fileobj, keywords, comment_tags, options)  # type: ignore[arg-type]
    for lineno, funcname, messages, comments in _without_legacy_keys(found):
        if funcname in LOCALE_FIRST and isinstance(messages, tuple):
            messages = messages[1:]
        yield lineno, funcname, messages, comments


def extract_jinja2(
    fileobj: IO[bytes],
    keywords: Mapping[str, Any],
    comment_tags: Collection[str],
    options: Mapping[str, Any],
) -> Iterator[Found]:
    found = babel_extract(fileobj, list(keywords), list(comment_tags), dict(options))  # type: ignore[arg-type]
    yield from _without_legacy_keys(found)

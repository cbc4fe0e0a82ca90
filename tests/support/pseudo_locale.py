"""A pseudo-locale made from ``messages.pot`` at test time, and a check that a page's text
all went through the catalog.

Every message of the pseudo-locale (``qps``) is the German text with accented letters,
wrapped in ``⟦…⟧``; placeholders, markup and entities stay intact. A page rendered in it
shows any text that did not come from the catalog as plain letters outside the brackets:
``unwrapped_text`` lists those.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from kurswerk.core import i18n
from kurswerk.core.i18n import DOMAIN, LOCALE_DIR

PSEUDO = "qps"
_KEEP = re.compile(r"%\([A-Za-z_][A-Za-z0-9_]*\)[sdfr]|%%|<[^>]*>|&[#A-Za-z0-9]+;")
_ACCENTED = str.maketrans(
    "AaCcEeGgIiKkLlNnOoRrSsTtUuYyZz",
    "ÀàÇçÉéĞğÎîǨǩĽľÑñÖöŘřŠšŢţÜüÝýŽž",
)


def pseudo(text: str) -> str:
    """``Abmelden %(name)s`` → ``⟦Àbɱéľðéñ %(name)s⟧`` (placeholders, tags kept)."""
    parts, last = [], 0
    for kept in _KEEP.finditer(text):
        parts += [text[last : kept.start()].translate(_ACCENTED), kept.group()]
        last = kept.end()
    parts.append(text[last:].translate(_ACCENTED))
    return "⟦" + "".join(parts) + "⟧"


def build(folder: Path) -> Path:
    """A locale folder with the real compiled catalogs plus the pseudo-locale's."""
    for mo in LOCALE_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.mo"):
        target = folder / mo.relative_to(LOCALE_DIR)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(mo, target)
    with (LOCALE_DIR / f"{DOMAIN}.pot").open("rb") as template:
        source = read_po(template)
    catalog = Catalog(locale="en")  # English plural rule: one form and the other
    for message in source:
        if not message.id:
            continue
        if isinstance(message.id, tuple | list):
            translation: str | tuple[str, str] = (pseudo(message.id[0]), pseudo(message.id[1]))
        else:
            translation = pseudo(message.id)
        catalog.add(message.id, translation, context=message.context)
    target = folder / PSEUDO / "LC_MESSAGES" / f"{DOMAIN}.mo"
    target.parent.mkdir(parents=True)
    with target.open("wb") as out:
        write_mo(out, catalog)
    return folder


@pytest.fixture
def pseudo_catalogs(tmp_path: Path) -> Iterator[str]:
    """The catalogs with the pseudo-locale added, for one test; its code."""
    i18n.use_locale_dir(build(tmp_path))
    try:
        yield PSEUDO
    finally:
        i18n.use_locale_dir(LOCALE_DIR)


_WRAPPED = re.compile(r"⟦[^⟦⟧]*⟧")
_LETTER = re.compile(r"[^\W\d_]")
_SKIPPED = {"script", "style"}
_SHOWN_ATTRIBUTES = ("title", "aria-label", "placeholder", "alt")


class _Texts(HTMLParser):
    """Visible texts, except inside ``<script>``/``<style>``, ``translate="no"`` and an
    element in another language than the page (``lang``: a language's own name)."""

    _VOID = frozenset(
        {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}
    )

    def __init__(self) -> None:
        super().__init__()
        self.page_lang = ""
        self.stack: list[tuple[str, bool]] = []  # open elements: is their content exempt?
        self.texts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "html":
            self.page_lang = values.get("lang") or ""
        exempt = (
            (bool(self.stack) and self.stack[-1][1])
            or tag in _SKIPPED
            or values.get("translate") == "no"
            or (tag != "html" and values.get("lang") not in (None, self.page_lang))
        )
        if not exempt:
            self.texts += [values[name] or "" for name in _SHOWN_ATTRIBUTES if name in values]
        if tag not in self._VOID:
            self.stack.append((tag, exempt))

    def handle_endtag(self, tag: str) -> None:
        open_tags = [name for name, _ in self.stack]
        if tag in open_tags:  # closes it and whatever was left open inside it
            del self.stack[len(open_tags) - 1 - open_tags[::-1].index(tag) :]

    def handle_data(self, data: str) -> None:
        if not (self.stack and self.stack[-1][1]):
            self.texts.append(data)


def unwrapped_text(html: str, data: tuple[str, ...] = ()) -> list[str]:
    """The visible texts of ``html`` that hold letters outside the pseudo-locale's ``⟦…⟧``,
    apart from ``data``: values that are not texts of Kurswerk (names, addresses, codes)."""
    parser = _Texts()
    parser.feed(html)
    found = []
    for text in parser.texts:
        rest = text
        for value in sorted(data, key=len, reverse=True):
            rest = rest.replace(value, " ")
        while _WRAPPED.search(rest):
            rest = _WRAPPED.sub(" ", rest)
        if _LETTER.search(rest):
            found.append(" ".join(text.split()))
    return found

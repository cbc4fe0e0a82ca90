"""Every text a template writes itself goes through the catalog: what is left of a
template once its Jinja tags, expressions, comments and {% trans %} blocks are taken out
holds no words, neither between tags nor in the attributes people read (title, alt,
aria-label, placeholder). The pseudo-locale tests check the rendered pages; this checks
every template, also the branches those pages do not reach."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = sorted(
    path
    for package in ("kurswerk", "lti", "course", "coaching", "uploads", "feedback")
    for path in (ROOT / package).rglob("templates/**/*")
    if path.suffix in {".html", ".txt"} and "devplatform" not in path.parts
)
JINJA = re.compile(
    r"\{%[-+]?\s*trans\b.*?\{%[-+]?\s*endtrans\s*[-+]?%\}|\{#.*?#\}|\{\{.*?\}\}|\{%.*?%\}",
    re.S,
)
ATTRIBUTE_TEXT = re.compile(r"[\w-]+=\"[^\"]*\"")
"""A macro that writes attributes (``aria-invalid="true"``) leaves them as text here."""
TECHNICAL = re.compile(r"[a-z]+(-[a-z]+)+")
"""A lower-case hyphenated value (``same-origin``): a keyword of HTML, not a word."""
READ_ATTRIBUTES = {"title", "alt", "aria-label", "placeholder"}
NOT_WORDS = {"Kurswerk", "PDF", "LMS", "FAQ", "CSV", "LTI", "E-Mail", "OK"}
"""Names the same in every language (the product, formats, acronyms)."""


class _Words(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.words: list[str] = []
        self._skip = 0
        self._skipped: list[str] = []

    def handle_starttag(self, tag, attrs):
        # scripts, styles and what the page marks as not to translate (a file's sample)
        if tag in {"script", "style"} or ("translate", "no") in attrs:
            self._skip += 1
            self._skipped.append(tag)
        for name, value in attrs:
            if name in READ_ATTRIBUTES and value:
                self._add(value)

    def handle_endtag(self, tag):
        if self._skipped and self._skipped[-1] == tag:
            self._skipped.pop()
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self._add(data)

    def _add(self, text: str) -> None:
        for word in re.findall(r"[^\W\d_][\w\-]*", ATTRIBUTE_TEXT.sub(" ", text)):
            if word not in NOT_WORDS and not TECHNICAL.fullmatch(word):
                self.words.append(word)


def words_outside_the_catalog(source: str) -> list[str]:
    parser = _Words()
    parser.feed(JINJA.sub(" ", source))
    return parser.words


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_a_template_writes_no_words_of_its_own(path: Path):
    assert words_outside_the_catalog(path.read_text(encoding="utf-8")) == []


def test_the_check_finds_a_word_outside_the_catalog():
    assert words_outside_the_catalog('<p title="Hilfe">{{ _("Ja") }} oder</p>') == [
        "Hilfe",
        "oder",
    ]
    assert words_outside_the_catalog("{% trans %}Hallo{% endtrans +%} {# Notiz #}") == []
    assert words_outside_the_catalog('<pre translate="no">name,email</pre> <b>fett</b>') == ["fett"]

"""Fuzz the Markdown sanitiser (``kurswerk/core/usertext.py``): text in, HTML out with no active
content - or a finding.

    .venv/bin/python -m fuzz.usertext fuzz/corpus/usertext -max_total_time=45

The oracle (:func:`check_markdown`) parses the HTML :func:`render_markdown` returns and
fails on anything a browser could run or load: a tag outside ``ALLOWED_TAGS`` (so no
``script``, ``style``, ``iframe``, ``object``, ``embed``, ``img``, ``svg``, ``form``...), an
attribute outside ``ALLOWED_ATTRIBUTES`` (so no ``on*`` handler, no ``style``), a link
whose scheme is not http/https/mailto after the clean-up a browser does to a URL
(``java\\tscript:`` is ``javascript:``), a link without our ``rel``, a comment, a doctype or
a processing instruction. Independently of that parser, every ``<`` in the output must
open or close an allowed tag, so that a difference between Python's HTML parser and a
browser's cannot hide a tag. :func:`plain_text` and :func:`markdown_text` run on the same
text and must not raise. Input bytes are read as UTF-8 (invalid bytes replaced).
"""

from __future__ import annotations

import re
import sys
from html.parser import HTMLParser

from fuzz import instrument_modules
from kurswerk.core.usertext import (
    ALLOWED_ATTRIBUTES,
    ALLOWED_SCHEMES,
    ALLOWED_TAGS,
    LINK_REL,
    markdown_text,
    plain_text,
    render_markdown,
)

_URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "poster", "data"}
_SCHEME = re.compile(r"([a-zA-Z][a-zA-Z0-9+.\-]*):")
_TAG_OPEN = re.compile(r"<(/?)([a-zA-Z0-9]+)[\s/>]")
_C0_AND_SPACE = "".join(chr(code) for code in range(0x21))


class ActiveContent(AssertionError):
    """The sanitiser let something active through (a finding)."""


def browser_url(value: str) -> str:
    """A URL attribute as a browser reads it (WHATWG URL parser): leading and trailing C0
    controls and spaces dropped, tabs and newlines removed anywhere."""
    return value.strip(_C0_AND_SPACE).replace("\t", "").replace("\n", "").replace("\r", "")


class _Inspector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ALLOWED_TAGS:
            self.problems.append(f"tag <{tag}>")
        allowed = ALLOWED_ATTRIBUTES.get(tag, set()) | ({"rel"} if tag == "a" else set())
        for name, value in attrs:
            if name not in allowed or name.startswith("on"):
                self.problems.append(f"attribute {name}= on <{tag}>")
            if name in _URL_ATTRIBUTES:
                scheme = _SCHEME.match(browser_url(value or ""))
                if scheme and scheme.group(1).lower() not in ALLOWED_SCHEMES:
                    self.problems.append(f"URL scheme {scheme.group(1)!r} in {name}=")
        if tag == "a" and dict(attrs).get("rel") != LINK_REL:
            self.problems.append(f"link rel {dict(attrs).get('rel')!r}")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag not in ALLOWED_TAGS:
            self.problems.append(f"end tag </{tag}>")

    def handle_comment(self, data: str) -> None:
        self.problems.append("comment")

    def handle_decl(self, decl: str) -> None:
        self.problems.append(f"declaration {decl[:20]!r}")

    def handle_pi(self, data: str) -> None:
        self.problems.append("processing instruction")

    def unknown_decl(self, data: str) -> None:
        self.problems.append(f"declaration {data[:20]!r}")


def active_content(html: str) -> list[str]:
    """What in ``html`` a browser could run or load beyond our allow-list (empty: nothing)."""
    inspector = _Inspector()
    inspector.feed(html)
    inspector.close()
    problems = inspector.problems
    for at in (match.start() for match in re.finditer("<", html)):
        opened = _TAG_OPEN.match(html, at)
        if not opened or opened.group(2).lower() not in ALLOWED_TAGS:
            problems.append(f"raw '<' at {at}: {html[at : at + 20]!r}")
    return problems


def check_markdown(text: str) -> None:
    """Raise :class:`ActiveContent` if the rendered ``text`` carries active content."""
    html = str(render_markdown(text))
    problems = active_content(html)
    if problems:
        raise ActiveContent(f"{problems[:5]} in {html[:300]!r}")
    plain_text(text)
    markdown_text(text)


def fuzz_one_input(data: bytes) -> None:
    check_markdown(data.decode("utf-8", errors="replace"))


def main() -> None:
    import atheris

    instrument_modules("kurswerk.core.usertext", "markdown_it", "mdit_py_plugins", "fuzz.usertext")
    atheris.Setup(sys.argv, fuzz_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()

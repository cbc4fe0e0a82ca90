"""Course Markdown: CommonMark plus two blocks, rendered once at load time and sanitised.

What authors write (the full guide is ``content/README.md``)::

    ## Grundlagen                          parts and sections: ## to ######
    ::: arbeitsschritt leistungen-pruefen  a work step; the word after it is its id
    Prüfen Sie, wie ...
    :::
    ::: prozessschritt                     a process-step card: a list of "Label: text"
    - Aufgabe: ...                         (Aufgabe, Beteiligte, Vorgehensweise, Ergebnis
    - Beteiligte: ...                       are required; "Beispiel einer Arbeitsvorlage",
    - Vorgehensweise: ...                   "Beispiele Arbeitsvorlagen", "Arbeitsvorlage"
    - Ergebnis: ...                         name the worksheet template)
    - Beispiel einer Arbeitsvorlage: [Übersicht](vorlage:uebersicht)
    :::

Links may point to ``#anchor`` (on the same page), ``vorlage:<slug>`` (a worksheet of
this lesson), ``uebung:<slug>`` (an exercise of this lesson; ``uebung:<slug>?branche=<industry>``
with that industry chosen), ``lektion:<slug>``, ``lektuere:<slug>`` (further reading),
``hilfe:<rung>`` (a rung of the help ladder: ``faq``, ``forum``, ``kursleitung``,
``sprechstunde``), or ``http(s)://`` / ``mailto:``. Internal targets are written as
``kurswerk:<path>`` in the stored HTML; pages turn them into real URLs (with the context
and the page token) when they show them (``course.content.links``). Raw HTML in Markdown is not
interpreted (it shows as text), and the result passes nh3 anyway: defence in depth.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

import nh3
from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.anchors import anchors_plugin
from mdit_py_plugins.container import container_plugin

from course.content.links import INTERNAL_SCHEME, links_rule
from course.content.markdown_rules import (
    SLUG_PATTERN,
    Reference,
    RenderState,
    inline_text,
    matching_close,
    parts_rule,
    render_block,
    structure_rule,
)

__all__ = [
    "INTERNAL_SCHEME",
    "SLUG_PATTERN",
    "WORDS_PER_MINUTE",
    "Block",
    "Reference",
    "Rendered",
    "reading_minutes",
    "render",
    "sanitize",
    "slugify",
]

WORDS_PER_MINUTE = 220
"""German non-fiction read silently; calibrated so the owner's "ca. 18 Minuten" for the
lesson "Kundenbeziehungen" comes out as 18 when computed from its text."""

TOC_LEVELS = (2, 3)
RESERVED_IDS = frozenset({"main", "lang-select"})
PAGE_ID_PREFIX = "kw-"
"""Ids the page templates use start with this; content ids never do."""

_TRANSLITERATE = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})

ALLOWED_TAGS = {
    "a", "abbr", "blockquote", "br", "cite", "code", "dd", "div", "dl", "dt", "em",
    "h2", "h3", "h4", "h5", "h6", "hr", "li", "ol", "p", "pre", "q", "section", "span",
    "strong", "sub", "sup", "table", "tbody", "td", "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "*": {"id", "class", "lang"},
    "a": {"href", "target", "hreflang"},
    "section": {"aria-labelledby"},
    "ol": {"start"},
    "th": {"scope"},
}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto", INTERNAL_SCHEME.rstrip(":")}


def slugify(text: str) -> str:
    """An ASCII id for a heading: ``Übungen`` -> ``uebungen``."""
    text = unicodedata.normalize("NFKD", text.lower().translate(_TRANSLITERATE))
    slug = re.sub(r"[^a-z0-9]+", "-", text.encode("ascii", "ignore").decode()).strip("-")
    if not slug:
        return "abschnitt"
    if slug in RESERVED_IDS or slug.startswith(PAGE_ID_PREFIX):
        return f"abschnitt-{slug}"
    return slug


def reading_minutes(word_count: int) -> int:
    """Reading time in whole minutes (at least 1 for any text)."""
    return max(1, math.ceil(word_count / WORDS_PER_MINUTE)) if word_count else 0


def sanitize(fragment: str) -> str:
    """Keep only the tags, attributes and URL schemes our renderer produces."""
    return nh3.clean(
        fragment,
        tags=ALLOWED_TAGS,
        clean_content_tags={"script", "style"},
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer",
    )


@dataclass
class Block:
    """One ``::: arbeitsschritt`` or ``::: prozessschritt`` block of a document."""

    kind: str
    name: str
    element_id: str
    section_title: str
    section_id: str
    line: int
    html: str = ""
    """Work step: its body. Process step: the whole card, its heading at level 2."""
    items: tuple[tuple[str, str, str], ...] = ()
    """Process step: (role, label as written, plain text) of each item, in order; the
    roles are ``task``, ``participants``, ``approach``, ``result`` and ``worksheet``."""


@dataclass
class Rendered:
    html: str = ""
    toc: list[dict[str, Any]] = field(default_factory=list)
    word_count: int = 0
    blocks: list[Block] = field(default_factory=list)
    references: list[Reference] = field(default_factory=list)
    ids: set[str] = field(default_factory=set)
    problems: list[tuple[int, str]] = field(default_factory=list)

    @property
    def reading_minutes(self) -> int:
        return reading_minutes(self.word_count)

    def block(self, kind: str, name: str) -> Block | None:
        return next((b for b in self.blocks if b.kind == kind and b.name == name), None)


def _build_parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "typographer": False})
    md.use(anchors_plugin, min_level=1, max_level=6, slug_func=slugify)
    md.use(container_plugin, name="block", validate=lambda _params, *_: True)
    md.add_render_rule("container_block_open", render_block)
    md.add_render_rule("container_block_close", render_block)
    md.core.ruler.push("kw_structure", structure_rule)
    md.core.ruler.push("kw_links", links_rule)
    md.core.ruler.push("kw_parts", parts_rule)
    return md


_md = _build_parser()


def render(
    text: str, *, first_line: int = 1, lesson: str | None = None, parts: bool = True
) -> Rendered:
    """Render one document (a lesson or reading body, or a short task text).

    ``first_line`` is the file line the text starts on, so problems name file lines.
    """
    st = RenderState(first_line=first_line, lesson=lesson, wrap_parts=parts)
    env: dict[str, Any] = {"kw": st}
    tokens = _md.parse(text, env)
    result = Rendered(problems=st.problems, references=st.references)
    result.html = sanitize(_md.renderer.render(tokens, _md.options, env))
    for index, token in enumerate(tokens):
        if token.type == "inline":
            result.word_count += sum(
                len(child.content.split())
                for child in token.children or ()
                if child.type in ("text", "code_inline")
            )
        element_id = token.attrGet("id")
        if element_id:
            _add_id(result, st, token, str(element_id))
        if token.type == "heading_open" and int(token.tag[1]) in TOC_LEVELS:
            title = inline_text(tokens[index + 1])
            _add_toc(result.toc, int(token.tag[1]), str(element_id), title)
        if token.type == "container_block_open" and token.meta.get("kind"):
            block = _block(tokens, index, env)
            if block.element_id in result.ids:
                st.problem(token, f"duplicate id '{block.element_id}': give the block its own id")
            result.ids.add(block.element_id)
            result.blocks.append(block)
    return result


def _add_id(result: Rendered, st: RenderState, token: Token, element_id: str) -> None:
    if element_id in result.ids:
        st.problem(token, f"duplicate id '{element_id}'")
    result.ids.add(element_id)


def _add_toc(toc: list[dict[str, Any]], level: int, element_id: str, title: str) -> None:
    entry = {"id": element_id, "title": title, "level": level, "children": []}
    if level > TOC_LEVELS[0] and toc:
        toc[-1]["children"].append(entry)
    else:
        toc.append(entry)


def _block(tokens: list[Token], index: int, env: dict[str, Any]) -> Block:
    meta = tokens[index].meta
    close = matching_close(tokens, index)
    if meta["kind"] == "arbeitsschritt":
        fragment = _md.renderer.render(tokens[index + 1 : close], _md.options, env)
    else:
        # Standalone (worksheet page): the card's heading sits right below the page's h1.
        standalone = dict(meta, level=2)
        tokens[index].meta = tokens[close].meta = standalone
        fragment = _md.renderer.render(tokens[index : close + 1], _md.options, env)
        tokens[index].meta = tokens[close].meta = meta
    return Block(
        kind=meta["kind"],
        name=meta["name"],
        element_id=meta["element_id"],
        section_title=meta["section_title"],
        section_id=meta["section_id"],
        line=meta["line"],
        html=sanitize(fragment),
        items=tuple(meta.get("items", ())),
    )

"""Markdown written by people (forum posts, FAQ answers, feedback), rendered safely.

Two layers, because either alone has failed somewhere before:
1. markdown-it-py in CommonMark mode with raw HTML *disabled*: ``<script>`` typed into a
   post is text, not markup;
2. nh3 (the Rust ``ammonia`` sanitiser) over the result with an allow-list of tags and
   attributes, URL schemes limited to http, https and mailto (no ``javascript:``,
   ``data:``, ``vbscript:``), no ``style`` or event-handler attributes, and every link
   given ``rel="nofollow noopener noreferrer ugc"`` and ``target`` removed.

Images are not allowed: a user image is a tracking pixel or a broken layout in an LMS
iframe, and they are not needed for written feedback or questions.
"""

from __future__ import annotations

import html

import nh3
from markdown_it import MarkdownIt
from markdown_it.token import Token
from markupsafe import Markup

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "code", "pre", "blockquote", "ul", "ol", "li",
    "a", "h3", "h4", "h5", "h6", "hr", "table", "thead", "tbody", "tr", "th", "td", "del",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}, "th": {"align"}, "td": {"align"}}
ALLOWED_SCHEMES = {"http", "https", "mailto"}
LINK_REL = "nofollow noopener noreferrer ugc"

# ``breaks``: a line break typed inside a paragraph stays a line break ("Viele Grüße⏎Tom"),
# as people writing feedback, answers and posts expect; a blank line still starts a new
# paragraph.
_markdown = MarkdownIt(
    "commonmark", {"html": False, "linkify": False, "typographer": False, "breaks": True}
)
_markdown.enable(["table", "strikethrough"])
# Headings in user text start below the page's own h1/h2 (h1 -> h3 ... capped at h6).


def _shifted(tag: str) -> str:
    return f"h{min(6, int(tag[1]) + 2)}"


_markdown.add_render_rule(
    "heading_open", lambda _self, tokens, idx, _o, _e: f"<{_shifted(tokens[idx].tag)}>"
)
_markdown.add_render_rule(
    "heading_close", lambda _self, tokens, idx, _o, _e: f"</{_shifted(tokens[idx].tag)}>"
)


def sanitise_html(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_SCHEMES,
        link_rel=LINK_REL,
        strip_comments=True,
    )


def render_markdown(text: str) -> Markup:
    """User Markdown to safe HTML, ready for a template (already escaped/sanitised)."""
    return Markup(sanitise_html(_markdown.render(text or "")))  # noqa: S704 - sanitised


def plain_text(text: str) -> str:
    """The words of user Markdown without markup, for search and previews (mails use
    :func:`markdown_text`, which keeps the shape)."""
    return html.unescape(nh3.clean(_markdown.render(text or ""), tags=set())).strip()


# --- Markdown as readable plain text --------------------------------------------------

_TEXT_SCHEMES = ("http://", "https://")


def _inline_text(token: Token) -> str:
    """The words of one inline run: emphasis dropped, a link's address after its text
    (http/https only, and only where the text does not already say it)."""
    parts: list[str] = []
    link: tuple[str, int] | None = None  # (href, where its text starts)
    for child in token.children or ():
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append("\n")  # a typed line break is kept, as in the HTML
        elif child.type == "image":
            parts.append(child.content)
        elif child.type == "link_open":
            link = (str(child.attrGet("href") or ""), len(parts))
        elif child.type == "link_close" and link is not None:
            href, start = link
            label = "".join(parts[start:])
            if href.lower().startswith(_TEXT_SCHEMES) and href not in label:
                parts.append(f" ({href})")
            link = None
    return "".join(parts).strip()


def markdown_text(text: str) -> str:
    """User Markdown as plain text that keeps its shape: one paragraph or heading per
    block with a blank line between, list items as ``– item`` or ``1. item`` (nested
    ones indented), quotes as ``> ``, table rows as ``cell | cell``, code as written.
    Parsed by the same markdown-it-py parser as :func:`render_markdown`, so what counts
    as a list or a heading is what the HTML shows, and a typed line break stays one. The
    one rendering for every place that takes no HTML: the text part of every mail and
    the comment of an LMS gradebook."""
    lines: list[str] = []
    lists: list[list[int]] = []  # per open list: [ordered (0/1), next number]
    marker = ""  # the list marker still to be put before the item's first line
    quote = 0
    tight = False  # the paragraph now open is one of a tight list: no blank line
    row: list[str] | None = None
    rows = 0  # rows of the table now open
    list_start = False  # the next block is the first of a (top-level) list
    last_quote = 0  # the quote depth of the block emitted last

    def emit(block: str, *, spaced: bool) -> None:
        nonlocal marker, list_start, last_quote
        if lines and (spaced or list_start):
            lines.append(">" * min(quote, last_quote))
        list_start, last_quote = False, quote
        indent = "   " * max(0, len(lists) - 1)
        for n, line in enumerate(block.split("\n")):
            lead = marker if n == 0 else " " * len(marker) if lists else ""
            lines.append("> " * quote + indent + lead + line)
        marker = ""

    for token in _markdown.parse(text or ""):
        kind = token.type
        if kind in ("bullet_list_open", "ordered_list_open"):
            lists.append([int(kind == "ordered_list_open"), int(token.attrGet("start") or 1)])
            list_start = len(lists) == 1
        elif kind in ("bullet_list_close", "ordered_list_close"):
            lists.pop()
        elif kind == "list_item_open":
            ordered, number = lists[-1]
            marker = f"{number}. " if ordered else "– "
            lists[-1][1] = number + 1
        elif kind == "blockquote_open":
            quote += 1
        elif kind == "blockquote_close":
            quote -= 1
        elif kind in ("paragraph_open", "heading_open"):
            tight = token.hidden
        elif kind == "table_open":
            rows = 0
        elif kind == "tr_open":
            row = []
        elif kind == "tr_close" and row is not None:
            emit(" | ".join(row), spaced=rows == 0)
            row, rows = None, rows + 1
        elif kind == "inline" and row is not None:
            row.append(_inline_text(token))
        elif kind == "inline" and (words := _inline_text(token)):
            emit(words, spaced=not tight)
        elif kind in ("code_block", "fence"):
            emit(token.content.rstrip("\n"), spaced=True)
    return "\n".join(line.rstrip() for line in lines).strip()

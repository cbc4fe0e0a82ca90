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
from markupsafe import Markup

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "code", "pre", "blockquote", "ul", "ol", "li",
    "a", "h3", "h4", "h5", "h6", "hr", "table", "thead", "tbody", "tr", "th", "td", "del",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}, "th": {"align"}, "td": {"align"}}
ALLOWED_SCHEMES = {"http", "https", "mailto"}
LINK_REL = "nofollow noopener noreferrer ugc"

_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
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
    """The words of user Markdown without markup (for emails' text part and previews)."""
    return html.unescape(nh3.clean(_markdown.render(text or ""), tags=set())).strip()

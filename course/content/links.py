"""The link targets of course Markdown, as a markdown-it core rule: every link is classified
(see ``course.content.markdown`` for what authors write). Internal references are recorded
for the checks across files and rewritten to ``kurswerk:<path>`` (below ``/c/{context}/``);
a help rung to ``kurswerk:hilfe/<rung>/<lesson>``, which each page resolves for its
reader's LMS course; external links open in a new window.

Problems are recorded with file lines in the render state (``env["kw"]``).
"""

from __future__ import annotations

from markdown_it.rules_core import StateCore
from markdown_it.token import Token

from course.content.markdown_rules import SLUG_PATTERN, Reference, RenderState

INTERNAL_SCHEME = "kurswerk:"
EXTERNAL_SCHEMES = ("http://", "https://", "mailto:")
REFERENCE_SCHEMES = {
    "vorlage": "worksheet",
    "uebung": "exercise",
    "lektion": "lesson",
    "lektuere": "reading",
}
HELP_SCHEME = "hilfe"
HELP_RUNGS = ("faq", "forum", "kursleitung", "sprechstunde")
"""The rungs of the help ladder a lesson links to as ``hilfe:<rung>``: its FAQ, its forum,
the question to the course lead and the office hour. Each page resolves them for its
reader's LMS course (``course.help_rungs``)."""
HELP_PATH = "hilfe/"
"""A rung's stored link is ``kurswerk:hilfe/<rung>/<lesson>``: not a page path."""
INDUSTRY_QUERY = "branche"
"""``uebung:<slug>?branche=<industry>``: the exercise with that industry chosen."""


def links_rule(state: StateCore) -> None:
    """Classify every link: internal references are recorded and rewritten, external
    links open in a new window (the LMS iframe may not be allowed to show them)."""
    st: RenderState = state.env["kw"]
    block_id, anchor = "", ""
    for token in state.tokens:
        if token.type == "heading_open":
            anchor = str(token.attrGet("id") or "")
        elif token.type == "container_block_open" and token.meta.get("kind"):
            block_id = token.meta["element_id"]
        elif token.type == "container_block_close":
            block_id = ""
        if token.type != "inline":
            continue
        for child in token.children or ():
            if child.type == "image":
                st.problem(token, "images are not supported in course text")
            if child.type != "link_open":
                continue
            href = str(child.attrGet("href") or "")
            _classify_link(st, token, child, href, block_id or anchor, block_id)


def _classify_link(
    st: RenderState, where: Token, link: Token, href: str, anchor: str, block_id: str
) -> None:
    line = st.line(where)
    if href.startswith("#"):
        st.references.append(Reference("fragment", href[1:], line, anchor, block_id))
        return
    if href.startswith(EXTERNAL_SCHEMES):
        if href.startswith(("http://", "https://")):
            link.attrSet("target", "_blank")
        return
    scheme, colon, target = href.partition(":")
    if scheme == HELP_SCHEME and colon:
        _help_link(st, link, href, target, line, anchor, block_id)
        return
    kind = REFERENCE_SCHEMES.get(scheme)
    if kind is None or not colon:
        st.problems.append(
            (
                line,
                f"link target '{href}' is not allowed: use http(s)://, mailto:, #anchor, "
                + ", ".join(f"{s}:<slug>" for s in REFERENCE_SCHEMES)
                + f", {HELP_SCHEME}:<rung>",
            )
        )
        link.attrSet("href", "#")
        return
    target, question, query = target.partition("?")
    industry: str | None = ""
    if question:
        industry = _industry_of(st, href, kind, query, line)
    if industry is None:
        link.attrSet("href", "#")
        return
    if not SLUG_PATTERN.match(target):
        st.problems.append((line, f"'{href}': '{target}' is not a slug (a-z, 0-9, -)"))
        link.attrSet("href", "#")
        return
    if kind in ("worksheet", "exercise") and st.lesson is None:
        st.problems.append((line, f"'{scheme}:' links work only inside a lesson"))
        link.attrSet("href", "#")
        return
    st.references.append(Reference(kind, target, line, anchor, block_id, industry))
    path = internal_path(kind, target, st.lesson)
    link.attrSet("href", INTERNAL_SCHEME + (f"{path}?industry={industry}" if industry else path))


def _industry_of(st: RenderState, href: str, kind: str, query: str, line: int) -> str | None:
    """The industry of ``uebung:<slug>?branche=<industry>``; None (a problem recorded) for
    any other query."""
    name, equals, industry = query.partition("=")
    if kind != "exercise" or name != INDUSTRY_QUERY or not equals:
        st.problems.append(
            (line, f"'{href}': only an exercise link takes a query, '?{INDUSTRY_QUERY}=<industry>'")
        )
        return None
    if not SLUG_PATTERN.match(industry):
        st.problems.append((line, f"'{href}': industry '{industry}' is not a slug (a-z, 0-9, -)"))
        return None
    return industry


def _help_link(
    st: RenderState, link: Token, href: str, rung: str, line: int, anchor: str, block_id: str
) -> None:
    """``hilfe:<rung>``: a rung of the help ladder, resolved per LMS course when shown."""
    if rung not in HELP_RUNGS:
        st.problems.append(
            (
                line,
                f"'{href}': there is no help rung '{rung}': use "
                + ", ".join(f"{HELP_SCHEME}:{r}" for r in HELP_RUNGS),
            )
        )
        link.attrSet("href", "#")
        return
    if st.lesson is None:
        st.problems.append((line, f"'{HELP_SCHEME}:' links work only inside a lesson"))
        link.attrSet("href", "#")
        return
    st.references.append(Reference("help", rung, line, anchor, block_id))
    link.attrSet("href", f"{INTERNAL_SCHEME}{HELP_PATH}{rung}/{st.lesson}")


def internal_path(kind: str, target: str, lesson: str | None) -> str:
    """The path (below ``/c/{context}/``) of an internal reference."""
    if kind == "lesson":
        return f"lessons/{target}"
    if kind == "reading":
        return f"reading/{target}"
    folder = "worksheets" if kind == "worksheet" else "exercises"
    return f"lessons/{lesson}/{folder}/{target}"

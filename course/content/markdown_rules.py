"""The syntax rules of course Markdown, as markdown-it core rules (see ``course.content.markdown``
for what authors write): headings in order, the ``::: arbeitsschritt`` and
``::: prozessschritt`` blocks, process-step items as a definition list, and the ``##``
parts wrapped in labelled sections (link targets: ``course.content.links``).

Each rule records problems with file lines in the render state (``env["kw"]``).
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from markdown_it.rules_core import StateCore
from markdown_it.token import Token

SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
BLOCK_KINDS = ("arbeitsschritt", "prozessschritt")
BLOCK_TITLES = {"arbeitsschritt": "Arbeitsschritt", "prozessschritt": "Prozessschritt"}
# Longest first: "Beispiel einer Arbeitsvorlage" must win over "Arbeitsvorlage".
PROCESS_LABELS: tuple[tuple[str, str], ...] = (
    ("Beispiel einer Arbeitsvorlage", "worksheet"),
    ("Beispiele Arbeitsvorlagen", "worksheet"),
    ("Vorgehensweise", "approach"),
    ("Arbeitsvorlagen", "worksheet"),
    ("Arbeitsvorlage", "worksheet"),
    ("Beteiligte", "participants"),
    ("Ergebnis", "result"),
    ("Aufgabe", "task"),
)
PROCESS_REQUIRED = ("Aufgabe", "Beteiligte", "Vorgehensweise", "Ergebnis")
_REQUIRED_ROLES = {"task": "Aufgabe", "participants": "Beteiligte"}
_REQUIRED_ROLES |= {"approach": "Vorgehensweise", "result": "Ergebnis"}


@dataclass
class Reference:
    """A link to something else in the course, checked after all files are read."""

    kind: str  # worksheet | exercise | lesson | reading | fragment | help
    target: str
    line: int
    anchor: str = ""
    """Where it stands: the enclosing block's id, else the section heading's id."""
    block_id: str = ""
    industry: str = ""
    """An exercise link's chosen industry (``?branche=``), else empty."""


@dataclass
class RenderState:
    first_line: int
    lesson: str | None
    wrap_parts: bool
    problems: list[tuple[int, str]] = field(default_factory=list)
    references: list[Reference] = field(default_factory=list)

    def line(self, token: Token) -> int:
        return self.first_line + (token.map[0] if token.map else 0)

    def problem(self, token: Token, message: str) -> None:
        self.problems.append((self.line(token), message))


def inline_text(token: Token) -> str:
    return "".join(
        child.content for child in token.children or () if child.type in ("text", "code_inline")
    )


def plain_text(token: Token) -> str:
    """An inline token's text as a reader sees it: markup dropped, line breaks as spaces."""
    pieces = []
    for child in token.children or ():
        if child.type in ("text", "code_inline"):
            pieces.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            pieces.append(" ")
    return " ".join("".join(pieces).split())


def matching_close(tokens: Sequence[Token], open_index: int) -> int:
    depth = 0
    for index in range(open_index, len(tokens)):
        if tokens[index].type == "container_block_open":
            depth += 1
        elif tokens[index].type == "container_block_close":
            depth -= 1
            if depth == 0:
                return index
    return len(tokens) - 1


def structure_rule(state: StateCore) -> None:
    """Check headings, give blocks their kind/id/heading level, turn process steps into
    definition lists."""
    st: RenderState = state.env["kw"]
    tokens = state.tokens
    out: list[Token] = []
    level, section_title, section_id = 1, "", ""
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if token.type == "heading_open" and token.level == 0:
            new_level = int(token.tag[1])
            if new_level == 1:
                st.problem(token, "heading level 1 ('# ') is the page title: start at '## '")
            elif new_level > level + 1:
                st.problem(
                    token,
                    f"heading level {new_level} follows level {level}: do not skip levels",
                )
            level = max(new_level, 2)
            section_title = inline_text(tokens[index + 1])
            section_id = str(token.attrGet("id") or "")
        elif token.type == "heading_open":
            st.problem(token, "headings are not allowed inside a block")
        if token.type != "container_block_open":
            out.append(token)
            index += 1
            continue
        close = matching_close(tokens, index)
        words = token.info.split()
        kind = words[0] if words else ""
        name = words[1] if len(words) > 1 else ""
        meta: dict[str, Any] = {"kind": None}
        if kind not in BLOCK_KINDS:
            st.problem(
                token,
                f"unknown block type '{kind}': use one of {', '.join(BLOCK_KINDS)}"
                if kind
                else "a ':::' line without a block type (or a stray closing ':::')",
            )
        elif len(words) > 2 or (name and not SLUG_PATTERN.match(name)):
            st.problem(token, f"block id '{' '.join(words[1:])}' must be one slug (a-z, 0-9, -)")
        elif kind == "arbeitsschritt" and not name:
            st.problem(token, "a work step needs an id: '::: arbeitsschritt <id>'")
        else:
            element_id = f"{kind}-{name or section_id or 'ohne-abschnitt'}"
            meta = {
                "kind": kind,
                "name": name or element_id,
                "element_id": element_id,
                "level": min(level + 1, 6),
                "section_title": section_title,
                "section_id": section_id,
                "line": st.line(token),
            }
        token.meta = meta
        tokens[close].meta = meta
        inner = tokens[index + 1 : close]
        if meta["kind"] == "prozessschritt":
            inner = _process_step_tokens(st, token, inner)
        elif meta["kind"] == "arbeitsschritt" and not any(t.type == "inline" for t in inner):
            st.problem(token, "the work step is empty")
        out.append(token)
        out.extend(inner)
        out.append(tokens[close])
        index = close + 1
    state.tokens = out


def _process_step_tokens(st: RenderState, opener: Token, inner: list[Token]) -> list[Token]:
    """``- Label: text`` items -> ``<dl>`` rows; the label text is kept as written. Each
    item's role, label and plain text go to ``opener.meta["items"]`` (a worksheet built
    from the step reads its task and result there)."""
    top = [t for t in inner if t.level == opener.level + 1]
    if not top or top[0].type != "bullet_list_open" or top[-1].type != "bullet_list_close":
        st.problem(opener, "a process step holds one list of 'Label: text' items, nothing else")
        return inner
    if len(top) != 2:
        st.problem(opener, "a process step holds one list of 'Label: text' items, nothing else")
        return inner
    result = [Token("kw_dl_open", "dl", 1, block=True)]
    result[0].attrSet("class", "process-step__fields")
    seen: list[str] = []
    for token in inner[1:-1]:
        if token.type == "list_item_open":
            row = Token("kw_row_open", "div", 1, block=True)
            row.attrSet("class", "process-step__row")
            result.append(row)
        elif token.type == "list_item_close":
            result.append(Token("kw_row_close", "div", -1, block=True))
        elif token.type in ("paragraph_open", "paragraph_close") and token.hidden:
            continue
        elif token.type == "inline" and token.level == opener.level + 4:
            label, role = _split_label(token)
            if label is None:
                st.problem(
                    token,
                    "process step item must start with one of: "
                    + ", ".join(name for name, _ in PROCESS_LABELS),
                )
                label = ""
            else:
                seen.append(role)
                opener.meta.setdefault("items", []).append((role, label, plain_text(token)))
            term = Token("inline", "", 0, content=label, children=[Token("text", "", 0)])
            assert term.children is not None
            term.children[0].content = label
            result += [
                Token("kw_dt_open", "dt", 1),
                term,
                Token("kw_dt_close", "dt", -1, block=True),
                Token("kw_dd_open", "dd", 1),
                token,
                Token("kw_dd_close", "dd", -1, block=True),
            ]
        else:
            st.problem(token, "a process step item holds one line of text")
    result.append(Token("kw_dl_close", "dl", -1, block=True))
    missing = [label for role, label in _REQUIRED_ROLES.items() if role not in seen]
    if missing:
        st.problem(opener, f"process step lacks: {', '.join(missing)}")
    return result


def _split_label(inline: Token) -> tuple[str | None, str]:
    """Cut the label off the item's first text; the colon is optional (the owner once
    wrote "Beispiel einer Arbeitsvorlage für ..." without one)."""
    children = inline.children or []
    if not children or children[0].type != "text":
        return None, ""
    first = children[0]
    for label, role in PROCESS_LABELS:
        rest = first.content[len(label) :]
        if first.content.startswith(label) and (not rest or rest[0] in ": "):
            first.content = rest[1:].lstrip() if rest.startswith(":") else rest.lstrip()
            if not first.content:
                inline.children = children[1:]
            return label, role
    return None, ""


def parts_rule(state: StateCore) -> None:
    """Wrap each ``##`` part (Grundlagen, Anwendung, Übungen) in a labelled section."""
    st: RenderState = state.env["kw"]
    if not st.wrap_parts:
        return
    out: list[Token] = []
    open_part = False
    for token in state.tokens:
        if token.type == "heading_open" and token.tag == "h2" and token.level == 0:
            if open_part:
                out.append(Token("kw_part_close", "section", -1, block=True))
            part = Token("kw_part_open", "section", 1, block=True)
            part.attrSet("class", "lesson-part")
            part.attrSet("aria-labelledby", str(token.attrGet("id")))
            out.append(part)
            open_part = True
        out.append(token)
    if open_part:
        out.append(Token("kw_part_close", "section", -1, block=True))
    state.tokens = out


def render_block(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    token = tokens[idx]
    meta = token.meta or {}
    kind = meta.get("kind")
    if kind is None:
        return "<div>\n" if token.nesting == 1 else "</div>\n"
    if token.nesting == -1:
        return "</div>\n</div>\n" if kind == "arbeitsschritt" else "</div>\n"
    level = int(meta["level"])
    element_id = html.escape(meta["element_id"])
    title = BLOCK_TITLES[kind]
    if kind == "arbeitsschritt":
        return (
            f'<div class="work-step" id="{element_id}">\n'
            f'<h{level} class="work-step__title">{title}</h{level}>\n'
            '<div class="work-step__body">\n'
        )
    section = html.escape(meta["section_title"])
    hidden = f'<span class="visually-hidden">: {section}</span>' if section else ""
    return (
        f'<div class="process-step" id="{element_id}">\n'
        f'<h{level} class="process-step__title">{title}{hidden}</h{level}>\n'
    )

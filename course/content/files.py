"""Reading one content file: text, YAML with lines, front matter, typed fields. Every
problem is recorded with the file and the line it is about."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from frontmatter.default_handlers import YAMLHandler

from course.content import yaml_lines
from course.content.markdown import Rendered
from course.content.markdown_rules import SLUG_PATTERN
from course.content.model import ContentTree, Problem
from course.content.yaml_lines import LineList, LineMap, YamlError

MAX_FILE_BYTES = 2 * 1024 * 1024
_URL = re.compile(r"^https?://[^\s/$.?#][^\s]*$")


class SourceFile:
    """Problems and typed field access for one file."""

    def __init__(self, tree: ContentTree, path: Path) -> None:
        self.tree = tree
        self.path = str(path)

    def problem(self, line: int, message: str) -> None:
        self.tree.problems.append(Problem(self.path, line, message))

    def mapping(self, value: Any, line: int, what: str) -> LineMap | None:
        if isinstance(value, LineMap):
            return value
        self.problem(line, f"{what} must be a mapping of 'key: value' lines")
        return None

    def keys(self, data: LineMap, allowed: set[str], what: str) -> None:
        for key in data:
            if key not in allowed:
                known = ", ".join(sorted(allowed))
                self.problem(data.line_of(key), f"unknown key '{key}' in {what} (known: {known})")

    def entries(
        self,
        data: LineMap,
        key: str,
        allowed: set[str],
        what: str,
        *,
        required: bool = True,
        non_empty: bool = False,
    ) -> list[LineMap]:
        """The mappings listed under ``key``, each checked for unknown keys (``what`` names
        one in the message). A problem, and none, when ``key`` holds no list (when it is
        missing only if ``required``; an empty list too if ``non_empty``); an item that is
        no mapping is a problem and left out."""
        raw = data.get(key, None if required else [])
        if not isinstance(raw, list) or (non_empty and not raw):
            kind = "a non-empty list" if non_empty else "a list"
            self.problem(data.line_of(key), f"'{key}' must be {kind}")
            return []
        result = []
        for index, item in enumerate(raw):
            entry = self.mapping(item, data.line_of(key), f"{key}[{index}]")
            if entry is not None:
                self.keys(entry, allowed, what)
                result.append(entry)
        return result

    def text(self, data: LineMap, key: str, *, required: bool = True, limit: int = 300) -> str:
        value = data.get(key)
        if value is None:
            if required:
                self.problem(data.line, f"missing key '{key}'")
            return ""
        if not isinstance(value, str) or not value.strip():
            self.problem(data.line_of(key), f"'{key}' must be non-empty text")
            return ""
        if len(value) > limit:
            self.problem(data.line_of(key), f"'{key}' is longer than {limit} characters")
        return value.strip()

    def slug(self, data: LineMap, key: str, *, required: bool = True) -> str:
        value = self.text(data, key, required=required, limit=100)
        if value and not SLUG_PATTERN.match(value):
            self.problem(data.line_of(key), f"'{key}: {value}' is not a slug (a-z, 0-9, -)")
            return ""
        return value

    def url(self, data: LineMap, key: str) -> str | None:
        value = self.text(data, key, required=False, limit=500)
        if value and not _URL.match(value):
            self.problem(data.line_of(key), f"'{key}' must be an http(s) URL")
            return None
        return value or None

    def slug_list(self, data: LineMap, key: str) -> list[tuple[str, int]]:
        value = data.get(key, [])
        if not isinstance(value, list):
            self.problem(data.line_of(key), f"'{key}' must be a list")
            return []
        result = []
        for index, item in enumerate(value):
            line = value.line_of(index) if isinstance(value, LineList) else data.line_of(key)
            if not isinstance(item, str) or not SLUG_PATTERN.match(item):
                self.problem(line, f"'{item}' in '{key}' is not a slug (a-z, 0-9, -)")
            else:
                result.append((item, line))
        return result

    def read(self, path: Path) -> str | None:
        try:
            if path.stat().st_size > MAX_FILE_BYTES:
                self.problem(1, f"file is larger than {MAX_FILE_BYTES // 1024} KiB")
                return None
            return path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            self.problem(1, "file is not UTF-8 text")
        except OSError as exc:
            self.problem(1, f"cannot read file: {exc.strerror}")
        return None

    def yaml(self, text: str, first_line: int = 1) -> Any:
        try:
            return yaml_lines.load(text, first_line)
        except YamlError as exc:
            self.problem(exc.line, exc.message)
            return None

    def yaml_file(self, path: Path, allowed: set[str], what: str) -> LineMap | None:
        """The mapping a YAML file holds, checked for unknown keys (``what`` names the file
        in the message); ``None`` (and a problem) when it cannot be read or is no mapping."""
        text = self.read(path)
        raw = self.yaml(text) if text is not None else None
        data = self.mapping(raw, 1, path.name) if raw is not None else None
        if data is not None:
            self.keys(data, allowed, what)
        return data

    def front_matter(self, path: Path) -> tuple[LineMap, str, int, int] | None:
        """(front matter, body, body's first line, closing '---' line) of a Markdown file."""
        text = self.read(path)
        if text is None:
            return None
        boundaries = list(YAMLHandler.FM_BOUNDARY.finditer(text))
        if not YAMLHandler().detect(text) or len(boundaries) < 2 or boundaries[0].start() != 0:
            self.problem(1, "missing front matter: start the file with '---', YAML, '---'")
            return None
        start, end = boundaries[0], boundaries[1]
        meta = self.yaml(text[start.end() : end.start()], text.count("\n", 0, start.end()) + 1)
        if meta is None:
            return None
        data = self.mapping(meta, 2, "front matter")
        if data is None:
            return None
        body_line = text.count("\n", 0, end.end()) + 1
        return data, text[end.end() :], body_line, text.count("\n", 0, end.start()) + 1

    def rendered(self, rendered: Rendered) -> Rendered:
        for line, message in rendered.problems:
            self.problem(line, message)
        return rendered

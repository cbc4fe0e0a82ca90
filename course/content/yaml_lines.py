"""YAML that remembers where each value came from, so content problems can name a line.

``load(text, first_line)`` returns plain dicts, lists and scalars, except that mappings
are :class:`LineMap` (``.line`` and ``.line_of(key)``) and sequences are
:class:`LineList` (``.line`` and ``.line_of(index)``). Lines are 1-based file lines:
``first_line`` is the file line the YAML text starts on (2 for front matter after ``---``).
Duplicate keys are an error (PyYAML would silently keep the last one).
"""

from __future__ import annotations

from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, SequenceNode


class LineMap(dict[str, Any]):
    line: int = 0

    def __init__(self, line: int) -> None:
        super().__init__()
        self.line = line
        self.key_lines: dict[str, int] = {}

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


class LineList(list[Any]):
    line: int = 0

    def __init__(self, line: int) -> None:
        super().__init__()
        self.line = line
        self.item_lines: list[int] = []

    def line_of(self, index: int) -> int:
        return self.item_lines[index] if index < len(self.item_lines) else self.line


class YamlError(ValueError):
    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


def _loader_class(first_line: int) -> type[yaml.SafeLoader]:
    offset = first_line - 1

    class Loader(yaml.SafeLoader):
        pass

    def line(node: Node) -> int:
        return int(node.start_mark.line) + 1 + offset

    def construct_mapping(loader: yaml.SafeLoader, node: MappingNode) -> LineMap:
        loader.flatten_mapping(node)
        result = LineMap(line(node))
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            if not isinstance(key, str):
                raise YamlError(line(key_node), f"keys must be text, not {key!r}")
            if key in result:
                raise YamlError(line(key_node), f"duplicate key '{key}'")
            result[key] = loader.construct_object(value_node, deep=True)
            result.key_lines[key] = line(key_node)
        return result

    def construct_sequence(loader: yaml.SafeLoader, node: SequenceNode) -> LineList:
        result = LineList(line(node))
        for child in node.value:
            result.append(loader.construct_object(child, deep=True))
            result.item_lines.append(line(child))
        return result

    Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, construct_mapping)
    Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, construct_sequence)
    return Loader


def load(text: str, first_line: int = 1) -> Any:
    """Parse one YAML document; raise :class:`YamlError` with the file line on failure."""
    try:
        return yaml.load(text, Loader=_loader_class(first_line))  # noqa: S506 - SafeLoader subclass
    except YamlError:
        raise
    except yaml.MarkedYAMLError as exc:
        # The context (e.g. "while parsing a flow sequence") starts where the author erred;
        # the problem mark is where the parser gave up, often a line later.
        mark = exc.context_mark or exc.problem_mark
        at = (mark.line + first_line) if mark is not None else first_line
        message = f"invalid YAML: {exc.problem or exc}"
        if exc.context and exc.problem_mark is not None:
            message += f" ({exc.context}; noticed at line {exc.problem_mark.line + first_line})"
        raise YamlError(at, message) from exc
    except yaml.YAMLError as exc:
        raise YamlError(first_line, f"invalid YAML: {exc}") from exc

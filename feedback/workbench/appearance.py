"""Appearance streams of the annotations the writer adds: how each looks, drawn once,
so that a viewer that does not draw annotations itself (or draws them its own way)
shows what the tutor saw. Each function returns a :class:`Form` (the form XObject's box,
matrix, resources and content) in the page's user space.

* highlight - the rectangles filled in the colour, blended with ``Multiply`` so the text
  below stays readable (black stays black);
* note - a 20 x 20 pt speech bubble in the colour (the text opens on click);
* freetext - the text in Helvetica (WinAnsi: a character outside it shows as "?"; the
  ``/Contents`` keeps the full text), wrapped to the box and cut at its bottom. On a
  rotated page the form is turned against the page's ``/Rotate`` so that the text reads
  upright as the page is shown (the box is the page's, the lines run across it as
  displayed);
* ink - the paths stroked with round caps and joins (a single point is a dot).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from pikepdf import String
from reportlab.pdfbase.pdfmetrics import stringWidth

FONT = "Helvetica"
NOTE_SIZE = 20.0
_PAD = 2.0
_LEADING = 1.2
_ASCENT = 0.718  # Helvetica's ascender, in units of the font size
_ROTATION = {0: (1, 0, 0, 1), 90: (0, 1, -1, 0), 180: (-1, 0, 0, -1), 270: (0, -1, 1, 0)}

Box = tuple[float, float, float, float]


@dataclass(frozen=True)
class Form:
    bbox: Box
    content: bytes
    matrix: tuple[float, ...] = (1, 0, 0, 1, 0, 0)
    multiply: bool = False  # needs the ExtGState /GS0 (blend mode Multiply)
    font: bool = False  # needs the font /Helv


def rgb(color: str) -> tuple[float, float, float]:
    """``#rrggbb`` as three numbers from 0 to 1."""
    return tuple(round(int(color[i : i + 2], 16) / 255, 4) for i in (1, 3, 5))  # type: ignore[return-value]


def _n(value: float) -> bytes:
    """A number as content streams write it: short, no exponent."""
    text = f"{value:.3f}".rstrip("0").rstrip(".")
    return (text if text not in ("", "-0") else "0").encode()


def _ops(*parts: float | bytes | str) -> bytes:
    return b" ".join(
        _n(p) if isinstance(p, int | float) else str(p).encode() if isinstance(p, str) else p
        for p in parts
    )


def union(boxes: Iterable[Box], grow: float = 0.0) -> Box:
    x0s, y0s, x1s, y1s = zip(*boxes, strict=True)
    return (min(x0s) - grow, min(y0s) - grow, max(x1s) + grow, max(y1s) + grow)


def highlight(rects: Sequence[Box], color: str) -> Form:
    r, g, b = rgb(color)
    lines = [b"/GS0 gs", _ops(r, g, b, "rg")]
    lines += [_ops(x0, y0, x1 - x0, y1 - y0, "re") for x0, y0, x1, y1 in rects]
    lines.append(b"f")
    return Form(bbox=union(rects), content=b"\n".join(lines), multiply=True)


def note_rect(at: tuple[float, float]) -> Box:
    """The icon's box: its upper-left corner at the pin (which ``NoRotate`` keeps)."""
    x, y = at
    return (x, y - NOTE_SIZE, x + NOTE_SIZE, y)


def note(at: tuple[float, float], color: str) -> Form:
    x0, y0, x1, y1 = note_rect(at)
    r, g, b = rgb(color)
    content = b"\n".join(
        [
            _ops(r, g, b, "rg", 0.2, 0.2, 0.2, "RG", 1, "w", 1, "j"),
            _ops(x0 + 1, y0 + 6, 18, 13, "re"),  # the bubble
            _ops(x0 + 4, y0 + 6, "m", x0 + 3, y0 + 1, "l", x0 + 9, y0 + 6, "l"),  # its tail
            b"b",
            _ops(0.2, 0.2, 0.2, "RG", 1, "w"),
            *(_ops(x0 + 4, y, "m", x0 + 16, y, "l", "S") for y in (y0 + 15, y0 + 12, y0 + 9)),
        ]
    )
    return Form(bbox=(x0, y0, x1, y1), content=content)


def wrap(text: str, size: float, width: float) -> list[str]:
    """``text`` in lines no wider than ``width`` at ``size`` pt (breaking at spaces,
    inside a word only if the word alone is too wide)."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for word in paragraph.split(" "):
            candidate = f"{line} {word}" if line else word
            if stringWidth(candidate, FONT, size) <= width or not line and not word:
                line = candidate
                continue
            if line:
                lines.append(line)
            line = ""
            while stringWidth(word, FONT, size) > width and len(word) > 1:
                cut = len(word) - 1
                while cut > 1 and stringWidth(word[:cut], FONT, size) > width:
                    cut -= 1
                lines.append(word[:cut])
                word = word[cut:]
            line = word
        lines.append(line)
    return lines


def _win_ansi(line: str) -> bytes:
    return bytes(String(line.encode("cp1252", errors="replace")).unparse())


def freetext(rect: Box, text: str, size: float, color: str, rotate: int) -> Form:
    x0, y0, x1, y1 = rect
    width, height = (y1 - y0, x1 - x0) if rotate in (90, 270) else (x1 - x0, y1 - y0)
    r, g, b = rgb(color)
    lines = wrap(text, size, max(width - 2 * _PAD, size))
    fits = max(1, int((height - 2 * _PAD - _ASCENT * size) // (size * _LEADING)) + 1)
    parts = [
        b"/Tx BMC q",
        _ops(0, 0, width, height, "re", "W", "n"),
        _ops("BT /Helv", size, "Tf", r, g, b, "rg", size * _LEADING, "TL"),
        _ops(_PAD, height - _PAD - _ASCENT * size, "Td"),
    ]
    for number, line in enumerate(lines[:fits]):
        parts.append((b"T* " if number else b"") + _win_ansi(line) + b" Tj")
    parts.append(b"ET Q EMC")
    a, b_, c, d = _ROTATION.get(rotate, _ROTATION[0])
    return Form(
        bbox=(0, 0, width, height),
        content=b"\n".join(parts),
        matrix=(a, b_, c, d, 0, 0),
        font=True,
    )


def default_appearance(size: float, color: str) -> str:
    """The ``/DA`` of a free text: font, size and colour, for viewers that redraw it."""
    r, g, b = rgb(color)
    return _ops("/Helv", size, "Tf", r, g, b, "rg").decode()


def ink(paths: Sequence[Sequence[tuple[float, float]]], color: str, width: float) -> Form:
    r, g, b = rgb(color)
    parts = [_ops(r, g, b, "RG", width, "w", 1, "J", 1, "j")]
    for path in paths:
        (x, y), rest = path[0], path[1:] or path[:1]
        parts.append(_ops(x, y, "m") + b" " + b" ".join(_ops(px, py, "l") for px, py in rest))
    parts.append(b"S")
    boxes = [(x, y, x, y) for path in paths for x, y in path]
    return Form(bbox=union(boxes, grow=width / 2 + 1), content=b"\n".join(parts))

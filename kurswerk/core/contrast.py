"""Colour contrast as WCAG 2.1 defines it (relative luminance, contrast ratio), for colours
written ``#rrggbb``: the course's accent is checked with it when the course is loaded."""

from __future__ import annotations

import re

HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
AA_TEXT = 4.5
"""The least contrast WCAG 2.1 AA asks of normal-size text (1.4.3)."""
WHITE = "#ffffff"


def is_hex_colour(value: str) -> bool:
    return bool(HEX_COLOUR.match(value))


def relative_luminance(colour: str) -> float:
    """0.0 (black) to 1.0 (white); ``colour`` is ``#rrggbb``."""
    if not is_hex_colour(colour):
        raise ValueError(f"not a #rrggbb colour: {colour!r}")
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(first: str, second: str) -> float:
    """From 1.0 (the same) to 21.0 (black on white), either order."""
    light, dark = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)

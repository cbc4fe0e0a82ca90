"""The name a browser sends with a file, made safe to show (never used as a path: objects
are stored under their content hash)."""

from __future__ import annotations

import unicodedata

MAX_DISPLAY_NAME = 120
FALLBACK_DISPLAY_NAME = "dokument.pdf"


def display_name(raw: str) -> str:
    """The browser's file name made safe to show: last path segment only, Unicode NFKC,
    no control/format characters (bidi overrides, zero-width), white-space collapsed,
    no leading/trailing dots, at most ``MAX_DISPLAY_NAME`` characters (extension kept)."""
    name = unicodedata.normalize("NFKC", raw)
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = " ".join(name.split()).strip(" .")
    if len(name) > MAX_DISPLAY_NAME:
        stem, dot, extension = name.rpartition(".")
        if dot and 0 < len(extension) <= 10:
            name = f"{stem[: MAX_DISPLAY_NAME - len(extension) - 2]}….{extension}"
        else:
            name = name[: MAX_DISPLAY_NAME - 1] + "…"
    return name or FALLBACK_DISPLAY_NAME

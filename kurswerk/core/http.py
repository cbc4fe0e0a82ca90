"""HTTP header values the domains share."""

from __future__ import annotations

import re
import unicodedata
from typing import Literal
from urllib.parse import quote

_ASCII_UNSAFE = re.compile(r"[^A-Za-z0-9._ -]+")


def content_disposition(
    kind: Literal["inline", "attachment"], name: str, *, suffix: str = "", default: str = "download"
) -> str:
    """``inline|attachment; filename="ascii"; filename*=UTF-8''percent-encoded`` (RFC 6266,
    RFC 5987).

    The UTF-8 form carries the real ``name``; the ASCII fallback is for old clients: the
    name's letters without their accents, every run of other characters (quotes,
    backslashes, ``;``, line breaks, letters with no ASCII form dropped) as one ``_``,
    ``default`` when nothing is left. With a ``suffix`` (``.pdf``) both names end in it.
    """
    if suffix and not name.lower().endswith(suffix):
        name += suffix
    fallback = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    fallback = _ASCII_UNSAFE.sub("_", fallback).strip(" ._") or default
    if suffix and not fallback.lower().endswith(suffix):
        fallback += suffix
    return f"{kind}; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"

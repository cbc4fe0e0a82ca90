"""A course's own look, from its ``course.yaml`` (all optional):

* ``accent: "#1d5fa6"`` - the colour of links, buttons and figures on its pages. Written
  in quotes (YAML reads ``#`` as the start of a comment). White text on it and it on white
  must reach 4.5:1 (WCAG 2.1 AA): a paler colour is a problem that names the file, the
  line and the ratio, and the course is not loaded.
* ``logo: logo.svg`` - a file in the course's folder (SVG, PNG or WebP, at most
  :data:`MAX_LOGO_BYTES`), shown in the header of the course's pages, and
* ``logo_alt:`` - what the logo says, for people who do not see it (default: the course's
  title).

The logo is kept as a ``data:`` URI (the pages' CSP allows images from ``data:``): small,
so it travels with every page without a request of its own.
"""

from __future__ import annotations

import base64
from pathlib import Path
from xml.etree import ElementTree

from course.content.files import SourceFile
from course.content.model import BrandingSource
from course.content.yaml_lines import LineMap
from kurswerk.core.contrast import AA_TEXT, WHITE, contrast_ratio, is_hex_colour

KEYS = {"accent", "logo", "logo_alt"}
MAX_LOGO_BYTES = 24 * 1024
"""A logo is sent with every page of the course: kept small."""
LOGO_TYPES = {".svg": "image/svg+xml", ".png": "image/png", ".webp": "image/webp"}
_MAGIC = {".png": (b"\x89PNG\r\n\x1a\n",), ".webp": (b"RIFF",)}


def read_branding(f: SourceFile, data: LineMap, folder: Path, title: str) -> BrandingSource:
    """The accent and logo ``course.yaml`` names, each checked; "" for what it leaves out
    or gets wrong (a problem then says what and where)."""
    accent = _accent(f, data)
    logo = _logo(f, data, folder)
    alt = f.text(data, "logo_alt", required=False, limit=200)
    if alt and not logo:
        f.problem(data.line_of("logo_alt"), "'logo_alt' without 'logo': name the logo's file")
    return BrandingSource(accent=accent, logo=logo, logo_alt=(alt or title) if logo else "")


def _accent(f: SourceFile, data: LineMap) -> str:
    if "accent" not in data:
        return ""
    line = data.line_of("accent")
    value = data.get("accent")
    if not isinstance(value, str) or not is_hex_colour(value.strip()):
        f.problem(
            line,
            "'accent' must be a colour written as \"#rrggbb\" in quotes (YAML reads an "
            'unquoted # as a comment), e.g. accent: "#1d5fa6"',
        )
        return ""
    accent = value.strip().lower()
    ratio = contrast_ratio(accent, WHITE)
    if ratio < AA_TEXT:
        f.problem(
            line,
            f"accent {accent} has a contrast ratio of {ratio:.2f}:1 against white; links "
            f"and white button text need at least {AA_TEXT}:1 (WCAG 2.1 AA): choose a "
            "darker colour",
        )
        return ""
    return accent


def _logo(f: SourceFile, data: LineMap, folder: Path) -> str:
    name = f.text(data, "logo", required=False, limit=200)
    if not name:
        return ""
    line = data.line_of("logo")
    path = (folder / name).resolve()
    suffix = path.suffix.lower()
    if not path.is_relative_to(folder.resolve()) or not path.is_file():
        f.problem(line, f"logo '{name}' is not a file in the course's folder")
        return ""
    if suffix not in LOGO_TYPES:
        f.problem(line, f"logo '{name}' must be one of {', '.join(sorted(LOGO_TYPES))}")
        return ""
    content = path.read_bytes()
    if len(content) > MAX_LOGO_BYTES:
        f.problem(
            line, f"logo '{name}' has {len(content)} bytes; at most {MAX_LOGO_BYTES} are allowed"
        )
        return ""
    if not _is_image(content, suffix):
        f.problem(line, f"logo '{name}' is not an {suffix[1:].upper()} image")
        return ""
    return f"data:{LOGO_TYPES[suffix]};base64,{base64.b64encode(content).decode('ascii')}"


def _is_image(content: bytes, suffix: str) -> bool:
    if suffix == ".svg":
        try:
            root = ElementTree.fromstring(content)  # noqa: S314 - the operator's own file
        except ElementTree.ParseError:
            return False
        return root.tag in ("svg", "{http://www.w3.org/2000/svg}svg")
    if suffix == ".webp":
        return content.startswith(b"RIFF") and content[8:12] == b"WEBP"
    return content.startswith(_MAGIC[suffix])

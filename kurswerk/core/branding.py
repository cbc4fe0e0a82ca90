"""A course's own look on its pages: its accent colour and its logo (from the course
files, see ``course.content.branding``).

The shell knows no courses: the composition root fills :data:`COURSE_BRAND` with the
course room's lookup (the course an LMS course is bound to). The pages' CSP allows no
inline style, so the accent reaches a page in its stylesheet: a course with an accent
gets kurswerk.css with one more rule (``:root { --accent: ... }``) at an address that
names kurswerk.css's version and the colour (``/brand/kurswerk-3f2a9c0d1e4b-0b6e79.css``):
still one stylesheet a page (the page weight's request budget, ``bench/page_weight.py``),
and the same file for every page of every course with that colour, kept by the browser
until kurswerk.css changes.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from fastapi import Request
from sqlmodel import Session

from kurswerk.core.auth import Principal
from kurswerk.core.db import new_session
from kurswerk.core.extensions import Slot, extensions
from kurswerk.core.static_files import file_version

STYLESHEET = Path(__file__).resolve().parents[1] / "static" / "kurswerk.css"


@dataclass(frozen=True)
class Brand:
    accent: str
    """``#rrggbb`` (checked for contrast when loaded), or "" for Kurswerk's own accent."""
    logo: str
    """The logo as a ``data:`` URI (small, checked when loaded), or ""."""
    logo_alt: str
    """What the logo says, for people who do not see it."""


class BrandLookup(Protocol):
    """The brand of the course that LMS course ``context_id`` shows, or ``None``."""

    def __call__(self, session: Session, context_id: int, /) -> Brand | None: ...


COURSE_BRAND: Slot[BrandLookup] = Slot("course brand lookup")


BRAND_TTL_SECONDS = 60.0
"""How long a page reuses its LMS course's brand, read once per app and LMS course: a
course's look changes when its files are loaded again, and shows within a minute."""


def page_brand(request: Request, principal: Principal | None) -> Brand | None:
    """The brand of the page's course, or ``None`` off a course (a database read at most
    once a minute per LMS course and app)."""
    if principal is None:
        return None
    known: dict[int, tuple[float, Brand | None]] | None = getattr(
        request.app.state, "course_brands", None
    )
    if known is None:
        known = {}
        request.app.state.course_brands = known
    now = time.monotonic()
    cached = known.get(principal.context_id)
    if cached is not None and now - cached[0] < BRAND_TTL_SECONDS:
        return cached[1]
    lookup = extensions.get(COURSE_BRAND)
    with new_session(request.app.state.engine) as session:
        brand = lookup(session, principal.context_id)
    known[principal.context_id] = (now, brand)
    return brand


def stylesheet_version() -> str:
    version = file_version(STYLESHEET)
    assert version is not None, f"{STYLESHEET} is missing"
    return version


_cache: dict[tuple[str, str, str], str] = {}


def branded_stylesheet(accent: str, static_path: str) -> str:
    """kurswerk.css with ``accent`` as ``--accent``; its own addresses (the font files)
    made absolute under ``static_path`` (``/static/``), since this file is not there. The
    shades of the accent (stronger, softer) are mixed from it in kurswerk.css."""
    key = (stylesheet_version(), accent, static_path)
    if key not in _cache:
        css = STYLESHEET.read_text(encoding="utf-8").replace(
            'url("vendor/', f'url("{static_path}vendor/'
        )
        _cache.clear()
        _cache[key] = (
            f"{css}\n/* The course's accent (course.yaml) */\n:root {{ --accent: {accent}; }}\n"
        )
    return _cache[key]

"""A course's own look on its pages: its accent colour and its logo (from the course
files, see ``course.content.branding``).

The shell knows no courses: the composition root fills :data:`COURSE_BRAND` with the
course room's lookup (the course an LMS course is bound to). The accent reaches the page
as a tiny stylesheet whose address names the colour (``/brand/accent-1d5fa6.css``): the
pages' CSP allows no inline style, and such a file is the same for every page of every
course with that colour, so the browser keeps it (immutable).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from fastapi import Request
from sqlmodel import Session

from kurswerk.core.auth import Principal
from kurswerk.core.db import new_session
from kurswerk.core.extensions import Slot, extensions


@dataclass(frozen=True)
class Brand:
    accent: str
    """``#rrggbb`` (checked for contrast when loaded), or "" for Kurswerk's own accent."""
    logo: str
    """The logo as a ``data:`` URI (small, checked when loaded), or ""."""
    logo_alt: str
    """What the logo says, for people who do not see it."""

    @property
    def accent_stylesheet(self) -> str:
        """The path of the stylesheet that sets ``--accent`` ("" without an accent)."""
        return f"/brand/accent-{self.accent[1:].lower()}.css" if self.accent else ""


class BrandLookup(Protocol):
    """The brand of the course that LMS course ``context_id`` shows, or ``None``."""

    def __call__(self, session: Session, context_id: int, /) -> Brand | None: ...


COURSE_BRAND: Slot[BrandLookup] = Slot("course brand lookup")


def page_brand(request: Request, principal: Principal | None) -> Brand | None:
    """The brand of the page's course (a database read), or ``None`` off a course."""
    if principal is None:
        return None
    lookup = extensions.get(COURSE_BRAND)
    with new_session(request.app.state.engine) as session:
        return lookup(session, principal.context_id)


def accent_css(accent: str) -> str:
    """The brand stylesheet's text; the shades of the accent are mixed from it in
    kurswerk.css."""
    return f":root {{ --accent: {accent}; }}\n"

"""Where a person finds their way back to the LMS: a link on the pages that must send them
there (another person's link refused, signed out).

The shell knows no platforms: the LTI package owns them; the composition root fills
:data:`LMS_HOME` with its lookup.
"""

from __future__ import annotations

from typing import Protocol

from fastapi import Request
from sqlmodel import Session

from kurswerk.core.db import new_session
from kurswerk.core.extensions import Slot, extensions


class LmsHomeLookup(Protocol):
    """The address of a platform's site (an absolute http(s) URL), or ``None``."""

    def __call__(self, session: Session, platform_id: int, /) -> str | None: ...


LMS_HOME: Slot[LmsHomeLookup] = Slot("LMS home lookup")


def lms_home_url(request: Request, platform_id: int | None) -> str | None:
    if platform_id is None:
        return None
    lookup = extensions.get(LMS_HOME)
    with new_session(request.app.state.engine) as session:
        return lookup(session, platform_id)

"""Where a person finds their way back to the LMS: a link on the pages that must send them
there (another person's link refused, signed out).

The shell knows no platforms: the LTI package, which owns them, registers its lookup
(``register_lms_home``) when the app starts. Until one is registered there is no link,
and the pages say in words where to go.
"""

from __future__ import annotations

from typing import Protocol

from fastapi import FastAPI, Request
from sqlmodel import Session

from kurswerk.core.db import new_session

LMS_HOME_ATTR = "lms_home_lookup"


class LmsHomeLookup(Protocol):
    """The address of a platform's site (an absolute http(s) URL), or ``None``."""

    def __call__(self, session: Session, platform_id: int, /) -> str | None: ...


def register_lms_home(app: FastAPI, lookup: LmsHomeLookup) -> None:
    setattr(app.state, LMS_HOME_ATTR, lookup)


def lms_home_url(request: Request, platform_id: int | None) -> str | None:
    lookup: LmsHomeLookup | None = getattr(request.app.state, LMS_HOME_ATTR, None)
    if lookup is None or platform_id is None:
        return None
    with new_session(request.app.state.engine) as session:
        return lookup(session, platform_id)

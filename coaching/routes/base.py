"""The one router of the coaching pages: each page module of ``coaching.routes``
adds its routes to it, and ``coaching.routes`` imports them all (and adds the
audit log and the learner's own page).

One router, not one per module: FastAPI includes a router lazily, so the routes of an
included router are not in the including router's ``routes``, where a domain area's
routes are listed and checked as one set.
"""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()

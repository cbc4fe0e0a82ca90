"""The one router of the lesson forums: each use-case module (``course.forum.web.*``)
adds its routes to it, and ``course.routes`` imports them all and includes it.

One router, not one per module: FastAPI includes a router lazily, so the routes of an
included router are not in the including router's ``routes``, where the forum's routes
are listed and checked as one set (every POST has the CSRF check).
"""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()

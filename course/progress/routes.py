"""The reading position's one route: the lesson page's script reports the heading the
reader reached (``static/reading-position.js``). Without JavaScript nothing posts here;
the lesson page itself records the lesson."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Response

from course.progress import position
from kurswerk.core.auth import ContextPrincipal
from kurswerk.core.clock import utcnow
from kurswerk.core.csrf import CsrfChecked
from kurswerk.core.db import SessionDep

router = APIRouter()


@router.post("/lessons/{slug}/position", name="reading_position", dependencies=[CsrfChecked])
def reading_position(
    principal: ContextPrincipal,
    session: SessionDep,
    slug: str,
    section: Annotated[str, Form(max_length=100)],
) -> Response:
    """Remember ``section`` (a heading of the lesson's table of contents) as where the
    reader is; 204, nothing to show."""
    position.record_section(session, principal, slug, section, utcnow())
    return Response(status_code=204)

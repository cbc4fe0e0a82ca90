"""The end of the lesson page: what other rooms show there, through one slot.

The owner's lesson promises the upload "am Ende der Webseite": ``uploads`` fills
:data:`LESSON_END_PANELS` with its panel (the submission form for package holders, the
offer for everyone else, a note for tutors and admins), which the lesson page shows as
its last section, ``#kw-upload``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from markupsafe import Markup
from sqlalchemy import Connection

from course.views import LessonView
from kurswerk.core.auth import Principal
from kurswerk.core.extensions import Slot, extensions

if TYPE_CHECKING:
    from starlette.requests import Request

LessonEndPanel = Callable[["Request", Connection, Principal, LessonView], Markup | None]
"""``panel(request, connection, principal, view)`` returns safe HTML to show at the end of
the lesson page (the upload of the coaching feature: its form, or the offer), or None to
show nothing. The lesson page is the hot path: the view is the cached lesson, shared by
every reader; the panel reads what it needs for this reader through ``connection``
(read only; on the warm path an autocommit connection without a session), at most one
query."""

LESSON_END_PANELS: Slot[tuple[LessonEndPanel, ...]] = Slot("lesson end panels")
"""The lesson page's closing panels, in order (``uploads`` gives its upload)."""


def lesson_end_panels(
    request: Request, connection: Connection, principal: Principal, view: LessonView
) -> list[Markup]:
    """The HTML of every panel of :data:`LESSON_END_PANELS` that has something to show."""
    shown = []
    for panel in extensions.get(LESSON_END_PANELS):
        html = panel(request, connection, principal, view)
        if html:
            shown.append(html)
    return shown

"""The end of the lesson page: what other rooms show there, through one slot.

The owner's lesson promises the upload "am Ende der Webseite": ``uploads`` fills
:data:`LESSON_END_PANELS` with its panel (the submission form for package holders, the
offer for everyone else, a note for tutors and admins), which the lesson page shows as
its last section, ``#kw-upload``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection

from course.views import LessonView
from kurswerk.core.auth import Principal
from kurswerk.core.extensions import Slot, extensions

if TYPE_CHECKING:
    from starlette.requests import Request


@dataclass(frozen=True)
class EndPanel:
    """What a panel shows at the end of the lesson page: a template of its room, included
    into the page (so it shares the page's context: its links carry the page's token, its
    forms the page's CSRF token), with its values as ``panel.values``."""

    template: str
    values: Mapping[str, Any] = field(default_factory=dict)


LessonEndPanel = Callable[["Request", Connection, Principal, LessonView], EndPanel | None]
"""``panel(request, connection, principal, view)`` returns what to show at the end of the
lesson page (the upload of the coaching feature: its form, or the offer), or None to show
nothing. The lesson page is the hot path: the view is the cached lesson, shared by every
reader; the panel reads what it needs for this reader through ``connection`` (read only;
on the warm path an autocommit connection without a session), at most one query, and is
rendered as part of the page, not as a page of its own."""

LESSON_END_PANELS: Slot[tuple[LessonEndPanel, ...]] = Slot("lesson end panels")
"""The lesson page's closing panels, in order (``uploads`` gives its upload)."""


def lesson_end_panels(
    request: Request, connection: Connection, principal: Principal, view: LessonView
) -> list[EndPanel]:
    """Every panel of :data:`LESSON_END_PANELS` that has something to show."""
    shown = []
    for panel in extensions.get(LESSON_END_PANELS):
        end = panel(request, connection, principal, view)
        if end is not None:
            shown.append(end)
    return shown

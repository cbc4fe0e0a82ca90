"""The course home's panels: what other rooms show there, through one slot.

The course home lists the lessons and links the rooms' pages (``COURSE_HOME_LINKS``). A
room that has more to say to a person on the course home than a link (the tutors' day:
how many submissions wait, how many are overdue, questions and reported posts) gives a
panel through :data:`COURSE_HOME_PANELS`, which the composition root fills; the course
knows none of them. Panels are cards of figures (a number, its label, a line of
context), each a ``section`` with its heading, laid out side by side in ``.dash``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlmodel import Session

from kurswerk.core.auth import Principal
from kurswerk.core.extensions import Slot, extensions

if TYPE_CHECKING:
    from starlette.requests import Request


@dataclass(frozen=True)
class HomePanel:
    """What a panel shows on the course home: a template of its room, included into the
    page (so its links carry the page's token, its forms the page's CSRF token), with its
    values as ``panel.values``."""

    template: str
    values: Mapping[str, Any] = field(default_factory=dict)


CourseHomePanel = Callable[["Request", Session, Principal], HomePanel | None]
"""``panel(request, session, principal)`` returns what to show on the course home for
this person, or None to show nothing (a learner sees no tutor's counts). It reads with
the page's session, a query or two, never one per row."""

COURSE_HOME_PANELS: Slot[tuple[CourseHomePanel, ...]] = Slot("course home panels")
"""The course home's panels, in order, above the lessons: for learners where they left
off and their progress (``course.progress``), their package and submissions
(``uploads``), their next office hour (``coaching``); for tutors and admins the tutors'
day (``feedback``); for admins the packages' use (``coaching``) and the LMS connection's
health (``lti``)."""

PanelValues = Callable[["Request", Session, Principal], Mapping[str, Any] | None]
"""What a room below the course (``lti``) reads for a panel: its values, or None to show
nothing. It knows no :class:`HomePanel`; :func:`templated` makes one of it."""


def templated(template: str, values: PanelValues) -> CourseHomePanel:
    """A panel showing ``template`` with what ``values`` reads (for the composition root:
    a room below the course gives its template and its reader, the course the panel)."""

    def panel(request: Request, session: Session, principal: Principal) -> HomePanel | None:
        found = values(request, session, principal)
        return None if found is None else HomePanel(template, found)

    return panel


def course_home_panels(request: Request, session: Session, principal: Principal) -> list[HomePanel]:
    """Every panel of :data:`COURSE_HOME_PANELS` that has something to show."""
    shown = []
    for panel in extensions.get(COURSE_HOME_PANELS):
        home = panel(request, session, principal)
        if home is not None:
            shown.append(home)
    return shown

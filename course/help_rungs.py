"""The help ladder's rungs as links: a lesson's text writes ``[FAQ](hilfe:faq)``
(``course.content.links``), the help page "Fragen zum Inhalt der Lektion" lists them, and
each page asks this slot where a rung leads for its reader's LMS course.

The rungs' pages live in several rooms (the FAQ, forum and questions to the course lead in
``course``, the office hour in ``coaching``), so the composition root fills
:data:`HELP_RUNGS` with one path function per rung. A rung whose page does not exist (yet)
answers None: the text then shows as plain text, never as a dead link.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from kurswerk.core.extensions import Slot, extensions

RungPath = Callable[[int, str], str | None]
"""``path(context_id, lesson_slug)``: the rung's page for this lesson in this LMS course
(without page token), or None where there is none."""

HELP_RUNGS: Slot[Mapping[str, RungPath]] = Slot("help rungs")
"""The path of each rung ``course.content.links.HELP_RUNGS`` names (``faq``, ``forum``,
``kursleitung``, ``sprechstunde``)."""


def help_rung_path(rung: str, context_id: int, lesson_slug: str) -> str | None:
    """Where ``rung`` leads for ``lesson_slug`` in this LMS course, or None."""
    path = extensions.get(HELP_RUNGS).get(rung)
    return path(context_id, lesson_slug) if path is not None else None

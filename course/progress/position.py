"""Recording where a reader is: the lesson on each view of a lesson page that moves them
to another lesson (``record_lesson``), the section when the page's script reports the
heading the reader reached (``record_section``; the script learns where to report from
``position_panel`` at the end of the lesson page).

Both are one upsert on the reader's row for the LMS course; neither commits.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection
from sqlmodel import Session

from course.binding import active_course, active_lesson
from course.lesson_end import EndPanel
from course.progress.models import ReadingPosition
from course.views import LessonView
from kurswerk.core.auth import Principal
from kurswerk.core.db import upsert
from kurswerk.core.errors import NotFound
from kurswerk.core.i18n import N_

if TYPE_CHECKING:
    from starlette.requests import Request

NO_SUCH_SECTION = N_("Diesen Abschnitt gibt es in der Lektion nicht.")

_KEY = ["user_id", "context_id"]


def _write(
    db: Session | Connection, principal: Principal, lesson_id: int, section: str, now: datetime
) -> None:
    values = {
        "user_id": principal.user_id,
        "context_id": principal.context_id,
        "lesson_id": lesson_id,
        "section": section,
        "updated_at": now,
    }
    statement = upsert(db, ReadingPosition).values(**values)
    statement = statement.on_conflict_do_update(
        index_elements=_KEY,
        set_={"lesson_id": lesson_id, "section": section, "updated_at": now},
    )
    db.execute(statement)


def record_lesson(
    db: Session | Connection, principal: Principal, lesson_id: int, now: datetime
) -> None:
    """The reader opened ``lesson_id`` (a lesson of the course their LMS course shows; the
    lesson page checked that): it becomes their position, from its top."""
    _write(db, principal, lesson_id, "", now)


def toc_ids(toc: Iterable[Mapping[str, Any]]) -> dict[str, str]:
    """The headings of a lesson's table of contents, by id: their titles (both levels)."""
    found: dict[str, str] = {}
    for entry in toc:
        found[str(entry.get("id", ""))] = str(entry.get("title", ""))
        found.update(toc_ids(entry.get("children") or ()))
    return found


def record_section(
    session: Session, principal: Principal, slug: str, section: str, now: datetime
) -> None:
    """The reader reached the heading ``section`` of lesson ``slug``: it becomes their
    position. A lesson not of their course, or a heading not in its table of contents,
    is "not found"."""
    lesson = active_lesson(session, active_course(session, principal.context_id), slug)
    if section not in toc_ids(lesson.toc):
        raise NotFound(NO_SUCH_SECTION, reason=f"no section {section[:40]!r} in {slug!r}")
    assert lesson.id is not None
    _write(session, principal, lesson.id, section, now)


def position_panel(
    request: Request, connection: Connection, principal: Principal, view: LessonView
) -> EndPanel | None:
    """The lesson page's hook for its script (``static/reading-position.js``): where to
    report the heading the reader reached, and which headings count (the table of
    contents'). No query; nothing for a lesson without headings."""
    sections = tuple(toc_ids(view.toc))
    if not sections:
        return None
    return EndPanel("course/_reading_position.html", {"slug": view.slug, "sections": sections})

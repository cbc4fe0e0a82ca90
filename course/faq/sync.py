"""The FAQ files of the course content (``course.content.load.load``) kept in step with the
entries: new file entries are created, changed ones updated, gone ones archived. The file
entries are the course package's and always follow the files; the overrides of LMS
courses that changed or deleted one are theirs and are kept, and the load's report says
so (the ownership rule is in ``course.faq.models``).
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, func, select

from course.content.model import FaqSource
from course.faq.index import add_entry, reindex_entry
from course.faq.models import FaqEntry
from course.faq.source import section_title
from course.forum.models import row_id
from course.models import Lesson
from kurswerk.core.clock import utcnow


def sync_from_content(
    session: Session, lessons: dict[str, Lesson], sources: list[FaqSource], report: Any
) -> None:
    """Load a course's FAQ files (called by ``course.content.load.load``).

    Entries are matched by (lesson, key); the file always wins. Entries gone from the
    files are archived. LMS courses' overrides are left alone: each is counted as kept,
    and the report names the entry and how many LMS courses keep their own version.
    """
    lesson_ids = [row_id(lesson.id) for lesson in lessons.values()]
    rows = {
        (row.lesson_id, row.source_key): row
        for row in session.exec(
            select(FaqEntry).where(
                col(FaqEntry.lesson_id).in_(lesson_ids), col(FaqEntry.source_key).is_not(None)
            )
        ).all()
    }
    overrides = _override_counts(session, [row_id(row.id) for row in rows.values()])
    now = utcnow()
    positions: dict[str, int] = {}
    for source in sources:
        lesson = lessons[source.lesson]
        position = positions.get(source.lesson, 0)
        positions[source.lesson] = position + 10
        section = section_title(lesson.body_html, source.from_lesson) if source.from_lesson else ""
        row = rows.pop((row_id(lesson.id), source.key), None)
        values: dict[str, Any] = {
            "question": source.question,
            "answer": source.answer,
            "position": position,
            "quote_anchor": source.from_lesson,
            "quote_section": section,
        }
        if row is None:
            entry = FaqEntry(
                lesson_id=row_id(lesson.id),
                origin="file",
                source_key=source.key,
                created_at=now,
                updated_at=now,
                **values,
            )
            add_entry(session, entry)
            report.count("faq", "created")
            continue
        _report_kept(report, f"faq {source.lesson}/{source.key}", overrides.get(row_id(row.id)))
        changed = row.archived_at is not None
        row.archived_at = None
        for name, value in values.items():
            if getattr(row, name) != value:
                setattr(row, name, value)
                changed = True
        if changed:
            row.updated_at = now
            session.flush()
            reindex_entry(session, row)
        report.count("faq", "updated" if changed else "unchanged")
    for gone in rows.values():
        what = f"faq entry '{gone.source_key}' (no longer in the files)"
        _report_kept(report, what, overrides.get(row_id(gone.id)))
        if gone.archived_at is None:
            gone.archived_at = now
            session.flush()
            reindex_entry(session, gone)
            report.count("faq", "archived")
    session.flush()


def _override_counts(session: Session, entry_ids: list[int]) -> dict[int, int]:
    """How many LMS courses override each of these file entries."""
    if not entry_ids:
        return {}
    query = (
        select(FaqEntry.overrides_id, func.count())
        .where(col(FaqEntry.overrides_id).in_(entry_ids))
        .group_by(col(FaqEntry.overrides_id))
    )
    return {int(entry_id): int(n) for entry_id, n in session.exec(query).all() if entry_id}


def _report_kept(report: Any, what: str, courses: int | None) -> None:
    """Count and name the LMS courses' own versions of a file entry the load left alone."""
    if not courses:
        return
    report.counts["faq"]["kept"] += courses
    report.note(
        f"{what}: {courses} LMS course(s) changed or deleted it in the tool and keep their "
        f"own version; every other LMS course shows the file's version (an LMS course gets "
        f"it back with 'Dateifassung wiederherstellen')"
    )

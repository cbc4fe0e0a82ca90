"""The FAQ files of the course content (``course.content.load``) kept in step with the
entries: new file entries are created, changed ones updated, gone ones archived; an entry
edited or deleted in the tool keeps its text, and the load's report says so.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, select

from course.faq_index import reindex_entry
from course.faq_models import FaqEntry, utcnow
from course.faq_source import section_title
from course.forum_models import row_id
from course.models import Lesson
from course.source_model import FaqSource


def sync_from_content(
    session: Session, lessons: dict[str, Lesson], sources: list[FaqSource], report: Any
) -> None:
    """Load a course's FAQ files (called by ``course.content.load``).

    Entries are matched by (lesson, key). The file wins unless the entry was edited (or
    deleted) in the tool: then only the file's version is recorded, and the report says
    the entry was kept. Entries gone from the files are archived, unless edited in the
    tool (kept, and reported).
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
            row = FaqEntry(
                lesson_id=row_id(lesson.id),
                origin="file",
                source_key=source.key,
                file_question=source.question,
                file_answer=source.answer,
                created_at=now,
                updated_at=now,
                **values,
            )
            session.add(row)
            session.flush()
            reindex_entry(session, row)
            report.count("faq", "created")
            continue
        row.file_question, row.file_answer = source.question, source.answer
        if row.edited_in_tool_at is not None:
            row.archived_at = None
            report.count("faq", "kept")
            report.note(
                f"faq {source.lesson}/{source.key}: edited in the tool"
                f"{' (deleted there)' if row.deleted_at else ''}; the file's version was not "
                f"applied (restore it in the tool with 'Dateifassung wiederherstellen')"
            )
            continue
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
        if gone.edited_in_tool_at is not None:
            gone.file_question = gone.file_answer = None
            report.count("faq", "kept")
            report.note(
                f"faq entry '{gone.source_key}' is no longer in the files; kept because it "
                f"was edited in the tool"
            )
            continue
        if gone.archived_at is None:
            gone.archived_at = now
            session.flush()
            reindex_entry(session, gone)
            report.count("faq", "archived")
    session.flush()

"""A lesson's ``worksheets:`` (its front matter), read and checked; each problem names the
file and the line (the guide for authors is ``content/README.md``)::

    worksheets:
      - slug: handlungsoptionen                       named in the text as vorlage:<slug>
        title: "Kundenbeziehungen: Handlungsoptionen"
        columns: [Thema, Nutzungsformate, UserNutzen]  the table's headings (optional)
        rows: [Communitys, Mitbeteiligung]             names of its rows, first column (optional)
        blank_rows: 2                                  empty rows (optional)
        fields: [Kundenbeziehung]                      one-line blanks above it (optional)
        file: vorlagen/handlungsoptionen.docx          the owner's own file (optional)

What is left out comes from the defaults of ``course.worksheets.layout``; ``file`` is
relative to the course folder and checked by ``course.worksheets.own_file``.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from sqlmodel import Session, select

from course.content.files import SourceFile
from course.content.markdown import Block
from course.content.model import LessonSource, WorksheetSource
from course.content.yaml_lines import LineList, LineMap
from course.models import Lesson, Worksheet, WorksheetFile
from course.worksheets import layout
from course.worksheets.own_file import OwnFile, OwnFileProblem, read_own_file

ALLOWED = {"slug", "title", "columns", "rows", "blank_rows", "fields", "file"}


def read_worksheets(f: SourceFile, data: LineMap, course_folder: Path) -> list[WorksheetSource]:
    """The worksheets the front matter ``data`` lists (none when it lists none)."""
    worksheets = []
    for entry in f.entries(data, "worksheets", ALLOWED, "a worksheet", required=False):
        columns = _texts(f, entry, "columns", layout.MAX_COLUMNS, layout.COLUMN_LIMIT)
        rows = _texts(f, entry, "rows", layout.MAX_ROWS, layout.ROW_LIMIT)
        fields = _texts(f, entry, "fields", layout.MAX_FIELDS, layout.FIELD_LIMIT)
        blank_rows = _blank_rows(f, entry)
        if rows and len(columns) == 1:
            f.problem(
                entry.line_of("columns"),
                "with 'rows' the first column holds the rows' names: list at least two "
                "columns (the first one's heading, then the ones to fill in)",
            )
        if not rows and blank_rows == 0:
            f.problem(
                entry.line_of("blank_rows"),
                "the table has no rows: list 'rows' or give 'blank_rows' a number above 0",
            )
        worksheets.append(
            WorksheetSource(
                f.slug(entry, "slug"),
                f.text(entry, "title"),
                entry.line,
                columns=columns,
                rows=rows,
                blank_rows=blank_rows,
                fields=fields,
                file=_own_file(f, entry, course_folder),
            )
        )
    return worksheets


def _texts(f: SourceFile, entry: LineMap, key: str, most: int, limit: int) -> list[str]:
    """A list of short, distinct texts (``[]`` when the key is missing)."""
    raw: Any = entry.get(key)
    if raw is None:
        return []
    if not isinstance(raw, list) or not raw:
        f.problem(entry.line_of(key), f"'{key}' must be a non-empty list of texts")
        return []
    if len(raw) > most:
        f.problem(entry.line_of(key), f"'{key}' lists {len(raw)} entries: at most {most}")
    result: list[str] = []
    for index, item in enumerate(raw):
        line = raw.line_of(index) if isinstance(raw, LineList) else entry.line_of(key)
        plain = isinstance(item, str | int | float) and not isinstance(item, bool)
        text = str(item).strip() if plain else ""  # "- 2024" is a name too
        if not text:
            f.problem(line, f"'{key}' entry {index + 1} must be non-empty text")
        elif len(text) > limit:
            f.problem(line, f"'{key}' entry {index + 1} is longer than {limit} characters")
        elif text in result:
            f.problem(line, f"'{key}' lists '{text}' twice")
        else:
            result.append(text)
    return result


def _blank_rows(f: SourceFile, entry: LineMap) -> int | None:
    raw = entry.get("blank_rows")
    if raw is None:
        return None
    if isinstance(raw, bool) or not isinstance(raw, int) or not 0 <= raw <= layout.MAX_ROWS:
        f.problem(
            entry.line_of("blank_rows"),
            f"'blank_rows' must be a whole number from 0 to {layout.MAX_ROWS}",
        )
        return None
    return raw


def _own_file(f: SourceFile, entry: LineMap, course_folder: Path) -> OwnFile | None:
    if "file" not in entry:
        return None
    named = f.text(entry, "file", limit=300)
    if not named:
        return None
    try:
        return read_own_file(course_folder, named)
    except OwnFileProblem as problem:
        f.problem(entry.line_of("file"), str(problem))
        return None


def sync_own_files(
    session: Session, course_id: int, wanted: dict[int, OwnFile | None], now: datetime
) -> None:
    """The course's worksheets' own files (``wanted`` by worksheet id) written when new
    or changed, deleted when the front matter names none (or the worksheet is gone): they
    are pure content, no learner data points at them."""
    query = select(WorksheetFile).join(Worksheet).join(Lesson).where(Lesson.course_id == course_id)
    stored = {row.worksheet_id: row for row in session.exec(query)}
    for worksheet_id, own in wanted.items():
        row = stored.pop(worksheet_id, None)
        if own is None:
            if row is not None:
                session.delete(row)
            continue
        if row is not None and row.sha256 == own.sha256 and row.path == own.path:
            continue
        values: dict[str, Any] = {
            "worksheet_id": worksheet_id,
            "path": own.path,
            "media_type": own.file_type.media_type,
            "extension": own.file_type.extension,
            "size": own.size,
            "sha256": own.sha256,
            "data": own.data,
            "updated_at": now,
        }
        if row is None:
            session.add(WorksheetFile(**values))
        else:
            for name, value in values.items():
                setattr(row, name, value)
    for gone in stored.values():
        session.delete(gone)
    session.flush()


def worksheet_values(
    lesson: LessonSource, lesson_id: int, position: int, sheet: WorksheetSource
) -> dict[str, Any]:
    """The worksheet's row as the loader writes it."""
    anchor, title, items = where_named(lesson, sheet.slug)
    return {
        "lesson_id": lesson_id,
        "slug": sheet.slug,
        "position": position,
        "title": sheet.title,
        "step_anchor": anchor,
        "step_title": title,
        "step_items": items,
        "layout": layout.stored_table(sheet.columns, sheet.rows, sheet.blank_rows, sheet.fields),
    }


def where_named(lesson: LessonSource, slug: str) -> tuple[str, str, list[dict[str, str]]]:
    """Where the text first names the worksheet: (anchor, section title, the process
    step's items)."""
    ref = next(r for r in lesson.rendered.references if r.kind == "worksheet" and r.target == slug)
    block: Block | None = next(
        (b for b in lesson.rendered.blocks if b.element_id == ref.block_id), None
    )
    if block is not None and block.kind == "prozessschritt":
        items = [{"role": role, "label": label, "text": text} for role, label, text in block.items]
        return block.element_id, block.section_title, items
    return ref.anchor, "", []

"""The worksheet page and its downloads, callable without HTTP (nothing here writes): each
looks the worksheet up through the LMS course's bound course and the lesson (another
course's worksheet, an archived or unknown one: "not found"), in the reader's language."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, select

from course.binding import active_course, active_lesson, active_named
from course.models import Course, Lesson, Worksheet, WorksheetFile
from course.views import DownloadView, ItemView, WorksheetPage
from course.worksheets.downloads import FORMATS, template_bytes
from course.worksheets.layout import STEP_LABELS, Sheet, sheet, step_texts, table_for
from kurswerk.core.auth import Principal
from kurswerk.core.errors import NotFound
from kurswerk.core.i18n import N_

NO_SUCH_WORKSHEET = N_("Diese Arbeitsvorlage gibt es nicht (mehr).")
NO_OWN_FILE = N_("Zu dieser Arbeitsvorlage gibt es keine eigene Datei der Kursleitung.")


@dataclass(frozen=True)
class Download:
    """A file to send: its bytes, media type and the name to offer it under."""

    data: bytes
    media_type: str
    filename: str
    extension: str


def _find(
    session: Session, principal: Principal, lesson_slug: str, worksheet_slug: str
) -> tuple[Course, Lesson, Worksheet]:
    course = active_course(session, principal.context_id)
    lesson = active_lesson(session, course, lesson_slug)
    worksheet = active_named(
        session, Worksheet, Worksheet.lesson_id == lesson.id, worksheet_slug, NO_SUCH_WORKSHEET
    )
    return course, lesson, worksheet


def _sheet(course: Course, lesson: Lesson, worksheet: Worksheet, locale: str) -> Sheet:
    return sheet(
        locale=locale,
        language=course.language,
        course_title=course.title,
        lesson_title=lesson.title,
        title=worksheet.title,
        step_title=worksheet.step_title,
        step_items=worksheet.step_items,
        table=worksheet.layout,
    )


def _template(course: Course, lesson: Lesson, worksheet: Worksheet, fmt: str, locale: str) -> bytes:
    assert worksheet.id is not None
    built = _sheet(course, lesson, worksheet, locale)
    return template_bytes(worksheet.id, course.content_version, fmt, built)


def worksheet_page(
    session: Session, principal: Principal, lesson_slug: str, worksheet_slug: str
) -> WorksheetPage:
    course, lesson, worksheet = _find(session, principal, lesson_slug, worksheet_slug)
    own = session.exec(
        select(WorksheetFile.extension, WorksheetFile.size).where(
            WorksheetFile.worksheet_id == worksheet.id
        )
    ).first()
    downloads = [DownloadView("own", own[0], own[1])] if own is not None else []
    for fmt, spec in FORMATS.items():
        data = _template(course, lesson, worksheet, fmt, principal.locale)
        downloads.append(DownloadView(fmt, spec.extension, len(data)))
    return WorksheetPage(
        course_title=course.title,
        language=course.language,
        lesson=ItemView(lesson.slug, lesson.title),
        slug=worksheet.slug,
        title=worksheet.title,
        step_anchor=worksheet.step_anchor,
        step_title=worksheet.step_title,
        step=tuple(step_texts(worksheet.step_items, principal.locale, tuple(STEP_LABELS))),
        table=table_for(worksheet.layout, principal.locale),
        downloads=tuple(downloads),
    )


def template_download(
    session: Session, principal: Principal, lesson_slug: str, worksheet_slug: str, fmt: str
) -> Download:
    """The worksheet's template in ``fmt`` (``docx`` or ``pdf``; another: not found)."""
    spec = FORMATS.get(fmt)
    if spec is None:
        raise NotFound(NO_SUCH_WORKSHEET, reason=f"no template format {fmt!r}")
    course, lesson, worksheet = _find(session, principal, lesson_slug, worksheet_slug)
    data = _template(course, lesson, worksheet, fmt, principal.locale)
    return Download(data, spec.media_type, worksheet.title, spec.extension)


def own_file_download(
    session: Session, principal: Principal, lesson_slug: str, worksheet_slug: str
) -> Download:
    """The owner's own file of the worksheet (none: not found)."""
    _course, _lesson, worksheet = _find(session, principal, lesson_slug, worksheet_slug)
    own = session.exec(
        select(WorksheetFile).where(col(WorksheetFile.worksheet_id) == worksheet.id)
    ).first()
    if own is None:
        raise NotFound(NO_OWN_FILE, reason=f"worksheet {worksheet.id} has no own file")
    return Download(own.data, own.media_type, worksheet.title, own.extension)

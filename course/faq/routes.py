"""The FAQ of a lesson over HTTP, and the page "Fragen zum Inhalt der Lektion" that
leads a learner through the places for questions in the order the lesson gives: re-read
the lesson, the FAQ, the forum, then the lecturer, and the office hour for package
holders. Gives the lesson page's links (``LESSON_LINKS``, for the slot
``course.service.LESSON_LINKS``): each points at a page that exists for every lesson, so
none is dead; and the help ladder's rungs among these pages (``HELP_RUNG_PAGES``, for the
slot ``course.help_rungs.HELP_RUNGS``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Annotated

from fastapi import APIRouter, Form, Query
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import func
from sqlmodel import col, select

from course import service
from course.faq import editing as faq_editing
from course.faq import reading as faq_reading
from course.faq.models import FaqEntry
from course.forum import access as forum_access
from course.forum.models import ForumThread, row_id
from course.forum.rules import InputError, require_moderator
from course.forum.views import LessonRef
from course.help_rungs import RungPath, help_rung_path
from course.http import CoursePage, Page, Text
from kurswerk.core.csrf import CsrfChecked
from kurswerk.core.db import RowId
from kurswerk.core.i18n import N_
from kurswerk.core.paths import path_for

router = APIRouter()

Position = Annotated[str, Form(max_length=12, pattern="^[0-9]*$")]


def _lesson_page(route: str) -> Callable[[int, str], str]:
    """The path of a lesson's page ``route``; remembered, for the lesson page asks for
    its links on every view (and a path takes a walk through the route table)."""

    @lru_cache(maxsize=4096)
    def path(context_id: int, slug: str) -> str:
        return path_for(route, context=context_id, slug=slug)

    return path


LESSON_LINKS = tuple(
    service.LessonLink(key=key, label=label, path=_lesson_page(route))
    for key, label, route in (  # (key, label, route name)
        ("questions", N_("Fragen zum Inhalt der Lektion"), "lesson_questions"),
        ("faq", N_("FAQ"), "faq"),
        ("forum", N_("Forum"), "forum_list"),
        ("ask", N_("Kursleitung fragen"), "questions_ask_form"),
    )
)

HELP_RUNG_PAGES: dict[str, RungPath] = {
    "faq": _lesson_page("faq"),
    "forum": _lesson_page("forum_list"),
    "kursleitung": _lesson_page("questions_ask_form"),
}
"""The rungs of the help ladder that are the lesson's community pages, for the slot
``course.help_rungs.HELP_RUNGS`` (the office hour is coaching's)."""


@router.get("/lessons/{slug}/questions", name="lesson_questions")
def lesson_questions(page: CoursePage, slug: str) -> HTMLResponse:
    session, principal = page.session, page.principal
    course, lesson = forum_access.lesson_for(session, principal, slug)
    faq_count = faq_reading.count_visible(session, principal, row_id(lesson.id))
    thread_count = session.exec(
        select(func.count()).where(
            ForumThread.context_id == principal.context_id,
            ForumThread.lesson_id == lesson.id,
            col(ForumThread.deleted_at).is_(None),
            col(ForumThread.hidden_at).is_(None),
        )
    ).one()
    return page.show(
        "course/faq_hub.html",
        {
            "course_title": course.title,
            "lesson": LessonRef(lesson.slug, lesson.title, course.language),
            "faq_count": faq_count,
            "thread_count": thread_count,
            "office_hours": help_rung_path("sprechstunde", principal.context_id, lesson.slug),
        },
    )


@router.get("/lessons/{slug}/faq", name="faq")
def faq(page: CoursePage, slug: str, q: Annotated[str, Query(max_length=500)] = "") -> HTMLResponse:
    listing = faq_reading.faq_page(page.session, page.principal, slug, q)
    return page.show("course/faq_list.html", {"page": listing, "notice": page.notice})


@dataclass(frozen=True)
class _Form:
    """The FAQ entry form, new or editing: where it is sent and what it shows."""

    heading: str
    action: str
    lesson_slug: str
    shared: bool = False

    def show(
        self,
        page: Page,
        *,
        question: str,
        answer: str,
        position: str,
        error: InputError | None = None,
    ) -> HTMLResponse:
        return page.form(
            "course/faq_form.html",
            {
                "heading_key": self.heading,
                "action": self.action,
                "lesson_slug": self.lesson_slug,
                "question": question,
                "answer": answer,
                "position": position,
                "shared": self.shared,
                "show_position": True,
            },
            error,
        )

    def again(
        self, page: Page, error: InputError, *, question: str, answer: str, position: str
    ) -> HTMLResponse:
        """Shown again after the service refused what was sent (nothing of it is kept)."""
        page.session.rollback()
        return self.show(
            page, question=question[:1000], answer=answer[:200_000], position=position, error=error
        )


def _new_form(page: Page, slug: str) -> _Form:
    action = page.path("faq_create", slug=slug)
    return _Form(heading=N_("Neuer FAQ-Eintrag"), action=action, lesson_slug=slug)


@router.get("/lessons/{slug}/faq/new", name="faq_new")
def faq_new(page: CoursePage, slug: str) -> HTMLResponse:
    require_moderator(page.principal)
    forum_access.lesson_for(page.session, page.principal, slug)
    return _new_form(page, slug).show(page, question="", answer="", position="")


def _position(value: str) -> int | None:
    return int(value) if value else None


@router.post("/lessons/{slug}/faq/new", name="faq_create", dependencies=[CsrfChecked])
def faq_create(
    page: CoursePage, slug: str, question: Text = "", answer: Text = "", position: Position = ""
) -> Response:
    try:
        entry = faq_editing.create_entry(
            page.session, page.principal, slug, question=question, answer=answer,
            position=_position(position), limits=page.limits,
        )  # fmt: skip
    except InputError as error:
        form = _new_form(page, slug)
        return form.again(page, error, question=question, answer=answer, position=position)
    path = page.path("faq", slug=slug)
    return page.redirect(path, notice="faq_saved", anchor=f"faq-{entry.id}")


def _from_files(entry: FaqEntry) -> bool:
    """A file entry, or this LMS course's override of one (the form explains the rule)."""
    return entry.source_key is not None or entry.overrides_id is not None


def _entry(page: Page, entry_id: RowId) -> tuple[FaqEntry, str]:
    require_moderator(page.principal)
    entry = faq_reading.get_entry(page.session, page.principal, entry_id)
    return entry, faq_reading.entry_lesson(page.session, entry).slug


def _edit_form(page: Page, entry_id: RowId) -> tuple[FaqEntry, _Form]:
    entry, slug = _entry(page, entry_id)
    action = page.path("faq_edit", entry_id=entry_id)
    return entry, _Form(
        N_("FAQ-Eintrag bearbeiten"), action, lesson_slug=slug, shared=_from_files(entry)
    )


@router.get("/faq/{entry_id}/edit", name="faq_edit_form")
def faq_edit_form(page: CoursePage, entry_id: RowId) -> HTMLResponse:
    entry, form = _edit_form(page, entry_id)
    return form.show(
        page, question=entry.question, answer=entry.answer, position=str(entry.position)
    )


@router.post("/faq/{entry_id}/edit", name="faq_edit", dependencies=[CsrfChecked])
def faq_edit(
    page: CoursePage,
    entry_id: RowId,
    question: Text = "",
    answer: Text = "",
    position: Position = "",
) -> Response:
    _, form = _edit_form(page, entry_id)
    try:
        faq_editing.update_entry(
            page.session, page.principal, entry_id, question=question, answer=answer,
            position=_position(position), limits=page.limits,
        )  # fmt: skip
    except InputError as error:
        return form.again(page, error, question=question, answer=answer, position=position)
    path = page.path("faq", slug=form.lesson_slug)
    return page.redirect(path, notice="faq_saved", anchor=f"faq-{entry_id}")


@router.post("/faq/{entry_id}/delete", name="faq_delete", dependencies=[CsrfChecked])
def faq_delete(page: CoursePage, entry_id: RowId) -> RedirectResponse:
    _, slug = _entry(page, entry_id)
    faq_editing.delete_entry(page.session, page.principal, entry_id)
    path = page.path("faq", slug=slug)
    return page.redirect(path, notice="faq_deleted")


@router.post("/faq/{entry_id}/revert", name="faq_revert", dependencies=[CsrfChecked])
def faq_revert(page: CoursePage, entry_id: RowId) -> RedirectResponse:
    entry = faq_editing.revert_to_file(page.session, page.principal, entry_id)
    slug = faq_reading.entry_lesson(page.session, entry).slug
    path = page.path("faq", slug=slug)
    return page.redirect(path, notice="faq_reverted", anchor=f"faq-{entry_id}")

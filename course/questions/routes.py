"""Ask the lecturer over HTTP: the private question form of a lesson, a learner's own
questions, the tutors' inbox, answering, and publishing a question as an FAQ entry.

A question is shown only to its asker and the LMS course's tutors; anyone else gets
"not found" (``course.questions.service.get_question``).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse, Response

from course.forum import access as forum_access
from course.forum.rules import InputError, is_moderator, require_moderator
from course.forum.views import LessonRef
from course.http import CoursePage, Page, Text
from course.models import Lesson
from course.questions import service as questions_service
from kurswerk.core.csrf import CsrfChecked
from kurswerk.core.db import RowId
from kurswerk.core.i18n import N_

router = APIRouter()


def _ask_form(
    page: Page, slug: str, *, subject: str = "", body: str = "", error: InputError | None = None
) -> HTMLResponse:
    course, lesson = forum_access.lesson_for(page.session, page.principal, slug)
    return page.form(
        "course/questions_ask.html",
        {
            "course_title": course.title,
            "lesson": LessonRef(lesson.slug, lesson.title, course.language),
            "subject": subject,
            "body": body,
            "mine": questions_service.my_questions(page.session, page.principal, slug),
            "notice": page.notice if error is None else "",
        },
        error,
    )


@router.get("/lessons/{slug}/ask", name="questions_ask_form")
def questions_ask_form(page: CoursePage, slug: str) -> HTMLResponse:
    return _ask_form(page, slug)


@router.post("/lessons/{slug}/ask", name="questions_ask", dependencies=[CsrfChecked])
def questions_ask(page: CoursePage, slug: str, subject: Text = "", body: Text = "") -> Response:
    try:
        question = questions_service.ask(
            page.session, page.principal, slug, subject=subject, body=body, limits=page.limits,
            links=page.links,
        )  # fmt: skip
    except InputError as error:
        page.session.rollback()
        return _ask_form(page, slug, subject=subject[:500], body=body[:200_000], error=error)
    path = page.path("questions_detail", question_id=question.id)
    return page.redirect(path, notice="asked")


@router.get("/questions", name="questions_list")
def questions_list(
    page: CoursePage, answered: Annotated[str, Query(pattern="^(|1)$")] = ""
) -> HTMLResponse:
    """Learners: their own questions. Tutors: the LMS course's inbox."""
    moderator = is_moderator(page.principal)
    if moderator:
        rows = questions_service.inbox(page.session, page.principal, answered=bool(answered))
        heading = N_("Fragen an die Kursleitung")
    else:
        rows = questions_service.my_questions(page.session, page.principal)
        heading = N_("Meine Fragen an die Kursleitung")
    return page.show(
        "course/questions_list.html",
        {
            "questions": rows,
            "heading_key": heading,
            "moderator": moderator,
            "answered": bool(answered),
            "notice": page.notice,
        },
    )


def _detail(
    page: Page,
    question_id: RowId,
    *,
    answer_text: str | None = None,
    error: InputError | None = None,
) -> HTMLResponse:
    view = questions_service.question_view(page.session, page.principal, question_id)
    return page.form(
        "course/questions_detail.html",
        {
            "q": view,
            "moderator": is_moderator(page.principal),
            "answer_text": answer_text,
            "notice": page.notice if error is None else "",
        },
        error,
    )


@router.get("/questions/{question_id}", name="questions_detail")
def questions_detail(page: CoursePage, question_id: RowId) -> HTMLResponse:
    return _detail(page, question_id)


@router.post("/questions/{question_id}/answer", name="questions_answer", dependencies=[CsrfChecked])
def questions_answer(page: CoursePage, question_id: RowId, answer: Text = "") -> Response:
    try:
        questions_service.answer(
            page.session, page.principal, question_id, text=answer, limits=page.limits,
            links=page.links,
        )  # fmt: skip
    except InputError as error:
        page.session.rollback()
        return _detail(page, question_id, answer_text=answer[:200_000], error=error)
    path = page.path("questions_detail", question_id=question_id)
    return page.redirect(path, notice="answered")


def _publish_form(
    page: Page,
    question_id: RowId,
    *,
    faq_question: str | None = None,
    faq_answer: str | None = None,
    error: InputError | None = None,
) -> HTMLResponse:
    require_moderator(page.principal)
    question = questions_service.get_question(page.session, page.principal, question_id)
    return page.form(
        "course/questions_publish.html",
        {
            "question_id": question_id,
            "faq_question": question.subject if faq_question is None else faq_question,
            "faq_answer": (question.answer or "") if faq_answer is None else faq_answer,
        },
        error,
    )


@router.get("/questions/{question_id}/publish", name="questions_publish_form")
def questions_publish_form(page: CoursePage, question_id: RowId) -> HTMLResponse:
    return _publish_form(page, question_id)


@router.post(
    "/questions/{question_id}/publish", name="questions_publish", dependencies=[CsrfChecked]
)
def questions_publish(
    page: CoursePage, question_id: RowId, question: Text = "", answer: Text = ""
) -> Response:
    try:
        entry = questions_service.publish_as_faq(
            page.session, page.principal, question_id, faq_question=question, faq_answer=answer,
            limits=page.limits,
        )  # fmt: skip
    except InputError as error:
        page.session.rollback()
        return _publish_form(
            page, question_id, faq_question=question[:1000], faq_answer=answer[:200_000],
            error=error,
        )  # fmt: skip
    lesson = page.session.get_one(Lesson, entry.lesson_id)
    path = page.path("faq", slug=lesson.slug)
    return page.redirect(path, notice="published", anchor=f"faq-{entry.id}")

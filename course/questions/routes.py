"""Ask the lecturer over HTTP: the private question form of a lesson, a learner's own
questions, the tutors' inbox, answering, and publishing a question as an FAQ entry.

A question is shown only to its asker and the LMS course's tutors; anyone else gets
"not found" (``course.questions.service.get_question``).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlmodel import Session

from course.forum import access as forum_access
from course.forum.rules import InputError, is_moderator, require_moderator
from course.forum.views import LessonRef
from course.http import Text, form_page, limits, notice_of, redirect
from course.models import Lesson
from course.questions import service as questions_service
from kurswerk.core.auth import ContextPrincipal, Principal, email_links
from kurswerk.core.csrf import CsrfChecked
from kurswerk.core.db import RowId, SessionDep
from kurswerk.core.templating import render

router = APIRouter()


def _ask_form(
    request: Request,
    session: Session,
    principal: Principal,
    slug: str,
    *,
    subject: str = "",
    body: str = "",
    error: InputError | None = None,
) -> HTMLResponse:
    course, lesson = forum_access.lesson_for(session, principal, slug)
    return form_page(
        request,
        "course/questions_ask.html",
        {
            "course_title": course.title,
            "lesson": LessonRef(lesson.slug, lesson.title, course.language),
            "subject": subject,
            "body": body,
            "mine": questions_service.my_questions(session, principal, slug),
            "notice": notice_of(request) if error is None else "",
        },
        error,
    )


@router.get("/lessons/{slug}/ask", name="questions_ask_form")
def questions_ask_form(
    request: Request, principal: ContextPrincipal, session: SessionDep, slug: str
) -> HTMLResponse:
    return _ask_form(request, session, principal, slug)


@router.post("/lessons/{slug}/ask", name="questions_ask", dependencies=[CsrfChecked])
def questions_ask(
    request: Request,
    principal: ContextPrincipal,
    session: SessionDep,
    slug: str,
    subject: Text = "",
    body: Text = "",
) -> Response:
    try:
        question = questions_service.ask(
            session, principal, slug, subject=subject, body=body, limits=limits(request),
            links=email_links(request),
        )  # fmt: skip
    except InputError as error:
        session.rollback()
        return _ask_form(
            request, session, principal, slug, subject=subject[:500], body=body[:200_000],
            error=error,
        )  # fmt: skip
    path = f"/c/{principal.context_id}/questions/{question.id}"
    return redirect(request, principal, path, notice="asked")


@router.get("/questions", name="questions_list")
def questions_list(
    request: Request,
    principal: ContextPrincipal,
    session: SessionDep,
    answered: Annotated[str, Query(pattern="^(|1)$")] = "",
) -> HTMLResponse:
    """Learners: their own questions. Tutors: the LMS course's inbox."""
    moderator = is_moderator(principal)
    if moderator:
        rows = questions_service.inbox(session, principal, answered=bool(answered))
        heading = "questions.inbox_title"
    else:
        rows = questions_service.my_questions(session, principal)
        heading = "questions.list_title"
    return render(
        request,
        "course/questions_list.html",
        {
            "questions": rows,
            "heading_key": heading,
            "moderator": moderator,
            "answered": bool(answered),
            "notice": notice_of(request),
        },
    )


def _detail(
    request: Request,
    session: Session,
    principal: Principal,
    question_id: RowId,
    *,
    answer_text: str | None = None,
    error: InputError | None = None,
) -> HTMLResponse:
    view = questions_service.question_view(session, principal, question_id)
    return form_page(
        request,
        "course/questions_detail.html",
        {
            "q": view,
            "moderator": is_moderator(principal),
            "answer_text": answer_text,
            "notice": notice_of(request) if error is None else "",
        },
        error,
    )


@router.get("/questions/{question_id}", name="questions_detail")
def questions_detail(
    request: Request, principal: ContextPrincipal, session: SessionDep, question_id: RowId
) -> HTMLResponse:
    return _detail(request, session, principal, question_id)


@router.post("/questions/{question_id}/answer", name="questions_answer", dependencies=[CsrfChecked])
def questions_answer(
    request: Request,
    principal: ContextPrincipal,
    session: SessionDep,
    question_id: RowId,
    answer: Text = "",
) -> Response:
    try:
        questions_service.answer(
            session, principal, question_id, text=answer, limits=limits(request),
            links=email_links(request),
        )  # fmt: skip
    except InputError as error:
        session.rollback()
        return _detail(
            request, session, principal, question_id, answer_text=answer[:200_000], error=error
        )
    path = f"/c/{principal.context_id}/questions/{question_id}"
    return redirect(request, principal, path, notice="answered")


def _publish_form(
    request: Request,
    session: Session,
    principal: Principal,
    question_id: RowId,
    *,
    faq_question: str | None = None,
    faq_answer: str | None = None,
    error: InputError | None = None,
) -> HTMLResponse:
    require_moderator(principal)
    question = questions_service.get_question(session, principal, question_id)
    return form_page(
        request,
        "course/questions_publish.html",
        {
            "question_id": question_id,
            "faq_question": question.subject if faq_question is None else faq_question,
            "faq_answer": (question.answer or "") if faq_answer is None else faq_answer,
        },
        error,
    )


@router.get("/questions/{question_id}/publish", name="questions_publish_form")
def questions_publish_form(
    request: Request, principal: ContextPrincipal, session: SessionDep, question_id: RowId
) -> HTMLResponse:
    return _publish_form(request, session, principal, question_id)


@router.post(
    "/questions/{question_id}/publish", name="questions_publish", dependencies=[CsrfChecked]
)
def questions_publish(
    request: Request,
    principal: ContextPrincipal,
    session: SessionDep,
    question_id: RowId,
    question: Text = "",
    answer: Text = "",
) -> Response:
    try:
        entry = questions_service.publish_as_faq(
            session, principal, question_id, faq_question=question, faq_answer=answer,
            limits=limits(request),
        )  # fmt: skip
    except InputError as error:
        session.rollback()
        return _publish_form(
            request, session, principal, question_id, faq_question=question[:1000],
            faq_answer=answer[:200_000], error=error,
        )  # fmt: skip
    lesson = session.get_one(Lesson, entry.lesson_id)
    path = f"/c/{principal.context_id}/lessons/{lesson.slug}/faq"
    return redirect(request, principal, path, notice="published", anchor=f"faq-{entry.id}")

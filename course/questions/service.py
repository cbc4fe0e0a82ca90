"""Ask the lecturer: a learner's private question about a lesson, emailed to the LMS
course's tutors and answered in the tool (the answer is emailed back). Learners see only
their own questions; tutors see all of their LMS course's, and may publish one, with its
answer, as an anonymised FAQ entry. Nothing here commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from markupsafe import Markup
from sqlalchemy import func
from sqlmodel import Session, col, select

from course.faq import editing as faq_editing
from course.faq.models import FaqEntry
from course.forum.access import lesson_for
from course.forum.people import Person, context_title, mail_person, members, names, tutors
from course.forum.posting import check_new_question
from course.forum.rules import (
    Limits,
    clean_text,
    is_moderator,
    require_moderator,
)
from course.forum.views import LessonRef
from course.models import Course, Lesson
from course.questions.models import LecturerQuestion
from kurswerk.core.auth import Principal
from kurswerk.core.clock import as_utc, utcnow
from kurswerk.core.email_links import EmailLinks
from kurswerk.core.errors import NotFound
from kurswerk.core.i18n import N_
from kurswerk.core.paths import path_for
from kurswerk.core.usertext import markdown_text, render_markdown


def _id(value: int | None) -> int:
    assert value is not None
    return value


@dataclass(frozen=True)
class QuestionView:
    id: int
    lesson: LessonRef
    subject: str
    body_html: Markup
    body: str
    asker: str
    """The asker's name (tutors only; "" for the asker themselves)."""
    created_at: datetime
    answer_html: Markup | None
    answer: str | None
    answered_at: datetime | None
    answered_by: str
    faq_entry_id: int | None


def get_question(session: Session, principal: Principal, question_id: int) -> LecturerQuestion:
    """A question of this LMS course that the principal may read: their own, or any if
    they are a tutor. Anything else is "not found"."""
    question = session.get(LecturerQuestion, question_id)
    if (
        question is None
        or question.context_id != principal.context_id
        or (question.asker_id != principal.user_id and not is_moderator(principal))
    ):
        raise NotFound(
            N_("Diese Frage gibt es nicht."), reason=f"no question {question_id} for this user"
        )
    return question


def _views(session: Session, rows: list[LecturerQuestion], moderator: bool) -> list[QuestionView]:
    lessons = {
        _id(lesson.id): lesson
        for lesson in session.exec(
            select(Lesson).where(col(Lesson.id).in_({q.lesson_id for q in rows}))
        ).all()
    }
    courses = {
        _id(c.id): c
        for c in session.exec(
            select(Course).where(col(Course.id).in_({le.course_id for le in lessons.values()}))
        ).all()
    }
    who = names(session, [q.answered_by for q in rows] + ([q.asker_id for q in rows]))
    published = {
        int(qid): int(eid)
        for eid, qid in session.exec(
            select(FaqEntry.id, FaqEntry.question_id).where(
                col(FaqEntry.question_id).in_([q.id for q in rows]),
                col(FaqEntry.deleted_at).is_(None),
            )
        ).all()
        if qid is not None and eid is not None
    }
    views = []
    for q in rows:
        lesson = lessons[q.lesson_id]
        views.append(
            QuestionView(
                id=_id(q.id),
                lesson=LessonRef(lesson.slug, lesson.title, courses[lesson.course_id].language),
                subject=q.subject,
                body_html=render_markdown(q.body),
                body=q.body,
                asker=who.get(q.asker_id, "") if moderator else "",
                created_at=as_utc(q.created_at),
                answer_html=render_markdown(q.answer) if q.answer else None,
                answer=q.answer,
                answered_at=as_utc(q.answered_at) if q.answered_at else None,
                answered_by=who.get(q.answered_by or -1, ""),
                faq_entry_id=published.get(_id(q.id)),
            )
        )
    return views


def question_view(session: Session, principal: Principal, question_id: int) -> QuestionView:
    question = get_question(session, principal, question_id)
    return _views(session, [question], is_moderator(principal))[0]


def my_questions(
    session: Session, principal: Principal, lesson_slug: str | None = None
) -> list[QuestionView]:
    """The principal's own questions (of one lesson, or all), newest first."""
    query = select(LecturerQuestion).where(
        LecturerQuestion.context_id == principal.context_id,
        LecturerQuestion.asker_id == principal.user_id,
    )
    if lesson_slug is not None:
        _, lesson = lesson_for(session, principal, lesson_slug)
        query = query.where(LecturerQuestion.lesson_id == lesson.id)
    rows = list(session.exec(query.order_by(col(LecturerQuestion.created_at).desc())).all())
    return _views(session, rows, moderator=False)


def inbox(session: Session, principal: Principal, *, answered: bool) -> list[QuestionView]:
    """Tutors: the LMS course's questions, open ones oldest first, answered newest first."""
    require_moderator(principal)
    query = select(LecturerQuestion).where(LecturerQuestion.context_id == principal.context_id)
    if answered:
        query = query.where(col(LecturerQuestion.answered_at).is_not(None)).order_by(
            col(LecturerQuestion.answered_at).desc()
        )
    else:
        query = query.where(col(LecturerQuestion.answered_at).is_(None)).order_by(
            col(LecturerQuestion.created_at)
        )
    return _views(session, list(session.exec(query.limit(200)).all()), moderator=True)


def open_question_count(session: Session, context_id: int) -> int:
    """How many of the LMS course's questions still wait for an answer (the inbox's open
    ones; one query on ``ix_lecturer_question_context_id_created_at``)."""
    count = session.exec(
        select(func.count())
        .select_from(LecturerQuestion)
        .where(
            LecturerQuestion.context_id == context_id,
            col(LecturerQuestion.answered_at).is_(None),
        )
    ).one()
    return int(count)


def ask(
    session: Session,
    principal: Principal,
    lesson_slug: str,
    *,
    subject: str,
    body: str,
    limits: Limits,
    links: EmailLinks,
    now: datetime | None = None,
) -> LecturerQuestion:
    """Store the question and email it to the LMS course's tutors (outbox)."""
    now = now or utcnow()
    new = check_new_question(
        session, principal, lesson_slug, title=subject, body=body, limits=limits, now=now
    )
    course, lesson, text = new.course, new.lesson, new.text
    question = LecturerQuestion(
        context_id=principal.context_id,
        lesson_id=_id(lesson.id),
        asker_id=principal.user_id,
        subject=new.title,
        body=text,
        created_at=now,
    )
    session.add(question)
    session.flush()
    asker = members(session, principal.context_id, [principal.user_id])
    asker_name = asker[0].name if asker else principal.name
    for tutor in tutors(session, principal.context_id):
        mail_person(
            session,
            tutor,
            "question_asked",
            key=f"question-asked:{question.id}:{tutor.user_id}",
            course_title=context_title(session, principal.context_id) or course.title,
            context={
                "lesson_title": lesson.title,
                "asker_name": asker_name,
                "subject": new.title,
                "question_text": markdown_text(text),
                "question_html": render_markdown(text),
                "question_url": _question_url(links, tutor, question),
            },
        )
    return question


def answer(
    session: Session,
    principal: Principal,
    question_id: int,
    *,
    text: str,
    limits: Limits,
    links: EmailLinks,
    now: datetime | None = None,
) -> LecturerQuestion:
    """A tutor answers (or corrects the answer); the asker gets it by email."""
    require_moderator(principal)
    now = now or utcnow()
    question = get_question(session, principal, question_id)
    clean = clean_text(text, field="answer", limit=limits.max_post_chars)
    question.answer, question.answered_at, question.answered_by = clean, now, principal.user_id
    session.flush()
    lesson = session.get(Lesson, question.lesson_id)
    asker = members(session, principal.context_id, [question.asker_id])
    if asker:
        person = asker[0]
        mail_person(
            session,
            person,
            "question_answered",
            key=f"question-answered:{question.id}:{now.isoformat()}",
            course_title=context_title(session, principal.context_id),
            context={
                "lesson_title": lesson.title if lesson else "",
                "subject": question.subject,
                "tutor_name": principal.name,
                "answer_text": markdown_text(clean),
                "answer_html": render_markdown(clean),
                "question_url": _question_url(links, person, question),
            },
        )
    return question


def _question_url(links: EmailLinks, person: Person, question: LecturerQuestion) -> str:
    """The question's page, as a link in a mail to ``person``."""
    path = path_for("questions_detail", context=question.context_id, question_id=question.id)
    return links.url(path, person.link_reader(question.context_id))


def publish_as_faq(
    session: Session,
    principal: Principal,
    question_id: int,
    *,
    faq_question: str,
    faq_answer: str,
    limits: Limits,
) -> FaqEntry:
    """Publish an answered question as an FAQ entry of this LMS course. The tutor edits
    both texts first (the form starts with them) to take out anything personal; the entry
    never names the asker."""
    require_moderator(principal)
    question = get_question(session, principal, question_id)
    if question.answer is None:
        raise NotFound(
            N_("Nur beantwortete Fragen können in die FAQ."), 400, reason="publish needs an answer"
        )
    lesson = session.get(Lesson, question.lesson_id)
    assert lesson is not None
    return faq_editing.create_entry(
        session,
        principal,
        lesson.slug,
        question=faq_question,
        answer=faq_answer,
        position=None,
        limits=limits,
        origin="question",
        question_id=question.id,
    )

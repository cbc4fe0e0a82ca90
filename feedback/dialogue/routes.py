"""The dialogue over HTTP: the learner's follow-up question and rating (forms on their
feedback page), a tutor's or admin's answer (a form on the review page), and the ratings
pages ("Bewertungen Ihres Feedbacks" for tutors, per tutor and exercise for admins).

Thin: parse, authorise (the URL's LMS course is the session's; a feedback that is not
the caller's to talk about answers 404, ``feedback.dialogue.scope``), call the use-case
modules, redirect (post-redirect-get) or show the page again with the refusal beside its
form and the text as typed, after rolling back anything flushed. Every POST checks CSRF.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlmodel import Session

from feedback.dialogue import aggregates, followups, ratings, scope
from feedback.dialogue.errors import DialogueRefused
from feedback.dialogue.mails import question_anchor
from feedback.dialogue.views import Refusal
from feedback.formatting import HELPERS
from feedback.routes.learner import render_learner
from feedback.routes.tutor import FORM_POST, FormData, StaffPrincipal, render_review, settings_of
from kurswerk.core.auth import ContextPrincipal, Principal, Role, email_links, require_role
from kurswerk.core.db import RowId, SessionDep
from kurswerk.core.paths import path_for
from kurswerk.core.templating import redirect_to, render

router = APIRouter(prefix="/c/{context}/dialogue")

AdminPrincipal = Annotated[Principal, require_role(Role.ADMIN)]


def rating_anchor(feedback_id: int) -> str:
    return f"kw-rating-{feedback_id}"


def _learner_page(
    request: Request, session: Session, principal: Principal, feedback_id: int, **params: str
) -> Response:
    feedback = scope.learners_feedback(session, principal, feedback_id)
    path = path_for(
        "feedback_learner", context=principal.context_id, submission_id=feedback.submission_id
    )
    anchor = params.pop("anchor", "")
    return redirect_to(request, principal, path, anchor=anchor, **params)


def _refused_on_learner_page(
    request: Request, session: Session, principal: Principal, refusal: Refusal
) -> HTMLResponse:
    session.rollback()
    feedback = scope.learners_feedback(session, principal, refusal.feedback_id)
    return render_learner(
        request,
        session,
        principal,
        feedback.submission_id,
        status_code=refusal.error.status_code,
        refusal=refusal,
    )


@router.post("/{feedback_id}/question", name="dialogue_ask", dependencies=FORM_POST)
def ask(
    request: Request,
    principal: ContextPrincipal,
    session: SessionDep,
    feedback_id: RowId,
    form: FormData,
) -> Response:
    """The learner's one question about their feedback."""
    text = form.get("question", "")
    settings = settings_of(request)
    try:
        followups.ask(
            session,
            principal,
            feedback_id,
            text,
            followup_days=settings.followup_days,
            answer_days=settings.followup_answer_days,
            links=email_links(request),
        )
    except DialogueRefused as error:
        refusal = Refusal(feedback_id, "question", error, {"question": text})
        return _refused_on_learner_page(request, session, principal, refusal)
    anchor = question_anchor(feedback_id)
    return _learner_page(request, session, principal, feedback_id, anchor=anchor, done="asked")


@router.post("/{feedback_id}/rating", name="dialogue_rate", dependencies=FORM_POST)
def rate(
    request: Request,
    principal: ContextPrincipal,
    session: SessionDep,
    feedback_id: RowId,
    form: FormData,
) -> Response:
    """The learner's rating of their feedback, new or changed."""
    score, comment = form.get("score", ""), form.get("comment", "")
    try:
        ratings.rate(session, principal, feedback_id, score=score, comment=comment)
    except DialogueRefused as error:
        values = {"score": score, "comment": comment}
        refusal = Refusal(feedback_id, "rating", error, values)
        return _refused_on_learner_page(request, session, principal, refusal)
    anchor = rating_anchor(feedback_id)
    return _learner_page(request, session, principal, feedback_id, anchor=anchor, done="rated")


@router.post("/{feedback_id}/answer", name="dialogue_answer", dependencies=FORM_POST)
def answer(
    request: Request,
    principal: StaffPrincipal,
    session: SessionDep,
    feedback_id: RowId,
    form: FormData,
) -> Response:
    """A tutor's or admin's answer to the question about a feedback of their course."""
    feedback = scope.staff_feedback(session, principal, feedback_id)
    text = form.get("answer", "")
    try:
        followups.answer(session, principal, feedback_id, text, links=email_links(request))
    except DialogueRefused as error:
        session.rollback()
        refusal = Refusal(feedback_id, "answer", error, {"answer": text})
        return render_review(
            request,
            session,
            principal,
            feedback.submission_id,
            status_code=error.status_code,
            error=error,
            dialogue_refusal=refusal,
        )
    path = path_for(
        "feedback_review", context=principal.context_id, submission_id=feedback.submission_id
    )
    anchor = question_anchor(feedback_id)
    return redirect_to(request, principal, path, anchor=anchor, done="answered")


@router.get("/ratings/mine", name="dialogue_my_ratings")
def my_ratings(request: Request, principal: StaffPrincipal, session: SessionDep) -> HTMLResponse:
    """A tutor's (or admin's) own ratings in this LMS course, in aggregate."""
    summary = aggregates.tutor_summary(session, principal.context_id, principal.user_id)
    return render(
        request,
        "feedback/dialogue/my_ratings.html",
        {"summary": summary, "scale": ratings.SCALE, **HELPERS},
    )


@router.get("/ratings", name="dialogue_ratings")
def all_ratings(request: Request, principal: AdminPrincipal, session: SessionDep) -> HTMLResponse:
    """The LMS course's ratings per tutor and per exercise (admins only)."""
    return render(
        request,
        "feedback/dialogue/ratings.html",
        {
            "tutors": aggregates.by_tutor(session, principal.context_id),
            "exercises": aggregates.by_exercise(session, principal.context_id),
            "comments": aggregates.recent_comments(session, principal.context_id),
            "scale": ratings.SCALE,
            **HELPERS,
        },
    )

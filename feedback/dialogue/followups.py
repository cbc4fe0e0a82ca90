"""One follow-up question per feedback, and its answer (issue 14).

**Asking**: the learner who submitted may ask one question about a released feedback
within ``KURSWERK_FOLLOWUP_DAYS`` days after its release (calendar days, counted from
the moment of release), up to :data:`QUESTION_MAX_CHARS` characters of Markdown
(rendered through ``kurswerk.core.usertext`` wherever it is shown). It goes to the tutor
who wrote the feedback, or, if they are no longer staff of the LMS course, to the
course's tutors (``feedback.dialogue.recipients``), by email through the outbox in the
same transaction (``feedback.dialogue.mails``). Its answer is promised within
``KURSWERK_FOLLOWUP_ANSWER_DAYS`` working days (the day asked counts as day 0, as for
the feedback target), stored with the question so a later change of the setting leaves
earlier promises as they were.

**Answering**: any tutor or admin of the LMS course answers on the review page, once; the
learner gets the answer by email.

Refused, with nothing written: a second question (409), a question after the window
(409), an empty or too long text (422), a question or answer about someone else's
feedback or another course's (404), an answer by a learner (404), a second answer (409).
Two questions at once: the unique ``feedback_id`` lets one in (``ON CONFLICT DO
NOTHING``); two answers at once: a conditional ``UPDATE ... WHERE answered_at IS NULL``
lets one in. The loser is refused like a second one. The winner's question and answer
are counted for the admins' report (``tally``) in the same transaction.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlmodel import Session, select

from feedback.dialogue import errors, mails, tally
from feedback.dialogue.deadlines import answer_due, ask_until
from feedback.dialogue.models import FollowUpQuestion
from feedback.dialogue.recipients import addressees
from feedback.dialogue.scope import learners_feedback, staff_feedback
from feedback.drafts import normalise_text
from kurswerk.core.auth import Principal
from kurswerk.core.clock import as_utc, utcnow
from kurswerk.core.db import upsert
from kurswerk.core.email_links import EmailLinks

QUESTION_MAX_CHARS = 2_000
ANSWER_MAX_CHARS = 5_000
"""An answer may explain at more length than the question asked (about two pages)."""

_questions = FollowUpQuestion.__table__  # type: ignore[attr-defined]


def checked_text(text: str, limit: int, field: str, empty: str) -> str:
    """The text normalised (line breaks, no control characters), not empty, within
    ``limit`` characters."""
    text = normalise_text(text)
    if not text.strip():
        raise errors.DialogueRefused(empty, 422, field=field)
    if len(text) > limit:
        raise errors.too_long(len(text), limit, field)
    return text


def question_of(session: Session, feedback_id: int) -> FollowUpQuestion | None:
    return session.exec(
        select(FollowUpQuestion).where(FollowUpQuestion.feedback_id == feedback_id)
    ).first()


def ask(
    session: Session,
    principal: Principal,
    feedback_id: int,
    text: str,
    *,
    followup_days: int,
    answer_days: int,
    links: EmailLinks,
    now: datetime | None = None,
) -> FollowUpQuestion:
    """The learner's question about their feedback ``feedback_id``, stored and mailed to
    whom it goes to (flushed, not committed)."""
    now = now or utcnow()
    feedback = learners_feedback(session, principal, feedback_id)
    if question_of(session, feedback_id) is not None:
        raise errors.DialogueRefused(errors.ALREADY_ASKED, 409, reason="asked already")
    until = ask_until(feedback.released_at, followup_days)
    if now >= until:
        raise errors.DialogueRefused(errors.WINDOW_CLOSED, 409, reason="window closed")
    body = checked_text(text, QUESTION_MAX_CHARS, "question", errors.EMPTY_QUESTION)
    to = addressees(session, feedback.context_id, feedback.tutor_user_id)
    inserted = session.execute(
        upsert(session, _questions)
        .values(
            feedback_id=feedback.id,
            submission_id=feedback.submission_id,
            context_id=feedback.context_id,
            learner_user_id=principal.user_id,
            tutor_user_id=to.tutor_user_id,
            body_markdown=body,
            asked_at=now,
            answer_due_at=answer_due(now, answer_days),
            answer_markdown="",
        )
        .on_conflict_do_nothing(index_elements=["feedback_id"])
        .returning(_questions.c.id)
    ).first()
    if inserted is None:  # a question sent at the same moment won
        raise errors.DialogueRefused(errors.ALREADY_ASKED, 409, reason="asked concurrently")
    question = session.get(FollowUpQuestion, inserted.id)
    assert question is not None
    tally.count_question(
        session, context_id=feedback.context_id, tutor_user_id=feedback.tutor_user_id, asked_at=now
    )
    mails.question_asked(session, principal, question, feedback, to, links=links)
    return question


def answer(
    session: Session,
    principal: Principal,
    feedback_id: int,
    text: str,
    *,
    links: EmailLinks,
    now: datetime | None = None,
) -> FollowUpQuestion:
    """A tutor's or admin's answer to the question about ``feedback_id``, stored and
    mailed to the learner (flushed, not committed)."""
    now = now or utcnow()
    feedback = staff_feedback(session, principal, feedback_id)
    question = question_of(session, feedback_id)
    if question is None:
        raise errors.DialogueRefused(errors.NO_QUESTION, 404, reason="no question")
    if question.answered_at is not None:
        raise errors.DialogueRefused(errors.ALREADY_ANSWERED, 409, reason="answered already")
    body = checked_text(text, ANSWER_MAX_CHARS, "answer", errors.EMPTY_ANSWER)
    written = session.execute(
        update(_questions)
        .where(_questions.c.id == question.id, _questions.c.answered_at.is_(None))
        .values(answer_markdown=body, answered_by_user_id=principal.user_id, answered_at=now)
    )
    if written.rowcount != 1:  # type: ignore[attr-defined]
        raise errors.DialogueRefused(errors.ALREADY_ANSWERED, 409, reason="answered concurrently")
    session.refresh(question)
    tally.count_answer(
        session,
        context_id=question.context_id,
        tutor_user_id=feedback.tutor_user_id,
        asked_at=as_utc(question.asked_at),
        on_time=as_utc(now) < as_utc(question.answer_due_at),
    )
    mails.question_answered(session, principal, question, feedback, links=links)
    return question

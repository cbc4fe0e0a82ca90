"""The dialogue's emails, written into the outbox in the caller's transaction
(``kurswerk.core.outbox.queue``): a question exists exactly when its mails do.

* ``followup_question`` - to each tutor (or admin) the question goes to, in their own
  language, with the question and the promised answer date, and a link to the review
  page where it is answered;
* ``followup_answered`` - to the learner, in their language, with their question and the
  answer, and a link to their feedback page.

Links open outside the LMS for their one reader (``kurswerk.core.email_links``), on the
question (``#kw-question-<feedback id>``). Keys make each mail exist once
(``followup_question:<question id>:<user id>``, ``followup_answered:<question id>``).
"""

from __future__ import annotations

from sqlmodel import Session

from feedback.claims import display_name
from feedback.dialogue.deadlines import due_day
from feedback.dialogue.models import FollowUpQuestion
from feedback.dialogue.recipients import Addressees
from feedback.dialogue.scope import ReleasedFeedback
from feedback.facts import submission_facts
from kurswerk.core import mail
from kurswerk.core.auth import Principal, Role
from kurswerk.core.email_links import EmailLinks, LinkReader
from kurswerk.core.outbox.queue import enqueue_email
from kurswerk.core.paths import path_for
from kurswerk.core.usertext import markdown_text, render_markdown
from lti.models import PlatformUser

QUESTION_TEMPLATE = "followup_question"
ANSWER_TEMPLATE = "followup_answered"


def question_anchor(feedback_id: int) -> str:
    """Where a page shows the exchange about ``feedback_id``."""
    return f"kw-question-{feedback_id}"


def _one_line(name: str | None) -> str:
    return " ".join((name or "").split())


def question_asked(
    session: Session,
    learner: Principal,
    question: FollowUpQuestion,
    feedback: ReleasedFeedback,
    to: Addressees,
    *,
    links: EmailLinks,
) -> None:
    """One ``followup_question`` mail to each of ``to``'s recipients."""
    assert question.id is not None
    facts = submission_facts(session, feedback.submission_id)
    author = session.get(PlatformUser, feedback.tutor_user_id)
    author_name = display_name(author.name if author else None, feedback.tutor_user_id)
    review = path_for(
        "feedback_review", context=feedback.context_id, submission_id=feedback.submission_id
    )
    for recipient in to.recipients:
        user = recipient.user
        assert user.id is not None
        locale = mail.recipient_locale(user.locale)
        reader = LinkReader(
            user.id, feedback.context_id, learner.platform_id, recipient.role.value, locale
        )
        enqueue_email(
            session,
            to=user.email,
            to_name=user.name,
            template=QUESTION_TEMPLATE,
            locale=locale,
            key=f"{QUESTION_TEMPLATE}:{question.id}:{user.id}",
            context={
                "tutor_name": _one_line(user.name),
                "learner_name": facts.learner_name,
                "course_title": facts.course_title,
                "exercise_title": facts.exercise_title,
                "industry": facts.industry_name(locale),
                "version": feedback.version,
                "released_at": feedback.released_at,
                "to_author": to.to_author,
                "author_name": author_name,
                "asked_at": question.asked_at,
                "answer_due_on": due_day(question.answer_due_at),
                "question_text": markdown_text(question.body_markdown),
                "question_html": render_markdown(question.body_markdown),
                "review_url": links.url(review, reader, anchor=question_anchor(feedback.id)),
            },
        )


def question_answered(
    session: Session,
    staff: Principal,
    question: FollowUpQuestion,
    feedback: ReleasedFeedback,
    *,
    links: EmailLinks,
) -> None:
    """The ``followup_answered`` mail to the learner who asked."""
    assert question.id is not None
    facts = submission_facts(session, feedback.submission_id)
    locale = mail.recipient_locale(facts.learner_locale)
    reader = LinkReader(
        facts.learner_id, feedback.context_id, staff.platform_id, Role.LEARNER.value, locale
    )
    page = path_for(
        "feedback_learner", context=feedback.context_id, submission_id=feedback.submission_id
    )
    enqueue_email(
        session,
        to=facts.learner_email,
        to_name=facts.learner_name if facts.learner_has_name else None,
        template=ANSWER_TEMPLATE,
        locale=locale,
        key=f"{ANSWER_TEMPLATE}:{question.id}",
        context={
            "learner_name": facts.learner_name if facts.learner_has_name else "",
            "course_title": facts.course_title,
            "exercise_title": facts.exercise_title,
            "version": feedback.version,
            "tutor_name": _one_line(staff.name),
            "answered_at": question.answered_at,
            "question_text": markdown_text(question.body_markdown),
            "question_html": render_markdown(question.body_markdown),
            "answer_text": markdown_text(question.answer_markdown),
            "answer_html": render_markdown(question.answer_markdown),
            "feedback_url": links.url(page, reader, anchor=question_anchor(feedback.id)),
        },
    )

"""What the feedback pages show of the dialogue, as plain values: for each released
feedback its read receipt, its question and answer, its rating and whether a question
may still be asked; a refused form with its text as typed.

The learner's feedback page and the review page show the same feedbacks
(``feedback.views.FeedbackView``); each asks :func:`dialogue_page` for their dialogue in
one go (three queries, whatever the number of versions). Texts people wrote are rendered
from the stored Markdown at display time (``kurswerk.core.usertext``); a rating's comment
is plain text.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from markupsafe import Markup
from sqlalchemy import select
from sqlmodel import Session

from feedback.access import is_staff
from feedback.claims import display_name
from feedback.dialogue import followups, ratings
from feedback.dialogue.deadlines import ask_until, due_day
from feedback.dialogue.errors import DialogueRefused
from feedback.dialogue.models import FollowUpQuestion
from feedback.dialogue.ratings import Rating, ratings_of
from feedback.dialogue.receipts import Receipt, receipts_of
from feedback.views import FeedbackView
from kurswerk.core import i18n
from kurswerk.core.auth import Principal
from kurswerk.core.clock import as_utc
from kurswerk.core.i18n import N_
from kurswerk.core.usertext import render_markdown
from lti.models import PlatformUser

_q = FollowUpQuestion.__table__  # type: ignore[attr-defined]
_u = PlatformUser.__table__  # type: ignore[attr-defined]

LEARNER_DONE = {
    "asked": N_(
        "Ihre Rückfrage ist gesendet. Sie erhalten die Antwort per E-Mail und finden sie "
        "hier unter dem Feedback."
    ),
    "rated": N_("Danke, Ihre Bewertung ist gespeichert."),
}
"""The confirmation on the learner's feedback page for each ``?done=`` (message ids)."""


@dataclass(frozen=True)
class QuestionView:
    feedback_id: int
    body_markdown: str
    asked_at: datetime
    answer_due_on: date
    overdue: bool  # unanswered and the promised day is over
    to_author: bool  # False: it went to the course's tutors
    answer_markdown: str
    answered_at: datetime | None
    answered_by: str | None

    @property
    def body_html(self) -> Markup:
        return render_markdown(self.body_markdown)

    @property
    def answer_html(self) -> Markup:
        return render_markdown(self.answer_markdown)


@dataclass(frozen=True)
class Refusal:
    """A form of the dialogue that was refused: which feedback, which form
    (``question``, ``answer``, ``rating``), why, and what was typed."""

    feedback_id: int
    form: str
    error: DialogueRefused
    values: Mapping[str, str] = field(default_factory=dict)

    def about(self, feedback_id: int, form: str) -> bool:
        return self.feedback_id == feedback_id and self.form == form

    @property
    def field_id(self) -> str | None:
        """The id of the form field at fault (the error summary links to it); None for a
        refusal of the form as such (asked already, too late)."""
        return field_id(self.error.field, self.feedback_id) if self.error.field else None


def field_id(field: str, feedback_id: int) -> str:
    """The id of a dialogue form's field on a page (``score``: its first choice)."""
    if field == "score":
        return f"kw-score-{feedback_id}-1"
    return f"kw-{field}-field-{feedback_id}"


@dataclass(frozen=True)
class FeedbackDialogue:
    feedback_id: int
    receipt: Receipt | None
    question: QuestionView | None
    rating: Rating | None
    ask_until: datetime
    window_open: bool

    @property
    def can_ask(self) -> bool:
        return self.question is None and self.window_open


@dataclass(frozen=True)
class DialoguePage:
    items: Mapping[int, FeedbackDialogue]
    learner: bool  # the viewer is the learner who submitted (may ask and rate)
    refusal: Refusal | None = None
    done: str = ""
    question_max: int = followups.QUESTION_MAX_CHARS
    answer_max: int = followups.ANSWER_MAX_CHARS
    comment_max: int = ratings.COMMENT_MAX_CHARS
    scale: tuple[tuple[int, str], ...] = ratings.SCALE

    def of(self, feedback_id: int) -> FeedbackDialogue | None:
        return self.items.get(feedback_id)

    def refused(self, feedback_id: int, form: str) -> Refusal | None:
        refusal = self.refusal
        return refusal if refusal is not None and refusal.about(feedback_id, form) else None


def questions_of(
    session: Session, feedback_ids: Sequence[int], *, now: datetime
) -> dict[int, QuestionView]:
    if not feedback_ids:
        return {}
    rows = session.execute(
        select(_q, _u.c.name.label("answerer"))
        .outerjoin(_u, _u.c.id == _q.c.answered_by_user_id)
        .where(_q.c.feedback_id.in_(list(feedback_ids)))
    ).all()
    views = {}
    for row in rows:
        due_at = as_utc(row.answer_due_at)
        answered_at = as_utc(row.answered_at) if row.answered_at else None
        views[row.feedback_id] = QuestionView(
            feedback_id=row.feedback_id,
            body_markdown=row.body_markdown,
            asked_at=as_utc(row.asked_at),
            answer_due_on=due_day(due_at),
            overdue=answered_at is None and as_utc(now) >= due_at,
            to_author=row.tutor_user_id is not None,
            answer_markdown=row.answer_markdown,
            answered_at=answered_at,
            answered_by=(
                display_name(row.answerer, row.answered_by_user_id)
                if row.answered_by_user_id is not None
                else None
            ),
        )
    return views


def dialogue_page(
    session: Session,
    principal: Principal,
    released: Sequence[FeedbackView],
    *,
    followup_days: int,
    now: datetime,
    refusal: Refusal | None = None,
    done: str = "",
) -> DialoguePage:
    """The dialogue of the ``released`` feedbacks of one submission, for a page the
    principal may see (the caller checked it: the learner's own, or staff)."""
    ids = [item.id for item in released]
    receipts = receipts_of(session, ids)
    questions = questions_of(session, ids, now=now)
    rated = ratings_of(session, ids)
    items = {}
    for item in released:
        assert item.released_at is not None
        until = ask_until(item.released_at, followup_days)
        items[item.id] = FeedbackDialogue(
            feedback_id=item.id,
            receipt=receipts.get(item.id),
            question=questions.get(item.id),
            rating=rated.get(item.id),
            ask_until=until,
            window_open=as_utc(now) < until,
        )
    return DialoguePage(
        items=items,
        learner=not is_staff(principal),
        refusal=refusal,
        done=i18n.gettext(principal.locale, LEARNER_DONE[done]) if done in LEARNER_DONE else "",
    )

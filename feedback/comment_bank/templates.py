"""The feedback template of an exercise: the headings a good feedback has, pre-filled into
a new draft so the tutor writes under them.

Every exercise has the default (:data:`DEFAULT_HEADINGS`: what works, what to change,
the next step), translated like every text; the tutors of an LMS course may give an
exercise its own (a :class:`FeedbackTemplate` per LMS course and exercise, edited on the
bank page), and resetting it brings the default back.

**When it pre-fills**: the review page's feedback text starts with the template while the
submission has no draft text yet - no draft, or a draft holding only a PDF or annotations
(:func:`prefill`). A saved text is always shown as saved; nothing here writes a draft: the
template becomes the draft's text only when the tutor saves it.

**In which language**: the learner reads the feedback, so the default comes in the
learner's language (the one their mails are written in) when Kurswerk speaks it, else in
the course's language, else in the tutor's (:func:`template_locale`). An LMS course's own
template is used as its tutors wrote it.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, select

from feedback.comment_bank.models import FeedbackTemplate
from feedback.comment_bank.scope import BankScope
from feedback.comment_bank.snippets import check_text
from kurswerk.core import i18n
from kurswerk.core.auth import Principal
from kurswerk.core.clock import utcnow
from kurswerk.core.db import upsert
from kurswerk.core.i18n import N_

TEMPLATE_MAX_CHARS = 4_000

DEFAULT_HEADINGS = (
    N_("Was gut funktioniert"),
    N_("Was Sie ändern sollten"),
    N_("Nächster Schritt"),
)

_templates = FeedbackTemplate.__table__  # type: ignore[attr-defined]


def default_template(locale: str) -> str:
    """The default template in ``locale``: each heading with a blank line to write in."""
    return "\n\n\n".join(f"## {i18n.gettext(locale, heading)}" for heading in DEFAULT_HEADINGS)


def template_locale(learner_locale: str | None, course_language: str | None, tutor: str) -> str:
    """The language a new draft's default template is written in (see above)."""
    return i18n.supported_locale(learner_locale) or i18n.supported_locale(course_language) or tutor


def own_template(session: Session, context_id: int, exercise_id: int) -> FeedbackTemplate | None:
    """The LMS course's own template of the exercise, if its tutors wrote one."""
    return session.exec(
        select(FeedbackTemplate).where(
            FeedbackTemplate.context_id == context_id,
            FeedbackTemplate.exercise_id == exercise_id,
        )
    ).first()


def template_text(session: Session, context_id: int, exercise_id: int, locale: str) -> str:
    """The template that applies to the exercise: its own, else the default in ``locale``."""
    own = own_template(session, context_id, exercise_id)
    return own.body_markdown if own is not None else default_template(locale)


def prefill(
    session: Session,
    context_id: int,
    exercise_id: int,
    *,
    draft_text: str | None,
    locale: str,
) -> str:
    """The feedback text a review page starts with: the draft's text when there is one,
    else the template (followed by a line to write in)."""
    if draft_text:
        return draft_text
    return template_text(session, context_id, exercise_id, locale) + "\n"


def save_template(
    session: Session,
    scope: BankScope,
    principal: Principal,
    exercise_id: int,
    text: str,
    *,
    now: datetime | None = None,
) -> None:
    """Give the exercise the LMS course's own template (an empty one pre-fills nothing)."""
    scope.require_exercise(exercise_id)
    text = check_text(text, TEMPLATE_MAX_CHARS, "template")
    now = now or utcnow()
    values = {"body_markdown": text, "updated_by_user_id": principal.user_id, "updated_at": now}
    statement = upsert(session, _templates).values(
        context_id=scope.context_id, exercise_id=exercise_id, **values
    )
    session.execute(
        statement.on_conflict_do_update(index_elements=["context_id", "exercise_id"], set_=values)
    )


def reset_template(session: Session, scope: BankScope, exercise_id: int) -> None:
    """Back to the default: the LMS course's own template of the exercise is deleted."""
    scope.require_exercise(exercise_id)
    own = own_template(session, scope.context_id, exercise_id)
    if own is not None:
        session.delete(own)
        session.flush()

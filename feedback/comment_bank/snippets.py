"""Snippets of the comment bank: written, changed and deleted by the course's tutors and
admins, counted when inserted. Nothing here commits.

Every change is checked before anything is written (a refusal leaves the bank as it
was): a title of one line up to :data:`TITLE_MAX_CHARS`, a Markdown text up to
:data:`BODY_MAX_CHARS`, an exercise and an industry of the LMS course's course (or none:
every exercise, every industry), at most :data:`MAX_SNIPPETS` per LMS course (checked
before the insert; two tutors adding the last one at the same moment may pass it by one).

**The use count** is counted where a snippet is inserted: the browser's insertion
(``comment-bank.js``, in the feedback text and in annotation notes) posts once per
insertion (:func:`count_use`, CSRF-checked). Counting at save instead would mean finding
snippets in the saved text, which a tutor adapts after inserting, and would count each
save again. A snippet copied from the bank page without JavaScript is not counted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, update
from sqlmodel import Session, select

from feedback.comment_bank.models import CommentSnippet
from feedback.comment_bank.scope import BankScope, not_found
from feedback.drafts import normalise_text
from kurswerk.core.clock import utcnow
from kurswerk.core.db import MAX_ROW_ID
from kurswerk.core.errors import AppError
from kurswerk.core.i18n import N_

TITLE_MAX_CHARS = 120
BODY_MAX_CHARS = 4_000
"""About a page: a snippet is a paragraph or a list, not a whole feedback."""
MAX_SNIPPETS = 1_000
"""Per LMS course: plenty for every exercise and industry, and a bound on the page."""

_snippets = CommentSnippet.__table__  # type: ignore[attr-defined]


class SnippetRefused(AppError):
    """A snippet (or a template) was not saved; ``field`` names the form field at fault
    (``""``: none in particular). Nothing of it was written."""

    status_code = 422

    def __init__(
        self,
        message: str,
        field: str,
        *,
        status: int = 422,
        params: dict[str, object] | None = None,
    ) -> None:
        super().__init__(message, status, reason=f"refused: {field or 'form'}", params=params)
        self.field = field


def fold(text: str) -> str:
    """What search compares: case folded the Unicode way (``Ä`` = ``ä``, ``ß`` = ``ss``)."""
    return text.casefold()


@dataclass(frozen=True)
class SnippetInput:
    """A snippet as the form sends it (shown again as typed when refused)."""

    title: str = ""
    body: str = ""
    exercise: str = ""  # an exercise id, or "" for every exercise
    industry: str = ""  # an industry slug, or "" for every industry

    @classmethod
    def of_form(cls, form: dict[str, str]) -> SnippetInput:
        return cls(
            title=form.get("title", ""),
            body=form.get("body", ""),
            exercise=form.get("exercise", ""),
            industry=form.get("industry", ""),
        )

    @classmethod
    def of_snippet(cls, snippet: CommentSnippet) -> SnippetInput:
        return cls(
            title=snippet.title,
            body=snippet.body_markdown,
            exercise=str(snippet.exercise_id or ""),
            industry=snippet.industry,
        )


def check_text(text: str, limit: int, field: str) -> str:
    """The text normalised (line breaks, no control characters), within ``limit``."""
    text = normalise_text(text)
    if len(text) > limit:
        raise SnippetRefused(
            N_("Der Text ist mit %(length)s Zeichen zu lang (höchstens %(limit)s)."),
            field,
            params={"length": len(text), "limit": limit},
        )
    return text


def _checked(scope: BankScope, data: SnippetInput) -> dict[str, Any]:
    title = " ".join(data.title.split())
    if not title:
        raise SnippetRefused(N_("Bitte geben Sie dem Textbaustein einen Titel."), "title")
    if len(title) > TITLE_MAX_CHARS:
        raise SnippetRefused(
            N_("Der Titel ist zu lang (höchstens %(limit)s Zeichen)."),
            "title",
            params={"limit": TITLE_MAX_CHARS},
        )
    body = check_text(data.body, BODY_MAX_CHARS, "body")
    if not body:
        raise SnippetRefused(N_("Bitte schreiben Sie den Text des Textbausteins."), "body")
    exercise_id: int | None = None
    if data.exercise:
        if not data.exercise.isdigit() or not 1 <= int(data.exercise) <= MAX_ROW_ID:
            raise SnippetRefused(N_("Bitte wählen Sie eine Übung aus der Liste."), "exercise")
        exercise_id = int(data.exercise)
        if not scope.has_exercise(exercise_id):
            raise SnippetRefused(N_("Bitte wählen Sie eine Übung aus der Liste."), "exercise")
    if data.industry and not scope.has_industry(data.industry):
        raise SnippetRefused(N_("Bitte wählen Sie eine Branche aus der Liste."), "industry")
    return {
        "title": title,
        "body_markdown": body,
        "exercise_id": exercise_id,
        "industry": data.industry,
        "title_key": fold(title),
        "search_text": fold(f"{title}\n{body}"),
    }


def get_snippet(session: Session, scope: BankScope, snippet_id: int) -> CommentSnippet:
    """A snippet of this bank; 404 for any other id (another LMS course's included)."""
    snippet = session.exec(
        select(CommentSnippet).where(
            CommentSnippet.id == snippet_id,
            CommentSnippet.context_id == scope.context_id,
            CommentSnippet.course_id == scope.course_id,
        )
    ).first()
    if snippet is None:
        raise not_found(f"snippet {snippet_id}: not in context {scope.context_id}")
    return snippet


def create_snippet(
    session: Session,
    scope: BankScope,
    data: SnippetInput,
    *,
    author_id: int | None,
    now: datetime | None = None,
) -> CommentSnippet:
    values = _checked(scope, data)
    count = session.exec(
        select(func.count()).where(
            CommentSnippet.context_id == scope.context_id,
            CommentSnippet.course_id == scope.course_id,
        )
    ).one()
    if count >= MAX_SNIPPETS:
        raise SnippetRefused(
            N_(
                "Dieser Kurs hat schon %(limit)s Textbausteine. Bitte löschen Sie zuerst "
                "welche, die niemand mehr braucht."
            ),
            "",
            status=409,
            params={"limit": MAX_SNIPPETS},
        )
    now = now or utcnow()
    snippet = CommentSnippet(
        context_id=scope.context_id,
        course_id=scope.course_id,
        created_by_user_id=author_id,
        created_at=now,
        updated_at=now,
        **values,
    )
    session.add(snippet)
    session.flush()
    return snippet


def update_snippet(
    session: Session,
    scope: BankScope,
    snippet_id: int,
    data: SnippetInput,
    *,
    now: datetime | None = None,
) -> CommentSnippet:
    snippet = get_snippet(session, scope, snippet_id)
    for name, value in _checked(scope, data).items():
        setattr(snippet, name, value)
    snippet.updated_at = now or utcnow()
    session.add(snippet)
    session.flush()
    return snippet


def delete_snippet(session: Session, scope: BankScope, snippet_id: int) -> None:
    session.delete(get_snippet(session, scope, snippet_id))
    session.flush()


def count_use(
    session: Session, scope: BankScope, snippet_id: int, *, now: datetime | None = None
) -> int:
    """One insertion of the snippet: its use count (one atomic UPDATE) and last use."""
    row = session.execute(
        update(_snippets)
        .where(
            _snippets.c.id == snippet_id,
            _snippets.c.context_id == scope.context_id,
            _snippets.c.course_id == scope.course_id,
        )
        .values(use_count=_snippets.c.use_count + 1, last_used_at=now or utcnow())
        .returning(_snippets.c.use_count)
    ).first()
    if row is None:
        raise not_found(f"snippet {snippet_id}: not in context {scope.context_id}")
    return int(row.use_count)

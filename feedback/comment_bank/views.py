"""What the comment bank's pages show: the bank page (snippets, the feedback template of
the chosen exercise, the forms' choices), the search's JSON, and the review page's panel
(the feedback text it starts with, and what the keyboard insertion needs)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session

from course import service as course_service
from feedback.access import submission_for_staff
from feedback.comment_bank import templates
from feedback.comment_bank.models import CommentSnippet
from feedback.comment_bank.scope import BankScope
from feedback.comment_bank.search import Found, find_snippets
from feedback.comment_bank.snippets import MAX_SNIPPETS
from feedback.queue_values import LessonOption
from kurswerk.core.auth import Principal
from kurswerk.core.clock import as_utc
from kurswerk.core.usertext import plain_text

EXCERPT_CHARS = 160


def excerpt(markdown: str, limit: int = EXCERPT_CHARS) -> str:
    text = " ".join(plain_text(markdown).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


@dataclass(frozen=True)
class SnippetView:
    id: int
    title: str
    body_markdown: str
    exercise_title: str | None  # None: every exercise
    industry: str  # "": every industry
    use_count: int
    last_used_at: datetime | None


@dataclass(frozen=True)
class TemplateView:
    """The feedback template of the chosen exercise: the LMS course's own or the default."""

    exercise_id: int
    exercise_title: str
    text: str
    own: bool


@dataclass(frozen=True)
class BankPage:
    lessons: tuple[LessonOption, ...]  # the exercise choices, by lesson
    industries: dict[str, str]  # slug -> name in the page's language, the active ones
    exercise_id: int | None  # the filter (None: all)
    industry: str | None  # the filter (None: all)
    snippets: tuple[SnippetView, ...]
    more: bool
    template: TemplateView | None
    default_template: str
    template_locale: str
    max_snippets: int = MAX_SNIPPETS

    def industry_name(self, slug: str) -> str:
        return self.industries.get(slug, slug)


def _snippet_view(scope: BankScope, snippet: CommentSnippet) -> SnippetView:
    assert snippet.id is not None
    return SnippetView(
        id=snippet.id,
        title=snippet.title,
        body_markdown=snippet.body_markdown,
        exercise_title=(
            scope.exercise_title(snippet.exercise_id) or "—"
            if snippet.exercise_id is not None
            else None
        ),
        industry=snippet.industry,
        use_count=snippet.use_count,
        last_used_at=as_utc(snippet.last_used_at) if snippet.last_used_at else None,
    )


def bank_page(
    session: Session,
    scope: BankScope,
    *,
    locale: str,
    exercise_id: int | None,
    industry: str | None,
    listed: bool = True,
) -> BankPage:
    """The bank page, filtered by exercise and industry (``None``: every one); without
    its snippets unless ``listed`` (the edit page needs only the choices)."""
    found = (
        find_snippets(
            session, scope, exercise_id=exercise_id, industry=industry, limit=MAX_SNIPPETS
        )
        if listed
        else Found((), more=False)
    )
    template_locale = templates.template_locale(None, scope.course_language, locale)
    template = None
    if exercise_id is not None:
        own = templates.own_template(session, scope.context_id, exercise_id)
        template = TemplateView(
            exercise_id=exercise_id,
            exercise_title=scope.exercise_title(exercise_id) or "—",
            text=own.body_markdown if own else templates.default_template(template_locale),
            own=own is not None,
        )
    industries = scope.outline.industries
    return BankPage(
        lessons=scope.outline.lessons,
        industries={slug: industries.name(slug, locale) for slug in industries.active},
        exercise_id=exercise_id,
        industry=industry,
        snippets=tuple(_snippet_view(scope, s) for s in found.snippets),
        more=found.more,
        template=template,
        default_template=templates.default_template(template_locale),
        template_locale=template_locale,
    )


def search_results(
    scope: BankScope, found: Found, *, locale: str, use_url: Callable[[int], str]
) -> dict[str, Any]:
    """The JSON of a search: each snippet's title, Markdown (what is inserted), a short
    plain excerpt, where it applies, and where to count its use."""
    industries = scope.outline.industries
    return {
        "results": [
            {
                "id": snippet.id,
                "title": snippet.title,
                "body": snippet.body_markdown,
                "excerpt": excerpt(snippet.body_markdown),
                "industry": industries.name(snippet.industry, locale) if snippet.industry else "",
                "use_count": snippet.use_count,
                "use_url": use_url(int(snippet.id or 0)),
            }
            for snippet in found.snippets
        ],
        "more": found.more,
    }


@dataclass(frozen=True)
class ReviewBank:
    """The review page's part of the comment bank: the feedback text the editor starts
    with (the draft's, else the exercise's template) and the search's scope."""

    exercise_id: int
    industry: str
    text: str


def review_bank(
    session: Session,
    principal: Principal,
    submission_id: int,
    *,
    draft_text: str | None,
    learner_locale: str | None,
) -> ReviewBank:
    """For the review page of a submission the principal may see (else 404)."""
    submission = submission_for_staff(session, principal, submission_id)
    course = course_service.course_for_context(session, principal.context_id)
    locale = templates.template_locale(learner_locale, course.language, principal.locale)
    text = templates.prefill(
        session,
        principal.context_id,
        submission.exercise_id,
        draft_text=draft_text,
        locale=locale,
    )
    return ReviewBank(exercise_id=submission.exercise_id, industry=submission.industry, text=text)

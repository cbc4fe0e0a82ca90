"""The comment bank over HTTP (``/c/{context}/comment-bank``): the page "Textbausteine"
with its forms (create, change, delete a snippet; an exercise's feedback template), the
search while typing (JSON) and the use count the keyboard insertion posts.

Thin: parse, authorise (``BankRequest``: tutors and admins of the URL's LMS course, which
must be the session's; anyone else gets 404), call the use-case modules, render. Every
POST checks CSRF (forms: the hidden field; the use count: the ``X-CSRF-Token`` header);
a refused form is shown again with its status, the message and the text as typed, after
rolling back anything flushed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from feedback.comment_bank import snippets, templates, views
from feedback.comment_bank.scope import BankScope, bank_scope
from feedback.comment_bank.search import QUERY_MAX_CHARS, SEARCH_LIMIT, find_snippets
from feedback.comment_bank.snippets import SnippetInput, SnippetRefused
from feedback.formatting import HELPERS
from feedback.http import read_form
from kurswerk.core import i18n
from kurswerk.core.auth import SESSION_QUERY, ContextPrincipal, codec
from kurswerk.core.csrf import CsrfChecked
from kurswerk.core.db import MAX_ROW_ID, RowId, SessionDep
from kurswerk.core.errors import AppError
from kurswerk.core.i18n import N_
from kurswerk.core.paths import request_path
from kurswerk.core.templating import PageRequest, render, with_query

router = APIRouter(prefix="/c/{context}/comment-bank")

FormData = Annotated[dict[str, str], Depends(read_form)]
# The form is read (size-capped) before the CSRF check parses it: order matters.
FORM_POST = [Depends(read_form), CsrfChecked]
MAX_INDUSTRY_CHARS = 16
BAD_FILTER = N_("Diese Auswahl von Übung und Branche gibt es nicht.")
BAD_SEARCH = N_("Die Suche ist zu lang oder fehlerhaft.")

ERROR_TITLE = N_("Das wurde nicht gespeichert")
LIMITS = {"title": snippets.TITLE_MAX_CHARS, "body": snippets.BODY_MAX_CHARS}

DONE = {
    "created": N_("Der Textbaustein ist gespeichert."),
    "updated": N_("Der Textbaustein ist geändert."),
    "deleted": N_("Der Textbaustein ist gelöscht."),
    "template_saved": N_("Die Feedbackvorlage der Übung ist gespeichert."),
    "template_reset": N_("Für die Übung gilt wieder die Standardvorlage."),
}


def _field_id(error: SnippetRefused | None) -> str | None:
    """The id of the form field a refusal names (the error summary links to it)."""
    if error is None or not error.field:
        return None
    return "kw-template-text" if error.field == "template" else f"kw-snippet-{error.field}"


@dataclass(frozen=True)
class Bank(PageRequest):
    """A handler's request in the bank: the request, the tutor or admin, the session and
    whose bank it is."""

    scope: BankScope

    def path(self, name: str, **params: Any) -> str:
        return request_path(self.request, name, context=self.principal.context_id, **params)

    def back(self, exercise_id: int | None, *, done: str, anchor: str = "") -> RedirectResponse:
        """To the bank page (post-redirect-get), showing ``exercise_id``'s snippets."""
        params = {"done": done}
        if exercise_id is not None:
            params["exercise"] = str(exercise_id)
        return self.to(self.path("comment_bank"), anchor=anchor, **params)

    def page(
        self,
        *,
        exercise_id: int | None,
        industry: str | None = None,
        status_code: int = 200,
        done: str = "",
        error: SnippetRefused | None = None,
        new: SnippetInput | None = None,
        template_text: str | None = None,
    ) -> HTMLResponse:
        locale = self.principal.locale
        page = views.bank_page(
            self.session, self.scope, locale=locale, exercise_id=exercise_id, industry=industry
        )
        return render(
            self.request,
            "feedback/comment_bank/bank.html",
            {
                "page": page,
                "new": new
                or SnippetInput(exercise=str(exercise_id or ""), industry=industry or ""),
                "template_text": template_text,
                "error": error,
                "error_field": _field_id(error),
                "done": i18n.gettext(locale, DONE[done]) if done in DONE else "",
                "limits": LIMITS,
                "error_title": ERROR_TITLE,
                "template_limit": templates.TEMPLATE_MAX_CHARS,
                **HELPERS,
            },
            status_code=status_code,
        )

    def edit_page(
        self, snippet_id: int, values: SnippetInput, error: SnippetRefused | None = None
    ) -> HTMLResponse:
        page = views.bank_page(
            self.session, self.scope, locale=self.principal.locale, exercise_id=None,
            industry=None, listed=False,
        )  # fmt: skip
        return render(
            self.request,
            "feedback/comment_bank/edit.html",
            {"page": page, "snippet_id": snippet_id, "values": values, "error": error,
             "error_field": _field_id(error), "limits": LIMITS, "error_title": ERROR_TITLE},
            status_code=error.status_code if error else 200,
        )  # fmt: skip

    def refused(self, error: SnippetRefused, **kwargs: Any) -> HTMLResponse:
        """Nothing of a refused change may commit: roll back, then show the page again."""
        self.session.rollback()
        return self.page(status_code=error.status_code, error=error, **kwargs)


def _bank(request: Request, principal: ContextPrincipal, session: SessionDep) -> Bank:
    return Bank(request, principal, session, bank_scope(session, principal))


BankRequest = Annotated[Bank, Depends(_bank)]


def _exercise_filter(bank: Bank, value: str) -> int | None:
    if not value:
        return None
    if not value.isdigit() or not 1 <= int(value) <= MAX_ROW_ID:
        raise AppError(BAD_FILTER, 400, reason=f"exercise {value[:20]!r}")
    exercise_id = int(value)
    bank.scope.require_exercise(exercise_id)
    return exercise_id


def _chosen(bank: Bank, value: str) -> int | None:
    """The exercise a refused form chose, to show its view again (None: not one of ours)."""
    exercise_id = int(value) if value.isdigit() and len(value) < 12 else None
    return exercise_id if exercise_id and bank.scope.has_exercise(exercise_id) else None


def _industry_filter(bank: Bank, value: str) -> str | None:
    if not value:
        return None
    if len(value) > MAX_INDUSTRY_CHARS or not bank.scope.has_industry(value):
        raise AppError(BAD_FILTER, 400, reason=f"industry {value[:20]!r}")
    return value


# --- the page and its snippets ----------------------------------------------------------


@router.get("", name="comment_bank")
def bank_page(
    bank: BankRequest, exercise: str = "", industry: str = "", done: str = ""
) -> Response:
    return bank.page(
        exercise_id=_exercise_filter(bank, exercise),
        industry=_industry_filter(bank, industry),
        done=done,
    )


@router.post("", name="comment_bank_create", dependencies=FORM_POST)
def create(bank: BankRequest, form: FormData) -> Response:
    data = SnippetInput.of_form(form)
    try:
        snippet = snippets.create_snippet(
            bank.session, bank.scope, data, author_id=bank.principal.user_id
        )
    except SnippetRefused as error:
        return bank.refused(error, exercise_id=_chosen(bank, data.exercise), new=data)
    return bank.back(snippet.exercise_id, done="created", anchor=f"kw-snippet-{snippet.id}")


@router.get("/search", name="comment_bank_search")
def search(bank: BankRequest, q: str = "", exercise: str = "", industry: str = "") -> JSONResponse:
    """Snippets for the keyboard insertion, most used first (at most SEARCH_LIMIT)."""
    if len(q) > QUERY_MAX_CHARS:
        raise AppError(BAD_SEARCH, 400, reason=f"query of {len(q)} characters")
    found = find_snippets(
        bank.session,
        bank.scope,
        query=q,
        exercise_id=_exercise_filter(bank, exercise),
        industry=_industry_filter(bank, industry),
        limit=SEARCH_LIMIT,
    )
    token = codec(bank.request).issue(bank.principal)

    def use_url(snippet_id: int) -> str:
        path = bank.path("comment_bank_use", snippet_id=snippet_id)
        return with_query(path, **{SESSION_QUERY: token})

    body = views.search_results(bank.scope, found, locale=bank.principal.locale, use_url=use_url)
    return JSONResponse(body, headers={"Cache-Control": "no-store"})


@router.get("/{snippet_id}", name="comment_bank_edit")
def edit(bank: BankRequest, snippet_id: RowId) -> Response:
    snippet = snippets.get_snippet(bank.session, bank.scope, snippet_id)
    return bank.edit_page(snippet_id, SnippetInput.of_snippet(snippet))


@router.post("/{snippet_id}", name="comment_bank_update", dependencies=FORM_POST)
def update(bank: BankRequest, snippet_id: RowId, form: FormData) -> Response:
    data = SnippetInput.of_form(form)
    try:
        snippet = snippets.update_snippet(bank.session, bank.scope, snippet_id, data)
    except SnippetRefused as error:
        bank.session.rollback()
        return bank.edit_page(snippet_id, data, error)
    return bank.back(snippet.exercise_id, done="updated", anchor=f"kw-snippet-{snippet.id}")


@router.post("/{snippet_id}/delete", name="comment_bank_delete", dependencies=FORM_POST)
def delete(bank: BankRequest, snippet_id: RowId, form: FormData) -> Response:
    exercise_id = snippets.get_snippet(bank.session, bank.scope, snippet_id).exercise_id
    snippets.delete_snippet(bank.session, bank.scope, snippet_id)
    return bank.back(exercise_id, done="deleted")


@router.post("/{snippet_id}/use", name="comment_bank_use", dependencies=[CsrfChecked])
def use(bank: BankRequest, snippet_id: RowId) -> JSONResponse:
    """One insertion of the snippet (``comment-bank.js`` posts it, the token in the
    ``X-CSRF-Token`` header): its use count goes up by one."""
    count = snippets.count_use(bank.session, bank.scope, snippet_id)
    return JSONResponse({"use_count": count}, headers={"Cache-Control": "no-store"})


# --- an exercise's feedback template ---------------------------------------------------


@router.post(
    "/exercises/{exercise_id}/template", name="comment_bank_template", dependencies=FORM_POST
)
def save_template(bank: BankRequest, exercise_id: RowId, form: FormData) -> Response:
    bank.scope.require_exercise(exercise_id)
    text = form.get("template", "")
    try:
        templates.save_template(bank.session, bank.scope, bank.principal, exercise_id, text)
    except SnippetRefused as error:
        return bank.refused(error, exercise_id=exercise_id, template_text=text)
    return bank.back(exercise_id, done="template_saved", anchor="kw-template")


@router.post(
    "/exercises/{exercise_id}/template/reset",
    name="comment_bank_template_reset",
    dependencies=FORM_POST,
)
def reset_template(bank: BankRequest, exercise_id: RowId, form: FormData) -> Response:
    templates.reset_template(bank.session, bank.scope, exercise_id)
    return bank.back(exercise_id, done="template_reset", anchor="kw-template")

"""Small pieces the FAQ, forum and question routes share: limits and base URL from the
app's settings, the form page shown again with a refused input, post-redirect-get with
the page token, the forum's paths, and status notices; and ``Page`` (``CoursePage``), a
handler's request, member of the LMS course and session with these pieces bound to them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any

from fastapi import Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from course.forum.rules import InputError, Limits
from kurswerk.core import clock
from kurswerk.core.auth import ContextPrincipal, Principal, email_links
from kurswerk.core.db import SessionDep
from kurswerk.core.email_links import EmailLinks
from kurswerk.core.i18n import N_
from kurswerk.core.paths import path_for, request_path
from kurswerk.core.templating import PageRequest, environment, render

Text = Annotated[str, Form(max_length=1_000_000)]
"""A text field of a form. Generous on purpose: the service refuses a text that is too
long with its own message (``course.forum.rules.clean_text``) and the form keeps the
text; this limit only keeps absurd sizes out."""

NOTICES = {  # ?notice=<value>: the confirmation shown after the redirect
    "posted": N_(
        "Ihre Frage ist veröffentlicht. Sie folgen ihr und erfahren per E-Mail von Antworten."
    ),
    "replied": N_("Ihre Antwort ist veröffentlicht."),
    "edited": N_("Gespeichert."),
    "deleted": N_("Der Beitrag ist gelöscht."),
    "thread_deleted": N_("Die Frage ist gelöscht."),
    "followed": N_("Sie folgen jetzt und erhalten E-Mails zu neuen Beiträgen."),
    "unfollowed": N_("Sie folgen nicht mehr."),
    "reported": N_("Danke. Die Tutor:innen prüfen den Beitrag."),
    "already_reported": N_("Diesen Beitrag haben Sie schon gemeldet."),
    "moderated": N_("Geändert."),
    "moved": N_("Die Frage ist verschoben."),
    "accepted": N_("Gespeichert."),
    "promoted": N_("Die Antwort steht jetzt in der FAQ. Sie können den Eintrag noch bearbeiten."),
    "already_promoted": N_("Diese Frage steht schon in der FAQ."),
    "faq_saved": N_("Der FAQ-Eintrag ist gespeichert."),
    "faq_deleted": N_("Der FAQ-Eintrag ist gelöscht."),
    "faq_reverted": N_("Die Fassung aus den Kursdateien gilt wieder."),
    "asked": N_("Ihre Frage ist bei der Kursleitung angekommen."),
    "answered": N_("Die Antwort ist gespeichert und per E-Mail unterwegs."),
    "published": N_("Die Frage steht jetzt ohne Namen in der FAQ."),
    "settings_saved": N_("Ihre Einstellung ist gespeichert."),
    "all_read": N_("Alle Fragen sind als gelesen markiert."),
    "resolved": N_("Die Meldung ist erledigt."),
}


def limits(request: Request) -> Limits:
    return Limits.from_settings(request.app.state.settings)


def form_page(
    request: Request, template: str, context: dict[str, Any], error: InputError | None = None
) -> HTMLResponse:
    """A page with a form: first shown (200), or shown again after the service refused
    what was sent, with the refusal's status (400, 403, 413, 429), its message (``error``
    in the template) and the text as typed (in ``context``)."""
    status = error.status_code if error else 200
    return render(request, template, {**context, "error": error}, status_code=status)


def lesson_path(principal: Principal, slug: str) -> str:
    return path_for("lesson", context=principal.context_id, slug=slug)


def thread_path(principal: Principal, thread_id: int) -> str:
    return path_for("forum_thread", context=principal.context_id, thread_id=thread_id)


def notice_of(request: Request) -> str:
    """The confirmation the URL names (``?notice=``) as a message id, "" when it names
    none of ours (never echoes input)."""
    return NOTICES.get(request.query_params.get("notice", ""), "")


@dataclass(frozen=True)
class Page(PageRequest):
    """What a handler of a course page works with: the request, the member of the LMS
    course the page is for, and the request's database session; with the pieces above
    bound to them."""

    @property
    def limits(self) -> Limits:
        return limits(self.request)

    @property
    def links(self) -> EmailLinks:
        return email_links(self.request)

    @property
    def notice(self) -> str:
        return notice_of(self.request)

    def show(self, template: str, context: dict[str, Any]) -> HTMLResponse:
        return render(self.request, template, context)

    def form(
        self, template: str, context: dict[str, Any], error: InputError | None = None
    ) -> HTMLResponse:
        return form_page(self.request, template, context, error)

    def path(self, route: str, /, **params: Any) -> str:
        """The path of the course page ``route`` in this page's LMS course."""
        return request_path(self.request, route, context=self.principal.context_id, **params)

    def redirect(self, path: str, *, notice: str = "", anchor: str = "") -> RedirectResponse:
        """To a tool page, with ``notice`` if there is one."""
        params = {"notice": notice} if notice else {}
        return self.to(path, anchor=anchor, **params)

    def to_post(self, thread_id: int | None, post_id: int, notice: str) -> RedirectResponse:
        """Back to a post in its thread, with what became of it."""
        assert thread_id is not None
        path = thread_path(self.principal, thread_id)
        return self.redirect(path, notice=notice, anchor=f"post-{post_id}")


def _page(request: Request, principal: ContextPrincipal, session: SessionDep) -> Page:
    return Page(request, principal, session)


CoursePage = Annotated[Page, Depends(_page)]
"""A handler's parameter for its ``Page`` (a signed-in member of the LMS course)."""


def localtime(value: datetime, locale: str = "de") -> str:
    """``22.11.2026, 14:05`` in the course's time zone (stored times are UTC)."""
    return clock.when(value, locale, uhr=False)


environment.filters.setdefault("localtime", localtime)

"""One Jinja2 environment over the shell's and each domain's ``templates/`` folders.

``render()`` gives every page what it needs to work inside an LMS iframe: the locale,
the principal, a fresh page token (``link()`` appends it, ``form_action()`` too) and the
CSRF token. ``path_for(name, **params)`` is the path of a named route (``kurswerk.core.paths``):
a page links ``link(path_for("lesson", context=..., slug=...))``, never a hand-built path.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, partial
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, select_autoescape
from sqlmodel import Session

from kurswerk.core import clock, date_input, i18n
from kurswerk.core.auth import (
    SESSION_QUERY,
    Principal,
    codec,
    displayed_principal,
    opened_from_email_link,
)
from kurswerk.core.branding import page_brand, stylesheet_version
from kurswerk.core.csrf import CSRF_FIELD
from kurswerk.core.lms_home import lms_home_url
from kurswerk.core.paths import request_path
from kurswerk.core.static_files import versioned_url_for

_SHELL_TEMPLATES = Path(__file__).resolve().parents[1] / "templates"
_loaders: list[FileSystemLoader] = [FileSystemLoader(_SHELL_TEMPLATES)]
environment = Environment(
    loader=ChoiceLoader(_loaders),
    autoescape=select_autoescape(["html", "xml"]),
    trim_blocks=True,
    lstrip_blocks=True,
    auto_reload=False,
    extensions=["jinja2.ext.i18n"],
)
# ``{% trans %}`` calls the page's own ``gettext``/``ngettext`` (``page_context``) and fills
# ``%(name)s`` placeholders; the block's whitespace is normalised (as extracted).
environment.newstyle_gettext = True  # type: ignore[attr-defined]
environment.policies["ext.i18n.trimmed"] = True
environment.filters.update(clock.FILTERS)  # dates, times, numbers in the page's language
environment.filters.update(date_input.FILTERS)  # date fields typed the page's way


def add_template_folder(folder: Path) -> None:
    """Called by the composition root (``kurswerk.wiring``) for each room's ``templates/``
    folder."""
    if all(Path(loader.searchpath[0]) != folder for loader in _loaders):
        _loaders.append(FileSystemLoader(folder))


def with_query(url: str, **params: str) -> str:
    parts = urlsplit(url)
    query = parts.query + ("&" if parts.query else "") + urlencode(params)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, parts.fragment))


def redirect_to(
    request: Request, principal: Principal, path: str, *, anchor: str = "", **params: str
) -> RedirectResponse:
    """303 to a tool page (post-redirect-get): ``path`` with a fresh page token (the LMS
    iframe may refuse our cookie), then ``params``, at ``#anchor``."""
    target = with_query(path, **{SESSION_QUERY: codec(request).issue(principal)}, **params)
    return RedirectResponse(f"{target}#{anchor}" if anchor else target, status_code=303)


@dataclass(frozen=True)
class PageRequest:
    """What a handler of a tool page works with: the request, the signed-in principal and
    the request's database session; a domain's own kind of page (``course.http.Page``,
    ``feedback.routes.tutor.Review``) adds what its pages share."""

    request: Request
    principal: Principal
    session: Session

    def to(self, path: str, *, anchor: str = "", **params: str) -> RedirectResponse:
        """Post-redirect-get to ``path`` (see ``redirect_to``)."""
        return redirect_to(self.request, self.principal, path, anchor=anchor, **params)


def page_link(page_token: str) -> Callable[..., str]:
    """The pages' ``link(url, **params)``: a same-tool URL that carries ``page_token`` (see
    kurswerk.core.auth); none when the token is empty."""

    def link(url: str, **params: str) -> str:
        if page_token:
            params = {**params, SESSION_QUERY: page_token}
        return with_query(url, **params) if params else url

    return link


def page_context(request: Request, *, locale: str | None = None) -> dict[str, Any]:
    """What every page needs; ``locale`` is for pages without a principal that still know
    their reader's language (the signed-out page, an error page)."""
    principal = displayed_principal(request)
    if locale is None:
        locale = (
            principal.locale
            if principal
            else getattr(request.state, "page_locale", None)
            or request.app.state.settings.default_locale
        )
    # A page opened from an email link is read-only: it hands out no session.
    from_email = opened_from_email_link(request)
    page_token = codec(request).issue(principal) if principal and not from_email else ""
    csrf = codec(request).csrf_token(principal) if principal and not from_email else ""

    return {
        "request": request,
        "principal": principal,
        "locale": locale,
        "locales": i18n.locales(),
        "language_name": i18n.language_name,
        **i18n.template_functions(locale),
        "link": page_link(page_token),
        "page_token": page_token,
        "from_email_link": from_email,
        "email_link_lms_home": (
            lms_home_url(request, principal.platform_id) if principal and from_email else None
        ),
        "csrf_token": csrf,
        "csrf_field": CSRF_FIELD,
        "url_for": versioned_url_for(request),  # static files with their version
        "path_for": partial(request_path, request),
        # Looked up only by the pages that show it (a database read).
        "lms_home": lambda: lms_home_url(request, principal.platform_id if principal else None),
        # The course's accent and logo (kurswerk.core.branding): one read per page.
        "brand": cache(lambda: page_brand(request, principal)),
        "stylesheet_version": stylesheet_version,
    }


def render(
    request: Request,
    name: str,
    context: dict[str, Any] | None = None,
    *,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
    locale: str | None = None,
) -> HTMLResponse:
    ctx = page_context(request, locale=locale)
    if context:
        ctx.update(context)
    html = environment.get_template(name).render(ctx)
    return HTMLResponse(html, status_code=status_code, headers=headers)

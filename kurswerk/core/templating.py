"""One Jinja2 environment over the shell's and each domain's ``templates/`` folders.

``render()`` gives every page what it needs to work inside an LMS iframe: the locale,
the principal, a fresh page token (``link()`` appends it, ``form_action()`` too) and the
CSRF token. ``path_for(name, **params)`` is the path of a named route (``kurswerk.core.paths``):
a page links ``link(path_for("lesson", context=..., slug=...))``, never a hand-built path.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, select_autoescape

from kurswerk.core import i18n
from kurswerk.core.auth import SESSION_QUERY, codec, displayed_principal, opened_from_email_link
from kurswerk.core.csrf import CSRF_FIELD
from kurswerk.core.lms_home import lms_home_url
from kurswerk.core.paths import request_path

_SHELL_TEMPLATES = Path(__file__).resolve().parents[1] / "templates"
_loaders: list[FileSystemLoader] = [FileSystemLoader(_SHELL_TEMPLATES)]
environment = Environment(
    loader=ChoiceLoader(_loaders),
    autoescape=select_autoescape(["html", "xml"]),
    trim_blocks=True,
    lstrip_blocks=True,
    auto_reload=False,
)


def add_template_folder(folder: Path) -> None:
    """Called by the composition root (``kurswerk.wiring``) for each room's ``templates/``
    folder."""
    if all(Path(loader.searchpath[0]) != folder for loader in _loaders):
        _loaders.append(FileSystemLoader(folder))


def with_query(url: str, **params: str) -> str:
    parts = urlsplit(url)
    query = parts.query + ("&" if parts.query else "") + urlencode(params)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, parts.fragment))


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

    def translate(key: str, /, **params: Any) -> str:
        return i18n.translate(locale, key, **params)

    def link(url: str, **params: str) -> str:
        """A same-tool URL that carries the page token (see kurswerk.core.auth)."""
        if page_token:
            params = {**params, SESSION_QUERY: page_token}
        return with_query(url, **params) if params else url

    return {
        "request": request,
        "principal": principal,
        "locale": locale,
        "_": translate,
        "link": link,
        "page_token": page_token,
        "from_email_link": from_email,
        "email_link_lms_home": (
            lms_home_url(request, principal.platform_id) if principal and from_email else None
        ),
        "csrf_token": csrf,
        "csrf_field": CSRF_FIELD,
        "url_for": request.url_for,
        "path_for": partial(request_path, request),
        # Looked up only by the pages that show it (a database read).
        "lms_home": lambda: lms_home_url(request, principal.platform_id if principal else None),
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

"""Domain errors carry their status; one handler renders them as a page (or a fragment)."""

from __future__ import annotations

import logging
import re
from http import HTTPStatus

from fastapi import Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from kurswerk.core import i18n
from kurswerk.core.i18n import N_
from kurswerk.core.lms_home import lms_home_url

log = logging.getLogger("kurswerk.core.errors")

# The refusals every room may raise, by what they say (message ids).
FORBIDDEN = N_("Dafür fehlt Ihnen die Berechtigung.")
NOT_FOUND = N_("Diese Seite gibt es nicht.")
NO_SESSION = N_(
    "Ihre Sitzung ist abgelaufen oder fehlt. Bitte öffnen Sie Kurswerk erneut über Ihren "
    "Kurs im LMS."
)
BAD_REQUEST = N_("Die Anfrage ist unvollständig oder fehlerhaft (%(fields)s).")
NOT_PROCESSED = N_("Die Anfrage konnte nicht bearbeitet werden.")
INTERNAL = N_("Ein unerwarteter Fehler ist aufgetreten. Bitte versuchen Sie es später erneut.")


class AppError(Exception):
    """An error a user can act on. ``message`` is an i18n key or plain text; ``detail`` is
    extra text shown below it (e.g. what an LMS admin should check); ``reason`` is logged."""

    status_code = 400
    leads_back_to_lms = False
    """Whether the error page shows the button back to the LMS (where Kurswerk opens anew)."""

    def __init__(
        self,
        message: str,
        status: int | None = None,
        *,
        detail: str = "",
        reason: str = "",
        params: dict[str, object] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.detail = detail
        self.reason = reason or message
        self.params = params or {}
        if status is not None:
            self.status_code = status


class NotFound(AppError):
    status_code = 404


class Forbidden(AppError):
    status_code = 403


class Unauthenticated(AppError):
    status_code = 401


def wants_json(request: Request) -> bool:
    """A client that asked for JSON (a script's fetch), not a page."""
    accept = request.headers.get("accept", "").lower()
    return "application/json" in accept and "text/html" not in accept


def error_locale(request: Request) -> str:
    """The language of an error page: the session's, else the one an email link named,
    else the browser's (``Accept-Language``), else ``KURSWERK_DEFAULT_LOCALE``."""
    from kurswerk.core.auth import displayed_principal, email_link_refusal

    principal = displayed_principal(request)
    if principal is not None:
        return principal.locale
    refusal = email_link_refusal(request)
    if refusal is not None and refusal.locale:
        return refusal.locale
    return i18n.preferred_locale(request.headers.get("accept-language")) or str(
        request.app.state.settings.default_locale
    )


def _way_back(request: Request) -> dict[str, object]:
    """Where an error page leads: the course's home in Kurswerk when a session holds,
    else the LMS (the platform the session, or the email link, names) when known. The LMS
    address is looked up only if the page shows it (``lms_home()`` in the templates)."""
    from kurswerk.core.auth import displayed_principal, email_link_refusal, opened_from_email_link

    principal = displayed_principal(request)
    in_session = principal is not None and not opened_from_email_link(request)
    refusal = email_link_refusal(request)
    platform_id = principal.platform_id if principal else refusal.platform_id if refusal else None
    return {
        "course_home_context": principal.context_id if principal and in_session else None,
        "lms_home": lambda: lms_home_url(request, platform_id),
    }


def error_code(status: int) -> str:
    """A JSON error's code for scripts, stable across languages: ``not_found``,
    ``conflict``, ``unprocessable_content`` … (the status's name)."""
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        return "error"
    return re.sub(r"[^a-z]+", "_", phrase.lower()).strip("_")


def render_app_error(request: Request, exc: AppError) -> Response:
    from kurswerk.core.templating import render  # local: templating imports settings lazily

    log.warning(
        "request refused: %s %s -> %s (%s)",
        request.method,
        request.url.path,
        exc.status_code,
        exc.reason,
    )
    locale = error_locale(request)
    if wants_json(request):
        return JSONResponse(
            {
                "error": error_code(exc.status_code),
                "message": i18n.gettext(locale, exc.message, **exc.params),
                "status": exc.status_code,
            },
            status_code=exc.status_code,
        )
    request.state.page_locale = locale
    template = (
        "fragments/error.html" if request.headers.get("HX-Request") == "true" else "error.html"
    )
    response = render(
        request,
        template,
        {"error": exc, "status": exc.status_code, **_way_back(request)},
        status_code=exc.status_code,
    )
    assert isinstance(response, HTMLResponse)
    return response


async def app_error_handler(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, AppError)
    return render_app_error(request, exc)

"""The shell's own routes: liveness, readiness, the favicon and the language switch."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from sqlalchemy import text

from kurswerk import i18n
from kurswerk.auth import (
    CsrfChecked,
    CurrentPrincipal,
    codec,
    locale_choice_store,
    with_locale,
)
from kurswerk.db import SessionDep
from kurswerk.templating import with_query

router = APIRouter()


@router.get("/health", include_in_schema=False)
def health() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/favicon.ico", include_in_schema=False)
def favicon(request: Request) -> Response:
    """Browsers and LMS link previews ask for ``/favicon.ico`` whatever a page links:
    send them to the one icon (an SVG in ``static``) instead of a 404."""
    icon = request.app.url_path_for("static", path="favicon.svg")
    return RedirectResponse(str(icon), status_code=301)


@router.get("/ready", include_in_schema=False)
def ready(request: Request) -> Response:
    try:
        with request.app.state.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as exc:  # noqa: BLE001 - readiness reports any database failure
        return JSONResponse({"status": "unavailable", "reason": type(exc).__name__}, 503)
    return JSONResponse({"status": "ok"})


@router.post("/session/locale", name="set_locale", dependencies=[CsrfChecked])
def set_locale(
    request: Request,
    session: SessionDep,
    principal: CurrentPrincipal,
    locale: Annotated[str, Form()],
    next_path: Annotated[str, Form(alias="next")] = "/",
) -> Response:
    """Switch the UI language and go back to the page. A language Kurswerk speaks is also
    stored as the person's own choice: later launches keep it whatever the LMS says, and
    emails to them are written in it. Anything else only falls back to German for this
    session, as before, and stores nothing."""
    chosen = i18n.supported_locale(locale)
    if chosen is not None:
        locale_choice_store(request.app)(session, principal, chosen)
    updated = with_locale(principal, chosen or i18n.DEFAULT_LOCALE)
    token = codec(request).issue(updated)
    # Only same-tool paths: never an open redirect.
    target = next_path if next_path.startswith("/") and not next_path.startswith("//") else "/"
    response = RedirectResponse(with_query(target, kt=token), status_code=303)
    response.headers.append("Set-Cookie", codec(request).cookie_header(token))
    return response

"""The shell's own routes: liveness, readiness and the language switch."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from sqlalchemy import text

from kurswerk import i18n
from kurswerk.auth import CsrfChecked, CurrentPrincipal, codec, with_locale
from kurswerk.templating import with_query

router = APIRouter()


@router.get("/health", include_in_schema=False)
def health() -> dict[str, str]:
    return {"status": "ok"}


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
    principal: CurrentPrincipal,
    locale: Annotated[str, Form()],
    next_path: Annotated[str, Form(alias="next")] = "/",
) -> Response:
    """Switch the UI language for this session and go back to the page."""
    updated = with_locale(principal, i18n.normalise_locale(locale))
    token = codec(request).issue(updated)
    # Only same-tool paths: never an open redirect.
    target = next_path if next_path.startswith("/") and not next_path.startswith("//") else "/"
    response = RedirectResponse(with_query(target, kt=token), status_code=303)
    response.headers.append("Set-Cookie", codec(request).cookie_header(token))
    return response

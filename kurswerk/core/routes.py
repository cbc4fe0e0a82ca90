"""The shell's own routes: liveness, readiness, the favicon, a course's accent colour, the
language switch and logging out; in dev and demo, the pattern page."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from sqlalchemy import text

from kurswerk.core import branding, i18n, patterns
from kurswerk.core.auth import CurrentPrincipal, codec
from kurswerk.core.contrast import AA_TEXT, WHITE, contrast_ratio
from kurswerk.core.contrast import is_hex_colour as is_hex
from kurswerk.core.csrf import CsrfChecked
from kurswerk.core.db import SessionDep
from kurswerk.core.lms_home import lms_home_url
from kurswerk.core.locale_choice import locale_choice_store, with_locale
from kurswerk.core.session_revocation import revoke
from kurswerk.core.static_files import IMMUTABLE, REVALIDATE
from kurswerk.core.templating import redirect_to, render, with_query

router = APIRouter()
dev_router = APIRouter()
"""Pages of the dev and demo setups only (``patterns.ENVS``; not in production)."""


@router.get("/health", name="health", include_in_schema=False)
def health() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/favicon.ico", name="favicon", include_in_schema=False)
def favicon(request: Request) -> Response:
    """Browsers and LMS link previews ask for ``/favicon.ico`` whatever a page links:
    send them to the one icon (an SVG in ``static``) instead of a 404."""
    icon = request.app.url_path_for("static", path="favicon.svg")
    return RedirectResponse(str(icon), status_code=301)


@router.get(
    "/brand/kurswerk-{version}-{colour}.css", name="brand_stylesheet", include_in_schema=False
)
def brand_stylesheet(request: Request, version: str, colour: str) -> Response:
    """kurswerk.css with a course's accent (``kurswerk.core.branding``): kept for a year
    when the address names kurswerk.css's current version, else checked again. Only a
    colour a course may have (six hex digits, 4.5:1 against white) is answered."""
    accent = f"#{colour.lower()}"
    if not is_hex(accent) or contrast_ratio(accent, WHITE) < AA_TEXT:
        return Response(status_code=404)
    static_path = request.app.url_path_for("static", path="/")
    fresh = version == branding.stylesheet_version()
    return Response(
        branding.branded_stylesheet(accent, str(static_path)),
        media_type="text/css",
        headers={"Cache-Control": IMMUTABLE if fresh else REVALIDATE},
    )


@router.get("/ready", name="ready", include_in_schema=False)
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
        locale_choice_store()(session, principal, chosen)
    updated = with_locale(principal, chosen or i18n.DEFAULT_LOCALE)
    # Only same-tool paths: never an open redirect.
    target = next_path if next_path.startswith("/") and not next_path.startswith("//") else "/"
    response = redirect_to(request, updated, target)
    response.headers.append("Set-Cookie", codec(request).cookie_header(updated))
    return response


@router.post("/session/logout", name="logout", dependencies=[CsrfChecked])
def logout(request: Request, session: SessionDep, principal: CurrentPrincipal) -> Response:
    """End this session: the cookie is deleted and the session id recorded as ended, so
    the page tokens still in this session's tabs, links and history stop working too.

    Only *this* session ends (``kurswerk.core.session_revocation`` says why): Kurswerk open
    from another LMS course is another launch and keeps working. The next launch from the
    LMS starts a new session."""
    session_codec = codec(request)
    revoke(session, principal.sid, keep_for=timedelta(seconds=session_codec.longest_ttl))
    target = with_query(
        request.app.url_path_for("signed_out"),
        lang=principal.locale,
        lms=str(principal.platform_id),
    )
    response = RedirectResponse(target, status_code=303)
    response.headers.append("Set-Cookie", session_codec.clear_cookie_header())
    return response


@router.get("/session/signed-out", name="signed_out")
def signed_out(request: Request, lang: str = "", lms: int | None = None) -> Response:
    """Says the session ended and how to open Kurswerk again, in the language of the
    person who signed out, with a link to their LMS (the session is gone, so both come
    in the URL; a platform's site address is no secret)."""
    return render(
        request,
        "signed_out.html",
        {"lms_home": lambda: lms_home_url(request, lms)},
        locale=i18n.supported_locale(lang),
    )


@dev_router.get("/dev/patterns", name="pattern_page", include_in_schema=False)
def pattern_page(request: Request, lang: str = "") -> HTMLResponse:
    locale = lang if lang in i18n.locales() else request.app.state.settings.default_locale
    return render(
        request,
        "patterns.html",
        {"swatches": patterns.SWATCHES, "samples": patterns.SAMPLES},
        locale=locale,
    )

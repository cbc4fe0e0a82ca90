"""The app factory: settings, engine, session codec, every domain's router, error pages."""

from __future__ import annotations

import logging
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette_compress import CompressMiddleware

import coaching.routes
import course.routes
import feedback.routes
import lti.routes
import uploads.routes
from kurswerk.core import patterns
from kurswerk.core import routes as shell_routes
from kurswerk.core.access_log import AccessLogMiddleware
from kurswerk.core.auth import SessionCodec
from kurswerk.core.body_limit import BodyLimitMiddleware, MarkedRoutes
from kurswerk.core.db import make_engine
from kurswerk.core.email_links import EmailLinks
from kurswerk.core.errors import (
    BAD_REQUEST,
    FORBIDDEN,
    INTERNAL,
    NO_SESSION,
    NOT_FOUND,
    NOT_PROCESSED,
    AppError,
    app_error_handler,
    render_app_error,
)
from kurswerk.core.i18n import N_
from kurswerk.core.log_redaction import redact_root_handlers
from kurswerk.core.security import SecurityHeadersMiddleware
from kurswerk.core.settings import Settings, get_settings
from kurswerk.core.static_files import VersionedStaticFiles
from kurswerk.wiring import wire
from lti.routes import course as lti_course_pages
from lti.runtime import LtiRuntime

log = logging.getLogger("kurswerk")

COMPRESS_MIN_BYTES = 1024
"""Smaller bodies go out as they are: the compressed form would save next to nothing."""

DOMAIN_ROUTERS = (
    course.routes.router,
    coaching.routes.router,
    uploads.routes.router,
    feedback.routes.router,
)


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    settings.check_safe_for_production()
    wire()
    logging.basicConfig(level=settings.log_level)
    redact_root_handlers()

    app = FastAPI(title="Kurswerk", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.settings = settings
    app.state.engine = make_engine(settings.database_url)
    app.state.session_codec = SessionCodec(settings)
    app.state.email_links = EmailLinks(settings)
    # Per-app objects of the rooms, bound to this app's settings and engine: the LTI
    # runtime (keys, service client, the CSP frame ancestors), the upload tools.
    app.state.lti = LtiRuntime(settings, app.state.engine)
    app.state.submit_tools = uploads.routes.submit_tools(settings)

    # Added first, so it runs inside the security headers: a refusal carries them too.
    app.add_middleware(
        BodyLimitMiddleware, max_bytes=settings.max_form_bytes, exempt=MarkedRoutes(app)
    )
    app.add_middleware(
        SecurityHeadersMiddleware,
        frame_ancestors=lambda: app.state.lti.frame_ancestors(),
    )
    # Outermost: compresses what the app sends (pages, CSS, JS, JSON over 1 KB) with
    # Brotli or gzip as the browser accepts, adding "Vary: Accept-Encoding"; the library's
    # list of text types leaves PDFs, images and other compressed files alone.
    app.add_middleware(CompressMiddleware, minimum_size=COMPRESS_MIN_BYTES, zstd=False)
    app.add_middleware(AccessLogMiddleware)  # the status and the bytes as they are sent
    app.mount(
        "/static",
        VersionedStaticFiles(directory=Path(__file__).parent / "static"),
        name="static",
    )
    app.include_router(shell_routes.router)
    if settings.env in patterns.ENVS:  # the pattern page: dev and demo only
        app.include_router(shell_routes.dev_router)
    app.include_router(lti.routes.router)
    app.include_router(lti_course_pages.router)  # the LTI pages inside a course
    app.mount(
        "/lti/static", VersionedStaticFiles(directory=lti.routes.STATIC_FOLDER), name="lti_static"
    )
    for router in DOMAIN_ROUTERS:
        app.include_router(router)

    app.add_exception_handler(AppError, app_error_handler)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(Exception, _internal_error)
    return app


HTTP_ERROR_MESSAGES = {
    400: NOT_PROCESSED,
    401: NO_SESSION,
    403: FORBIDDEN,
    404: NOT_FOUND,
    405: N_(
        "Diese Seite lässt sich so nicht aufrufen. Bitte öffnen Sie sie über "
        "einen Link oder ein Formular in Kurswerk."
    ),
    413: N_("Die Anfrage ist zu groß. Es wurde nichts gespeichert."),
    422: NOT_PROCESSED,
}


async def _http_error(request: Request, exc: Exception) -> Response:
    """Starlette's own refusals (no such route, a method the route does not take, ...) as
    the app's error page in the person's language: never its English ``detail``."""
    assert isinstance(exc, StarletteHTTPException)
    message = HTTP_ERROR_MESSAGES.get(exc.status_code, NOT_PROCESSED)
    if exc.status_code >= 500:
        message = INTERNAL
    response = render_app_error(request, AppError(message, exc.status_code, reason=str(exc.detail)))
    if exc.headers:
        response.headers.update(exc.headers)
    return response


async def _validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    fields = ", ".join(".".join(str(p) for p in e.get("loc", ())[1:]) for e in exc.errors())
    return render_app_error(
        request,
        AppError(
            BAD_REQUEST,
            400,
            reason=f"invalid fields: {fields}",
            params={"fields": fields},
        ),
    )


async def _internal_error(request: Request, exc: Exception) -> Response:
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return render_app_error(
        request,
        AppError(
            INTERNAL,
            500,
            reason=repr(exc),
        ),
    )

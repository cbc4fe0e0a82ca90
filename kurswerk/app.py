"""The app factory: settings, engine, session codec, every domain's router, error pages."""

from __future__ import annotations

import logging
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

import course.routes
import feedback.routes
import lti.routes
import uploads.routes
from kurswerk import routes as shell_routes
from kurswerk.auth import SessionCodec
from kurswerk.body_limit import BodyLimitMiddleware, MarkedRoutes
from kurswerk.db import make_engine
from kurswerk.errors import AppError, app_error_handler, render_app_error
from kurswerk.log_redaction import redact_root_handlers
from kurswerk.security import SecurityHeadersMiddleware
from kurswerk.settings import Settings, get_settings

log = logging.getLogger("kurswerk")

DOMAIN_ROUTES = (lti.routes, course.routes, uploads.routes, feedback.routes)


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    settings.check_safe_for_production()
    logging.basicConfig(level=settings.log_level)
    redact_root_handlers()

    app = FastAPI(title="Kurswerk", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.settings = settings
    app.state.engine = make_engine(settings.database_url)
    app.state.session_codec = SessionCodec(settings)
    app.state.frame_ancestors = lambda: ()

    # Added first, so it runs inside the security headers: a refusal carries them too.
    app.add_middleware(
        BodyLimitMiddleware, max_bytes=settings.max_form_bytes, exempt=MarkedRoutes(app)
    )
    app.add_middleware(
        SecurityHeadersMiddleware,
        frame_ancestors=lambda: app.state.frame_ancestors(),
    )
    app.mount(
        "/static",
        StaticFiles(directory=Path(__file__).parent / "static"),
        name="static",
    )
    app.include_router(shell_routes.router)
    for module in DOMAIN_ROUTES:
        app.include_router(module.router)
        install = getattr(module, "install", None)
        if install is not None:
            install(app)

    app.add_exception_handler(AppError, app_error_handler)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(Exception, _internal_error)
    return app


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    message = "error.not_found" if exc.status_code == 404 else str(exc.detail)
    return render_app_error(request, AppError(message, exc.status_code))


async def _validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    fields = ", ".join(".".join(str(p) for p in e.get("loc", ())[1:]) for e in exc.errors())
    return render_app_error(
        request,
        AppError(
            "error.bad_request", 400, reason=f"invalid fields: {fields}", params={"fields": fields}
        ),
    )


async def _internal_error(request: Request, exc: Exception) -> Response:
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return render_app_error(request, AppError("error.internal", 500, reason=repr(exc)))

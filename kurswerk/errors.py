"""Domain errors carry their status; one handler renders them as a page (or a fragment)."""

from __future__ import annotations

import logging

from fastapi import Request
from fastapi.responses import HTMLResponse, Response

log = logging.getLogger("kurswerk.errors")


class AppError(Exception):
    """An error a user can act on. ``message`` is an i18n key or plain text; ``detail`` is
    extra text shown below it (e.g. what an LMS admin should check); ``reason`` is logged."""

    status_code = 400

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


def render_app_error(request: Request, exc: AppError) -> Response:
    from kurswerk.templating import render  # local: templating imports settings lazily

    log.warning(
        "request refused: %s %s -> %s (%s)",
        request.method,
        request.url.path,
        exc.status_code,
        exc.reason,
    )
    template = (
        "fragments/error.html" if request.headers.get("HX-Request") == "true" else "error.html"
    )
    response = render(
        request,
        template,
        {"error": exc, "status": exc.status_code},
        status_code=exc.status_code,
    )
    assert isinstance(response, HTMLResponse)
    return response


async def app_error_handler(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, AppError)
    return render_app_error(request, exc)

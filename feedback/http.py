"""HTTP helpers of the feedback pages: the form body, refusals in JSON and PDF responses."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, Literal
from urllib.parse import parse_qsl

from fastapi import Request
from fastapi.responses import FileResponse, JSONResponse

from kurswerk.core import i18n
from kurswerk.core.auth import Principal
from kurswerk.core.errors import AppError, error_code
from kurswerk.core.http import content_disposition
from kurswerk.core.i18n import N_

log = logging.getLogger("feedback.http")
NO_STORE = {"Cache-Control": "no-store"}

MAX_FORM_FIELDS = 20
BAD_FORM = N_(
    "Das Formular wurde nicht wie erwartet gesendet. Bitte nutzen Sie das Formular auf der Seite."
)

# What a browser may do with a PDF we serve: nothing but show it. "sandbox" (no scripts,
# no forms, no same-origin rights) and nothing loaded from anywhere. Chromium's viewer
# renders PDFs under this policy; the inline styles of its wrapper page need the
# style-src. The PDF is only ever shown top-level (links open a new tab), never framed.
PDF_CSP = (
    "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'"
)


async def read_form(request: Request) -> dict[str, str]:
    """The urlencoded body as a dict, at most :data:`MAX_FORM_FIELDS` fields.

    The body's size is capped before any route runs (``kurswerk.core.body_limit``,
    ``KURSWERK_MAX_FORM_KB``, whose floor holds a feedback text of FEEDBACK_MAX_CHARS at
    its worst). Runs before ``CsrfChecked`` (listed first in a route's dependencies); the
    CSRF check's ``request.form()`` then parses the same cached body.
    """
    body = await request.body()
    content_type = request.headers.get("content-type", "")
    if body and not content_type.startswith("application/x-www-form-urlencoded"):
        raise AppError(BAD_FORM, 415, reason=f"content-type {content_type!r}")
    try:
        pairs = parse_qsl(
            body.decode("latin-1"),
            keep_blank_values=True,
            encoding="utf-8",
            errors="replace",
            max_num_fields=MAX_FORM_FIELDS,
        )
    except ValueError as exc:
        raise AppError(BAD_FORM, 400, reason=str(exc)) from exc
    return dict(pairs)


def json_refusal(request: Request, principal: Principal, error: AppError) -> JSONResponse:
    """A refusal as a script reads it: ``{"error": <code>, "message": <text in the
    user's language>, "status": <status>}`` and the error's own ``json_fields()``."""
    log.warning(
        "request refused: %s %s -> %s (%s)",
        request.method,
        request.url.path,
        error.status_code,
        error.reason,
    )
    body: dict[str, Any] = {
        "error": error_code(error.status_code),
        "message": i18n.gettext(principal.locale, error.message, **error.params),
        "status": error.status_code,
    }
    fields = getattr(error, "json_fields", None)
    if fields is not None:
        body.update(fields())
    return JSONResponse(body, status_code=error.status_code, headers=NO_STORE)


def wants_json(request: Request) -> bool:
    """A script's request (``Accept: application/json``), not a form sent by the browser."""
    return "application/json" in request.headers.get("accept", "")


def pdf_disposition(kind: Literal["inline", "attachment"], name: str) -> str:
    """``Content-Disposition`` of a PDF: its name on one line, ending in ``.pdf``
    (``dokument.pdf`` when empty)."""
    name = " ".join(name.split()) or "dokument.pdf"
    return content_disposition(kind, name, suffix=".pdf", default="dokument")


def pdf_response(
    path: Path, filename: str, disposition: Literal["inline", "attachment"]
) -> FileResponse:
    return FileResponse(
        path,
        media_type="application/pdf",
        headers={
            "Content-Disposition": pdf_disposition(disposition, filename),
            "Content-Security-Policy": PDF_CSP,
            "X-Content-Type-Options": "nosniff",
            "Cross-Origin-Resource-Policy": "same-origin",
        },
    )

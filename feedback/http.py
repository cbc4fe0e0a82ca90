"""HTTP helpers of the feedback pages: the form body and PDF responses."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from urllib.parse import parse_qsl, quote

from fastapi import Request
from fastapi.responses import FileResponse

from kurswerk.core.errors import AppError

MAX_FORM_FIELDS = 20

# What a browser may do with a PDF we serve: nothing but show it. "sandbox" (no scripts,
# no forms, no same-origin rights) and nothing loaded from anywhere. Chromium's viewer
# renders PDFs under this policy; the inline styles of its wrapper page need the
# style-src. The PDF is only ever shown top-level (links open a new tab), never framed.
PDF_CSP = (
    "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'"
)

_ASCII_UNSAFE = re.compile(r"[^A-Za-z0-9._ -]+")


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
        raise AppError("feedback.form.bad_type", 415, reason=f"content-type {content_type!r}")
    try:
        pairs = parse_qsl(
            body.decode("latin-1"),
            keep_blank_values=True,
            encoding="utf-8",
            errors="replace",
            max_num_fields=MAX_FORM_FIELDS,
        )
    except ValueError as exc:
        raise AppError("feedback.form.bad_type", 400, reason=str(exc)) from exc
    return dict(pairs)


def content_disposition(kind: str, name: str) -> str:
    """``inline|attachment; filename="ascii"; filename*=UTF-8''percent-encoded`` (RFC 6266).

    The ASCII fallback is for old clients; the UTF-8 form carries the real name.
    """
    name = " ".join(name.split()) or "dokument.pdf"
    if not name.lower().endswith(".pdf"):
        name += ".pdf"
    fallback = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    fallback = _ASCII_UNSAFE.sub("_", fallback).strip(" ._") or "dokument"
    if not fallback.lower().endswith(".pdf"):
        fallback += ".pdf"
    return f"{kind}; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


def pdf_response(path: Path, filename: str, disposition: str) -> FileResponse:
    return FileResponse(
        path,
        media_type="application/pdf",
        headers={
            "Content-Disposition": content_disposition(disposition, filename),
            "Content-Security-Policy": PDF_CSP,
            "X-Content-Type-Options": "nosniff",
            "Cross-Origin-Resource-Policy": "same-origin",
        },
    )

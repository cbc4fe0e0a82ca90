"""Reading the login/launch form ourselves, with a cap, before anything parses it.

An ``id_token`` is a few kilobytes; a body much larger than that is refused with 413
from ``Content-Length`` alone, or as soon as the streamed body passes the cap.
"""

from __future__ import annotations

from urllib.parse import parse_qsl

from fastapi import Request

from lti import errors

MAX_ID_TOKEN_BYTES = 32 * 1024
# The id_token plus state and a little room; everything else in these forms is small.
MAX_FORM_BYTES = MAX_ID_TOKEN_BYTES + 4 * 1024
MAX_FIELDS = 32
FORM_TYPE = "application/x-www-form-urlencoded"


async def read_capped_form(request: Request, *, max_bytes: int = MAX_FORM_BYTES) -> dict[str, str]:
    """The urlencoded body as a dict (first value of a repeated field wins)."""
    declared = request.headers.get("content-length")
    if declared is not None:
        try:
            too_large = int(declared) > max_bytes
        except ValueError as exc:
            raise errors.BadForm("unreadable Content-Length") from exc
        if too_large:
            raise errors.PayloadTooLarge(f"Content-Length {declared} exceeds {max_bytes}")
    body = bytearray()
    async for chunk in request.stream():
        body.extend(chunk)
        if len(body) > max_bytes:
            raise errors.PayloadTooLarge(f"body exceeds {max_bytes} bytes")
    if not body:
        return {}
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != FORM_TYPE:
        raise errors.BadForm(f"content type {content_type!r} instead of {FORM_TYPE}")
    try:
        pairs = parse_qsl(
            body.decode("utf-8"),
            keep_blank_values=True,
            strict_parsing=False,
            max_num_fields=MAX_FIELDS,
        )
    except (UnicodeDecodeError, ValueError) as exc:
        raise errors.BadForm(f"unreadable form body: {exc}") from exc
    form: dict[str, str] = {}
    for name, value in pairs:
        form.setdefault(name, value)
    return form


def check_id_token_size(form: dict[str, str]) -> None:
    if len(form.get("id_token", "").encode("utf-8")) > MAX_ID_TOKEN_BYTES:
        raise errors.PayloadTooLarge(f"id_token larger than {MAX_ID_TOKEN_BYTES} bytes")

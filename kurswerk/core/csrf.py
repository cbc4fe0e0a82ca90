"""The CSRF check of state-changing requests: an HMAC of the session id
(``SessionCodec.csrf_token``), sent as a header or a form field, or for a streamed upload
as a field before the file (``StreamedCsrf``)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from kurswerk.core.auth import (
    Principal,
    SessionCodec,
    codec,
    opened_from_email_link,
    require_principal,
)
from kurswerk.core.errors import Forbidden
from kurswerk.core.i18n import N_

CSRF_FIELD = "csrf_token"
CSRF_REFUSED = N_(
    "Das Formular ist abgelaufen oder stammt nicht von dieser Seite. Bitte laden Sie die "
    "Seite neu und versuchen Sie es noch einmal."
)
CSRF_HEADER = "X-CSRF-Token"


async def require_csrf(request: Request) -> None:
    """Check the CSRF token of a state-changing request (header or form field).

    The token is an HMAC of the session id, so a form from another session, or from an
    attacker's page, fails. It is never read from the URL (URLs end up in logs); a
    multipart upload, whose body the route streams itself, uses ``StreamedCsrf``.
    """
    principal = require_principal(request)
    if opened_from_email_link(request):
        raise Forbidden(
            CSRF_REFUSED,
            reason="an email link is read-only",
        )
    token = request.headers.get(CSRF_HEADER)
    content_type = request.headers.get("content-type", "")
    if not token and content_type.startswith("application/x-www-form-urlencoded"):
        form = await request.form()
        value = form.get(CSRF_FIELD)
        token = value if isinstance(value, str) else None
    if not codec(request).csrf_valid(principal, token):
        raise Forbidden(
            CSRF_REFUSED,
            reason="missing or wrong CSRF token",
        )


@dataclass(frozen=True, slots=True)
class CsrfGate:
    """The CSRF check of a streamed multipart upload.

    A fetch sends the token in the ``X-CSRF-Token`` header, checked before the body is
    read (``checked``). A form sends it as a field *before* the file: the streaming reader
    calls ``before_file`` with the fields read so far when the file part begins, so a
    file part that comes first, or after a wrong token, is refused before a byte of it
    is kept.
    """

    principal: Principal
    session_codec: SessionCodec
    checked: bool

    def before_file(self, fields: Mapping[str, str]) -> None:
        if not self.checked and not self.session_codec.csrf_valid(
            self.principal, fields.get(CSRF_FIELD)
        ):
            raise Forbidden(
                CSRF_REFUSED,
                reason="no valid CSRF field before the file",
            )


async def streamed_csrf(request: Request) -> CsrfGate:
    """The gate for a streamed upload; a wrong header token is refused at once."""
    principal = require_principal(request)
    header = request.headers.get(CSRF_HEADER)
    if header is not None and not codec(request).csrf_valid(principal, header):
        raise Forbidden(
            CSRF_REFUSED,
            reason="wrong CSRF token in the header",
        )
    return CsrfGate(principal, codec(request), checked=header is not None)


StreamedCsrf = Annotated[CsrfGate, Depends(streamed_csrf)]
CsrfChecked = Depends(require_csrf)

"""Why an upload was refused: one stable code per reason, a German/English text per code.

Every refusal is an :class:`~kurswerk.core.errors.AppError`, so a route can let it propagate
and the one error handler renders the text (``upload.rejected.<code>`` in
``kurswerk/core/files/messages.py``). The code is what logs, tests and later the submission
records use; it never changes once released.
"""

from __future__ import annotations

from typing import ClassVar

from kurswerk.core.errors import AppError

# Every code, by where it is decided: the request (intake), the file (pdfcheck), the scan.
REJECTION_CODES = frozenset(
    {
        # kurswerk.core.files.intake
        "too_large",
        "no_file",
        "multiple_files",
        "empty_file",
        "malformed",
        "bad_content_type",
        "too_many_parts",
        "unexpected_field",
        "field_too_long",
        # kurswerk.core.files.pdf.check
        "empty",
        "not_pdf",
        "leading_data",
        "trailing_data",
        "parse_error",
        "parse_warnings",
        "encrypted",
        "no_pages",
        "active_content",
        "too_complex",
        "decompression_bomb",
        "timeout",
        "check_failed",
        "check_unavailable",
        # kurswerk.core.files.scan
        "virus_found",
        "scan_unavailable",
    }
)

# HTTP status per code; anything not listed is 422 (the request was fine, the file is not).
_STATUS: dict[str, int] = {
    "too_large": 413,
    "bad_content_type": 415,
    "malformed": 400,
    "too_many_parts": 400,
    "unexpected_field": 400,
    "field_too_long": 400,
    "scan_unavailable": 503,
    "check_unavailable": 503,
}


class UploadRejected(AppError):
    """The upload is refused; nothing of it is kept.

    ``code`` is stable (see ``_STATUS`` and the message catalog); ``message`` is the i18n
    key ``upload.rejected.<code>``; ``params`` fill its placeholders (e.g. ``limit_mb``).
    """

    key_prefix: ClassVar[str] = "upload.rejected."

    def __init__(
        self,
        code: str,
        *,
        detail: str = "",
        reason: str = "",
        params: dict[str, object] | None = None,
    ) -> None:
        if code not in REJECTION_CODES:
            raise ValueError(f"unknown rejection code {code!r}")
        super().__init__(
            self.key_prefix + code,
            _STATUS.get(code, 422),
            detail=detail,
            reason=f"{code}: {reason}" if reason else code,
            params=params,
        )
        self.code = code

    @property
    def message_key(self) -> str:
        return self.message


class PdfRejected(UploadRejected):
    """The file is not one plain, readable PDF we accept (see ``kurswerk.core.files.pdf.check``).

    ``found`` names the kinds of active content for ``active_content`` (e.g.
    ``("javascript", "open_action")``); ``detail`` then points to the text of the first.
    """

    def __init__(self, code: str, *, found: tuple[str, ...] = (), reason: str = "") -> None:
        super().__init__(
            code,
            detail=f"upload.active.{found[0]}" if found else "",
            reason=reason or ", ".join(found),
        )
        self.found = found

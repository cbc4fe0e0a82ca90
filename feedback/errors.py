"""Refusals of the feedback domain; each carries an i18n key of ``feedback/messages.py``.

``EditRefused`` and its kinds are what the review page answers in place (the page again,
with the message and the tutor's unsaved text), not with the error page.
"""

from __future__ import annotations

from typing import ClassVar

from kurswerk.core.errors import AppError, NotFound


def not_found(reason: str) -> NotFound:
    """One answer for "does not exist" and "not yours": ids reveal nothing."""
    return NotFound("feedback.not_found", reason=reason)


class EditRefused(AppError):
    """The tutor's change was not saved; nothing of it was written."""

    status_code = 409


class NotClaimed(EditRefused):
    def __init__(self, holder_name: str | None) -> None:
        if holder_name:
            super().__init__(
                "feedback.edit.claimed_by_other",
                params={"name": holder_name},
                reason="claim held by another",
            )
        else:
            super().__init__("feedback.edit.not_claimed", reason="no claim")


class FeedbackTooLong(EditRefused):
    status_code = 422

    def __init__(self, length: int, limit: int) -> None:
        super().__init__(
            "feedback.edit.too_long",
            params={"length": _grouped(length), "limit": _grouped(limit)},
            reason=f"{length} characters over {limit}",
        )


def _grouped(number: int) -> str:
    """Thousands grouped with a narrow no-break space: read alike in German and English
    (a "." or "," would mean a decimal point in the other language)."""
    return f"{number:,}".replace(",", "\u202f")


class _Fixed(EditRefused):
    """A refusal that says the same every time: the class names it."""

    fixed: ClassVar[tuple[str, str]]
    """The i18n key and the reason logged."""

    def __init__(self) -> None:
        key, reason = self.fixed
        super().__init__(key, reason=reason)


class FeedbackEmpty(_Fixed):
    status_code = 422
    fixed = ("feedback.release.empty", "empty feedback")


class DraftChanged(_Fixed):
    fixed = ("feedback.release.changed", "draft changed since preview")


class NewVersionArrived(_Fixed):
    fixed = ("feedback.release.new_version", "a newer version arrived")


class AlreadyReleased(_Fixed):
    fixed = ("feedback.edit.already_released", "feedback already released")


class AttachmentRefused(EditRefused):
    """The feedback PDF was refused (``upload``: the intake's or PDF check's reason)."""

    def __init__(self, upload: AppError) -> None:
        super().__init__("feedback.attachment.refused", upload.status_code, reason=upload.reason)
        self.upload = upload

"""Refusals of the feedback domain; each carries its message id (the German text, see
``kurswerk.core.i18n``), translated where the refusal is shown.

``EditRefused`` and its kinds are what the review page answers in place (the page again,
with the message and the tutor's unsaved text), not with the error page.
"""

from __future__ import annotations

from typing import Any, ClassVar

from kurswerk.core.errors import AppError, NotFound
from kurswerk.core.i18n import N_


def not_found(reason: str) -> NotFound:
    """One answer for "does not exist" and "not yours": ids reveal nothing."""
    return NotFound(
        N_("Diese Einreichung gibt es nicht, oder sie ist für Sie nicht sichtbar."), reason=reason
    )


class EditRefused(AppError):
    """The tutor's change was not saved; nothing of it was written."""

    status_code = 409


class NotClaimed(EditRefused):
    def __init__(self, holder_name: str | None) -> None:
        if holder_name:
            super().__init__(
                N_(
                    "%(name)s bearbeitet diese Einreichung inzwischen. Ihre Änderung wurde "
                    "nicht gespeichert."
                ),
                params={"name": holder_name},
                reason="claim held by another",
            )
        else:
            super().__init__(
                N_(
                    "Sie bearbeiten diese Einreichung nicht (mehr). Bitte übernehmen Sie sie "
                    "zuerst; Ihre Änderung wurde nicht gespeichert."
                ),
                reason="no claim",
            )


class FeedbackTooLong(EditRefused):
    status_code = 422

    def __init__(self, length: int, limit: int) -> None:
        super().__init__(
            N_(
                "Ihr Feedback ist mit %(length)s Zeichen zu lang (höchstens %(limit)s). Bitte "
                "kürzen Sie es; es wurde nichts gespeichert."
            ),
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
    """The message id and the reason logged."""

    def __init__(self) -> None:
        key, reason = self.fixed
        super().__init__(key, reason=reason)


class FeedbackEmpty(_Fixed):
    status_code = 422
    fixed = (
        N_(
            "Es gibt noch keinen Feedbacktext. Bitte schreiben und speichern Sie zuerst Ihr "
            "Feedback."
        ),
        "empty feedback",
    )


class DraftChanged(_Fixed):
    fixed = (
        N_(
            "Der Entwurf wurde geändert, nachdem Sie die Freigabe geprüft haben, zum Beispiel "
            "in einem anderen Tab. Es wurde nichts freigegeben. Bitte prüfen Sie die Freigabe "
            "erneut."
        ),
        "draft changed since the release confirmation",
    )


class AnnotationsChanged(_Fixed):
    fixed = (
        N_(
            "Die Anmerkungen im PDF wurden geändert, nachdem Sie die Freigabe geprüft haben, "
            "zum Beispiel in einem anderen Tab. Es wurde nichts freigegeben. Bitte prüfen Sie "
            "die Freigabe erneut."
        ),
        "annotations changed since the release confirmation",
    )


class DraftConflict(EditRefused):
    """Another text was saved since the one the tutor's text was written on (another tab,
    or the tutor before a takeover). Carries the saved text, to show beside the tutor's."""

    def __init__(self, *, saved_text: str, revision: str, based_on: str) -> None:
        super().__init__(
            N_(
                "Inzwischen wurde ein anderer Text gespeichert, in einem anderen Tab oder von "
                "einer anderen Person. Ihr Text wurde nicht gespeichert; er steht weiter im "
                "Eingabefeld, der zuletzt gespeicherte darunter. Bitte führen Sie beide "
                "zusammen und speichern Sie dann."
            ),
            reason=f"draft text based on {based_on or 'nothing'!r}, saved one is {revision!r}",
        )
        self.saved_text = saved_text
        self.revision = revision

    def json_fields(self) -> dict[str, Any]:
        return {"revision": self.revision, "text": self.saved_text}


class NewVersionArrived(_Fixed):
    fixed = (
        N_(
            "Inzwischen wurde eine neue Fassung eingereicht. Bitte sehen Sie sie sich an und "
            "speichern Sie Ihr Feedback erneut; es gilt dann für die neue Fassung."
        ),
        "a newer version arrived",
    )


class AlreadyReleased(_Fixed):
    fixed = (
        N_("Das Feedback zu dieser Fassung ist bereits freigegeben."),
        "feedback already released",
    )


class AttachmentRefused(EditRefused):
    """The feedback PDF was refused (``upload``: the intake's or PDF check's reason)."""

    def __init__(self, upload: AppError) -> None:
        super().__init__(
            N_("Das PDF wurde nicht angehängt; Ihr Entwurf ist unverändert."),
            upload.status_code,
            reason=upload.reason,
        )
        self.upload = upload

"""Refusals of the dialogue: a question, an answer or a rating that was not saved.

Each is checked before anything is written (a refusal leaves everything as it was) and
carries its status and its message id (translated where it is shown: the page again,
with the message beside the form it concerns and the text as typed).
"""

from __future__ import annotations

from kurswerk.core.errors import AppError
from kurswerk.core.i18n import N_

TOO_LONG = N_("Der Text ist mit %(length)s Zeichen zu lang (höchstens %(limit)s).")


class DialogueRefused(AppError):
    """Not saved; ``field`` names the form's field at fault (``""``: the form as such)."""

    def __init__(
        self,
        message: str,
        status: int,
        *,
        field: str = "",
        reason: str = "",
        params: dict[str, object] | None = None,
    ) -> None:
        reason = reason or f"refused: {field or 'form'}"
        super().__init__(message, status, reason=reason, params=params)
        self.field = field


def too_long(length: int, limit: int, field: str) -> DialogueRefused:
    return DialogueRefused(
        TOO_LONG,
        422,
        field=field,
        params={"length": _grouped(length), "limit": _grouped(limit)},
        reason=f"{field}: {length} characters over {limit}",
    )


def _grouped(number: int) -> str:
    """Thousands grouped with a narrow no-break space, read alike in German and English."""
    return f"{number:,}".replace(",", "\u202f")


ALREADY_ASKED = N_(
    "Zu diesem Feedback haben Sie bereits eine Rückfrage gestellt. Pro Feedback ist eine "
    "Rückfrage möglich."
)
WINDOW_CLOSED = N_(
    "Die Frist für eine Rückfrage zu diesem Feedback ist abgelaufen. Ihre Frage wurde nicht "
    "gesendet."
)
EMPTY_QUESTION = N_("Bitte schreiben Sie Ihre Rückfrage.")
NO_QUESTION = N_("Zu diesem Feedback gibt es keine Rückfrage, die zu beantworten wäre.")
ALREADY_ANSWERED = N_(
    "Diese Rückfrage ist bereits beantwortet, vielleicht gerade von jemand anderem. Ihre "
    "Antwort wurde nicht gesendet."
)
EMPTY_ANSWER = N_("Bitte schreiben Sie Ihre Antwort.")
NO_SCORE = N_("Bitte wählen Sie aus, wie hilfreich das Feedback für Sie war.")

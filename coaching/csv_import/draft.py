"""The previewed CSV file between the preview and the confirm step of a bulk grant: a
signed, expiring form field, so the confirm step accepts only what this server previewed
for this session (``coaching.csv_import.rows``)."""

from __future__ import annotations

from typing import Any

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from coaching.common import refuse
from kurswerk.core.auth import Principal
from kurswerk.core.i18n import N_

DRAFT_MAX_AGE_SECONDS = 3600


class ImportDraft:
    """The previewed file in a signed, expiring form field, bound to one session and
    course: a client can hand it back but not change it, nor use it in another session.
    (itsdangerous checks the signature before it decompresses anything.)"""

    SALT = "kurswerk.coaching-import.v1"

    def __init__(self, secret: str, max_age: int = DRAFT_MAX_AGE_SECONDS) -> None:
        self._serializer = URLSafeTimedSerializer(secret, salt=self.SALT)
        self.max_age = max_age

    @staticmethod
    def _owner(principal: Principal) -> list[Any]:
        return [principal.platform_id, principal.context_id, principal.user_id, principal.sid]

    def seal(self, principal: Principal, text: str, filename: str) -> str:
        return self._serializer.dumps(
            {"owner": self._owner(principal), "csv": text, "name": filename[:120]}
        )

    def open(self, principal: Principal, token: str) -> tuple[str, str]:
        """The file's text and name; refuses a forged, altered, expired or foreign token."""
        try:
            data = self._serializer.loads(token, max_age=self.max_age)
        except SignatureExpired:
            raise refuse(
                "draft", N_("Die Vorschau ist abgelaufen. Bitte laden Sie die Datei erneut hoch.")
            ) from None
        except BadSignature:
            raise refuse(
                "draft",
                N_(
                    "Die Vorschau ist ungültig oder wurde verändert. Es wurde nichts "
                    "gespeichert. Bitte laden Sie die Datei erneut hoch."
                ),
            ) from None
        if (
            not isinstance(data, dict)
            or data.get("owner") != self._owner(principal)
            or not isinstance(data.get("csv"), str)
        ):
            raise refuse(
                "draft",
                N_(
                    "Die Vorschau ist ungültig oder wurde verändert. Es wurde nichts "
                    "gespeichert. Bitte laden Sie die Datei erneut hoch."
                ),
            )
        return data["csv"], str(data.get("name", ""))

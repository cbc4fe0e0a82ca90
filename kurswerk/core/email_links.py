"""Links in emails: each opens the one page it names, for the one person it was sent to.

A mail is read outside the LMS, in a browser that holds no Kurswerk session. So every
link a mail carries is signed (itsdangerous, its own salt: a link token is never a session
token, nor the other way round) and names its reader (person, LMS course, platform, role
there, language), the page's path and its purpose. It expires after
``KURSWERK_EMAIL_LINK_DAYS``.

The token rides in the query parameter ``t`` (:data:`EMAIL_LINK_QUERY`), which access logs
must redact like the page token ``kt``. ``kurswerk.core.auth`` honours it only for a ``GET``
(or ``HEAD``) of exactly that path and only when the browser holds no session of another
person; it then shows that page read-only: no page token and no CSRF token are issued,
so every other page, form and fetch needs a session from the LMS as before.

What a link cannot do is answered by :class:`EmailLinkRefused`: the page that says so is
written in the reader's language (the token's, when its signature holds, else the
browser's) and points back to the LMS.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from kurswerk.core.i18n import N_, supported_locale
from kurswerk.core.settings import Settings

EMAIL_LINK_QUERY = "t"
PURPOSE = "open-page"
_SALT = "kurswerk.email-link.v1"


@dataclass(frozen=True, slots=True)
class LinkReader:
    """Who a mail's links are for: the recipient, in the LMS course the mail is about."""

    user_id: int
    context_id: int
    platform_id: int
    role: str
    locale: str


@dataclass(frozen=True, slots=True)
class EmailLinkGrant:
    """A valid link: its reader may see ``path`` (and nothing else)."""

    reader: LinkReader
    path: str


REFUSALS = {
    "expired": N_(
        "Dieser Link aus einer E-Mail ist abgelaufen. Öffnen Sie Kurswerk über Ihren "
        "Kurs im LMS: Dort finden Sie dieselbe Seite."
    ),
    "invalid": N_(
        "Dieser Link ist ungültig, vielleicht wurde er beim Kopieren gekürzt. Öffnen "
        "Sie Kurswerk über Ihren Kurs im LMS."
    ),
    "other_person": N_(
        "Dieser Link aus einer E-Mail ist für eine andere Person bestimmt als die, die "
        "hier angemeldet ist. Öffnen Sie ihn in einem Browser ohne diese Anmeldung "
        "oder öffnen Sie Kurswerk über Ihren Kurs im LMS."
    ),
    "other_page": N_(
        "Ein Link aus einer E-Mail öffnet nur die Seite, zu der er führt. Für alles "
        "Weitere öffnen Sie Kurswerk über Ihren Kurs im LMS."
    ),
}
"""What a person reads for each ``EmailLinkRefused.reason``."""


class EmailLinkRefused(Exception):
    """A link that cannot be honoured. ``reason`` is ``expired`` or ``invalid`` (or, set by
    the session check, ``other_person`` / ``other_page``);
    ``locale`` and ``platform_id`` are known only when the signature held."""

    def __init__(
        self, reason: str, *, locale: str | None = None, platform_id: int | None = None
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.locale = locale
        self.platform_id = platform_id

    @property
    def message(self) -> str:
        """What the person reads (a message id)."""
        return REFUSALS.get(self.reason, REFUSALS["invalid"])


class EmailLinks:
    """Signs the links of a mail and reads them back. One per app (and per worker)."""

    def __init__(self, settings: Settings) -> None:
        self.base_url = settings.base_url.rstrip("/")
        self.max_age = settings.email_link_days * 24 * 3600
        self._serializer = URLSafeTimedSerializer(
            settings.secret_key.get_secret_value(), salt=_SALT
        )

    def url(self, path: str, reader: LinkReader, *, anchor: str = "") -> str:
        """The absolute URL of ``path`` (a same-tool path, no query) for ``reader``."""
        if not path.startswith("/") or "?" in path or "#" in path:
            raise ValueError(f"not a plain tool path: {path!r}")
        token = self._serializer.dumps(
            {
                "u": reader.user_id,
                "c": reader.context_id,
                "p": reader.platform_id,
                "r": reader.role,
                "l": reader.locale,
                "path": path,
                "why": PURPOSE,
            }
        )
        fragment = f"#{anchor}" if anchor else ""
        return f"{self.base_url}{path}?{urlencode({EMAIL_LINK_QUERY: token})}{fragment}"

    def read(self, token: str) -> EmailLinkGrant:
        """The grant of a link token; raises :class:`EmailLinkRefused`."""
        try:
            data = self._serializer.loads(token, max_age=self.max_age)
        except SignatureExpired as exc:
            known = _as_dict(self._serializer.load_payload(exc.payload or b""))
            raise EmailLinkRefused(
                "expired",
                locale=supported_locale(str(known.get("l", ""))),
                platform_id=_int(known.get("p")),
            ) from exc
        except BadSignature as exc:
            raise EmailLinkRefused("invalid") from exc
        try:
            if data["why"] != PURPOSE:
                raise ValueError("another purpose")
            reader = LinkReader(
                user_id=int(data["u"]),
                context_id=int(data["c"]),
                platform_id=int(data["p"]),
                role=str(data["r"]),
                locale=supported_locale(str(data["l"])) or "de",
            )
            return EmailLinkGrant(reader=reader, path=str(data["path"]))
        except (KeyError, TypeError, ValueError) as exc:
            raise EmailLinkRefused("invalid") from exc


def _as_dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) else None

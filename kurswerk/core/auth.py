"""Who is asking: roles, the principal, and the post-launch session.

After an LTI launch the tool knows a *principal*: a platform user acting in one LMS
course (context) with one Kurswerk role. The session is stateless: a signed, expiring
token (itsdangerous) holding the principal. It travels two ways, because an LMS embeds
the tool in a cross-site iframe where cookies may be refused:

* a ``__Host-`` cookie that is ``Secure; HttpOnly; SameSite=None; Partitioned`` (CHIPS):
  Chromium keeps it inside the LMS's partition, and
* the same token carried by the page (``?kt=`` on links and form actions, or the
  ``X-Kurswerk-Session`` header for fetches) where the browser refuses the cookie.

Page tokens are short-lived and re-issued on every page, so an open tab keeps working
while a leaked URL soon stops.

The two are *typed*: they are signed with different salts, so a page token is never
valid as a cookie nor a cookie value as a page token, and each is read with its own
lifetime (``KURSWERK_PAGE_TOKEN_TTL_MINUTES``, ``KURSWERK_SESSION_TTL_MINUTES``).

A link never switches a signed-in person to another one: when the cookie and the page
token name different *persons* (platform + platform user), the request is refused before
anything of it runs (``SessionConflict``). The same person with a token for another LMS
course is fine: that is two tabs in two courses. A logged-out session (``sid``) is refused
in either form (``kurswerk.core.session_revocation``).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import asdict, dataclass
from typing import Annotated, Any

from fastapi import Depends, Path, Request
from itsdangerous import BadSignature, URLSafeTimedSerializer

from kurswerk.core import i18n
from kurswerk.core.email_links import EMAIL_LINK_QUERY, EmailLinkRefused, EmailLinks
from kurswerk.core.errors import FORBIDDEN, NO_SESSION, AppError, Forbidden, Unauthenticated
from kurswerk.core.i18n import N_, LabelledChoice
from kurswerk.core.session_revocation import is_revoked
from kurswerk.core.settings import Settings

SESSION_COOKIE = "__Host-kurswerk_session"
SESSION_HEADER = "X-Kurswerk-Session"
SESSION_QUERY = "kt"


class Role(LabelledChoice):
    """``label``: the role's name for people."""

    LEARNER = "learner", N_("Teilnehmer:in")
    TUTOR = "tutor", N_("Tutor:in")
    ADMIN = "admin", N_("Administrator:in")

    @property
    def rank(self) -> int:
        return {"learner": 0, "tutor": 1, "admin": 2}[self.value]


@dataclass(frozen=True, slots=True)
class Principal:
    user_id: int
    context_id: int
    platform_id: int
    role: Role
    name: str = ""
    locale: str = "de"
    sid: str = ""

    def at_least(self, role: Role) -> bool:
        return self.role.rank >= role.rank

    def same_person(self, other: Principal) -> bool:
        """The same platform user, whatever the LMS course or role."""
        return (self.platform_id, self.user_id) == (other.platform_id, other.user_id)


class SessionConflict(AppError):
    """A page token naming another person than the signed-in one (the cookie holder).

    Carries the holder, so the refusal page speaks their language and says who they are.
    """

    leads_back_to_lms = True

    status_code = 409

    def __init__(self, holder: Principal) -> None:
        name = " ".join(holder.name.split()) or i18n.gettext(holder.locale, "Person ohne Namen")
        super().__init__(
            N_(
                "Sie haben den Link einer anderen Person geöffnet, sind hier aber als "
                "%(name)s angemeldet. Es wurde nichts davon ausgeführt oder gespeichert."
            ),
            detail=N_(
                "Öffnen Sie Kurswerk bitte erneut über Ihren Kurs im LMS. Links zu "
                "Kurswerk-Seiten gelten nur für die Person, die sie geöffnet hat."
            ),
            reason="page token names another person than the session cookie",
            params={"name": name},
        )
        self.holder = holder


def partitioned_cookie_header(
    name: str,
    value: str,
    *,
    max_age: int,
    path: str = "/",
    http_only: bool = True,
) -> str:
    """A ``Set-Cookie`` value that survives in a cross-site iframe (CHIPS).

    Starlette's ``set_cookie(partitioned=True)`` raises on Python < 3.14, so the header
    is written here. ``Secure`` is always set: browsers treat loopback http as secure.
    """
    parts = [f"{name}={value}", f"Path={path}", f"Max-Age={max_age}"]
    if http_only:
        parts.append("HttpOnly")
    parts += ["Secure", "SameSite=None", "Partitioned"]
    return "; ".join(parts)


class SessionCodec:
    """Signs and reads session tokens. One instance per app (keys derived once).

    Page tokens and cookie values are signed with different salts: neither is ever
    accepted as the other, and each is read with its own lifetime.
    """

    def __init__(self, settings: Settings) -> None:
        secret = settings.secret_key.get_secret_value()
        self._page = URLSafeTimedSerializer(secret, salt="kurswerk.session.page.v2")
        self._cookie = URLSafeTimedSerializer(secret, salt="kurswerk.session.cookie.v2")
        self._csrf_key = hashlib.sha256(b"kurswerk.csrf.v1" + secret.encode()).digest()
        self.cookie_ttl = settings.session_ttl_minutes * 60
        self.page_ttl = settings.page_token_ttl_minutes * 60

    def issue(self, principal: Principal) -> str:
        """A page token (``?kt=`` or the ``X-Kurswerk-Session`` header)."""
        return self._page.dumps(_dump(principal))

    def issue_cookie(self, principal: Principal) -> str:
        """The value of the session cookie."""
        return self._cookie.dumps(_dump(principal))

    def read_page_token(self, token: str) -> Principal | None:
        return _load(self._page, token, max_age=self.page_ttl)

    def read_cookie(self, value: str) -> Principal | None:
        return _load(self._cookie, value, max_age=self.cookie_ttl)

    def csrf_token(self, principal: Principal) -> str:
        return hmac.new(self._csrf_key, principal.sid.encode(), hashlib.sha256).hexdigest()

    def csrf_valid(self, principal: Principal, token: str | None) -> bool:
        return bool(token) and hmac.compare_digest(self.csrf_token(principal), str(token))

    @staticmethod
    def new_sid() -> str:
        return secrets.token_urlsafe(18)

    def cookie_header(self, principal: Principal) -> str:
        """``Set-Cookie`` starting (or renewing) the session cookie of ``principal``."""
        return partitioned_cookie_header(
            SESSION_COOKIE, self.issue_cookie(principal), max_age=self.cookie_ttl
        )

    @staticmethod
    def clear_cookie_header() -> str:
        """``Set-Cookie`` that deletes the session cookie (same attributes, so the browser
        finds the partitioned cookie it has to drop)."""
        return partitioned_cookie_header(SESSION_COOKIE, "", max_age=0)

    @property
    def longest_ttl(self) -> int:
        return max(self.cookie_ttl, self.page_ttl)


def _dump(principal: Principal) -> dict[str, Any]:
    data = asdict(principal)
    data["role"] = principal.role.value
    return data


def _load(serializer: URLSafeTimedSerializer, token: str, *, max_age: int) -> Principal | None:
    try:
        data: dict[str, Any] = serializer.loads(token, max_age=max_age)
        return Principal(
            user_id=int(data["user_id"]),
            context_id=int(data["context_id"]),
            platform_id=int(data["platform_id"]),
            role=Role(data["role"]),
            name=str(data.get("name", "")),
            locale=str(data.get("locale", "de")),
            sid=str(data.get("sid", "")),
        )
    except (BadSignature, KeyError, ValueError, TypeError):
        return None


def codec(request: Request) -> SessionCodec:
    return request.app.state.session_codec


def principal_from_request(request: Request) -> Principal | None:
    """Read the principal from the page token and the session cookie.

    The page token wins when both name the same person (it is what the page asked with:
    a tab in another LMS course). When they name different persons the request is
    refused (``SessionConflict``): a link must never switch the signed-in person. A token
    of an ended session counts as absent. Remembers on ``request.state`` how the principal
    came, so pages can carry the token on when the cookie is not available.
    """
    conflict = getattr(request.state, "session_conflict", None)
    if conflict is not None:
        raise conflict
    cached = getattr(request.state, "principal", None)
    if cached is not None:
        return cached
    c = codec(request)
    page_token = request.headers.get(SESSION_HEADER) or request.query_params.get(SESSION_QUERY)
    cookie = request.cookies.get(SESSION_COOKIE)
    from_token = c.read_page_token(page_token) if page_token else None
    from_cookie = c.read_cookie(cookie) if cookie else None
    ended = _ended_sessions(request, from_token, from_cookie)
    from_token = None if from_token is None or from_token.sid in ended else from_token
    from_cookie = None if from_cookie is None or from_cookie.sid in ended else from_cookie
    if from_token and from_cookie and not from_token.same_person(from_cookie):
        request.state.session_conflict = SessionConflict(from_cookie)
        raise request.state.session_conflict
    principal = from_token or from_cookie
    request.state.session_via = (
        "token" if from_token is not None else "cookie" if from_cookie is not None else None
    )
    link_token = request.query_params.get(EMAIL_LINK_QUERY)
    if link_token:
        principal = _through_email_link(request, principal, link_token)
    request.state.principal = principal
    return principal


SAFE_METHODS = ("GET", "HEAD")


def email_links(request: Request) -> EmailLinks:
    links: EmailLinks = request.app.state.email_links
    return links


def _through_email_link(
    request: Request, session: Principal | None, token: str
) -> Principal | None:
    """Who asks with a link from an email (``?t=``, see ``kurswerk.core.email_links``).

    The signed-in person's own session wins: their link to a page in the same course
    just opens it as usual. A link of *another* person is refused, never switched to. Without
    a session (or with one of the same person in another LMS course), the link shows
    exactly its page, read-only (``session_via = "email_link"``: no page or CSRF token
    is issued). A refusal is kept on ``request.state`` for :func:`require_principal`.
    """
    try:
        grant = email_links(request).read(token)
        role = Role(grant.reader.role)
    except EmailLinkRefused as refusal:
        if session is None:
            request.state.email_link_refusal = refusal
        return session
    except ValueError:
        if session is None:
            request.state.email_link_refusal = EmailLinkRefused("invalid")
        return session
    reader = grant.reader
    if session is not None:
        same_person = (session.user_id, session.platform_id) == (reader.user_id, reader.platform_id)
        if not same_person:
            request.state.email_link_refusal = EmailLinkRefused(
                "other_person", locale=session.locale, platform_id=reader.platform_id
            )
            return session
        if session.context_id == reader.context_id:
            return session
    if request.method not in SAFE_METHODS or request.url.path != grant.path:
        request.state.email_link_refusal = EmailLinkRefused(
            "other_page", locale=reader.locale, platform_id=reader.platform_id
        )
        return session
    request.state.session_via = "email_link"
    return Principal(
        user_id=reader.user_id,
        context_id=reader.context_id,
        platform_id=reader.platform_id,
        role=role,
        locale=reader.locale,
    )


def opened_from_email_link(request: Request) -> bool:
    """Whether this request's principal is only an email link's reader (read-only)."""
    return getattr(request.state, "session_via", None) == "email_link"


def email_link_refusal(request: Request) -> EmailLinkRefused | None:
    refusal: EmailLinkRefused | None = getattr(request.state, "email_link_refusal", None)
    return refusal


def _ended_sessions(request: Request, *principals: Principal | None) -> set[str]:
    """The session ids among ``principals`` that were ended by logging out (each looked up
    once: a cookie and a page token of one session share it)."""
    sids = {p.sid for p in principals if p is not None}
    return {sid for sid in sids if is_revoked(request.app.state.engine, sid)}


def displayed_principal(request: Request) -> Principal | None:
    """Who a page shows as signed in: the principal, or on a refused mix-up the cookie
    holder (the person at the keyboard), never the person the foreign link names."""
    try:
        return principal_from_request(request)
    except SessionConflict as conflict:
        return conflict.holder


def require_principal(request: Request) -> Principal:
    principal = principal_from_request(request)
    refusal = email_link_refusal(request)
    if refusal is not None:
        raise AppError(
            refusal.message,
            403,
            detail=N_("Über Ihren Kurs im LMS nutzen Sie Kurswerk wie gewohnt, mit allen Seiten."),
            reason=f"email link refused: {refusal.reason}",
        )
    if principal is None:
        raise Unauthenticated(NO_SESSION)
    return principal


CurrentPrincipal = Annotated[Principal, Depends(require_principal)]


async def require_context(
    request: Request, context_id: Annotated[int, Path(alias="context")]
) -> Principal:
    """The principal, checked to act in the course named by the URL's ``{context}``.

    ``async`` although it awaits nothing: it verifies a signature and looks the session id
    up among the ended sessions (one primary-key read, ``kurswerk.core.session_revocation``);
    FastAPI would run a plain ``def`` dependency in the threadpool, a hop that costs about
    as much as the read.
    """
    principal = require_principal(request)
    if principal.context_id != context_id:
        raise Forbidden(
            N_("Diese Seite gehört zu einem anderen Kurs als Ihre Sitzung."),
            reason="session is for another context",
        )
    return principal


ContextPrincipal = Annotated[Principal, Depends(require_context)]


def require_role(role: Role) -> Any:
    """Dependency factory: the context principal, with at least ``role``."""

    async def dependency(principal: ContextPrincipal) -> Principal:  # no I/O of its own
        if not principal.at_least(role):
            raise Forbidden(FORBIDDEN, reason=f"needs role {role.value}")
        return principal

    return Depends(dependency)

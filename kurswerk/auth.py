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
"""

from __future__ import annotations

import enum
import hashlib
import hmac
import secrets
from dataclasses import asdict, dataclass, replace
from typing import Annotated, Any, Protocol

from fastapi import Depends, FastAPI, Path, Request
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlmodel import Session

from kurswerk.email_links import EMAIL_LINK_QUERY, EmailLinkRefused, EmailLinks
from kurswerk.errors import AppError, Forbidden, Unauthenticated
from kurswerk.settings import Settings

SESSION_COOKIE = "__Host-kurswerk_session"
SESSION_HEADER = "X-Kurswerk-Session"
SESSION_QUERY = "kt"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"


class Role(enum.StrEnum):
    LEARNER = "learner"
    TUTOR = "tutor"
    ADMIN = "admin"

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
    """Signs and reads session tokens. One instance per app (keys derived once)."""

    def __init__(self, settings: Settings) -> None:
        secret = settings.secret_key.get_secret_value()
        self._serializer = URLSafeTimedSerializer(secret, salt="kurswerk.session.v1")
        self._csrf_key = hashlib.sha256(b"kurswerk.csrf.v1" + secret.encode()).digest()
        self.cookie_ttl = settings.session_ttl_minutes * 60
        self.page_ttl = settings.page_token_ttl_minutes * 60

    def issue(self, principal: Principal) -> str:
        data = asdict(principal)
        data["role"] = principal.role.value
        return self._serializer.dumps(data)

    def read(self, token: str, *, max_age: int) -> Principal | None:
        try:
            data: dict[str, Any] = self._serializer.loads(token, max_age=max_age)
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

    def csrf_token(self, principal: Principal) -> str:
        return hmac.new(self._csrf_key, principal.sid.encode(), hashlib.sha256).hexdigest()

    def csrf_valid(self, principal: Principal, token: str | None) -> bool:
        return bool(token) and hmac.compare_digest(self.csrf_token(principal), str(token))

    @staticmethod
    def new_sid() -> str:
        return secrets.token_urlsafe(18)

    def cookie_header(self, token: str) -> str:
        return partitioned_cookie_header(SESSION_COOKIE, token, max_age=self.cookie_ttl)


def codec(request: Request) -> SessionCodec:
    return request.app.state.session_codec


def principal_from_request(request: Request) -> Principal | None:
    """Read the principal: page token first (it is what the page asked with), then cookie.

    Remembers on ``request.state`` how it came, so pages can carry the token on when the
    cookie is not available.
    """
    cached = getattr(request.state, "principal", None)
    if cached is not None:
        return cached
    c = codec(request)
    page_token = request.headers.get(SESSION_HEADER) or request.query_params.get(SESSION_QUERY)
    principal = None
    if page_token:
        principal = c.read(page_token, max_age=c.page_ttl)
        request.state.session_via = "token" if principal else None
    if principal is None:
        cookie = request.cookies.get(SESSION_COOKIE)
        if cookie:
            principal = c.read(cookie, max_age=c.cookie_ttl)
            request.state.session_via = "cookie" if principal else None
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
    """Who asks with a link from an email (``?t=``, see ``kurswerk.email_links``).

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


def require_principal(request: Request) -> Principal:
    principal = principal_from_request(request)
    refusal = email_link_refusal(request)
    if refusal is not None:
        raise AppError(
            f"email_link.{refusal.reason}",
            403,
            detail="email_link.way_back",
            reason=f"email link refused: {refusal.reason}",
        )
    if principal is None:
        raise Unauthenticated("error.no_session")
    return principal


CurrentPrincipal = Annotated[Principal, Depends(require_principal)]


async def require_context(
    request: Request, context_id: Annotated[int, Path(alias="context")]
) -> Principal:
    """The principal, checked to act in the course named by the URL's ``{context}``.

    ``async`` although it awaits nothing: it only verifies a signature, and FastAPI would
    run a plain ``def`` dependency in the threadpool, a hop that costs more than the check.
    """
    principal = require_principal(request)
    if principal.context_id != context_id:
        raise Forbidden("error.other_context", reason="session is for another context")
    return principal


ContextPrincipal = Annotated[Principal, Depends(require_context)]


def require_role(role: Role) -> Any:
    """Dependency factory: the context principal, with at least ``role``."""

    async def dependency(principal: ContextPrincipal) -> Principal:  # no I/O: no thread
        if not principal.at_least(role):
            raise Forbidden("error.role_required", reason=f"needs role {role.value}")
        return principal

    return Depends(dependency)


async def require_csrf(request: Request) -> None:
    """Check the CSRF token of a state-changing request (form field or header).

    The token is an HMAC of the session id, so a form from another session, or from an
    attacker's page, fails. Multipart bodies must carry it in the header or query.
    """
    principal = require_principal(request)
    if opened_from_email_link(request):
        raise Forbidden("error.csrf", reason="an email link is read-only")
    token = request.headers.get(CSRF_HEADER) or request.query_params.get(CSRF_FIELD)
    content_type = request.headers.get("content-type", "")
    if not token and content_type.startswith("application/x-www-form-urlencoded"):
        form = await request.form()
        value = form.get(CSRF_FIELD)
        token = value if isinstance(value, str) else None
    if not codec(request).csrf_valid(principal, token):
        raise Forbidden("error.csrf", reason="missing or wrong CSRF token")


CsrfChecked = Depends(require_csrf)


def with_locale(principal: Principal, locale: str) -> Principal:
    return replace(principal, locale=locale)


class LocaleChoiceStore(Protocol):
    """Stores the language a person chose with the tool's language switch as theirs (for
    later launches and for the emails to them), in the request's transaction; returns
    whether it found the principal's person to store it for.

    The shell knows no table of people: the LTI package, which owns them, registers its
    store (``register_locale_choice_store``). Until one is registered nothing is stored.
    """

    def __call__(self, session: Session, principal: Principal, locale: str, /) -> bool: ...


LOCALE_CHOICE_STORE_ATTR = "locale_choice_store"


def _store_nothing(session: Session, principal: Principal, locale: str, /) -> bool:
    return False


def register_locale_choice_store(app: FastAPI, store: LocaleChoiceStore) -> None:
    setattr(app.state, LOCALE_CHOICE_STORE_ATTR, store)


def locale_choice_store(app: FastAPI) -> LocaleChoiceStore:
    store: LocaleChoiceStore = getattr(app.state, LOCALE_CHOICE_STORE_ATTR, _store_nothing)
    return store

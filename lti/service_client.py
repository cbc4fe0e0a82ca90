"""Calls to a platform's LTI Advantage services (AGS, NRPS) with OAuth 2.0 access tokens.

The tool gets an access token with the client-credentials grant, authenticating with a
JWT signed by its own key (LTI Security Framework 1.0 §4.1, RFC 7523 §2.2). Tokens are
cached per (issuer, client id, scopes) until shortly before they expire, so a burst of
score posts costs one token request, not one each. pylti1p3's ``ServiceConnector`` is
not used: it keys its cache without the client id (tokens of two Canvas-cloud tenants
would collide), raises ``NotImplementedError`` when caching, and calls ``requests``
without timeouts.

Outcomes, as the outbox and the pages need them:

* a 401 from a service: the token is dropped, a new one fetched, the call made once
  more; a second 401 raises ``ServiceNotAuthorised`` (the same for the token endpoint
  answering 401 twice);
* 5xx, 429, timeouts, refused connections: ``ServiceUnavailable`` (retry later);
* any other 4xx: ``ServiceRefused`` with the platform's answer (do not retry).
"""

from __future__ import annotations

import json
import logging
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import jwt
import requests
from fastapi import FastAPI

from lti.toolkey import ALGORITHM, ToolKeyPair

log = logging.getLogger("kurswerk.lti.services")

JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
ASSERTION_LIFETIME_SECONDS = 300
DEFAULT_TOKEN_LIFETIME_SECONDS = 3600
REFRESH_MARGIN_SECONDS = 60.0
MAX_BODY_BYTES = 2 * 1024 * 1024
MAX_ANSWER_CHARS = 500


@dataclass(frozen=True, slots=True)
class ServiceRegistration:
    """What a service call needs to know about a platform registration."""

    platform_id: int
    issuer: str
    client_id: str
    token_url: str


class ServiceError(Exception):
    """Base of the outcomes below; ``answer`` is what the platform said (shortened)."""

    def __init__(self, message: str, *, status: int | None = None, answer: str = "") -> None:
        super().__init__(message)
        self.status = status
        self.answer = answer

    def __str__(self) -> str:
        base = super().__str__()
        return f"{base}: {self.answer}" if self.answer else base


class ServiceUnavailable(ServiceError):
    """The platform could not be reached or failed on its side: try again later."""


class ServiceRefused(ServiceError):
    """The platform refused the request (4xx): trying again will not help."""


class ServiceNotAuthorised(ServiceRefused):
    """401 even with a fresh access token (or from the token endpoint, twice)."""


@dataclass(frozen=True, slots=True)
class ServiceResponse:
    """A platform's answer, read in full (with a size cap) so the connection is reused."""

    status_code: int
    headers: Mapping[str, str]  # case-insensitive (requests' CaseInsensitiveDict)
    body: bytes
    url: str

    def json(self) -> Any:
        try:
            return json.loads(self.body or b"null")
        except ValueError as exc:
            raise ServiceRefused(
                "answer is not JSON", status=self.status_code, answer=answer_of(self)
            ) from exc


def answer_of(response: ServiceResponse) -> str:
    """The status and the start of the body, for an admin to read."""
    text = " ".join(response.body.decode("utf-8", "replace").split())
    if len(text) > MAX_ANSWER_CHARS:
        text = text[: MAX_ANSWER_CHARS - 1] + "…"
    return f"HTTP {response.status_code} {text}".strip()


def _send(
    http: requests.Session, method: str, url: str, *, what: str, **kwargs: Any
) -> ServiceResponse:
    """One request without redirects, its body read with a cap; network errors are
    ``ServiceUnavailable``."""
    try:
        with http.request(method, url, allow_redirects=False, stream=True, **kwargs) as response:
            body = bytearray()
            for chunk in response.iter_content(chunk_size=65536):
                body.extend(chunk)
                if len(body) > MAX_BODY_BYTES:
                    raise ServiceRefused(
                        f"{what}: answer larger than {MAX_BODY_BYTES} bytes",
                        status=response.status_code,
                    )
            return ServiceResponse(response.status_code, response.headers, bytes(body), url)
    except requests.RequestException as exc:
        raise ServiceUnavailable(f"{what}: {url} unreachable", answer=str(exc)) from exc


@dataclass
class _CachedToken:
    token: str
    usable_until: float


@dataclass
class _Slot:
    lock: threading.Lock = field(default_factory=threading.Lock)
    cached: _CachedToken | None = None


class AccessTokens:
    """Access tokens per (issuer, client id, scopes), fetched once per lifetime."""

    def __init__(
        self,
        *,
        http: requests.Session,
        timeout_seconds: float,
        signing_key: Callable[[], ToolKeyPair],
        clock: Callable[[], float] = time.monotonic,
        refresh_margin_seconds: float = REFRESH_MARGIN_SECONDS,
    ) -> None:
        self.http = http
        self.timeout_seconds = timeout_seconds
        self._signing_key = signing_key
        self._clock = clock
        self._margin = refresh_margin_seconds
        self._slots: dict[tuple[str, str, frozenset[str]], _Slot] = {}
        self._guard = threading.Lock()
        self.requests_made = 0  # token requests sent (for tests and the benchmark)

    @staticmethod
    def key(
        registration: ServiceRegistration, scopes: Iterable[str]
    ) -> tuple[str, str, frozenset[str]]:
        return (registration.issuer, registration.client_id, frozenset(scopes))

    def _slot(self, key: tuple[str, str, frozenset[str]]) -> _Slot:
        with self._guard:
            return self._slots.setdefault(key, _Slot())

    def token(self, registration: ServiceRegistration, scopes: Iterable[str]) -> str:
        """A usable token for these scopes: the cached one, or a newly requested one."""
        key = self.key(registration, scopes)
        slot = self._slot(key)
        cached = slot.cached
        if cached is not None and self._clock() < cached.usable_until:
            return cached.token
        with slot.lock:  # one request per key at a time; the others wait and reuse it
            cached = slot.cached
            if cached is not None and self._clock() < cached.usable_until:
                return cached.token
            slot.cached = self._request(registration, key[2])
            return slot.cached.token

    def invalidate(
        self, registration: ServiceRegistration, scopes: Iterable[str], token: str
    ) -> None:
        """Forget ``token`` (the platform refused it) unless it was already replaced."""
        slot = self._slot(self.key(registration, scopes))
        with slot.lock:
            if slot.cached is not None and slot.cached.token == token:
                slot.cached = None

    def client_assertion(self, registration: ServiceRegistration) -> str:
        """The signed JWT that authenticates the tool (Security Framework §4.1.1)."""
        key = self._signing_key()
        now = int(time.time())
        claims = {
            "iss": registration.client_id,
            "sub": registration.client_id,
            "aud": registration.token_url,
            "iat": now,
            "exp": now + ASSERTION_LIFETIME_SECONDS,
            "jti": uuid.uuid4().hex,
        }
        return jwt.encode(claims, key.private_key, algorithm=ALGORITHM, headers={"kid": key.kid})

    def _request(self, registration: ServiceRegistration, scopes: frozenset[str]) -> _CachedToken:
        response = self._post_token_request(registration, scopes)
        if response.status_code == 401:
            # A platform that cached our key set before a rotation refuses the new kid
            # once, then fetches our keys again: one fresh assertion, then give up.
            log.info("token endpoint %s answered 401; asking once more", registration.token_url)
            response = self._post_token_request(registration, scopes)
            if response.status_code == 401:
                raise ServiceNotAuthorised(
                    "the token endpoint refused the tool's credentials",
                    status=401,
                    answer=answer_of(response),
                )
        _raise_for_status(response, "token request")
        body = response.json()
        if not isinstance(body, dict) or not isinstance(body.get("access_token"), str):
            raise ServiceRefused("token answer without access_token", status=response.status_code)
        lifetime = _lifetime(body.get("expires_in"))
        margin = min(self._margin, lifetime / 10)
        return _CachedToken(body["access_token"], self._clock() + lifetime - margin)

    def _post_token_request(
        self, registration: ServiceRegistration, scopes: frozenset[str]
    ) -> ServiceResponse:
        with self._guard:
            self.requests_made += 1
        data = {
            "grant_type": "client_credentials",
            "client_assertion_type": JWT_BEARER,
            "client_assertion": self.client_assertion(registration),
            "scope": " ".join(sorted(scopes)),
        }
        return _send(
            self.http,
            "POST",
            registration.token_url,
            what="token request",
            data=data,
            headers={"Accept": "application/json"},
            timeout=self.timeout_seconds,
        )


def _lifetime(value: Any) -> float:
    try:
        lifetime = float(value)
    except (TypeError, ValueError):
        return float(DEFAULT_TOKEN_LIFETIME_SECONDS)
    return lifetime if lifetime > 0 else float(DEFAULT_TOKEN_LIFETIME_SECONDS)


def _raise_for_status(response: ServiceResponse, what: str) -> None:
    status = response.status_code
    if status >= 500 or status == 429:
        raise ServiceUnavailable(
            f"{what} failed on the platform", status=status, answer=answer_of(response)
        )
    if status == 401:
        raise ServiceNotAuthorised(
            f"{what} not authorised", status=status, answer=answer_of(response)
        )
    if status >= 400:
        raise ServiceRefused(f"{what} refused", status=status, answer=answer_of(response))
    if status >= 300:
        raise ServiceRefused(f"{what} redirected", status=status, answer=answer_of(response))


class ServiceClient:
    """One per process: the token cache and the calls made with its tokens."""

    def __init__(self, tokens: AccessTokens) -> None:
        self.tokens = tokens

    def call(
        self,
        registration: ServiceRegistration,
        scopes: Iterable[str],
        method: str,
        url: str,
        *,
        what: str,
        accept: str,
        json_body: Any = None,
        content_type: str | None = None,
        params: Mapping[str, str] | None = None,
    ) -> ServiceResponse:
        """Call a service with a bearer token; see the module docstring for outcomes."""
        scopes = frozenset(scopes)
        headers = {"Accept": accept}
        data = None
        if json_body is not None:
            headers["Content-Type"] = content_type or "application/json"
            data = json.dumps(json_body, separators=(",", ":")).encode()

        def send(token: str) -> ServiceResponse:
            return _send(
                self.tokens.http,
                method,
                url,
                what=what,
                headers={**headers, "Authorization": f"Bearer {token}"},
                data=data,
                params=dict(params) if params else None,
                timeout=self.tokens.timeout_seconds,
            )

        token = self.tokens.token(registration, scopes)
        response = send(token)
        if response.status_code == 401:
            log.info("%s answered 401; fetching a new access token once", url)
            self.tokens.invalidate(registration, scopes, token)
            response = send(self.tokens.token(registration, scopes))
            if response.status_code == 401:
                raise ServiceNotAuthorised(
                    f"{what}: the platform refused a fresh access token too",
                    status=401,
                    answer=answer_of(response),
                )
        _raise_for_status(response, what)
        return response


def service_client(app: FastAPI) -> ServiceClient:
    """The app's client of the platforms' services (token cache per process), e.g. for
    ``course_roster`` in a route of a package above ``lti``."""
    client: ServiceClient = app.state.lti.services
    return client

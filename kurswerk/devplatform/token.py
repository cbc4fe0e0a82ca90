"""The platform's OAuth 2.0 token endpoint for LTI Advantage services.

The tool asks for an access token with the client-credentials grant and a signed JWT as
its client authentication (LTI Security Framework 1.0, §4.1; RFC 7523 §2.2). The
assertion is checked against the tool's public keys (its JWKS, fetched from the tool as
the platform would); the token is kept in memory for the simulator's service endpoints.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

import jwt

from kurswerk.devplatform.config import SimulatorConfig

JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
ACCESS_TOKEN_TTL_SECONDS = 3600


class ToolKeys(Protocol):
    """Finds the tool's public key for a client assertion (by its ``kid``)."""

    def key_for(self, assertion: str) -> Any: ...


class JwksToolKeys:
    """The tool's keys from its JWKS URL (cached; refetched for an unknown ``kid``)."""

    def __init__(self, jwks_url: str, timeout_seconds: float = 5.0) -> None:
        self._client = jwt.PyJWKClient(
            jwks_url, cache_keys=True, lifespan=300, timeout=timeout_seconds
        )

    def key_for(self, assertion: str) -> Any:
        return self._client.get_signing_key_from_jwt(assertion).key


class AccessTokens:
    """Access tokens issued by ``/token``: token -> (scopes, expiry)."""

    def __init__(
        self,
        clock: Callable[[], float] = time.time,
        ttl_seconds: int = ACCESS_TOKEN_TTL_SECONDS,
    ) -> None:
        self._clock = clock
        self.ttl_seconds = ttl_seconds
        self._tokens: dict[str, tuple[frozenset[str], float]] = {}
        self._used_jti: dict[str, float] = {}
        self._lock = threading.Lock()

    def issue(self, scopes: frozenset[str]) -> str:
        token = secrets.token_urlsafe(32)
        with self._lock:
            self._tokens[token] = (scopes, self._clock() + self.ttl_seconds)
        return token

    def revoke_all(self) -> None:
        """Forget every issued token (a platform restart, a revoked grant)."""
        with self._lock:
            self._tokens.clear()

    @property
    def issued(self) -> int:
        with self._lock:
            return len(self._tokens)

    def scopes_for(self, token: str) -> frozenset[str]:
        """The scopes a bearer token grants now (empty when unknown or expired)."""
        with self._lock:
            entry = self._tokens.get(token)
        if entry is None or entry[1] <= self._clock():
            return frozenset()
        return entry[0]

    def first_use_of(self, jti: str, expires_at: float) -> bool:
        """Record an assertion's ``jti``; ``False`` if it was seen before (a replay)."""
        now = self._clock()
        with self._lock:
            self._used_jti = {j: exp for j, exp in self._used_jti.items() if exp > now}
            if jti in self._used_jti:
                return False
            self._used_jti[jti] = expires_at
            return True


@dataclass(frozen=True, slots=True)
class TokenAnswer:
    status: int
    body: dict[str, Any]


def _error(status: int, error: str, description: str) -> TokenAnswer:
    return TokenAnswer(status, {"error": error, "error_description": description})


def issue_access_token(
    config: SimulatorConfig,
    tool_keys: ToolKeys,
    tokens: AccessTokens,
    params: Mapping[str, str],
) -> TokenAnswer:
    """Answer a token request (RFC 6749 §4.4 with RFC 7523 client authentication)."""
    if params.get("grant_type") != "client_credentials":
        return _error(400, "unsupported_grant_type", "grant_type must be client_credentials")
    if params.get("client_assertion_type") != JWT_BEARER:
        return _error(400, "invalid_request", f"client_assertion_type must be {JWT_BEARER}")
    assertion = params.get("client_assertion", "")
    try:
        claims = jwt.decode(
            assertion,
            tool_keys.key_for(assertion),
            algorithms=["RS256"],
            audience=config.token_url,
            options={"require": ["iss", "sub", "aud", "exp", "iat", "jti"]},
        )
    except (jwt.PyJWTError, ValueError, LookupError) as exc:  # LookupError: unknown kid
        return _error(401, "invalid_client", f"client assertion rejected: {exc}")
    if claims["iss"] != config.client_id or claims["sub"] != config.client_id:
        return _error(401, "invalid_client", "iss and sub must be the client_id")
    if not tokens.first_use_of(str(claims["jti"]), float(claims["exp"])):
        return _error(401, "invalid_client", "client assertion was already used (jti)")
    granted = frozenset(params.get("scope", "").split()) & frozenset(config.granted_scopes)
    if not granted:
        return _error(400, "invalid_scope", "none of the requested scopes is granted")
    return TokenAnswer(
        200,
        {
            "access_token": tokens.issue(granted),
            "token_type": "Bearer",
            "expires_in": tokens.ttl_seconds,
            "scope": " ".join(sorted(granted)),
        },
    )

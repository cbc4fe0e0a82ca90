"""The platform side of LTI Dynamic Registration 1.0.

https://www.imsglobal.org/spec/lti-dr/v1p0/ — an admin starts it (the "Tools" page); the
platform opens the tool's registration URL with ``openid_configuration`` and a one-time
``registration_token`` (§3.3). The tool reads the configuration (§3.4) and posts its own
to the registration endpoint (§3.5), which checks it and answers the client id, the
deployment and the scopes granted (§3.6); the tool's page then asks the platform's
window to close (§3.7, ``register.js`` listens).

The simulator has one tool slot: a registration fills it with the configured client id
and deployment, so the course's launches work with whatever the tool stored.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from kurswerk.devplatform.config import SERVICE_SCOPES, SimulatorConfig
from kurswerk.devplatform.lms import CourseState, ToolRegistration

PLATFORM_CONFIGURATION = "https://purl.imsglobal.org/spec/lti-platform-configuration"
TOOL_CONFIGURATION = "https://purl.imsglobal.org/spec/lti-tool-configuration"
REGISTRATION_TOKEN_TTL_SECONDS = 600


def openid_configuration(config: SimulatorConfig) -> dict[str, Any]:
    """The platform's OpenID configuration (DR 1.0 §3.4.1, as Moodle 4.5 publishes it)."""
    return {
        "issuer": config.issuer,
        "authorization_endpoint": config.auth_url,
        "token_endpoint": config.token_url,
        "token_endpoint_auth_methods_supported": ["private_key_jwt"],
        "token_endpoint_auth_signing_alg_values_supported": ["RS256"],
        "jwks_uri": config.jwks_url,
        "registration_endpoint": config.registration_endpoint,
        "scopes_supported": ["openid", *SERVICE_SCOPES],
        "response_types_supported": ["id_token"],
        "subject_types_supported": ["public", "pairwise"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "claims_supported": ["sub", "iss", "name", "given_name", "family_name", "email"],
        PLATFORM_CONFIGURATION: {
            "product_family_code": "kurswerk-devplatform",
            "version": "1",
            "messages_supported": [
                {"type": "LtiResourceLinkRequest"},
                {"type": "LtiDeepLinkingRequest"},
                {"type": "LtiSubmissionReviewRequest"},
            ],
            "variables": [],
        },
    }


class RegistrationTokens:
    """One-time registration tokens, each good for one registration within its lifetime."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._tokens: dict[str, float] = {}
        self._lock = threading.Lock()

    def issue(self) -> str:
        token = secrets.token_urlsafe(24)
        with self._lock:
            now = self._clock()
            self._tokens = {t: exp for t, exp in self._tokens.items() if exp > now}
            self._tokens[token] = now + REGISTRATION_TOKEN_TTL_SECONDS
        return token

    def use(self, token: str) -> bool:
        with self._lock:
            expires = self._tokens.pop(token, None)
        return expires is not None and expires > self._clock()


@dataclass(frozen=True)
class RegistrationAnswer:
    status: int
    body: dict[str, Any]


def _refuse(message: str, status: int = 400) -> RegistrationAnswer:
    return RegistrationAnswer(
        status, {"error": "invalid_client_metadata", "error_description": message}
    )


def _origin(url: object) -> str:
    if not isinstance(url, str):
        return ""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


def register_tool(
    config: SimulatorConfig,
    course: CourseState,
    tokens: RegistrationTokens,
    authorization: str | None,
    body: Any,
) -> RegistrationAnswer:
    """Check the tool's configuration (DR 1.0 §3.5.2) and fill the tool slot."""
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not tokens.use(token.strip()):
        return _refuse("registration token missing, unknown, used or expired", 401)
    if not isinstance(body, dict):
        return _refuse("the configuration must be a JSON object")
    tool = body.get(TOOL_CONFIGURATION)
    if not isinstance(tool, dict):
        return _refuse(f"{TOOL_CONFIGURATION} missing")
    tool_origin = _origin(config.tool_base_url)
    redirect_uris = body.get("redirect_uris")
    checks = [
        (body.get("application_type") == "web", "application_type must be web"),
        ("id_token" in (body.get("response_types") or []), "response_types needs id_token"),
        (
            {"implicit", "client_credentials"} <= set(body.get("grant_types") or []),
            "grant_types needs implicit and client_credentials",
        ),
        (body.get("token_endpoint_auth_method") == "private_key_jwt", "private_key_jwt only"),
        (_origin(body.get("initiate_login_uri")) == tool_origin, "initiate_login_uri"),
        (_origin(body.get("jwks_uri")) == tool_origin, "jwks_uri"),
        (
            isinstance(redirect_uris, list)
            and bool(redirect_uris)
            and all(_origin(u) == tool_origin for u in redirect_uris),
            "redirect_uris",
        ),
        (tool.get("domain") == urlsplit(config.tool_base_url).netloc, "domain"),
        (_origin(tool.get("target_link_uri")) == tool_origin, "target_link_uri"),
        (isinstance(tool.get("messages", []), list), "messages must be a list"),
    ]
    for ok, what in checks:
        if not ok:
            return _refuse(f"tool configuration: {what} (this platform's tool is {tool_origin})")
    requested = str(body.get("scope") or "").split()
    granted = [scope for scope in requested if scope in config.granted_scopes]
    messages = [str(m.get("type")) for m in tool.get("messages", []) if isinstance(m, dict)]
    claims = [str(c) for c in tool.get("claims", []) if isinstance(c, str)]
    registration = ToolRegistration(
        client_id=config.client_id,
        deployment_id=config.deployment_id,
        client_name=str(body.get("client_name") or "")[:200],
        initiate_login_uri=str(body["initiate_login_uri"]),
        redirect_uris=[str(u) for u in redirect_uris or []],
        jwks_uri=str(body["jwks_uri"]),
        granted_scopes=granted,
        messages=messages,
        claims=claims,
    )
    course.set_registration(registration)
    answer = dict(body)
    answer.update(
        {
            "client_id": config.client_id,
            "registration_client_uri": config.registration_endpoint
            + f"?client_id={config.client_id}",
            "scope": " ".join(granted),
            TOOL_CONFIGURATION: {**tool, "deployment_id": config.deployment_id},
        }
    )
    return RegistrationAnswer(200, answer)

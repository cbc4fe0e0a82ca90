"""The platform side of the LTI 1.3 launch: login initiation, the OIDC auth endpoint and
the signed ``LtiResourceLinkRequest``.

The flow is the third-party-initiated login of the LTI Security Framework 1.0, §5.1.1,
the way Moodle 4.5 runs it (``mod/lti/auth.php``):

1. ``login_initiation()``: the platform auto-POSTs ``iss, target_link_uri, login_hint,
   lti_message_hint, client_id, lti_deployment_id`` to the tool's login URL.
2. The tool redirects the browser to the auth endpoint with an OIDC authentication
   request; ``authorize()`` checks it (§5.1.1.2) and
3. answers with an auto-POST of ``id_token`` and ``state`` to the registered
   ``redirect_uri`` (``response_mode=form_post``, §5.1.1.3), or with an error.

Errors follow OAuth 2.0 (RFC 6749 §4.1.2.1) and OIDC Core §3.1.2.6: a missing or unknown
``client_id`` or an unregistered ``redirect_uri`` is shown to the user and never
redirected; every other error goes to the redirect_uri with ``error``,
``error_description`` and ``state``. (Moodle posts a wrong client_id to the redirect_uri
as ``unauthorized_client``; the spec says not to, and so do we.)
"""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from kurswerk.devplatform.config import COURSE_OFFERING, Person, SimulatorConfig
from kurswerk.devplatform.keys import SigningKey

LTI = "https://purl.imsglobal.org/spec/lti/claim/"
RESOURCE_LINK_REQUEST = "LtiResourceLinkRequest"
LTI_VERSION = "1.3.0"


class PendingLaunches:
    """The ``lti_message_hint`` values the simulator issued, each good for one auth request.

    Stands in for Moodle's ``$SESSION->launchid``: it ties the auth request to the person
    who clicked the link, and is removed when read.
    """

    def __init__(self, ttl_seconds: int, clock: Callable[[], float] = time.monotonic) -> None:
        self._ttl = ttl_seconds
        self._clock = clock
        self._pending: dict[str, tuple[Person, float]] = {}
        self._lock = threading.Lock()

    def issue(self, person: Person) -> str:
        hint = secrets.token_urlsafe(24)
        now = self._clock()
        with self._lock:
            self._pending = {h: v for h, v in self._pending.items() if v[1] > now}
            self._pending[hint] = (person, now + self._ttl)
        return hint

    def take(self, hint: str) -> Person | None:
        """The person the hint was issued for; ``None`` if unknown, used or expired."""
        with self._lock:
            entry = self._pending.pop(hint, None)
        if entry is None or entry[1] <= self._clock():
            return None
        return entry[0]


def login_initiation(
    config: SimulatorConfig, launches: PendingLaunches, person: Person
) -> dict[str, str]:
    """The form fields of the third-party-initiated login (LTI Security Framework §5.1.1.1)."""
    return {
        "iss": config.issuer,
        "target_link_uri": config.target_link_uri,
        "login_hint": person.sub,
        "lti_message_hint": launches.issue(person),
        "client_id": config.client_id,
        "lti_deployment_id": config.deployment_id,
    }


@dataclass(frozen=True, slots=True)
class Refused:
    """An auth request that must not be redirected: answer the user with a 400 page."""

    reason: str


@dataclass(frozen=True, slots=True)
class FormPost:
    """An answer auto-POSTed by the browser to the tool's registered ``redirect_uri``."""

    action: str
    fields: dict[str, str]


class AuthError(Exception):
    def __init__(self, error: str, description: str) -> None:
        super().__init__(description)
        self.error = error
        self.description = description


def authorize(
    config: SimulatorConfig,
    key: SigningKey,
    launches: PendingLaunches,
    params: Mapping[str, str],
    *,
    now: int | None = None,
) -> Refused | FormPost:
    """Check an OIDC authentication request and answer it (LTI Security Framework §5.1.1.2)."""
    client_id = params.get("client_id", "")
    redirect_uri = params.get("redirect_uri", "")
    if client_id != config.client_id:
        return Refused(f"Unbekannte client_id: {client_id!r}")
    if redirect_uri not in config.redirect_uris:
        return Refused(f"redirect_uri ist für diesen Client nicht registriert: {redirect_uri!r}")

    answer: dict[str, str] = {}
    try:
        person = _check_request(config, launches, params)
        claims = id_token_claims(
            config, person, nonce=params["nonce"], now=int(time.time()) if now is None else now
        )
        answer["id_token"] = key.sign(claims)
    except AuthError as exc:
        answer = {"error": exc.error, "error_description": exc.description}
    if "state" in params:
        answer["state"] = params["state"]
    return FormPost(action=redirect_uri, fields=answer)


def _check_request(
    config: SimulatorConfig, launches: PendingLaunches, params: Mapping[str, str]
) -> Person:
    missing = [
        name
        for name in ("scope", "response_type", "login_hint", "lti_message_hint", "nonce")
        if not params.get(name)
    ]
    if missing:
        raise AuthError("invalid_request", f"missing parameter(s): {', '.join(missing)}")
    if params["scope"] != "openid":
        raise AuthError("invalid_scope", "scope must be 'openid'")
    if params["response_type"] != "id_token":
        raise AuthError("unsupported_response_type", "response_type must be 'id_token'")
    if params.get("response_mode") != "form_post":
        raise AuthError("invalid_request", "response_mode must be 'form_post'")
    if params.get("prompt") != "none":
        raise AuthError("invalid_request", "prompt must be 'none'")
    person = launches.take(params["lti_message_hint"])
    if person is None:
        raise AuthError("login_required", "lti_message_hint is unknown, expired or used")
    if params["login_hint"] != person.sub:
        raise AuthError("access_denied", "login_hint does not match the user of this launch")
    return person


def id_token_claims(
    config: SimulatorConfig, person: Person, *, nonce: str, now: int
) -> dict[str, Any]:
    """The claims of an ``LtiResourceLinkRequest`` (LTI Core 1.3, §5.3 and §5.4)."""
    course = config.course
    return {
        "iss": config.issuer,
        "sub": person.sub,
        "aud": config.client_id,
        "azp": config.client_id,
        "iat": now,
        "exp": now + config.id_token_ttl_seconds,
        "nonce": nonce,
        "name": person.name,
        "given_name": person.given_name,
        "family_name": person.family_name,
        "email": person.email,
        LTI + "deployment_id": config.deployment_id,
        LTI + "message_type": RESOURCE_LINK_REQUEST,
        LTI + "version": LTI_VERSION,
        LTI + "target_link_uri": config.target_link_uri,
        LTI + "resource_link": {
            "id": course.resource_link_id,
            "title": course.resource_link_title,
        },
        LTI + "roles": list(person.roles),
        LTI + "context": {
            "id": course.context_id,
            "label": course.label,
            "title": course.title,
            "type": [COURSE_OFFERING],
        },
        LTI + "launch_presentation": {
            "document_target": "iframe",
            "locale": config.locale,
            "return_url": config.return_url,
        },
        LTI + "tool_platform": {
            "guid": config.issuer,
            "name": config.platform_name,
            "product_family_code": "kurswerk-devplatform",
            "version": "1",
        },
        LTI + "custom": dict(config.custom),
    }

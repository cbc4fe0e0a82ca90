"""LTI Dynamic Registration 1.0: an LMS admin pastes one URL, the tool registers itself.

https://www.imsglobal.org/spec/lti-dr/v1p0/ — the platform opens
``/lti/register?openid_configuration=…&registration_token=…`` (§3.3). The tool

1. fetches the platform's OpenID configuration (§3.4) and checks it: the ``issuer``
   must be a prefix of the configuration URL (§3.5.1: only the platform that serves
   the configuration can speak for that issuer), and the endpoints and capabilities
   an LTI 1.3 launch needs must be there;
2. posts its tool configuration to the ``registration_endpoint`` with the registration
   token as bearer (§3.5.2, §3.6): login, launch and deep-linking URLs, its key set,
   the scopes it asks for, the claims it wants (name, email), the messages it handles;
3. stores the answer (§3.6.2: ``client_id``, the ``deployment_id``, the ``scope`` it was
   granted) as a registration, like ``kurswerk platform add`` does;
4. answers a page that tells the platform's window to close (§3.7: postMessage
   ``{subject: "org.imsglobal.lti.close"}``).

pylti1p3's ``DynamicRegistration`` is not used: it calls ``requests`` without timeouts,
checks with ``assert`` (gone under ``python -O``), and does not check the issuer. The
rules are short and written here against the spec.

An existing registration (same issuer and client id) is never changed this way: that
would let whoever can serve a configuration re-point a platform's key set.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import requests
from sqlmodel import Session, select

from kurswerk.core.errors import AppError
from kurswerk.core.i18n import N_
from kurswerk.core.paths import path_for
from kurswerk.core.settings import Settings
from lti import nrps
from lti.capabilities import SCOPE_LINEITEM, SCOPE_RESULT_READONLY, SCOPE_SCORE
from lti.endpoints import service_url
from lti.launch_claims import DEEP_LINKING_REQUEST, RESOURCE_LINK_REQUEST, SUBMISSION_REVIEW_REQUEST
from lti.models import Platform
from lti.registrations import PlatformConfigError, add_platform, origin_of, require_origin

INCOMPLETE = N_("Der OpenID-Konfiguration der Plattform fehlt etwas, das LTI 1.3 braucht.")

BAD_URL = N_("Eine Adresse der Plattform ist ungültig.")

BAD_ANSWER = N_("Die Plattform hat unlesbar oder unvollständig geantwortet.")

PLATFORM_CONFIGURATION = "https://purl.imsglobal.org/spec/lti-platform-configuration"
TOOL_CONFIGURATION = "https://purl.imsglobal.org/spec/lti-tool-configuration"
REQUESTED_SCOPES = (
    SCOPE_LINEITEM,
    SCOPE_RESULT_READONLY,
    SCOPE_SCORE,
    nrps.SCOPE_MEMBERSHIPS,
)
REQUESTED_CLAIMS = ("iss", "sub", "name", "given_name", "family_name", "email", "locale")
MAX_DOCUMENT_BYTES = 256 * 1024
CLIENT_NAME = "Kurswerk"


class RegistrationFailed(AppError):
    """Dynamic registration could not complete; ``message`` is an i18n key
    (``lti.register.*``), ``detail`` what the platform or its configuration said."""

    status_code = 400


@dataclass(frozen=True, slots=True)
class PlatformConfiguration:
    """The parts of the platform's OpenID configuration we use."""

    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str
    registration_endpoint: str
    product_family_code: str
    scopes_supported: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class RegistrationResult:
    platform: Platform
    deployment_id: str | None
    granted_scopes: tuple[str, ...]
    already_registered: bool = False  # the platform was registered before: left unchanged


def issuer_matches(issuer: str, configuration_url: str) -> bool:
    """The issuer is a prefix of the configuration URL, ending at a path boundary
    (``https://lms.example`` matches ``https://lms.example/.well-known/…`` but not
    ``https://lms.example.evil/…``)."""
    if not issuer or not configuration_url.startswith(issuer):
        return False
    if issuer.endswith("/") or len(configuration_url) == len(issuer):
        return True
    return configuration_url[len(issuer)] in "/?#"


def tool_configuration(settings: Settings) -> dict[str, Any]:
    """What the tool posts to the registration endpoint (DR 1.0 §3.5.2, §5.1)."""
    base = settings.base_url
    launch_url = base + path_for("lti_launch")
    return {
        "application_type": "web",
        "response_types": ["id_token"],
        "grant_types": ["implicit", "client_credentials"],
        "initiate_login_uri": base + path_for("lti_login"),
        "redirect_uris": [launch_url],
        "client_name": CLIENT_NAME,
        "jwks_uri": base + path_for("lti_jwks"),
        "token_endpoint_auth_method": "private_key_jwt",
        "scope": " ".join(REQUESTED_SCOPES),
        TOOL_CONFIGURATION: {
            "domain": urlsplit(base).netloc,
            "target_link_uri": launch_url,
            "description": "Online-Kurs Social-Media-Strategie mit Coaching und Feedback",
            "claims": list(REQUESTED_CLAIMS),
            "messages": [
                {"type": RESOURCE_LINK_REQUEST, "target_link_uri": launch_url},
                {
                    "type": DEEP_LINKING_REQUEST,
                    "target_link_uri": launch_url,
                    "label": "Kurswerk: Inhalt einfügen",
                    "supported_types": ["ltiResourceLink"],
                    "placements": ["ContentArea"],
                },
                {"type": SUBMISSION_REVIEW_REQUEST, "target_link_uri": launch_url},
            ],
        },
    }


def _exchange(
    http: requests.Session, method: str, url: str, timeout: float, **kwargs: Any
) -> tuple[int, Any]:
    """One request without redirects, its JSON answer read with a cap: (status, JSON)."""
    try:
        with http.request(
            method, url, timeout=timeout, allow_redirects=False, stream=True, **kwargs
        ) as response:
            body = bytearray()
            for chunk in response.iter_content(chunk_size=16384):
                body.extend(chunk)
                if len(body) > MAX_DOCUMENT_BYTES:
                    raise RegistrationFailed(
                        BAD_ANSWER,
                        detail=f"{url}: more than 256 KB",
                    )
            status = response.status_code
    except requests.RequestException as exc:
        raise RegistrationFailed(
            N_("Die Plattform ist nicht erreichbar."), 502, detail=f"{url}: {exc}", reason=str(exc)
        ) from exc
    try:
        return status, json.loads(bytes(body))
    except ValueError:
        text = bytes(body[:300]).decode("utf-8", "replace")
        return status, {"_unparsed": text}


def check_url(value: str, *, settings: Settings, what: str) -> str:
    url = service_url(value)
    if url is None:
        raise RegistrationFailed(BAD_URL, detail=f"{what}: {value!r}")
    if settings.env == "production" and not url.startswith("https://"):
        raise RegistrationFailed(BAD_URL, detail=f"{what} must be https: {url}")
    return url


def fetch_platform_configuration(
    http: requests.Session, url: str, *, settings: Settings
) -> PlatformConfiguration:
    """Read and check the platform's OpenID configuration (DR 1.0 §3.4, §3.5.1)."""
    url = check_url(url, settings=settings, what="openid_configuration")
    status, document = _exchange(
        http, "GET", url, settings.http_timeout_seconds, headers={"Accept": "application/json"}
    )
    if status != 200 or not isinstance(document, dict):
        raise RegistrationFailed(
            BAD_ANSWER,
            detail=f"{url}: HTTP {status}",
        )
    issuer = document.get("issuer")
    if not isinstance(issuer, str) or not issuer_matches(issuer, url):
        raise RegistrationFailed(
            N_(
                "Die OpenID-Konfiguration gehört nicht zur angegebenen Plattform: Ihr "
                "Issuer ist kein Anfang ihrer Adresse."
            ),
            detail=f"issuer {issuer!r}, configuration at {url}",
        )

    def endpoint(name: str) -> str:
        value = document.get(name)
        if not isinstance(value, str):
            raise RegistrationFailed(
                INCOMPLETE,
                detail=f"{name} missing",
            )
        return check_url(value, settings=settings, what=name)

    platform = document.get(PLATFORM_CONFIGURATION)
    if not isinstance(platform, dict):
        raise RegistrationFailed(
            INCOMPLETE,
            detail=PLATFORM_CONFIGURATION,
        )
    algs = document.get("id_token_signing_alg_values_supported")
    if not isinstance(algs, list) or "RS256" not in algs:
        raise RegistrationFailed(
            INCOMPLETE,
            detail="id_token_signing_alg_values_supported: RS256",
        )
    auth_methods = document.get("token_endpoint_auth_methods_supported")
    if not isinstance(auth_methods, list) or "private_key_jwt" not in auth_methods:
        raise RegistrationFailed(
            INCOMPLETE,
            detail="token_endpoint_auth_methods_supported",
        )
    scopes = document.get("scopes_supported")
    return PlatformConfiguration(
        issuer=issuer,
        authorization_endpoint=endpoint("authorization_endpoint"),
        token_endpoint=endpoint("token_endpoint"),
        jwks_uri=endpoint("jwks_uri"),
        registration_endpoint=endpoint("registration_endpoint"),
        product_family_code=str(platform.get("product_family_code") or "")[:100],
        scopes_supported=tuple(s for s in scopes if isinstance(s, str))
        if isinstance(scopes, list)
        else (),
    )


def post_tool_configuration(
    http: requests.Session,
    platform: PlatformConfiguration,
    registration_token: str | None,
    *,
    settings: Settings,
) -> Mapping[str, Any]:
    """Send our configuration; the platform's answer (DR 1.0 §3.6)."""
    headers = {"Accept": "application/json", "Content-Type": "application/json"}
    if registration_token:
        headers["Authorization"] = f"Bearer {registration_token}"
    status, answer = _exchange(
        http,
        "POST",
        platform.registration_endpoint,
        settings.http_timeout_seconds,
        headers=headers,
        data=json.dumps(tool_configuration(settings)).encode(),
    )
    if status not in (200, 201) or not isinstance(answer, dict):
        raise RegistrationFailed(
            N_("Die Plattform hat die Registrierung abgelehnt."),
            detail=f"HTTP {status}: {json.dumps(answer)[:300]}",
        )
    if not isinstance(answer.get("client_id"), str) or not answer["client_id"]:
        raise RegistrationFailed(
            BAD_ANSWER,
            detail="no client_id in the answer",
        )
    return answer


def store_registration(
    session: Session, platform: PlatformConfiguration, answer: Mapping[str, Any]
) -> RegistrationResult:
    """Register the platform from the answer (flushes; the request commits). A platform
    registered before with this client ID is not a failure - the LMS's registration is
    done, Kurswerk knows it - but its registration is left as it is (changing keys or
    URLs goes through ``kurswerk platform``): the result says so."""
    client_id = str(answer["client_id"])
    existing = session.exec(
        select(Platform).where(Platform.issuer == platform.issuer, Platform.client_id == client_id)
    ).first()
    if existing is not None:
        scopes = tuple((existing.granted_scopes or "").split())
        return RegistrationResult(existing, None, scopes, already_registered=True)
    tool = answer.get(TOOL_CONFIGURATION)
    deployment = tool.get("deployment_id") if isinstance(tool, dict) else None
    deployment_id = deployment if isinstance(deployment, str) and deployment else None
    granted = answer.get("scope")
    granted_scopes = tuple(granted.split()) if isinstance(granted, str) else ()
    frame_origins = _registering_host(platform)
    try:
        row = add_platform(
            session,
            issuer=platform.issuer,
            client_id=client_id,
            auth_login_url=platform.authorization_endpoint,
            auth_token_url=platform.token_endpoint,
            keyset_url=platform.jwks_uri,
            deployment_ids=[deployment_id] if deployment_id else [],
            name=platform.product_family_code or platform.issuer,
            granted_scopes=granted_scopes,
            require_deployment=False,
            frame_origins=frame_origins,
        )
    except ValueError as exc:
        raise RegistrationFailed(BAD_ANSWER, detail=str(exc)) from exc
    return RegistrationResult(row, deployment_id, granted_scopes)


def _registering_host(platform: PlatformConfiguration) -> list[str]:
    """The registration endpoint's origin as a frame origin, when it is neither the
    issuer's nor the login URL's: a platform whose issuer names a service rather than
    the LMS host the admin works on (Canvas cloud) serves registration from that host,
    which is also where it frames the tool. Anything else is added by hand
    (``kurswerk platform frame-origins``)."""
    origin = origin_of(platform.registration_endpoint)
    if origin in {origin_of(platform.issuer), origin_of(platform.authorization_endpoint), ""}:
        return []
    try:
        return [require_origin(origin)]
    except PlatformConfigError:  # plain http outside loopback: never a frame origin
        return []

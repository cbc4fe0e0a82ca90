"""The platform side of the LTI 1.3 launch: login initiation, the OIDC auth endpoint and
the signed ``LtiResourceLinkRequest``.

The flow is the third-party-initiated login of the LTI Security Framework 1.0, §5.1.1,
the way Moodle 4.5 runs it (``mod/lti/auth.php``), for three kinds of launch: a resource
link (the configured one or one added by deep linking), a deep-linking request
(DL 2.0 §4.4) and a submission review request (SR 1.0 §3):

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

import json
import secrets
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from kurswerk.devplatform.config import (
    AGS_SCOPES,
    COURSE_OFFERING,
    SCOPE_MEMBERSHIPS,
    Person,
    SimulatorConfig,
)
from kurswerk.devplatform.keys import SigningKey
from kurswerk.devplatform.lms import CourseState, ResourceLink

LTI = "https://purl.imsglobal.org/spec/lti/claim/"
AGS_CLAIM = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
NRPS_CLAIM = "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice"
DL_SETTINGS_CLAIM = "https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"
RESOURCE_LINK_REQUEST = "LtiResourceLinkRequest"
DEEP_LINKING_REQUEST = "LtiDeepLinkingRequest"
SUBMISSION_REVIEW_REQUEST = "LtiSubmissionReviewRequest"
LTI_VERSION = "1.3.0"


@dataclass(frozen=True, slots=True)
class LaunchPurpose:
    """What a click starts: a resource link (``link_id``, default: the configured one), a
    deep-linking request, or the review of ``for_user``'s submission in a column."""

    message_type: str = RESOURCE_LINK_REQUEST
    link_id: str | None = None
    for_user: str | None = None  # a person's key (submission review)
    line_item_id: str | None = None  # the gradebook column (submission review)


class PendingLaunches:
    """The ``lti_message_hint`` values the simulator issued, each good for one auth request.

    Stands in for Moodle's ``$SESSION->launchid``: it ties the auth request to the person
    who clicked the link, and is removed when read.
    """

    def __init__(self, ttl_seconds: int, clock: Callable[[], float] = time.monotonic) -> None:
        self._ttl = ttl_seconds
        self._clock = clock
        self._pending: dict[str, tuple[Person, float, LaunchPurpose]] = {}
        self._lock = threading.Lock()

    def issue(self, person: Person, purpose: LaunchPurpose | None = None) -> str:
        hint = secrets.token_urlsafe(24)
        now = self._clock()
        with self._lock:
            self._pending = {h: v for h, v in self._pending.items() if v[1] > now}
            self._pending[hint] = (person, now + self._ttl, purpose or LaunchPurpose())
        return hint

    def take_launch(self, hint: str) -> tuple[Person, LaunchPurpose] | None:
        """The person and purpose the hint was issued for; ``None`` if unknown, used or
        expired. A Moodle-style hint (JSON) names its launch id inside."""
        with self._lock:
            entry = self._pending.pop(launch_id_of(hint), None)
        if entry is None or entry[1] <= self._clock():
            return None
        return entry[0], entry[2]

    def known(self, hint: str) -> bool:
        """Whether the hint's launch id is pending and unexpired (it stays pending)."""
        with self._lock:
            entry = self._pending.get(launch_id_of(hint))
        return entry is not None and entry[1] > self._clock()

    def take(self, hint: str) -> Person | None:
        taken = self.take_launch(hint)
        return taken[0] if taken else None


def launch_id_of(hint: str) -> str:
    """The launch id inside a Moodle-style hint (``{"cmid": 7, "launchid": "..."}``), or
    the hint itself."""
    try:
        parsed = json.loads(hint)
    except ValueError:
        return hint
    launch_id = parsed.get("launchid") if isinstance(parsed, dict) else None
    return launch_id if isinstance(launch_id, str) else hint


def login_initiation(
    config: SimulatorConfig,
    launches: PendingLaunches,
    person: Person,
    purpose: LaunchPurpose | None = None,
    *,
    cmid: int | None = None,
) -> dict[str, str]:
    """The form fields of the third-party-initiated login (LTI Security Framework §5.1.1.1).

    Moodle-style: the hint is JSON with the activity's ``cmid`` (none for deep linking)
    and the single-use launch id (``lti_build_login_request`` in ``mod/lti/locallib.php``).
    Canvas-style: ``lti_storage_target`` names the frame that answers platform storage.
    """
    launch_id = launches.issue(person, purpose)
    hint = launch_id
    if config.launch_style == "moodle":
        moodle_hint: dict[str, object] = {} if cmid is None else {"cmid": cmid}
        hint = json.dumps(moodle_hint | {"launchid": launch_id})
    fields = {
        "iss": config.issuer,
        "target_link_uri": config.target_link_uri,
        "login_hint": person.sub,
        "lti_message_hint": hint,
        "client_id": config.client_id,
        "lti_deployment_id": config.deployment_id,
    }
    if config.storage_target:
        fields["lti_storage_target"] = config.storage_target
    return fields


MOODLE_INVALID_REQUEST = "Ungültige Anfrage (Invalid request)"


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
    course: CourseState | None = None,
) -> Refused | FormPost:
    """Check an OIDC authentication request and answer it (LTI Security Framework §5.1.1.2)."""
    client_id = params.get("client_id", "")
    redirect_uri = params.get("redirect_uri", "")
    if client_id != config.client_id:
        return Refused(f"Unbekannte client_id: {client_id!r}")
    if redirect_uri not in config.redirect_uris:
        return Refused(f"redirect_uri ist für diesen Client nicht registriert: {redirect_uri!r}")

    if config.launch_style == "moodle" and not launches.known(params.get("lti_message_hint", "")):
        # Moodle reads the launch id from its session and unsets it: without it there is no
        # tool configuration to trust the redirect_uri with ("Invalid request", auth.php).
        return Refused(MOODLE_INVALID_REQUEST)
    answer: dict[str, str] = {}
    try:
        person, purpose = _check_request(config, launches, params)
        claims = id_token_claims(
            config,
            person,
            nonce=params["nonce"],
            now=int(time.time()) if now is None else now,
            purpose=purpose,
            course=course,
        )
        answer["id_token"] = key.sign(claims)
    except AuthError as exc:
        answer = {"error": exc.error, "error_description": exc.description}
    if "state" in params:
        answer["state"] = params["state"]
    return FormPost(action=redirect_uri, fields=answer)


def _check_request(
    config: SimulatorConfig, launches: PendingLaunches, params: Mapping[str, str]
) -> tuple[Person, LaunchPurpose]:
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
    taken = launches.take_launch(params["lti_message_hint"])
    if taken is None:
        raise AuthError("login_required", "lti_message_hint is unknown, expired or used")
    person, purpose = taken
    if params["login_hint"] != person.sub:
        raise AuthError("access_denied", "login_hint does not match the user of this launch")
    return person, purpose


def id_token_claims(
    config: SimulatorConfig,
    person: Person,
    *,
    nonce: str,
    now: int,
    purpose: LaunchPurpose | None = None,
    course: CourseState | None = None,
) -> dict[str, Any]:
    """The claims of a launch (LTI Core 1.3 §5.3 and §5.4; DL 2.0 §4.4; SR 1.0 §3), with
    the AGS and NRPS claims of the services this platform grants."""
    purpose = purpose or LaunchPurpose()
    course_info = config.course
    claims: dict[str, Any] = {
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
        LTI + "message_type": purpose.message_type,
        LTI + "version": LTI_VERSION,
        LTI + "target_link_uri": config.target_link_uri,
        LTI + "roles": list(person.roles),
        LTI + "context": {
            "id": course_info.context_id,
            "label": course_info.label,
            "title": course_info.title,
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
    nrps = _nrps_claim(config)
    if nrps:
        claims[NRPS_CLAIM] = nrps
    if purpose.message_type == DEEP_LINKING_REQUEST:
        data = course.issue_deep_link_data(person.key) if course else "no-course-state"
        claims[DL_SETTINGS_CLAIM] = {
            "deep_link_return_url": config.deep_link_return_url,
            "accept_types": ["ltiResourceLink"],
            "accept_presentation_document_targets": ["iframe", "window"],
            "accept_multiple": True,
            "accept_lineitem": True,
            "auto_create": True,
            "title": course_info.title,
            "data": data,
        }
        ags = _ags_claim(config, None)
        if ags:
            claims[AGS_CLAIM] = ags
        return claims

    link = _link(config, course, purpose)
    claims[LTI + "resource_link"] = {"id": link.id, "title": link.title}
    if link.text:
        claims[LTI + "resource_link"]["description"] = link.text
    claims[LTI + "custom"].update(link.custom)
    line_item_id = purpose.line_item_id or link.line_item_id
    ags = _ags_claim(config, line_item_id)
    if ags:
        claims[AGS_CLAIM] = ags
    if purpose.message_type == SUBMISSION_REVIEW_REQUEST:
        reviewed = config.person(purpose.for_user or "")
        if reviewed is None:
            raise AuthError("invalid_request", "submission review for an unknown person")
        claims[LTI + "for_user"] = {
            "user_id": reviewed.sub,
            "name": reviewed.name,
            "given_name": reviewed.given_name,
            "family_name": reviewed.family_name,
            "email": reviewed.email,
            "roles": list(reviewed.roles),
        }
    return claims


def _link(
    config: SimulatorConfig, course: CourseState | None, purpose: LaunchPurpose
) -> ResourceLink:
    if course is not None:
        with course.lock:
            link = course.links.get(purpose.link_id or config.course.resource_link_id)
        if link is None:
            raise AuthError("invalid_request", f"no resource link {purpose.link_id!r}")
        return link
    return ResourceLink(id=config.course.resource_link_id, title=config.course.resource_link_title)


def _ags_claim(config: SimulatorConfig, line_item_id: str | None) -> dict[str, Any] | None:
    """AGS 2.0 §3.1: the granted AGS scopes, the course's container, the link's column."""
    scopes = [scope for scope in config.granted_scopes if scope in AGS_SCOPES]
    if not scopes:
        return None
    claim: dict[str, Any] = {"scope": scopes, "lineitems": config.lineitems_url}
    if line_item_id:
        claim["lineitem"] = config.lineitem_url(line_item_id)
    return claim


def _nrps_claim(config: SimulatorConfig) -> dict[str, Any] | None:
    if SCOPE_MEMBERSHIPS not in config.granted_scopes:
        return None
    return {"context_memberships_url": config.memberships_url, "service_versions": ["2.0"]}

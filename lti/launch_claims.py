"""The claims of an LTI 1.3 launch message that need no key, registration or state: the
message types we take, the version, the ids, and which client the token is for.

Checked by ``lti.launch.KurswerkMessageLaunch`` after the signature (``check_message``);
the audience is read before it, to find the registration (``client_id_from_audience``).
"""

from __future__ import annotations

from typing import Any

from lti import deep_linking, errors, review
from lti.identities import CLAIM

RESOURCE_LINK_REQUEST = "LtiResourceLinkRequest"
DEEP_LINKING_REQUEST = "LtiDeepLinkingRequest"
SUBMISSION_REVIEW_REQUEST = "LtiSubmissionReviewRequest"
SUPPORTED_MESSAGE_TYPES = frozenset(
    {RESOURCE_LINK_REQUEST, DEEP_LINKING_REQUEST, SUBMISSION_REVIEW_REQUEST}
)
LTI_VERSION = "1.3.0"
MAX_ID_LENGTH = 255


def client_id_from_audience(body: Any) -> str:
    """The client id the token is for: ``aud``, or ``azp`` when ``aud`` is a list."""
    aud, azp = body.get("aud"), body.get("azp")
    if isinstance(aud, str) and aud:
        audiences = [aud]
    elif isinstance(aud, list) and aud and all(isinstance(a, str) and a for a in aud):
        audiences = aud
    elif aud is None:
        raise errors.MissingClaim("id_token without aud", claim="aud")
    else:
        raise errors.InvalidClaim(f"aud of type {type(aud).__name__}", claim="aud")
    if len(audiences) > 1:
        if not isinstance(azp, str) or not azp:
            raise errors.WrongAudience("aud has several values and there is no azp")
        if azp not in audiences:
            raise errors.WrongAudience(f"azp {azp!r} is not among aud {audiences!r}")
        return azp
    if azp is not None and azp != audiences[0]:
        raise errors.WrongAudience(f"azp {azp!r} differs from aud {audiences[0]!r}")
    return audiences[0]


def check_message(body: dict[str, Any]) -> None:
    """The message's own claims (LTI 1.3 §5.3, §5.4; DL 2.0 §4.4; submission review):
    a supported type, version 1.3.0, ``roles``, ``sub``, the ``context`` and per type the
    resource link, the deep-linking settings or the reviewed user."""
    message_type = body.get(CLAIM + "message_type")
    if not message_type:
        raise errors.MissingClaim("id_token without message_type", claim="message_type")
    if message_type not in SUPPORTED_MESSAGE_TYPES:
        raise errors.UnsupportedMessageType(
            f"message type {message_type!r}", message_type=message_type
        )
    version = body.get(CLAIM + "version")
    if version is None:
        raise errors.MissingClaim("id_token without version", claim="version")
    if version != LTI_VERSION:
        raise errors.WrongVersion(f"LTI version {version!r}", version=version)
    if message_type == DEEP_LINKING_REQUEST:
        deep_linking.check_settings(body)
    else:  # resource link and submission review: both name their link
        resource_link = body.get(CLAIM + "resource_link")
        if not isinstance(resource_link, dict) or not resource_link.get("id"):
            raise errors.MissingClaim("no resource_link.id", claim="resource_link.id")
        _require_id(resource_link["id"], "resource_link.id")
    if message_type == SUBMISSION_REVIEW_REQUEST:
        review.check_for_user(body)
    roles = body.get(CLAIM + "roles")
    if roles is None:
        raise errors.MissingClaim("id_token without roles", claim="roles")
    if not isinstance(roles, list) or not all(isinstance(r, str) for r in roles):
        raise errors.InvalidClaim("roles is not a list of strings", claim="roles")
    if body.get("sub") in (None, ""):
        raise errors.MissingClaim("id_token without sub (anonymous launch)", claim="sub")
    _require_id(body["sub"], "sub")
    context = body.get(CLAIM + "context")
    if context is None:
        raise errors.MissingContext("launch without context claim")
    if not isinstance(context, dict) or context.get("id") in (None, ""):
        raise errors.InvalidClaim("context without id", claim="context.id")
    _require_id(context["id"], "context.id")


def _require_id(value: Any, claim: str) -> None:
    if not isinstance(value, str) or not value or len(value) > MAX_ID_LENGTH:
        raise errors.InvalidClaim(f"{claim} is not a string of 1..{MAX_ID_LENGTH}", claim=claim)

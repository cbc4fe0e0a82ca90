"""The platform side of deep linking 2.0: take the tool's ``LtiDeepLinkingResponse``.

https://www.imsglobal.org/spec/lti-dl/v2p0/#deep-linking-response-message — the tool
auto-posts a JWT (form field ``JWT``) to ``deep_link_return_url``. The platform checks it
as Moodle does (``mod/lti/contentitem_return.php``): signed RS256 by a key in the tool's
JWKS, issued by the tool's client id to this platform, not expired, for this deployment,
the right message type and version, and the ``data`` of the request echoed (here: an
unguessable value issued once per request, so a replayed or forged answer has none).
Each ``ltiResourceLink`` item then becomes a resource link of the course, with a
gradebook column when it asks for one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import jwt

from kurswerk.devplatform.config import SimulatorConfig
from kurswerk.devplatform.lms import CourseState, ResourceLink
from kurswerk.devplatform.token import ToolKeys

LTI = "https://purl.imsglobal.org/spec/lti/claim/"
DL = "https://purl.imsglobal.org/spec/lti-dl/claim/"
MAX_ITEMS = 50


class DeepLinkRefused(Exception):
    """The answer cannot be accepted; the message says why (shown on the return page)."""


@dataclass
class DeepLinkResult:
    added: list[ResourceLink] = field(default_factory=list)
    message: str = ""
    person_key: str = ""


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def accept_response(
    config: SimulatorConfig, course: CourseState, tool_keys: ToolKeys, token: str
) -> DeepLinkResult:
    """Verify the response JWT and add its resource links to the course."""
    if not token:
        raise DeepLinkRefused("no JWT in the answer")
    try:
        header = jwt.get_unverified_header(token)
        if header.get("alg") != "RS256":
            raise DeepLinkRefused(f"alg {header.get('alg')!r} refused: RS256 only")
        claims = jwt.decode(
            token,
            tool_keys.key_for(token),
            algorithms=["RS256"],
            audience=config.issuer,
            issuer=config.client_id,
            options={"require": ["iss", "aud", "exp", "iat", "nonce"]},
        )
    except (jwt.PyJWTError, ValueError, LookupError) as exc:  # LookupError: unknown kid
        raise DeepLinkRefused(f"JWT rejected: {exc}") from exc
    if claims.get(LTI + "message_type") != "LtiDeepLinkingResponse":
        raise DeepLinkRefused("not an LtiDeepLinkingResponse")
    if claims.get(LTI + "version") != "1.3.0":
        raise DeepLinkRefused("LTI version must be 1.3.0")
    if claims.get(LTI + "deployment_id") != config.deployment_id:
        raise DeepLinkRefused("unknown deployment_id")
    person_key = course.take_deep_link_data(claims.get(DL + "data"))
    if person_key is None:
        raise DeepLinkRefused("data does not echo a pending deep-linking request")
    items = claims.get(DL + "content_items", [])
    if not isinstance(items, list) or len(items) > MAX_ITEMS:
        raise DeepLinkRefused("content_items must be a list of at most 50 items")
    links = [_link(config, course, item, person_key) for item in items]
    for item in items:
        line_item = item.get("lineItem")
        if isinstance(line_item, dict):
            maximum = line_item.get("scoreMaximum")
            if not isinstance(maximum, int | float) or maximum <= 0:
                raise DeepLinkRefused("lineItem.scoreMaximum must be positive")
    result = DeepLinkResult(person_key=person_key, message=str(claims.get(DL + "msg") or ""))
    for link, item in zip(links, items, strict=True):
        course.add_link(link)
        line_item = item.get("lineItem")
        if isinstance(line_item, dict):
            created = course.add_line_item(
                label=str(line_item.get("label") or link.title)[:255],
                score_maximum=float(line_item["scoreMaximum"]),
                resource_id=str(line_item.get("resourceId") or "")[:255],
                tag=str(line_item.get("tag") or "")[:255],
                resource_link_id=link.id,
            )
            link.line_item_id = created.id
        result.added.append(link)
    course.save()  # the links' columns, set after they were added
    return result


def _link(config: SimulatorConfig, course: CourseState, item: Any, person_key: str) -> ResourceLink:
    if not isinstance(item, dict) or item.get("type") != "ltiResourceLink":
        raise DeepLinkRefused("only ltiResourceLink items are accepted here")
    url = item.get("url")
    if url is not None and (
        not isinstance(url, str) or _origin(url) != _origin(config.tool_base_url)
    ):
        raise DeepLinkRefused(f"item url {url!r} is not on the tool's site")
    title = item.get("title")
    if not isinstance(title, str) or not title.strip():
        raise DeepLinkRefused("every item needs a title")
    custom = item.get("custom") or {}
    if not isinstance(custom, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in custom.items()
    ):
        raise DeepLinkRefused("custom must map text to text")
    text = item.get("text")
    return ResourceLink(
        id=f"dl-{course.next_id()}",
        title=title.strip()[:255],
        text=text.strip()[:1000] if isinstance(text, str) else "",
        custom=dict(custom),
        added_by=person_key,
    )

"""Deep linking 2.0: an instructor picks a place in Kurswerk, the LMS gets a resource link.

https://www.imsglobal.org/spec/lti-dl/v2p0/ — the platform launches the tool with an
``LtiDeepLinkingRequest`` carrying ``deep_linking_settings`` (where to return, which
item types and how many it accepts, opaque ``data`` to echo). The tool answers with a
form POST of a signed ``LtiDeepLinkingResponse`` JWT (§4.2) to ``deep_link_return_url``.

The verified settings are kept server-side under the launch id, bound to the instructor
and course of that launch, and used once: the picker form carries only the launch id
and the chosen paths, so a tampered form cannot change where the answer goes, what
``data`` it echoes, or offer a place the catalog does not have.

What can be picked comes from a ``DeepLinkCatalog``: ``course`` sits above ``lti`` and
knows its lessons and exercises; the composition root puts its catalog into the slot
``lti.service.DEEP_LINK_CATALOG``.
The response JWT is written here (PyJWT) rather than with pylti1p3's ``DeepLink``: that
one sends ``data: null`` when the platform sent none, has no ``text``, and reads the key
from its own registration object instead of our key ring.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol

import jwt
from sqlmodel import Session

from lti import errors
from lti.ags import LineItemSpec
from lti.endpoints import service_url
from lti.identities import CLAIM, COURSE_PARAMETER, clean_target
from lti.login_state import delete_launch_data, get_launch_data, put_launch_data
from lti.toolkey import ALGORITHM, ToolKeyPair

DL = "https://purl.imsglobal.org/spec/lti-dl/claim/"
SETTINGS_CLAIM = DL + "deep_linking_settings"
CONTENT_ITEMS_CLAIM = DL + "content_items"
DATA_CLAIM = DL + "data"
MSG_CLAIM = DL + "msg"
RESOURCE_LINK = "ltiResourceLink"
RESPONSE_TYPE = "LtiDeepLinkingResponse"
RESPONSE_LIFETIME_SECONDS = 300
MAX_DATA_CHARS = 4096
KINDS = ("course", "lesson", "exercise", "forum")
"""The kinds of place the picker offers, in the order of its groups."""


@dataclass(frozen=True, slots=True)
class LinkTarget:
    """One place in Kurswerk an instructor can link from the LMS.

    ``path`` is the ``kurswerk_target``: relative to the course (``""`` is the course
    start), plain segments and an optional simple query (``lessons/x/exercises/y``,
    ``lessons/x/exercises/y?industry=media`` or ``lessons/x/forum``), see
    ``lti.identities.clean_target``. ``kind`` is one of ``KINDS`` (the picker's group).
    ``custom`` are extra custom parameters of the link; ``line_item`` asks the platform
    for a gradebook column (exercises). ``course`` names the course package the place
    belongs to: the link carries it as ``kurswerk_course``, and a launch through it binds
    the LMS course to that package (or is refused when it shows another).
    """

    title: str
    text: str
    path: str
    kind: str
    custom: Mapping[str, str] = field(default_factory=dict)
    line_item: LineItemSpec | None = None
    course: str = ""

    @property
    def key(self) -> str:
        """What the picker's form names the place by: its path, qualified by its course
        (two courses offered at once have places with the same path)."""
        return f"{self.course}:{self.path}" if self.course else self.path


class DeepLinkCatalog(Protocol):
    """What the deep-linking picker offers in one LMS course (``context_id`` is
    ``lms_context.id``). Implemented by ``course``; called inside the request's
    transaction, read-only."""

    def items(self, session: Session, context_id: int) -> Sequence[LinkTarget]: ...


@dataclass(frozen=True, slots=True)
class DeepLinkRequest:
    """The verified deep-linking request, as the picker keeps it between its two steps."""

    launch_id: str
    user_id: int
    context_id: int
    platform_id: int
    issuer: str
    client_id: str
    deployment_id: str
    return_url: str
    accept_types: tuple[str, ...]
    accept_multiple: bool
    accept_lineitem: bool
    title: str
    data: Any = None
    has_data: bool = False

    @property
    def accepts_links(self) -> bool:
        return RESOURCE_LINK in self.accept_types

    @classmethod
    def from_claims(
        cls,
        claims: Mapping[str, Any],
        *,
        launch_id: str,
        user_id: int,
        context_id: int,
        platform_id: int,
        client_id: str,
    ) -> DeepLinkRequest:
        """From a validated launch (``check_settings`` passed)."""
        settings = claims[SETTINGS_CLAIM]
        return cls(
            launch_id=launch_id,
            user_id=user_id,
            context_id=context_id,
            platform_id=platform_id,
            issuer=claims["iss"],
            client_id=client_id,
            deployment_id=claims[CLAIM + "deployment_id"],
            return_url=settings["deep_link_return_url"],
            accept_types=tuple(settings.get("accept_types", ())),
            accept_multiple=_flag(settings.get("accept_multiple"), default=False),
            accept_lineitem=_flag(settings.get("accept_lineitem"), default=True),
            title=str(settings.get("title") or "")[:200],
            data=settings.get("data"),
            has_data="data" in settings,
        )


def _flag(value: Any, *, default: bool) -> bool:
    """Booleans that some platforms send as strings ("true"/"false")."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    return default


def check_settings(claims: Mapping[str, Any]) -> None:
    """The ``deep_linking_settings`` claim of a request (DL 2.0 §4.4.1), or a launch error."""
    settings = claims.get(SETTINGS_CLAIM)
    if settings is None:
        raise errors.MissingClaim("no deep_linking_settings", claim="deep_linking_settings")
    if not isinstance(settings, dict):
        raise errors.InvalidClaim("deep_linking_settings", claim="deep_linking_settings")
    if service_url(settings.get("deep_link_return_url")) is None:
        raise errors.InvalidClaim(
            "deep_link_return_url is not an absolute http(s) URL",
            claim="deep_linking_settings.deep_link_return_url",
        )
    for name in ("accept_types", "accept_presentation_document_targets"):
        value = settings.get(name)
        if name == "accept_types" and value is None:
            raise errors.MissingClaim("no accept_types", claim="deep_linking_settings.accept_types")
        if value is not None and (
            not isinstance(value, list) or not all(isinstance(v, str) for v in value)
        ):
            raise errors.InvalidClaim(
                f"{name} is not a list", claim=f"deep_linking_settings.{name}"
            )
    if "data" in settings and len(json.dumps(settings["data"])) > MAX_DATA_CHARS:
        raise errors.InvalidClaim("data too large", claim="deep_linking_settings.data")


# --- keeping the request between the picker's two steps -------------------------------


def _key(launch_id: str) -> str:
    return f"deep-link:{launch_id}"


def save_request(
    session: Session, request: DeepLinkRequest, *, now: datetime, ttl: timedelta
) -> None:
    put_launch_data(
        session,
        key=_key(request.launch_id),
        value=json.dumps(asdict(request), separators=(",", ":")),
        expires_at=now + ttl,
    )


def load_request(
    session: Session, launch_id: str, *, user_id: int, context_id: int, now: datetime
) -> DeepLinkRequest | None:
    """The stored request, only for the instructor and course it was made in."""
    raw = get_launch_data(session, key=_key(launch_id), now=now)
    if raw is None:
        return None
    values = json.loads(raw)
    values["accept_types"] = tuple(values["accept_types"])
    request = DeepLinkRequest(**values)
    if request.user_id != user_id or request.context_id != context_id:
        return None
    return request


def forget_request(session: Session, launch_id: str) -> bool:
    """Use the request up (an answer goes back once); False if it was already gone."""
    return delete_launch_data(session, key=_key(launch_id))


# --- the answer -----------------------------------------------------------------------


def usable_targets(targets: Sequence[LinkTarget]) -> list[LinkTarget]:
    """The catalog's targets whose path a launch can land on, in catalog order."""
    usable = []
    seen: set[str] = set()
    for target in targets:
        if target.path and clean_target(target.path) != target.path:
            continue
        if target.key in seen or target.kind not in KINDS:
            continue
        seen.add(target.key)
        usable.append(target)
    return usable


def content_item(target: LinkTarget, *, launch_url: str, accept_lineitem: bool) -> dict[str, Any]:
    """An ``ltiResourceLink`` content item (DL 2.0 §3.1) for one target."""
    custom = {str(k): str(v) for k, v in target.custom.items()}
    if target.path:
        custom["kurswerk_target"] = target.path
    if target.course:
        custom[COURSE_PARAMETER] = target.course
    item: dict[str, Any] = {
        "type": RESOURCE_LINK,
        "title": target.title[:255],
        "url": launch_url,
    }
    if target.text:
        item["text"] = target.text[:1000]
    if custom:
        item["custom"] = custom
    if target.line_item is not None and accept_lineitem:
        item["lineItem"] = target.line_item.as_json()
    return item


def response_jwt(
    request: DeepLinkRequest,
    items: Sequence[dict[str, Any]],
    key: ToolKeyPair,
    *,
    message: str | None = None,
    now: int | None = None,
) -> str:
    """The signed ``LtiDeepLinkingResponse`` (DL 2.0 §4.2): from the client id to the
    platform, with the request's ``data`` echoed exactly when there was one."""
    issued = int(time.time()) if now is None else now
    claims: dict[str, Any] = {
        "iss": request.client_id,
        "aud": request.issuer,
        "iat": issued,
        "exp": issued + RESPONSE_LIFETIME_SECONDS,
        "nonce": uuid.uuid4().hex,
        CLAIM + "deployment_id": request.deployment_id,
        CLAIM + "message_type": RESPONSE_TYPE,
        CLAIM + "version": "1.3.0",
        CONTENT_ITEMS_CLAIM: list(items),
    }
    if request.has_data:
        claims[DATA_CLAIM] = request.data
    if message:
        claims[MSG_CLAIM] = message
    return jwt.encode(claims, key.private_key, algorithm=ALGORITHM, headers={"kid": key.kid})

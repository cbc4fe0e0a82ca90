"""The platform's LTI Advantage service endpoints: AGS line items and scores, the NRPS
roster. What a tool meets at Moodle, in a few lines each.

* AGS 2.0 (https://www.imsglobal.org/spec/lti-ags/v2p0/): ``GET|POST /ags/lineitems``
  (the course's line items container; ``resource_id``, ``tag``, ``resource_link_id``
  filters), ``GET /ags/lineitems/{id}``, ``POST /ags/lineitems/{id}/scores``.
* NRPS 2.0 (https://www.imsglobal.org/spec/lti-nrps/v2p0/): ``GET /nrps/memberships``
  in pages of ``nrps_page_size``, the next page named by a ``Link`` header (written
  quoted or unquoted, see the config; the header name goes out in lower case, as every
  header from this ASGI server does).

Every call needs a bearer token from ``/token`` with the right scope.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from kurswerk.devplatform.config import (
    COURSE_OFFERING,
    SCOPE_LINEITEM,
    SCOPE_LINEITEM_READONLY,
    SCOPE_MEMBERSHIPS,
    SCOPE_SCORE,
    Person,
    SimulatorConfig,
)
from kurswerk.devplatform.lms import ACTIVITY_PROGRESS, GRADING_PROGRESS, CourseState, Score
from kurswerk.devplatform.token import AccessTokens

SCORE_TYPE = "application/vnd.ims.lis.v1.score+json"
LINEITEM_TYPE = "application/vnd.ims.lis.v2.lineitem+json"
LINEITEMS_TYPE = "application/vnd.ims.lis.v2.lineitemcontainer+json"
MEMBERSHIPS_TYPE = "application/vnd.ims.lti-nrps.v2.membershipcontainer+json"


@dataclass
class Answer:
    status: int
    body: Any = None
    media_type: str = "application/json"
    headers: dict[str, str] = field(default_factory=dict)


def _error(status: int, message: str) -> Answer:
    return Answer(status, {"error": message})


def authorise(tokens: AccessTokens, authorization: str | None, *allowed: str) -> Answer | None:
    """``None`` when the bearer token grants one of ``allowed``; else the 401/403 answer."""
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not token:
        return _error(401, "bearer token required")
    scopes = tokens.scopes_for(token.strip())
    if not scopes:
        return _error(401, "unknown or expired access token")
    if not scopes & set(allowed):
        return _error(403, f"token lacks the scope: one of {sorted(allowed)}")
    return None


# --- AGS ------------------------------------------------------------------------------


def list_line_items(config: SimulatorConfig, state: CourseState, params: dict[str, str]) -> Answer:
    with state.lock:
        items = list(state.line_items.values())
    if params.get("resource_id"):
        items = [i for i in items if i.resource_id == params["resource_id"]]
    if params.get("tag"):
        items = [i for i in items if i.tag == params["tag"]]
    if params.get("resource_link_id"):
        items = [i for i in items if i.resource_link_id == params["resource_link_id"]]
    return Answer(200, [i.as_json(config) for i in items], LINEITEMS_TYPE)


def create_line_item(config: SimulatorConfig, state: CourseState, body: Any) -> Answer:
    if not isinstance(body, dict):
        return _error(400, "line item must be a JSON object")
    label, maximum = body.get("label"), body.get("scoreMaximum")
    if not isinstance(label, str) or not label.strip():
        return _error(400, "label is required")
    if not isinstance(maximum, int | float) or isinstance(maximum, bool) or maximum <= 0:
        return _error(400, "scoreMaximum must be a positive number")
    link_id = body.get("resourceLinkId")
    if link_id is not None and link_id not in state.links:
        return _error(400, f"unknown resourceLinkId {link_id!r}")
    item = state.add_line_item(
        label=label.strip()[:255],
        score_maximum=float(maximum),
        resource_id=str(body.get("resourceId") or "")[:255],
        tag=str(body.get("tag") or "")[:255],
        resource_link_id=link_id,
    )
    return Answer(201, item.as_json(config), LINEITEM_TYPE)


def _timestamp(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        stamp = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return stamp if stamp.tzinfo is not None else None


def post_score(
    config: SimulatorConfig, state: CourseState, line_item_id: str, body: Any, content_type: str
) -> Answer:
    """A score (AGS 2.0 §3.4): checked, then kept unless a later one is on record."""
    if line_item_id not in state.line_items:
        return _error(404, f"no line item {line_item_id}")
    if content_type.split(";")[0].strip() != SCORE_TYPE:
        return _error(415, f"Content-Type must be {SCORE_TYPE}")
    if not isinstance(body, dict):
        return _error(400, "score must be a JSON object")
    user_id = body.get("userId")
    if not isinstance(user_id, str) or config.person_by_sub(user_id) is None:
        return _error(400, f"unknown userId {user_id!r}")
    if body.get("activityProgress") not in ACTIVITY_PROGRESS:
        return _error(400, "activityProgress missing or unknown")
    if body.get("gradingProgress") not in GRADING_PROGRESS:
        return _error(400, "gradingProgress missing or unknown")
    stamp = _timestamp(body.get("timestamp"))
    if stamp is None:
        return _error(400, "timestamp must be ISO 8601 with a time zone")
    given, maximum = body.get("scoreGiven"), body.get("scoreMaximum")
    if given is not None and not (
        isinstance(given, int | float)
        and isinstance(maximum, int | float)
        and maximum > 0
        and given >= 0
    ):
        return _error(400, "scoreGiven needs a positive scoreMaximum")
    comment = body.get("comment")
    if comment is not None and not isinstance(comment, str):
        return _error(400, "comment must be text")
    status = state.record_score(
        line_item_id,
        Score(
            user_id=user_id,
            activity_progress=body["activityProgress"],
            grading_progress=body["gradingProgress"],
            timestamp=stamp,
            score_given=float(given) if isinstance(given, int | float) else None,
            score_maximum=float(maximum)
            if isinstance(given, int | float) and isinstance(maximum, int | float)
            else None,
            comment=comment,
        ),
    )
    if status == 409:
        return _error(409, "a later score is on record")
    return Answer(200, {})


# --- NRPS -----------------------------------------------------------------------------


def _short(role: str) -> str:
    return role.rsplit("#", 1)[-1]


def member(config: SimulatorConfig, person: Person) -> dict[str, Any]:
    roles = [r for r in person.roles if "/membership" in r]  # context roles only
    return {
        "status": "Active",
        "user_id": person.sub,
        "name": person.name,
        "given_name": person.given_name,
        "family_name": person.family_name,
        "email": person.email,
        "roles": [_short(r) for r in roles] if config.nrps_short_roles else roles,
    }


def memberships(config: SimulatorConfig, params: dict[str, str]) -> Answer:
    """One page of the roster; ``Link: <…>; rel="next"`` while more follow."""
    size = config.nrps_page_size
    pages = max(1, math.ceil(len(config.people) / size))
    try:
        page = int(params.get("page", "1"))
    except ValueError:
        return _error(400, "page must be a number")
    if not 1 <= page <= pages:
        return _error(400, f"page must be between 1 and {pages}")
    course = config.course
    chunk = config.people[(page - 1) * size : page * size]
    body = {
        "id": config.memberships_url + (f"?page={page}" if page > 1 else ""),
        "context": {
            "id": course.context_id,
            "label": course.label,
            "title": course.title,
            "type": [COURSE_OFFERING],
        },
        "members": [member(config, p) for p in chunk],
    }
    headers = {}
    if page < pages:
        rel = 'rel="next"' if config.nrps_link_style == "quoted" else "rel=next"
        headers["Link"] = f"<{config.memberships_url}?page={page + 1}>; {rel}"
    return Answer(200, body, MEMBERSHIPS_TYPE, headers)


READ_LINE_ITEMS = (SCOPE_LINEITEM, SCOPE_LINEITEM_READONLY)
WRITE_LINE_ITEMS = (SCOPE_LINEITEM,)
WRITE_SCORES = (SCOPE_SCORE,)
READ_MEMBERSHIPS = (SCOPE_MEMBERSHIPS,)

"""What a launch tells about the platform's services, kept for later calls.

A grade is sent long after the launch that made it possible (when a tutor releases
feedback, from the outbox worker), so the launch's service claims are stored:

* AGS (https://www.imsglobal.org/spec/lti-ags/v2p0/#assignment-and-grade-service-claim):
  ``lineitems`` (the course's line items container) and ``scope`` per course; the
  ``lineitem`` of the resource link, when the link has its own gradebook column;
* NRPS (https://www.imsglobal.org/spec/lti-nrps/v2p0/#lti-1-3-integration):
  ``context_memberships_url`` per course;
* the resource link itself, with the place it leads to (custom ``kurswerk_target``).

A launch without a claim keeps what an earlier launch stored.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from sqlmodel import Session

from kurswerk.core.db import inserted_unless_null, inserted_values, upsert
from lti.identities import CLAIM, target_of
from lti.models import ContextServices, ResourceLink, table_of

AGS_CLAIM = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
NRPS_CLAIM = "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice"
MAX_URL_LENGTH = 1000

_services = table_of(ContextServices)
_links = table_of(ResourceLink)


def service_url(value: Any) -> str | None:
    """An absolute http(s) URL from a claim, or ``None``."""
    if not isinstance(value, str) or not value or len(value) > MAX_URL_LENGTH:
        return None
    try:
        parts = urlsplit(value)
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.netloc or any(c.isspace() for c in value):
        return None
    return value


@dataclass(frozen=True, slots=True)
class LaunchServices:
    """The service claims of one launch, checked."""

    has_ags: bool
    lineitems_url: str | None
    lineitem_url: str | None
    ags_scopes: tuple[str, ...]
    memberships_url: str | None

    @classmethod
    def from_claims(cls, claims: Mapping[str, Any]) -> LaunchServices:
        ags = claims.get(AGS_CLAIM)
        nrps = claims.get(NRPS_CLAIM)
        ags = ags if isinstance(ags, dict) else None
        nrps = nrps if isinstance(nrps, dict) else None
        scopes = ags.get("scope") if ags else None
        return cls(
            has_ags=ags is not None,
            lineitems_url=service_url(ags.get("lineitems")) if ags else None,
            lineitem_url=service_url(ags.get("lineitem")) if ags else None,
            ags_scopes=tuple(s for s in scopes if isinstance(s, str))
            if isinstance(scopes, list)
            else (),
            memberships_url=service_url(nrps.get("context_memberships_url")) if nrps else None,
        )


@functools.cache
def _upserts(dialect: str) -> tuple[Any, Any]:
    services = upsert(dialect, _services)
    links = upsert(dialect, _links)
    return (
        services.on_conflict_do_update(
            index_elements=[_services.c.context_id],
            set_={
                **inserted_unless_null(services, "lineitems_url", "ags_scopes", "memberships_url"),
                **inserted_values(services, "updated_at"),
            },
        ),
        links.on_conflict_do_update(
            index_elements=[_links.c.context_id, _links.c.resource_link_id],
            set_=inserted_values(links, "title", "target", "lineitem_url", "updated_at"),
        ),
    )


def record_services(
    session: Session, *, context_id: int, claims: Mapping[str, Any], now: datetime
) -> LaunchServices:
    """Store the service claims and the resource link of a validated launch."""
    found = LaunchServices.from_claims(claims)
    connection = session.connection()
    services_upsert, link_upsert = _upserts(connection.dialect.name)
    if found.has_ags or found.memberships_url:
        connection.execute(
            services_upsert,
            {
                "context_id": context_id,
                "lineitems_url": found.lineitems_url,
                "ags_scopes": " ".join(found.ags_scopes) if found.has_ags else None,
                "memberships_url": found.memberships_url,
                "updated_at": now,
            },
        )
    link = claims.get(CLAIM + "resource_link")
    if isinstance(link, dict) and isinstance(link.get("id"), str) and link["id"]:
        title = link.get("title")
        connection.execute(
            link_upsert,
            {
                "context_id": context_id,
                "resource_link_id": link["id"][:255],
                "title": title.strip()[:500] if isinstance(title, str) else "",
                "target": target_of(claims),
                "lineitem_url": found.lineitem_url,
                "updated_at": now,
            },
        )
    return found

"""The course roster from the LMS (LTI Names and Role Provisioning Services 2.0).

https://www.imsglobal.org/spec/lti-nrps/v2p0/ — ``GET context_memberships_url`` answers a
membership container; further pages are named by the ``Link`` header with
``rel="next"`` (§2.4.2). Platforms differ in the details, and all of these are read:
the header name in any letter case (``link``), ``rel=next`` unquoted (lti1p3platform),
several relations in one value (``rel="next last"``), several links in one header or in
several headers. A next page on another host is refused: the bearer token must not
travel there. Roles come as full URIs or as short names (Moodle's NRPS sends
"Learner"); ``lti.roles`` understands both.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin

from kurswerk.core.auth import Role
from kurswerk.core.i18n import N_
from lti import roles
from lti.registrations import origin_of
from lti.service_client import ServiceClient, ServiceRefused, ServiceRegistration

SCOPE_MEMBERSHIPS = "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"
MEMBERSHIPS_TYPE = "application/vnd.ims.lti-nrps.v2.membershipcontainer+json"
MAX_PAGES = 200
MAX_MEMBERS = 50_000

_LINK = re.compile(r"<([^>]*)>((?:\s*;\s*[^;,]*)*)")
_PARAM = re.compile(r"""\s*;\s*([A-Za-z*-]+)\s*=\s*(?:"([^"]*)"|([^\s;,"]+))""")


def parse_links(value: str) -> list[tuple[str, dict[str, str]]]:
    """RFC 8288 ``Link`` values: (URI, parameters with lower-case names)."""
    links = []
    for match in _LINK.finditer(value):
        params = {
            name.lower(): quoted if quoted is not None and quoted != "" else (bare or "")
            for name, quoted, bare in _PARAM.findall(match.group(2))
        }
        links.append((match.group(1).strip(), params))
    return links


def next_link(headers: Mapping[str, str], *, base_url: str) -> str | None:
    """The absolute URL of the ``rel=next`` link among the response headers, if any.

    ``headers`` is case-insensitive (requests joins repeated headers with ", ").
    """
    value = headers.get("Link")
    if not value:
        return None
    for uri, params in parse_links(value):
        relations = {rel.lower() for rel in params.get("rel", "").split()}
        if "next" in relations and uri:
            return urljoin(base_url, uri)
    return None


@dataclass(frozen=True, slots=True)
class RosterMember:
    """One member of the LMS course as the platform lists it."""

    user_id: str  # the platform's user id: the ``sub`` of this person's launches
    name: str
    given_name: str
    family_name: str
    email: str
    roles: tuple[str, ...]  # as sent: full URIs or short names
    role: Role | None  # the Kurswerk role they map to (None: no role Kurswerk knows)
    status: str = "Active"

    @property
    def display_name(self) -> str:
        return self.name or " ".join(p for p in (self.given_name, self.family_name) if p)

    @property
    def status_label(self) -> str:
        """The membership status for people (a message id; an unknown one as sent)."""
        return MEMBERSHIP_STATUS.get(self.status, self.status)


MEMBERSHIP_STATUS = {
    "Active": N_("aktiv"),
    "Inactive": N_("inaktiv"),
    "Deleted": N_("gelöscht"),
}
"""NRPS membership status values, as people read them."""


@dataclass
class Roster:
    context_title: str = ""
    members: list[RosterMember] = field(default_factory=list)
    pages: int = 0


def _text(value: Any, limit: int = 255) -> str:
    return value.strip()[:limit] if isinstance(value, str) else ""


def member_of(entry: Any) -> RosterMember | None:
    """A roster entry, or ``None`` for one without a user id (skipped)."""
    if not isinstance(entry, dict):
        return None
    user_id = _text(entry.get("user_id"))
    if not user_id:
        return None
    raw_roles = entry.get("roles")
    member_roles = (
        tuple(r for r in raw_roles if isinstance(r, str)) if isinstance(raw_roles, list) else ()
    )
    known = [role for role in map(roles.parse_role, member_roles) if role is not None]
    return RosterMember(
        user_id=user_id,
        name=_text(entry.get("name")),
        given_name=_text(entry.get("given_name")),
        family_name=_text(entry.get("family_name")),
        email=_text(entry.get("email"), 320),
        roles=member_roles,
        role=max(known, key=lambda r: r.rank) if known else None,
        status=_text(entry.get("status"), 32) or "Active",
    )


def fetch_roster(
    client: ServiceClient, registration: ServiceRegistration, memberships_url: str
) -> Roster:
    """Every page of the roster. Raises the ``lti.service_client`` errors."""
    roster = Roster()
    url: str | None = memberships_url
    seen: set[str] = set()
    origin = origin_of(memberships_url)
    while url is not None:
        if url in seen:
            raise ServiceRefused("roster pages link in a circle", answer=url)
        if len(seen) >= MAX_PAGES:
            raise ServiceRefused(f"roster has more than {MAX_PAGES} pages", answer=url)
        if origin_of(url) != origin:
            raise ServiceRefused("roster's next page is on another host", answer=url)
        seen.add(url)
        response = client.call(
            registration,
            [SCOPE_MEMBERSHIPS],
            "GET",
            url,
            what="roster request",
            accept=MEMBERSHIPS_TYPE,
        )
        body = response.json()
        if not isinstance(body, dict) or not isinstance(body.get("members"), list):
            raise ServiceRefused("roster answer without members", answer=str(body)[:200])
        context = body.get("context")
        if not roster.context_title and isinstance(context, dict):
            roster.context_title = _text(context.get("title"), 500)
        roster.members.extend(m for m in map(member_of, body["members"]) if m is not None)
        if len(roster.members) > MAX_MEMBERS:
            raise ServiceRefused(f"roster has more than {MAX_MEMBERS} members", answer=url)
        roster.pages += 1
        url = next_link(response.headers, base_url=url)
    return roster

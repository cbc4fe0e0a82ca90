"""The roster of one Kurswerk course, from its LMS (the service behind ``/c/{context}/roster``
and the coaching features' bulk grant).

Reads what the launches stored (``lti.endpoints``) and what the platform granted, then
fetches every page over NRPS (``lti.nrps``). Each reason it cannot is a
``RosterUnavailable`` with a message key an admin or tutor can act on.
"""

from __future__ import annotations

from sqlalchemy import delete, insert
from sqlmodel import Session

from kurswerk.errors import AppError
from lti.identities import upsert_users
from lti.models import ContextServices, LmsContext, Platform, RosterMembership, table_of, utcnow
from lti.nrps import SCOPE_MEMBERSHIPS, Roster, RosterMember, fetch_roster
from lti.service_client import (
    ServiceClient,
    ServiceNotAuthorised,
    ServiceRefused,
    ServiceRegistration,
    ServiceUnavailable,
)

_roster = table_of(RosterMembership)


class RosterUnavailable(AppError):
    """``message``: ``lti.roster.not_granted``, ``no_service``, ``unreachable``,
    ``refused`` or ``not_authorised``; ``detail``: the platform's answer, if any."""

    status_code = 502


def course_roster(session: Session, client: ServiceClient, *, context_id: int) -> Roster:
    """Every member of the LMS course behind ``context_id`` (``lms_context.id``).

    Blocking network I/O: call it from a plain ``def`` route or a worker. Records what
    it read (``record_members``: the members as users, their roster roles), in the
    caller's transaction.
    """
    context = session.get(LmsContext, context_id)
    if context is None:
        raise RosterUnavailable("lti.roster.no_service", 404)
    platform = session.get(Platform, context.platform_id)
    assert platform is not None
    if (
        platform.granted_scopes is not None
        and SCOPE_MEMBERSHIPS not in platform.granted_scopes.split()
    ):
        raise RosterUnavailable("lti.roster.not_granted", 409)
    services = session.get(ContextServices, context_id)
    if services is None or not services.memberships_url:
        raise RosterUnavailable("lti.roster.no_service", 409)
    registration = ServiceRegistration(
        platform_id=platform.id or 0,
        issuer=platform.issuer,
        client_id=platform.client_id,
        token_url=platform.auth_token_url,
    )
    try:
        roster = fetch_roster(client, registration, services.memberships_url)
    except ServiceUnavailable as exc:
        raise RosterUnavailable("lti.roster.unreachable", detail=str(exc)) from exc
    except ServiceNotAuthorised as exc:
        raise RosterUnavailable("lti.roster.not_authorised", detail=exc.answer) from exc
    except ServiceRefused as exc:
        raise RosterUnavailable("lti.roster.refused", detail=str(exc)) from exc
    if not roster.context_title:
        roster.context_title = context.title
    record_members(session, context_id=context_id, members=roster.members)  # fresh roles
    return roster


def record_members(
    session: Session, *, context_id: int, members: list[RosterMember]
) -> dict[str, int]:
    """Make sure every roster member is a known platform user (``lti_user``), also those
    who never launched Kurswerk, so the coaching features can grant them packages.
    Returns ``lti_user.id`` by the platform's user id. Name and email as the roster says
    (an absent one keeps what a launch stored). In batches, not a statement per member
    (a roster may have thousands). The course's roster roles are replaced by these
    (``RosterMembership``: who is a tutor there, launched or not). Flushes, never commits."""
    context = session.get(LmsContext, context_id)
    if context is None:
        raise ValueError(f"unknown context {context_id}")
    now = utcnow()
    ids = upsert_users(
        session,
        platform_id=context.platform_id,
        people=[
            {
                "user_id": member.user_id,
                "name": member.name,
                "given_name": member.given_name,
                "family_name": member.family_name,
                "email": member.email,
            }
            for member in members
        ],
        now=now,
    )
    roles = {ids[m.user_id]: m.role.value for m in members if m.role is not None}
    session.execute(delete(_roster).where(_roster.c.context_id == context_id))
    if roles:
        session.execute(
            insert(_roster),
            [
                {"context_id": context_id, "user_id": user_id, "role": role, "seen_at": now}
                for user_id, role in roles.items()
            ],
        )
    return ids

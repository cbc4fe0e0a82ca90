"""The roster of one Kurswerk course, from its LMS (the service behind ``/c/{context}/roster``
and the coaching features' bulk grant).

Reads what the launches stored (``lti.endpoints``) and what the platform granted, then
fetches every page over NRPS (``lti.nrps``). Each reason it cannot is a
``RosterUnavailable`` with a message key an admin or tutor can act on.

Every reading records the members' roles (``RosterMembership``), so mails to a course's
tutors reach those who never launched. To keep that fresh without anyone opening a
roster page, a launch in a course whose recorded roster is older than
``ROSTER_MAX_AGE`` (or missing) asks the worker to read it (``request_roster_refresh``:
an outbox row, at most one per course and day; ``RosterRefreshHandler`` reads it).
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import delete, func, insert
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from kurswerk.core.clock import as_utc, utcnow
from kurswerk.core.db import new_session
from kurswerk.core.errors import AppError
from kurswerk.core.i18n import N_
from kurswerk.core.outbox.queue import OutboxItem, PermanentError, enqueue
from lti.identities import upsert_users
from lti.models import ContextServices, LmsContext, Platform, RosterMembership, table_of
from lti.nrps import SCOPE_MEMBERSHIPS, Roster, RosterMember, fetch_roster
from lti.service_client import (
    ServiceClient,
    ServiceNotAuthorised,
    ServiceRefused,
    ServiceRegistration,
    ServiceUnavailable,
)

log = logging.getLogger("kurswerk.lti.roster")

ROSTER_REFRESH = "roster_refresh"  # the outbox kind
ROSTER_MAX_AGE = timedelta(hours=24)

_roster = table_of(RosterMembership)


NO_SERVICE = N_(
    "Dieser LMS-Kurs bietet keine Teilnehmendenliste an (kein NRPS-Claim im Start). "
    "Aktivieren Sie in der Werkzeugkonfiguration des LMS den Dienst „Names and Role "
    "Provisioning“ und starten Sie Kurswerk erneut aus dem Kurs."
)
UNREACHABLE = N_(
    "Das LMS ist gerade nicht erreichbar oder hat einen Fehler gemeldet. Versuchen Sie es "
    "später erneut."
)


class RosterUnavailable(AppError):
    """``message``: why the roster cannot be read (``NO_SERVICE``, ``UNREACHABLE``, not
    granted, refused, credentials refused); ``detail``: the platform's answer, if any."""

    status_code = 502


def course_roster(session: Session, client: ServiceClient, *, context_id: int) -> Roster:
    """Every member of the LMS course behind ``context_id`` (``lms_context.id``).

    Blocking network I/O: call it from a plain ``def`` route or a worker. Callers
    record what it read with ``record_members`` (the members as users, their roles).
    """
    context = session.get(LmsContext, context_id)
    if context is None:
        raise RosterUnavailable(
            NO_SERVICE,
            404,
        )
    platform = session.get(Platform, context.platform_id)
    assert platform is not None
    if (
        platform.granted_scopes is not None
        and SCOPE_MEMBERSHIPS not in platform.granted_scopes.split()
    ):
        raise RosterUnavailable(
            N_(
                "Die LMS-Plattform hat Kurswerk den Zugriff auf die Teilnehmendenliste "
                "(Names and Role Provisioning Services) nicht gewährt. Die "
                "LMS-Administration kann ihn in der Werkzeugkonfiguration freigeben."
            ),
            409,
        )
    services = session.get(ContextServices, context_id)
    if services is None or not services.memberships_url:
        raise RosterUnavailable(
            NO_SERVICE,
            409,
        )
    registration = ServiceRegistration(
        platform_id=platform.id or 0,
        issuer=platform.issuer,
        client_id=platform.client_id,
        token_url=platform.auth_token_url,
    )
    try:
        roster = fetch_roster(client, registration, services.memberships_url)
    except ServiceUnavailable as exc:
        raise RosterUnavailable(
            UNREACHABLE,
            detail=str(exc),
        ) from exc
    except ServiceNotAuthorised as exc:
        raise RosterUnavailable(
            N_(
                "Das LMS hat Kurswerks Zugangsdaten abgelehnt. Prüfen Sie die "
                "Registrierung (Client-ID, Token-URL) und die Schlüssel-URL …/lti/jwks."
            ),
            detail=exc.answer,
        ) from exc
    except ServiceRefused as exc:
        raise RosterUnavailable(
            N_("Das LMS hat die Abfrage der Teilnehmendenliste abgelehnt."), detail=str(exc)
        ) from exc
    if not roster.context_title:
        roster.context_title = context.title
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


def request_roster_refresh(
    session: Session, *, context_id: int, memberships_url: str | None, now: datetime
) -> None:
    """At a launch: when the course offers a roster and what Kurswerk recorded of it is
    older than ``ROSTER_MAX_AGE`` (or nothing), write an outbox row for the worker to
    read it — one per course and day, whatever the number of launches. Never commits."""
    if not memberships_url:
        return
    newest = session.exec(
        select(func.max(RosterMembership.seen_at)).where(RosterMembership.context_id == context_id)
    ).one()
    if newest is not None and as_utc(newest) > now - ROSTER_MAX_AGE:
        return
    enqueue(
        session,
        ROSTER_REFRESH,
        {"context_id": context_id},
        key=f"roster-refresh:{context_id}:{now.date().isoformat()}",
    )


class RosterRefreshHandler:
    """The outbox handler for ``roster_refresh`` rows: read the course's roster and record
    it. An LMS that cannot be reached is retried; one that refuses is recorded."""

    def __init__(self, engine: Engine, client: ServiceClient) -> None:
        self.engine = engine
        self.client = client

    def __call__(self, item: OutboxItem) -> None:
        context_id = int(item.payload["context_id"])
        with new_session(self.engine) as session:
            try:
                roster = course_roster(session, self.client, context_id=context_id)
                record_members(session, context_id=context_id, members=roster.members)
            except RosterUnavailable as exc:
                if exc.message == UNREACHABLE:
                    raise  # not permanent: the worker retries with backoff
                raise PermanentError(exc.message, answer=exc.detail) from exc
            session.commit()
        log.info("recorded the roster of course %s: %d members", context_id, len(roster.members))

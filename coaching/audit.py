"""The coaching audit log: every change to a package or a grant, who made it, when, and
what it was before and after (coaching issue §1, "Every change is kept in an audit log").

Entries are written in the same transaction as the change, so a change that rolls back
leaves no entry, and an entry never describes a change that did not happen. They are
kept when their package or grant is deleted (the foreign keys are ``SET NULL``): the
``detail`` carries the names needed to read an entry on its own.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, col, select

from coaching.common import Actor
from coaching.models import CoachingAuditEntry


class AuditAction(enum.StrEnum):
    PACKAGE_CREATED = "package_created"
    PACKAGE_UPDATED = "package_updated"
    PACKAGE_ARCHIVED = "package_archived"
    PACKAGE_RESTORED = "package_restored"
    GRANTED = "granted"
    REVOKED = "revoked"
    EXTENDED = "extended"
    # office hours (coaching.office_hours.booking): ``detail["booking_id"]`` names the booking
    BOOKED = "office_hour_booked"
    BOOKING_CANCELLED = "office_hour_cancelled"
    BOOKING_MOVED = "office_hour_moved"
    BOOKING_OUTCOME = "office_hour_outcome"


def record(
    session: Session,
    actor: Actor,
    action: AuditAction,
    *,
    platform_id: int,
    subject: dict[str, Any],
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    source: str,
    package_id: int | None = None,
    grant_id: int | None = None,
    booking_id: int | None = None,
) -> CoachingAuditEntry:
    """Add one entry. ``subject`` names what changed (package, course, person) so the entry
    reads on its own; ``before``/``after`` are JSON-safe snapshots (None: did not exist);
    ``source`` is ``web``, ``csv``, ``cli`` or ``demo`` (``kurswerk demo``'s seed); an
    office-hour booking's entry names it by ``booking_id``."""
    detail: dict[str, Any] = {
        "subject": subject,
        "before": before,
        "after": after,
        "source": source,
    }
    if booking_id is not None:
        detail["booking_id"] = booking_id
    entry = CoachingAuditEntry(
        platform_id=platform_id,
        package_id=package_id,
        grant_id=grant_id,
        actor_user_id=actor.user_id,
        actor_label=actor.label,
        action=action.value,
        detail=detail,
    )
    session.add(entry)
    return entry


@dataclass(frozen=True, slots=True)
class Change:
    field: str
    before: Any
    after: Any


def changes(entry: CoachingAuditEntry) -> list[Change]:
    """The fields an entry changed, in the order of its snapshot. For something new (no
    *before*), the fields it was created with that hold a value."""
    before = entry.detail.get("before")
    after = entry.detail.get("after") or {}
    if before is None:
        return [
            Change(key, None, value)
            for key, value in after.items()
            if value not in (None, "", False) or key == "feedback_quota"  # None: unlimited
        ]
    keys = list(after) + [k for k in before if k not in after]
    return [
        Change(key, before.get(key), after.get(key))
        for key in keys
        if before.get(key) != after.get(key)
    ]


@dataclass(frozen=True, slots=True)
class AuditPage:
    entries: list[CoachingAuditEntry]
    next_before: int | None  # pass as ``before`` for the next (older) page


def audit_entries(
    session: Session,
    *,
    platform_id: int,
    before: int | None = None,
    limit: int = 50,
    grant_id: int | None = None,
    package_id: int | None = None,
) -> AuditPage:
    """A platform's entries, newest first, ``limit`` at a time (keyset paging by id)."""
    query = select(CoachingAuditEntry).where(CoachingAuditEntry.platform_id == platform_id)
    if before is not None:
        query = query.where(col(CoachingAuditEntry.id) < before)
    if grant_id is not None:
        query = query.where(CoachingAuditEntry.grant_id == grant_id)
    if package_id is not None:
        query = query.where(CoachingAuditEntry.package_id == package_id)
    rows = list(
        session.exec(query.order_by(col(CoachingAuditEntry.id).desc()).limit(limit + 1)).all()
    )
    more = len(rows) > limit
    rows = rows[:limit]
    return AuditPage(entries=rows, next_before=rows[-1].id if more and rows else None)

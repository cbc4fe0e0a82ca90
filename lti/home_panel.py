"""The LMS connection's health on the course home, for admins: how many of this LMS
course's LMS calls (grades sent through the outbox, ``lti.ags``) the LMS refused, how
many wait for another try, since when the oldest of those, and how many are queued. The
course's home shows it (``course.service.templated`` makes the panel; ``lti`` lies below
the course and gives only its values and template).

One query over the outbox, the calls of this LMS course only (its id is in each call's
payload): another course's or platform's calls are never counted here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, case, func, or_, select
from sqlmodel import Session

from kurswerk.core.auth import Principal, Role
from kurswerk.core.clock import as_utc
from kurswerk.core.outbox.queue import OutboxMessage, OutboxStatus
from lti.ags import LMS_CALL

if TYPE_CHECKING:
    from starlette.requests import Request

TEMPLATE = "lti/home_health.html"

_c = OutboxMessage.__table__.c  # type: ignore[attr-defined]
_FAILED = _c.status == OutboxStatus.FAILED.value
_RETRYING = and_(_c.status == OutboxStatus.PENDING.value, _c.attempts > 0)
_QUEUED = or_(
    and_(_c.status == OutboxStatus.PENDING.value, _c.attempts == 0),
    _c.status == OutboxStatus.SENDING.value,
)


def _count(condition: Any) -> Any:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


@dataclass(frozen=True)
class LmsHealth:
    failed: int  # refused by the LMS, or attempts used up: an admin must look
    retrying: int  # failed once or more, another try follows
    queued: int  # not tried yet (or being sent)
    oldest_problem: datetime | None  # the oldest refused or retrying call's creation

    @property
    def healthy(self) -> bool:
        return not self.failed and not self.retrying


def lms_health(session: Session, context_id: int) -> LmsHealth:
    """The LMS calls of one LMS course that are not delivered, counted in one query."""
    row = session.execute(
        select(
            _count(_FAILED),
            _count(_RETRYING),
            _count(_QUEUED),
            func.min(case((or_(_FAILED, _RETRYING), _c.created_at), else_=None)),
        ).where(
            _c.kind == LMS_CALL,
            _c.status.in_(
                [OutboxStatus.FAILED.value, OutboxStatus.PENDING.value, OutboxStatus.SENDING.value]
            ),
            _c.payload["context_id"].as_integer() == context_id,
        )
    ).one()
    failed, retrying, queued, oldest = row
    return LmsHealth(
        int(failed), int(retrying), int(queued), as_utc(oldest) if oldest is not None else None
    )


def health_values(
    request: Request, session: Session, principal: Principal
) -> dict[str, Any] | None:
    """The panel's values, for admins only (None for everyone else)."""
    if principal.role is not Role.ADMIN:
        return None
    return {"health": lms_health(session, principal.context_id)}

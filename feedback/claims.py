"""Claims: one tutor at a time works on a submission (coaching issue §3).

A claim holds for ``KURSWERK_REVIEW_CLAIM_MINUTES`` and is renewed by the holder's work
(every saved draft). Once it has expired, another tutor may take it over; an admin may
take over any claim. Taking over someone else's claim is never silent: the first request
answers :attr:`ClaimOutcome.NEEDS_CONFIRMATION`, and only a request that names the
holder it confirms (``takeover_from``) takes it - so a confirmation given for one tutor
cannot take a claim another tutor has made in the meantime.

Claiming is one statement, ``INSERT ... ON CONFLICT (submission_id) DO UPDATE ... WHERE``
the existing claim is ours or the confirmed, takeable one, ``RETURNING`` the row. Two
tutors claiming at once: on PostgreSQL the second statement waits for the first
transaction and then re-checks its condition against the committed claim; on SQLite the
second writer waits for the first to commit. Either way exactly one wins and the other
gets no row back, which :func:`claim` reports as :attr:`ClaimOutcome.HELD_BY_OTHER`.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, case, delete, false, or_, select, true, update
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session

from feedback.access import submission_for_staff
from feedback.models import ReviewClaim
from kurswerk.core.auth import Principal, Role
from kurswerk.core.clock import as_utc, utcnow
from kurswerk.core.db import upsert
from lti.models import PlatformUser
from uploads import service as uploads
from uploads.models import SubmissionStatus

_claims = ReviewClaim.__table__  # type: ignore[attr-defined]
_users = PlatformUser.__table__  # type: ignore[attr-defined]
OPEN_STATUSES = (SubmissionStatus.SUBMITTED, SubmissionStatus.IN_REVIEW)


class ClaimOutcome(enum.StrEnum):
    CLAIMED = "claimed"  # it was free
    RENEWED = "renewed"  # it was ours already
    TAKEN_OVER = "taken_over"  # it was someone else's, confirmed
    NEEDS_CONFIRMATION = "needs_confirmation"  # someone else's, takeable: ask first
    HELD_BY_OTHER = "held_by_other"  # someone else's and not takeable (or lost the race)
    CLOSED = "closed"  # feedback released: nothing to work on


@dataclass(frozen=True)
class ClaimState:
    holder_id: int
    holder_name: str
    claimed_at: datetime
    expires_at: datetime
    expired: bool
    mine: bool

    def takeable_by(self, principal: Principal) -> bool:
        return not self.mine and (self.expired or principal.at_least(Role.ADMIN))


@dataclass(frozen=True)
class ClaimResult:
    outcome: ClaimOutcome
    state: ClaimState | None  # the claim as it is now (ours when we won)

    @property
    def won(self) -> bool:
        return self.outcome in (ClaimOutcome.CLAIMED, ClaimOutcome.RENEWED, ClaimOutcome.TAKEN_OVER)


def display_name(name: str | None, user_id: int) -> str:
    """A person's name from the LMS, or a neutral stand-in when it was withheld."""
    return name.strip() if name and name.strip() else f"#{user_id}"


def current_claim(
    session: Session, submission_id: int, principal: Principal, now: datetime | None = None
) -> ClaimState | None:
    now = now or utcnow()
    row = session.execute(
        select(_claims.c.tutor_user_id, _claims.c.claimed_at, _claims.c.expires_at, _users.c.name)
        .join(_users, _users.c.id == _claims.c.tutor_user_id)
        .where(_claims.c.submission_id == submission_id)
    ).first()
    if row is None:
        return None
    expires_at = as_utc(row.expires_at)
    return ClaimState(
        holder_id=row.tutor_user_id,
        holder_name=display_name(row.name, row.tutor_user_id),
        claimed_at=as_utc(row.claimed_at),
        expires_at=expires_at,
        expired=expires_at <= as_utc(now),
        mine=row.tutor_user_id == principal.user_id,
    )


def claim(
    session: Session,
    principal: Principal,
    submission_id: int,
    *,
    ttl: timedelta,
    takeover_from: int | None = None,
    now: datetime | None = None,
) -> ClaimResult:
    """Claim a submission of the principal's course for them (tutors and admins)."""
    now = now or utcnow()
    submission = submission_for_staff(session, principal, submission_id)
    if submission.status == SubmissionStatus.FEEDBACK_RELEASED:
        return ClaimResult(ClaimOutcome.CLOSED, None)
    before = current_claim(session, submission_id, principal, now)
    if before is not None and not before.mine:
        if not before.takeable_by(principal):
            return ClaimResult(ClaimOutcome.HELD_BY_OTHER, before)
        if takeover_from != before.holder_id:
            return ClaimResult(ClaimOutcome.NEEDS_CONFIRMATION, before)

    if not _upsert_claim(session, principal, submission_id, takeover_from, ttl, now):
        # Lost a race: someone claimed (or took over) between our read and our write.
        return ClaimResult(
            ClaimOutcome.HELD_BY_OTHER, current_claim(session, submission_id, principal, now)
        )
    if not uploads.set_submission_status(
        session, submission_id, SubmissionStatus.IN_REVIEW, only_from=OPEN_STATUSES
    ):
        # Released in the meantime: undo our claim in this transaction.
        session.execute(delete(_claims).where(_claims.c.submission_id == submission_id))
        return ClaimResult(ClaimOutcome.CLOSED, None)
    state = current_claim(session, submission_id, principal, now)
    if before is None:
        outcome = ClaimOutcome.CLAIMED
    elif before.mine:
        outcome = ClaimOutcome.RENEWED
    else:
        outcome = ClaimOutcome.TAKEN_OVER
    return ClaimResult(outcome, state)


def _upsert_claim(
    session: Session,
    principal: Principal,
    submission_id: int,
    takeover_from: int | None,
    ttl: timedelta,
    now: datetime,
) -> bool:
    me = principal.user_id
    insert = upsert(session, _claims).values(
        submission_id=submission_id, tutor_user_id=me, claimed_at=now, expires_at=now + ttl
    )
    existing = _claims.c
    takeable: ColumnElement[bool] = false()
    if takeover_from is not None:
        admin = true() if principal.at_least(Role.ADMIN) else false()
        takeable = and_(
            existing.tutor_user_id == takeover_from, or_(existing.expires_at <= now, admin)
        )
    statement = insert.on_conflict_do_update(
        index_elements=["submission_id"],
        set_={
            "tutor_user_id": me,
            # The holder renewing keeps the time they started.
            "claimed_at": case((existing.tutor_user_id == me, existing.claimed_at), else_=now),
            "expires_at": now + ttl,
        },
        where=or_(existing.tutor_user_id == me, takeable),
    ).returning(existing.id)
    return session.execute(statement).first() is not None


def hold_claim(
    session: Session,
    principal: Principal,
    submission_id: int,
    *,
    ttl: timedelta,
    now: datetime | None = None,
) -> bool:
    """The write guard of drafts and release: renew our claim, if we still hold it.

    An expired claim nobody has taken over is still ours. The ``UPDATE`` locks the claim
    row (PostgreSQL) until the transaction ends, so a takeover waits for our write.
    """
    now = now or utcnow()
    result = session.execute(
        update(_claims)
        .where(
            _claims.c.submission_id == submission_id, _claims.c.tutor_user_id == principal.user_id
        )
        .values(expires_at=now + ttl)
    )
    return bool(result.rowcount == 1)  # type: ignore[attr-defined]


def unclaim(session: Session, principal: Principal, submission_id: int) -> bool:
    """Give a claim back: the submission is "eingereicht" again. False if not ours."""
    submission_for_staff(session, principal, submission_id)
    result = session.execute(
        delete(_claims).where(
            _claims.c.submission_id == submission_id,
            _claims.c.tutor_user_id == principal.user_id,
        )
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        return False
    uploads.set_submission_status(
        session,
        submission_id,
        SubmissionStatus.SUBMITTED,
        only_from=(SubmissionStatus.IN_REVIEW,),
    )
    return True


def end_claim(session: Session, submission_id: int) -> None:
    """Drop the claim of a submission whose feedback was released."""
    session.execute(delete(_claims).where(_claims.c.submission_id == submission_id))

"""LMS calls that did not go through, for the admins of a platform to see.

Failed rows (a 4xx with the platform's answer, attempts used up), skipped rows (a
platform or course that does not offer the grade service, with the reason) and rows
waiting for a retry (with the last error). Read from the outbox; the platform of a row
is in its payload, so the newest rows are scanned and filtered here.

An admin may send a refused call (``failed``) once more, e.g. after fixing the column or
the registration in the LMS (``retry_lms_call``): only a call of their own platform *and*
of the course they are in, never one of another course or platform.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import update
from sqlmodel import Session, col, or_, select

from kurswerk.core.clock import as_utc, utcnow
from kurswerk.core.i18n import N_
from kurswerk.core.outbox.queue import OutboxMessage, OutboxStatus
from lti.ags import LMS_CALL

SCAN_LIMIT = 2000


STATUS_LABELS = {
    OutboxStatus.FAILED.value: N_("abgelehnt"),
    OutboxStatus.SKIPPED.value: N_("übersprungen"),
    OutboxStatus.PENDING.value: N_("neuer Versuch folgt"),
}
"""What admins read for a call's ``status`` (message ids)."""


@dataclass(frozen=True, slots=True)
class LmsCallProblem:
    id: int
    status: str  # failed, skipped or pending (= waiting for a retry)
    created_at: datetime
    attempts: int
    user: str  # the platform's user id the score is for
    progress: str  # activity / grading progress
    column: str  # the line item's label
    note: str  # the platform's answer, or why it was skipped
    retryable: bool = False  # refused, and of the course the admin looks from

    @property
    def status_label(self) -> str:
        """What admins read for ``status`` (a message id)."""
        return STATUS_LABELS.get(self.status, self.status)


def lms_call_problems(
    session: Session, *, platform_id: int, context_id: int | None = None, limit: int = 200
) -> list[LmsCallProblem]:
    """The platform's calls that did not go through, newest first; those of
    ``context_id`` that were refused are marked retryable."""
    rows = session.exec(
        select(OutboxMessage)
        .where(
            OutboxMessage.kind == LMS_CALL,
            or_(
                col(OutboxMessage.status).in_(
                    [OutboxStatus.FAILED.value, OutboxStatus.SKIPPED.value]
                ),
                (col(OutboxMessage.status) == OutboxStatus.PENDING.value)
                & (col(OutboxMessage.attempts) > 0),
            ),
        )
        .order_by(col(OutboxMessage.id).desc())
        .limit(SCAN_LIMIT)
    ).all()
    problems = []
    for row in rows:
        payload = row.payload or {}
        if payload.get("platform_id") != platform_id:
            continue
        score = payload.get("score") or {}
        line_item = payload.get("line_item") or {}
        problems.append(
            LmsCallProblem(
                id=row.id or 0,
                status=row.status,
                created_at=as_utc(row.created_at),
                attempts=row.attempts,
                user=str(score.get("userId", "")),
                progress=" / ".join(
                    str(score.get(name, "")) for name in ("activityProgress", "gradingProgress")
                ),
                column=str(line_item.get("label", "")),
                note=row.skipped_reason or row.last_error or "",
                retryable=row.status == OutboxStatus.FAILED.value
                and payload.get("context_id") == context_id,
            )
        )
        if len(problems) >= limit:
            break
    return problems


def retry_lms_call(session: Session, call_id: int, *, platform_id: int, context_id: int) -> bool:
    """Put a refused LMS call of this platform and course back in the queue, due now,
    with fresh attempts. ``False`` when there is no such refused call (another course's
    or platform's, already retried, never refused). Flushes, never commits."""
    row = session.get(OutboxMessage, call_id)
    if row is None or row.kind != LMS_CALL:
        return False
    payload = row.payload or {}
    if payload.get("platform_id") != platform_id or payload.get("context_id") != context_id:
        return False
    requeued = session.execute(
        update(OutboxMessage)
        .where(
            col(OutboxMessage.id) == call_id,
            col(OutboxMessage.status) == OutboxStatus.FAILED.value,
        )
        .values(
            status=OutboxStatus.PENDING.value,
            attempts=0,
            next_attempt_at=utcnow(),
            locked_until=None,
            claim_token=None,
        )
        .returning(col(OutboxMessage.id))
    ).first()
    return requeued is not None

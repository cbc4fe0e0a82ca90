"""LMS calls that did not go through, for the admins of a platform to see.

Failed rows (a 4xx with the platform's answer, attempts used up), skipped rows (a
platform or course that does not offer the grade service, with the reason) and rows
waiting for a retry (with the last error). Read from the outbox; the platform of a row
is in its payload, so the newest rows are scanned and filtered here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, or_, select

from kurswerk.outbox import OutboxMessage, OutboxStatus, as_utc
from lti.ags import LMS_CALL

SCAN_LIMIT = 2000


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


def lms_call_problems(
    session: Session, *, platform_id: int, limit: int = 200
) -> list[LmsCallProblem]:
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
            )
        )
        if len(problems) >= limit:
            break
    return problems

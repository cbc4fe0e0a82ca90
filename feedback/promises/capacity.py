"""A tutor's stated weekly capacity: how many feedbacks a week they can write in one LMS
course (issue 14: the promised date counts "the tutors' stated weekly capacity").

Only tutors of the LMS course state one, for themselves; ``0`` says "none at the moment"
(the capacity then adds nothing to the course's pace). A statement stays until changed;
someone who is no longer a tutor of the course no longer counts (``load``). Flushes,
never commits.
"""

from __future__ import annotations

from sqlmodel import Session, select

from feedback.promises.models import MAX_WEEKLY_CAPACITY, TutorCapacity
from kurswerk.core.clock import utcnow
from kurswerk.core.db import inserted_values, upsert
from kurswerk.core.errors import AppError
from kurswerk.core.i18n import N_

NOT_A_NUMBER = N_("Bitte geben Sie eine ganze Zahl zwischen 0 und %(max)s ein.")


class CapacityRefused(AppError):
    """The stated capacity is not a whole number in range; nothing was saved."""

    status_code = 422

    def __init__(self, raw: str) -> None:
        super().__init__(
            NOT_A_NUMBER, params={"max": MAX_WEEKLY_CAPACITY}, reason=f"capacity {raw[:20]!r}"
        )


def parse_capacity(raw: str) -> int:
    """The form's value as a number of feedbacks a week (0 to the maximum)."""
    text = raw.strip()
    if not text.isdigit() or len(text) > 4 or not 0 <= int(text) <= MAX_WEEKLY_CAPACITY:
        raise CapacityRefused(raw)
    return int(text)


def stated_capacity(session: Session, user_id: int, context_id: int) -> int | None:
    """What the tutor stated for this LMS course (``None``: nothing yet)."""
    row = session.exec(
        select(TutorCapacity.per_week).where(
            TutorCapacity.user_id == user_id, TutorCapacity.context_id == context_id
        )
    ).first()
    return int(row) if row is not None else None


def state_capacity(session: Session, user_id: int, context_id: int, per_week: int) -> None:
    """Store the tutor's weekly capacity in this LMS course, replacing an earlier one (one
    upsert: two tabs saving at once leave one row, the later value)."""
    statement = upsert(session, TutorCapacity).values(
        user_id=user_id, context_id=context_id, per_week=per_week, updated_at=utcnow()
    )
    session.execute(
        statement.on_conflict_do_update(
            index_elements=["user_id", "context_id"],
            set_=inserted_values(statement, "per_week", "updated_at"),
        )
    )

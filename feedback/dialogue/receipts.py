"""The read receipt: the first time the learner opened a released feedback.

Recorded when the learner's feedback page (``feedback_learner``) is shown to the learner
who submitted - opened in the LMS or through the link in the feedback email, which lands
on that page outside the LMS (``kurswerk.core.email_links``) - and when the released
feedback is shown on their submission page (the feedback panel). Staff looking at the
same page record nothing.

Once per feedback: the first opening's time stays. Each feedback not yet read is inserted
with ``ON CONFLICT (feedback_id) DO NOTHING``, so two openings at once (two tabs, the page
and the mail) write one row and neither fails. An opening when every feedback shown has
its receipt writes nothing (one read, no write). Each first reading this request wrote
is counted for the admins' report (``tally.count_reads``) in the same transaction; one a
concurrent opening wrote is that opening's to count.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, and_, select
from sqlmodel import Session

from feedback.access import is_staff
from feedback.dialogue import tally
from feedback.dialogue.models import FeedbackRead, ReadVia
from feedback.models import Feedback, FeedbackStatus
from kurswerk.core.auth import Principal
from kurswerk.core.clock import as_utc, utcnow
from kurswerk.core.db import upsert
from uploads.models import Submission, SubmissionVersion

_reads = FeedbackRead.__table__  # type: ignore[attr-defined]
_f = Feedback.__table__  # type: ignore[attr-defined]
_s = Submission.__table__  # type: ignore[attr-defined]
_v = SubmissionVersion.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Receipt:
    read_at: datetime
    via: ReadVia


def record_reads(
    session: Session,
    principal: Principal,
    submission_id: int,
    *,
    via: ReadVia,
    now: datetime | None = None,
) -> int:
    """Record that the principal opened the released feedback of ``submission_id`` - if
    the principal is the learner who submitted it (anyone else: nothing). Returns how
    many feedbacks were read for the first time by this request (flushed, not
    committed; a concurrent first opening may have won the row)."""
    if is_staff(principal):
        return 0
    unread = session.execute(
        select(_f.c.id, _v.c.number, _f.c.tutor_user_id, _f.c.released_at)
        .select_from(
            _f.join(_s, _s.c.id == _f.c.submission_id)
            .join(_v, _v.c.id == _f.c.submission_version_id)
            .outerjoin(_reads, _reads.c.feedback_id == _f.c.id)
        )
        .where(
            _f.c.submission_id == submission_id,
            _f.c.status == FeedbackStatus.RELEASED.value,
            _s.c.user_id == principal.user_id,
            _s.c.context_id == principal.context_id,
            _reads.c.id.is_(None),
        )
    ).all()
    if not unread:
        return 0
    at = now or utcnow()
    statement = upsert(session, _reads).values(
        [
            {
                "feedback_id": row.id,
                "submission_id": submission_id,
                "version": row.number,
                "learner_user_id": principal.user_id,
                "via": via.value,
                "read_at": at,
            }
            for row in unread
        ]
    )
    statement = statement.on_conflict_do_nothing(index_elements=["feedback_id"])
    written = set(session.execute(statement.returning(_reads.c.feedback_id)).scalars())
    tally.count_reads(
        session,
        context_id=principal.context_id,
        released=[(row.tutor_user_id, row.released_at) for row in unread if row.id in written],
    )
    return len(written)


def receipts_of(session: Session, feedback_ids: Collection[int]) -> dict[int, Receipt]:
    """The read receipts of these feedbacks (a feedback without one: not read yet)."""
    if not feedback_ids:
        return {}
    rows = session.execute(
        select(_reads.c.feedback_id, _reads.c.read_at, _reads.c.via).where(
            _reads.c.feedback_id.in_(list(feedback_ids))
        )
    ).all()
    return {row.feedback_id: Receipt(as_utc(row.read_at), ReadVia(row.via)) for row in rows}


def unread_latest() -> ColumnElement[bool]:
    """The condition "the submission's latest version's feedback is not read" over
    ``submission`` (the tutor queue's filter, ``feedback.queue_sql``): one lookup on
    ``ix_feedback_read_version`` per submission."""
    return ~(
        select(_reads.c.id)
        .where(and_(_reads.c.submission_id == _s.c.id, _reads.c.version == _s.c.latest_version))
        .exists()
    )

"""What the submission pages ask of the promise (``uploads.promised.PROMISE_DESK``, filled
with :class:`PromiseDesk` by the composition root): the date a submission made now gets,
the promise recorded with a new version, and the dates of a learner's versions.

A new version's promise is made in the upload's transaction (never committed here), with
the rule's inputs kept beside the date (how many waited, the capacity stated) so that a
date can be explained later. An earlier version's promise that is still open is
superseded then: the tutors now owe feedback on the new version, and the old date is
neither kept nor missed.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, select, update
from sqlmodel import Session

from feedback.promises.load import load_columns, queue_load
from feedback.promises.models import FeedbackPromise, PromiseEvent, PromiseEventKind, PromiseState
from feedback.promises.rule import day_end, promised_day
from kurswerk.core.clock import as_utc, local_date
from uploads.models import Submission, SubmissionVersion
from uploads.service import PromisedDate

_p = FeedbackPromise.__table__  # type: ignore[attr-defined]
_e = PromiseEvent.__table__  # type: ignore[attr-defined]
_v = SubmissionVersion.__table__  # type: ignore[attr-defined]


class PromiseDesk:
    """The promise as the submission pages see it (``uploads.promised.PromiseDesk``)."""

    def quote(
        self,
        db: Session | Connection,
        context_id: int,
        *,
        target_days: int,
        now: datetime,
        replacing: int | None = None,
    ) -> date:
        load = queue_load(db, context_id, excluding=replacing)
        return promised_day(local_date(now), target_days, load.waiting, load.weekly_capacity)

    def quote_columns(self) -> Sequence[Any]:
        return load_columns()

    def quote_from(self, values: Mapping[Any, Any], *, target_days: int, now: datetime) -> date:
        waiting, capacity = int(values["promise_waiting"]), int(values["promise_capacity"])
        return promised_day(local_date(now), target_days, waiting, capacity)

    def record(
        self,
        session: Session,
        submission: Submission,
        version: SubmissionVersion,
        *,
        target_days: int,
        now: datetime,
    ) -> date:
        assert submission.id is not None and version.id is not None
        now = as_utc(now)
        supersede_open(session, submission.id, now)
        load = queue_load(session, submission.context_id, excluding=submission.id)
        due = promised_day(local_date(now), target_days, load.waiting, load.weekly_capacity)
        promise = FeedbackPromise(
            context_id=submission.context_id,
            submission_id=submission.id,
            submission_version_id=version.id,
            due_on=due,
            due_at=day_end(due),
            first_due_on=due,
            target_days=target_days,
            waiting=load.waiting,
            weekly_capacity=load.weekly_capacity,
            created_at=now,
            updated_at=now,
        )
        session.add(promise)
        session.flush()
        assert promise.id is not None
        session.add(
            PromiseEvent(
                promise_id=promise.id, kind=PromiseEventKind.PROMISED.value, at=now, new_date=due
            )
        )
        session.flush()
        return due

    def dates(
        self, db: Session | Connection, submission_ids: Collection[int]
    ) -> Mapping[tuple[int, int], PromisedDate]:
        if not submission_ids:
            return {}
        rows = db.execute(
            select(
                _p.c.id,
                _p.c.submission_id,
                _v.c.number,
                _p.c.due_on,
                _p.c.first_due_on,
                _p.c.state,
                _p.c.revision,
            )
            .join(_v, _v.c.id == _p.c.submission_version_id)
            .where(_p.c.submission_id.in_(list(submission_ids)))
        ).all()
        moved = [row.id for row in rows if row.revision > 0]
        reasons: dict[int, str] = {}
        if moved:
            for promise_id, reason in db.execute(
                select(_e.c.promise_id, _e.c.reason)
                .where(_e.c.promise_id.in_(moved), _e.c.kind == PromiseEventKind.CHANGED.value)
                .order_by(_e.c.id)
            ).all():
                reasons[promise_id] = reason  # the latest change's reason wins
        return {
            (row.submission_id, row.number): PromisedDate(
                due_on=row.due_on,
                first_due_on=row.first_due_on,
                state=row.state,
                reason=reasons.get(row.id, ""),
            )
            for row in rows
        }


def supersede_open(session: Session, submission_id: int, now: datetime) -> None:
    """The open promise of an earlier version of ``submission_id`` gives way to a new
    version's: recorded as superseded."""
    open_ids = list(
        session.execute(
            select(_p.c.id, _p.c.due_on).where(
                _p.c.submission_id == submission_id, _p.c.state == PromiseState.OPEN.value
            )
        ).all()
    )
    for promise_id, due_on in open_ids:
        changed = session.execute(
            update(_p)
            .where(_p.c.id == promise_id, _p.c.state == PromiseState.OPEN.value)
            .values(state=PromiseState.SUPERSEDED.value, settled_at=now, updated_at=now)
        )
        if changed.rowcount == 1:  # type: ignore[attr-defined]
            session.add(
                PromiseEvent(
                    promise_id=promise_id,
                    kind=PromiseEventKind.SUPERSEDED.value,
                    at=now,
                    old_date=due_on,
                )
            )

"""A promise's outcome, set when its feedback is released (``feedback.release`` calls
:func:`settle` in the release's transaction): *kept* when the release comes before the end
of the date in force (midnight in the course's time zone), else *missed*; with the
releasing tutor and the turnaround in working days from the version's upload day to the
release day (``kurswerk.core.clock``: weekends and the region's holidays do not count).

The outcome is set once (a conditional ``UPDATE ... WHERE state = 'open'``: a repeated
release changes nothing) and counted in ``feedback_promise_tally`` under the LMS course,
the tutor, the month of the release and the turnaround, by one upsert that adds to the
count, so the admins' report reads counts instead of every promise; and in
``feedback_promise_month_tally`` under the LMS course, the tutor and the month, in the
turnaround's column (one more upsert), which the report sums per grain. A version
without a promise (none is made for rows written outside the upload) is released as before.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlmodel import Session, select

from feedback.promises.models import (
    MONTH_TALLY_COUNTS,
    FeedbackPromise,
    PromiseEvent,
    PromiseEventKind,
    PromiseState,
    PromiseTally,
    day_column,
    promise_month_tally,
)
from kurswerk.core.clock import as_utc, local_date, working_days_between
from kurswerk.core.db import upsert

_p = FeedbackPromise.__table__  # type: ignore[attr-defined]
_t = PromiseTally.__table__  # type: ignore[attr-defined]
_m = promise_month_tally


def settle(
    session: Session, *, submission_version_id: int, released_at: datetime, tutor_user_id: int
) -> PromiseState | None:
    """Record the outcome of the version's open promise; returns it (``None``: there was
    no open promise)."""
    promise = session.exec(
        select(FeedbackPromise).where(
            FeedbackPromise.submission_version_id == submission_version_id,
            FeedbackPromise.state == PromiseState.OPEN.value,
        )
    ).first()
    if promise is None or promise.id is None:
        return None
    released_at = as_utc(released_at)
    kept = released_at < as_utc(promise.due_at)
    state = PromiseState.KEPT if kept else PromiseState.MISSED
    turnaround = working_days_between(local_date(promise.created_at), local_date(released_at))
    changed = session.execute(
        update(_p)
        .where(_p.c.id == promise.id, _p.c.state == PromiseState.OPEN.value)
        .values(
            state=state.value,
            settled_at=released_at,
            released_by_user_id=tutor_user_id,
            turnaround_days=turnaround,
            updated_at=released_at,
        )
    )
    if changed.rowcount != 1:  # type: ignore[attr-defined]
        return None  # settled meanwhile by a concurrent release
    session.add(
        PromiseEvent(
            promise_id=promise.id,
            kind=PromiseEventKind(state.value).value,
            actor_user_id=tutor_user_id,
            at=released_at,
            old_date=promise.due_on,
        )
    )
    _count(
        session,
        context_id=promise.context_id,
        tutor_user_id=tutor_user_id,
        released_at=released_at,
        turnaround=turnaround,
        kept=kept,
        moved=promise.revision > 0,
    )
    return state


def _count(
    session: Session,
    *,
    context_id: int,
    tutor_user_id: int,
    released_at: datetime,
    turnaround: int,
    kept: bool,
    moved: bool,
) -> None:
    """Add one settled promise to both tallies (one upsert each)."""
    month = local_date(released_at).replace(day=1)
    statement = upsert(session, _t).values(
        context_id=context_id,
        tutor_user_id=tutor_user_id,
        month=month,
        turnaround_days=turnaround,
        kept=int(kept),
        missed=int(not kept),
        moved=int(moved),
    )
    session.execute(
        statement.on_conflict_do_update(
            index_elements=["month", "context_id", "tutor_user_id", "turnaround_days"],
            set_={
                "kept": _t.c.kept + statement.excluded.kept,
                "missed": _t.c.missed + statement.excluded.missed,
                "moved": _t.c.moved + statement.excluded.moved,
            },
        )
    )
    days = day_column(turnaround)
    counts = dict.fromkeys(MONTH_TALLY_COUNTS, 0)
    counts.update(kept=int(kept), missed=int(not kept), moved=int(moved))
    counts[days] = 1
    per_month = upsert(session, _m).values(
        context_id=context_id, tutor_user_id=tutor_user_id, month=month, **counts
    )
    session.execute(
        per_month.on_conflict_do_update(
            index_elements=["month", "context_id", "tutor_user_id"],
            set_={
                name: _m.c[name] + per_month.excluded[name]
                for name in ("kept", "missed", "moved", days)
            },
        )
    )

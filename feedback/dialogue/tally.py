"""Counting the dialogue for the admins' report (``feedback_dialogue_tally``): each write
that changes a figure adds to its LMS course's, tutor's and month's counts in the same
transaction, by one ``INSERT ... ON CONFLICT (month, context_id, tutor_user_id) DO
UPDATE SET n = n + :delta`` (``kurswerk.core.db.upsert``). Two writes at once each add
their own delta under the row's lock (PostgreSQL) or one after the other (SQLite), so no
count is lost; the callers count only what they wrote (the winner of a conditional
insert or update), so nothing is counted twice.

What is counted where (``feedback.dialogue.figures`` computes the same from the rows):

* a release (``feedback.release``): ``released``, in the month of the release;
* a first reading (``receipts.record_reads``): ``read``, under the feedback's release;
* a question (``followups.ask``): ``asked``, in the month it is asked;
* its answer (``followups.answer``): ``answered`` (and ``answered_on_time`` before its
  promised day ended), in the month the question was asked;
* a rating (``ratings.rate``): ``rated_<score>`` under the feedback's release; a changed
  rating takes one from the old score and adds one to the new.

The LMS course is the submission's, the tutor the one who released the feedback, the
month the calendar month in the course's time zone (``KURSWERK_COURSE_TIMEZONE``).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import literal
from sqlmodel import Session

from feedback.dialogue.models import TALLY_COUNTS, DialogueTally
from kurswerk.core.clock import local_date
from kurswerk.core.db import upsert

_t = DialogueTally.__table__  # type: ignore[attr-defined]


def month_of(moment: datetime) -> date:
    """The first day of the month ``moment`` falls in, in the course's time zone."""
    return local_date(moment).replace(day=1)


def add(
    session: Session, *, context_id: int, tutor_user_id: int, month: date, **deltas: int
) -> None:
    """Add ``deltas`` (counter name: a whole number, negative to take away) to one row."""
    unknown = set(deltas) - set(TALLY_COUNTS)
    if unknown:
        raise ValueError(f"not a tally count: {sorted(unknown)}")
    changed = {name: delta for name, delta in deltas.items() if delta}
    if not changed:
        return
    statement = upsert(session, _t).values(
        context_id=context_id,
        tutor_user_id=tutor_user_id,
        month=month,
        **{name: max(0, changed.get(name, 0)) for name in TALLY_COUNTS},
    )
    session.execute(
        statement.on_conflict_do_update(
            index_elements=["month", "context_id", "tutor_user_id"],
            set_={name: _t.c[name] + literal(delta) for name, delta in changed.items()},
        )
    )


def count_release(
    session: Session, *, context_id: int, tutor_user_id: int, released_at: datetime
) -> None:
    add(
        session,
        context_id=context_id,
        tutor_user_id=tutor_user_id,
        month=month_of(released_at),
        released=1,
    )


def count_reads(session: Session, *, context_id: int, released: list[tuple[int, datetime]]) -> None:
    """Feedback read for the first time: (tutor, release moment) of each."""
    months: dict[tuple[int, date], int] = {}
    for tutor_user_id, released_at in released:
        key = (tutor_user_id, month_of(released_at))
        months[key] = months.get(key, 0) + 1
    for (tutor_user_id, month), n in sorted(months.items()):
        add(session, context_id=context_id, tutor_user_id=tutor_user_id, month=month, read=n)


def count_question(
    session: Session, *, context_id: int, tutor_user_id: int, asked_at: datetime
) -> None:
    add(
        session,
        context_id=context_id,
        tutor_user_id=tutor_user_id,
        month=month_of(asked_at),
        asked=1,
    )


def count_answer(
    session: Session,
    *,
    context_id: int,
    tutor_user_id: int,
    asked_at: datetime,
    on_time: bool,
) -> None:
    add(
        session,
        context_id=context_id,
        tutor_user_id=tutor_user_id,
        month=month_of(asked_at),
        answered=1,
        answered_on_time=int(on_time),
    )


def count_rating(
    session: Session,
    *,
    context_id: int,
    tutor_user_id: int,
    released_at: datetime,
    score: int,
    old_score: int | None = None,
) -> None:
    """A new rating (``old_score`` None) or a changed one (from ``old_score``)."""
    if score == old_score:
        return
    deltas = {f"rated_{score}": 1}
    if old_score is not None:
        deltas[f"rated_{old_score}"] = -1
    add(
        session,
        context_id=context_id,
        tutor_user_id=tutor_user_id,
        month=month_of(released_at),
        **deltas,
    )

"""The promised feedback date, as the submission pages show it and the upload stores it.

The date comes from the feedback room (``feedback.promises``): it depends on the tutors'
stated weekly capacity and is kept, with every change and its outcome, in feedback's
tables. ``uploads`` lies below ``feedback`` and may not import it, so it declares what it
needs here, typed with its own types, as one slot (:data:`PROMISE_DESK`); the composition
root fills it with feedback's desk. Why a slot and not the calculation moved down here:
the calculation itself is a few lines, but its inputs (the tutors' capacity) and its
record (the promise, its history, the report) are feedback's; moving them into uploads
would put the tutors' working rules into the learners' room.

What the pages ask:

* :meth:`PromiseDesk.quote` - the date a submission made now would get (the upload
  panel on the exercise page, the form at the end of the lesson);
* :meth:`PromiseDesk.record` - the date for a version just recorded, stored with it in
  the upload's transaction (the receipt page and email show it);
* :meth:`PromiseDesk.dates` - the dates in force of a learner's versions (their list,
  a submission's page, a receipt), as stored: a page never recomputes one.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol

from sqlalchemy import Connection
from sqlmodel import Session

from kurswerk.core.extensions import Slot, extensions
from uploads.models import Submission, SubmissionVersion


@dataclass(frozen=True)
class PromisedDate:
    """A version's promised feedback date as the learner reads it."""

    due_on: date  # the date in force
    first_due_on: date  # as promised when the version was submitted
    state: str  # open, kept, missed, superseded (feedback.promises.models.PromiseState)
    reason: str = ""  # why the latest new date was announced ("" if never)

    @property
    def moved(self) -> bool:
        return self.due_on != self.first_due_on or bool(self.reason)


class PromiseDesk(Protocol):
    def quote(
        self,
        db: Session | Connection,
        context_id: int,
        *,
        target_days: int,
        now: datetime,
        replacing: int | None = None,
    ) -> date:
        """The date promised to a submission made ``now`` in this LMS course, for a
        target of ``target_days`` working days (``KURSWERK_FEEDBACK_TARGET_DAYS``);
        ``replacing``: the learner's submission a new version would go to (it is not
        counted as waiting ahead of itself, as :meth:`record` does not count it)."""
        ...

    def quote_columns(self) -> Sequence[Any]:
        """What :meth:`quote` reads, as labelled scalar subqueries on the bind parameter
        ``context_id``, for a page that reads them in its own statement (the package
        panel at the end of the lesson page: one query instead of two)."""
        ...

    def quote_from(self, values: Mapping[Any, Any], *, target_days: int, now: datetime) -> date:
        """:meth:`quote`'s date from the values of :meth:`quote_columns`, by label."""
        ...

    def record(
        self,
        session: Session,
        submission: Submission,
        version: SubmissionVersion,
        *,
        target_days: int,
        now: datetime,
    ) -> date:
        """Promise a date for ``version`` (just flushed) in the caller's transaction; an
        earlier version's open promise is superseded. Returns the date."""
        ...

    def dates(
        self, db: Session | Connection, submission_ids: Collection[int]
    ) -> Mapping[tuple[int, int], PromisedDate]:
        """The promised dates of these submissions' versions, by (submission id, version
        number); a version without a promise is missing."""
        ...


PROMISE_DESK: Slot[PromiseDesk] = Slot("promise desk")
"""Feedback's promise desk (``feedback.promises.desk``), filled by the composition root."""


def quote(
    db: Session | Connection,
    context_id: int,
    target_days: int,
    now: datetime,
    replacing: int | None = None,
) -> date:
    """The date a submission made ``now`` would be promised (what the forms show);
    ``replacing``: the submission a new version would go to, if the learner has one."""
    return extensions.get(PROMISE_DESK).quote(
        db, context_id, target_days=target_days, now=now, replacing=replacing
    )


def desk() -> PromiseDesk:
    """The promise desk the composition root filled in."""
    return extensions.get(PROMISE_DESK)


def promised_dates(
    db: Session | Connection, submission_ids: Collection[int]
) -> Mapping[tuple[int, int], PromisedDate]:
    """The stored promised dates of these submissions' versions (see
    :meth:`PromiseDesk.dates`)."""
    return extensions.get(PROMISE_DESK).dates(db, submission_ids)

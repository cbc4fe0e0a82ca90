"""Tables of the feedback promise (issue 14, "The promised date" and "Before a promise
slips"): one promise per submission version with its date in force, every event in its
life, the tutors' stated weekly capacity, and the settled promises counted for the report.

* ``feedback_promise``: the date promised to the learner for one submission version
  (``due_on``; ``due_at`` is the end of that day in the course's time zone, in UTC),
  what it was first (``first_due_on``), the inputs of the rule when it was made
  (``target_days``, ``waiting``, ``weekly_capacity``), its ``revision`` (one more with each
  new date), the warning to the course's staff (``warned_at``, cleared by a new date) and
  its outcome (``state``: open, kept, missed, superseded by a newer version), with the
  releasing tutor and the turnaround in working days once settled.
* ``feedback_promise_event``: who did what when: promised, changed (old and new date,
  reason), warned, kept, missed, superseded.
* ``tutor_capacity``: how many feedbacks a week a tutor says they can write in an LMS
  course.
* ``feedback_promise_tally``: settled promises counted by LMS course, tutor, month of
  release and turnaround (working days), written in the release's transaction, so the
  admins' report reads a few thousand counts instead of every promise
  (``feedback.promises.report``).
* ``feedback_promise_month_tally``: the same counts per LMS course, tutor and month of
  release, with the turnarounds as one column per working day (``days_0`` to
  ``days_<MAX_TALLIED_DAYS>``, longer ones in ``days_over``), so the report sums a few
  hundred rows per grain in SQL; written by the same upsert's transaction.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    Table,
    Text,
    UniqueConstraint,
)
from sqlmodel import Field, SQLModel

from kurswerk.core.db import timestamp_column, timestamp_now, timestamp_or_none
from kurswerk.core.i18n import N_


class PromiseState(enum.StrEnum):
    OPEN = "open"
    KEPT = "kept"  # released by the end of the day in force
    MISSED = "missed"  # released later
    SUPERSEDED = "superseded"  # a newer version came before any release

    @property
    def label(self) -> str:
        """The outcome's name (a message id: translate it where shown)."""
        return _STATE_LABELS[self]


_STATE_LABELS = {
    PromiseState.OPEN: N_("offen"),
    PromiseState.KEPT: N_("eingehalten"),
    PromiseState.MISSED: N_("verpasst"),
    PromiseState.SUPERSEDED: N_("durch neue Fassung ersetzt"),
}


class PromiseEventKind(enum.StrEnum):
    PROMISED = "promised"
    CHANGED = "changed"
    WARNED = "warned"
    KEPT = "kept"
    MISSED = "missed"
    SUPERSEDED = "superseded"

    @property
    def label(self) -> str:
        """What happened (a message id)."""
        return _EVENT_LABELS[self]


_EVENT_LABELS = {
    PromiseEventKind.PROMISED: N_("zugesagt"),
    PromiseEventKind.CHANGED: N_("neues Datum angekündigt"),
    PromiseEventKind.WARNED: N_("Tutor:innen und Administrator:innen gewarnt"),
    PromiseEventKind.KEPT: N_("eingehalten"),
    PromiseEventKind.MISSED: N_("verpasst"),
    PromiseEventKind.SUPERSEDED: N_("durch neue Fassung ersetzt"),
}

_STATES = ", ".join(f"'{s.value}'" for s in PromiseState)
_KINDS = ", ".join(f"'{k.value}'" for k in PromiseEventKind)


class FeedbackPromise(SQLModel, table=True):
    """The feedback date promised for one submission version."""

    __tablename__ = "feedback_promise"
    __table_args__ = (
        UniqueConstraint("submission_version_id"),
        CheckConstraint(f"state IN ({_STATES})", name="state"),
        CheckConstraint("revision >= 0", name="revision"),
        # The warning job and the report's "at risk": open promises by the end of their day.
        Index("ix_feedback_promise_due", "state", "due_at"),
        Index("ix_feedback_promise_context_due", "context_id", "state", "due_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    context_id: int = Field(foreign_key="lms_context.id", ondelete="CASCADE")
    submission_id: int = Field(foreign_key="submission.id", index=True, ondelete="CASCADE")
    submission_version_id: int = Field(foreign_key="submission_version.id", ondelete="CASCADE")
    due_on: date
    due_at: datetime = Field(sa_column=timestamp_column())
    first_due_on: date
    target_days: int
    waiting: int = 0
    weekly_capacity: int = 0
    revision: int = 0
    state: str = Field(default=PromiseState.OPEN.value, max_length=16)
    warned_at: datetime | None = timestamp_or_none()
    settled_at: datetime | None = timestamp_or_none()
    released_by_user_id: int | None = Field(
        default=None, foreign_key="lti_user.id", ondelete="SET NULL"
    )
    turnaround_days: int | None = None
    created_at: datetime = timestamp_now()
    updated_at: datetime = timestamp_now()


class PromiseEvent(SQLModel, table=True):
    """One step in a promise's life: who (``None``: Kurswerk itself), when, the date before
    and after, and why."""

    __tablename__ = "feedback_promise_event"
    __table_args__ = (CheckConstraint(f"kind IN ({_KINDS})", name="kind"),)

    id: int | None = Field(default=None, primary_key=True)
    promise_id: int = Field(foreign_key="feedback_promise.id", index=True, ondelete="CASCADE")
    kind: str = Field(max_length=16)
    actor_user_id: int | None = Field(default=None, foreign_key="lti_user.id", ondelete="SET NULL")
    at: datetime = timestamp_now()
    old_date: date | None = None
    new_date: date | None = None
    reason: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))


MAX_WEEKLY_CAPACITY = 500


class TutorCapacity(SQLModel, table=True):
    """How many feedbacks a week a tutor says they can write in one LMS course."""

    __tablename__ = "tutor_capacity"
    __table_args__ = (
        UniqueConstraint("user_id", "context_id"),
        CheckConstraint(f"per_week BETWEEN 0 AND {MAX_WEEKLY_CAPACITY}", name="per_week"),
    )

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="lti_user.id", ondelete="CASCADE")
    context_id: int = Field(foreign_key="lms_context.id", index=True, ondelete="CASCADE")
    per_week: int
    updated_at: datetime = timestamp_now()


class PromiseTally(SQLModel, table=True):
    """Settled promises of one LMS course, released by one tutor in one month (course time
    zone; ``month`` is its first day), ``turnaround_days`` working days after submission."""

    __tablename__ = "feedback_promise_tally"
    __table_args__ = (
        UniqueConstraint("month", "context_id", "tutor_user_id", "turnaround_days"),
        CheckConstraint("kept >= 0 AND missed >= 0 AND moved >= 0", name="counts"),
        # The report's grouped reads take every count from the index alone (no row visits).
        Index(
            "ix_feedback_promise_tally_report",
            "month",
            "context_id",
            "tutor_user_id",
            "turnaround_days",
            "kept",
            "missed",
            "moved",
        ),  # fmt: skip
    )

    id: int | None = Field(default=None, primary_key=True)
    context_id: int = Field(foreign_key="lms_context.id", index=True, ondelete="CASCADE")
    tutor_user_id: int = Field(foreign_key="lti_user.id", index=True, ondelete="CASCADE")
    month: date
    turnaround_days: int
    kept: int = 0
    missed: int = 0
    moved: int = 0  # of these, how many had a new date announced


MAX_TALLIED_DAYS = 20
"""The longest turnaround (working days) with its own column in the month tally."""
DAY_COLUMNS: tuple[str, ...] = tuple(f"days_{n}" for n in range(MAX_TALLIED_DAYS + 1))
MONTH_TALLY_COUNTS: tuple[str, ...] = ("kept", "missed", "moved", *DAY_COLUMNS, "days_over")


def day_column(turnaround_days: int) -> str:
    """The month tally's column that counts a turnaround of that many working days."""
    return DAY_COLUMNS[turnaround_days] if turnaround_days <= MAX_TALLIED_DAYS else "days_over"


promise_month_tally = Table(
    "feedback_promise_month_tally",
    SQLModel.metadata,
    Column("id", Integer, primary_key=True),
    Column(
        "context_id",
        Integer,
        ForeignKey("lms_context.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column(
        "tutor_user_id",
        Integer,
        ForeignKey("lti_user.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column("month", Date, nullable=False),
    *(Column(name, Integer, nullable=False, default=0) for name in MONTH_TALLY_COUNTS),
    UniqueConstraint("month", "context_id", "tutor_user_id"),
    CheckConstraint(" AND ".join(f"{n} >= 0" for n in MONTH_TALLY_COUNTS), name="counts"),
)
"""Settled promises of one LMS course, released by one tutor in one month (course time
zone; ``month`` is its first day): kept, missed, moved (as ``PromiseTally``) and how many
took ``n`` working days (``days_<n>``; more than :data:`MAX_TALLIED_DAYS`:
``days_over``). The report sums these per LMS course, tutor and month; only where a
group has a turnaround in ``days_over`` does it read ``feedback_promise_tally`` for the
exact percentiles."""

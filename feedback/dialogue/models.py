"""Tables of the dialogue after feedback: when the learner first read a released feedback,
their one follow-up question about it (and its answer), and how helpful they found it.

Each row belongs to one released feedback (``feedback_id``, unique): a second read, a
second question or a second rating of the same feedback meets the unique constraint, so
two requests at once cannot both write one (the writers use ``INSERT ... ON CONFLICT``).

``feedback_dialogue_tally`` counts them for the admins' report per LMS course, tutor and
month (``feedback.dialogue.tally``), written in the transaction of each write it counts.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import CheckConstraint, Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from kurswerk.core.db import timestamp_column, timestamp_now, timestamp_or_none


def _text() -> Column:
    return Column(Text, nullable=False, default="")


class ReadVia(enum.StrEnum):
    """How the learner opened the feedback the first time."""

    TOOL = "tool"  # the feedback page in Kurswerk (from the LMS)
    EMAIL_LINK = "email_link"  # the link in the feedback email, outside the LMS


class FeedbackRead(SQLModel, table=True):
    """The first time the learner opened a released feedback (the read receipt).

    ``submission_id`` and ``version`` repeat the feedback's submission and version number,
    so the tutor queue's filter "released, not read" is one index lookup per submission
    (``ix_feedback_read_version``: the read of its latest version's feedback)."""

    __tablename__ = "feedback_read"
    __table_args__ = (
        CheckConstraint("via IN ('tool', 'email_link')", name="via"),
        Index("ix_feedback_read_version", "submission_id", "version"),
    )

    id: int | None = Field(default=None, primary_key=True)
    feedback_id: int = Field(foreign_key="feedback.id", unique=True, ondelete="CASCADE")
    submission_id: int = Field(foreign_key="submission.id", ondelete="CASCADE")
    version: int
    learner_user_id: int = Field(foreign_key="lti_user.id", index=True, ondelete="CASCADE")
    via: str = Field(default=ReadVia.TOOL.value, max_length=16)
    read_at: datetime = timestamp_now()


class FollowUpQuestion(SQLModel, table=True):
    """The learner's one question about one released feedback, and its answer.

    ``tutor_user_id`` is whom it went to: the tutor who wrote the feedback, or ``None``
    when they were no longer staff of the LMS course when it was asked (then it went to
    the course's tutors). ``answer_due_at`` is the end of the promised day in the course's
    time zone (``KURSWERK_FOLLOWUP_ANSWER_DAYS`` working days after the day it was asked):
    an answer before it is on time. The answer is written once (a conditional UPDATE:
    two answers at once, one wins)."""

    __tablename__ = "feedback_question"
    __table_args__ = (
        CheckConstraint("(answered_at IS NULL) = (answer_markdown = '')", name="answered"),
        # The queue's list of open questions of a course, oldest first.
        Index("ix_feedback_question_queue", "context_id", "answered_at", "asked_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    feedback_id: int = Field(foreign_key="feedback.id", unique=True, ondelete="CASCADE")
    submission_id: int = Field(foreign_key="submission.id", index=True, ondelete="CASCADE")
    context_id: int = Field(foreign_key="lms_context.id", ondelete="CASCADE")
    learner_user_id: int = Field(foreign_key="lti_user.id", index=True, ondelete="CASCADE")
    tutor_user_id: int | None = Field(
        default=None, foreign_key="lti_user.id", index=True, ondelete="SET NULL"
    )
    body_markdown: str = Field(default="", sa_column=_text())
    asked_at: datetime = timestamp_now()
    answer_due_at: datetime = Field(sa_column=timestamp_column())
    answer_markdown: str = Field(default="", sa_column=_text())
    answered_by_user_id: int | None = Field(
        default=None, foreign_key="lti_user.id", index=True, ondelete="SET NULL"
    )
    answered_at: datetime | None = timestamp_or_none()


class FeedbackRating(SQLModel, table=True):
    """How helpful the learner found a released feedback: 1 (not at all) to 5 (very), and
    an optional comment. One per feedback; the learner may change it (an upsert)."""

    __tablename__ = "feedback_rating"
    __table_args__ = (CheckConstraint("score BETWEEN 1 AND 5", name="score"),)

    id: int | None = Field(default=None, primary_key=True)
    feedback_id: int = Field(foreign_key="feedback.id", unique=True, ondelete="CASCADE")
    learner_user_id: int = Field(foreign_key="lti_user.id", index=True, ondelete="CASCADE")
    score: int
    comment: str = Field(default="", sa_column=_text())
    created_at: datetime = timestamp_now()
    updated_at: datetime = timestamp_now()


TALLY_COUNTS = (
    "released", "read", "asked", "answered", "answered_on_time",
    "rated_1", "rated_2", "rated_3", "rated_4", "rated_5",
)  # fmt: skip
"""The tally's counters (``rated_<n>``: ratings with score n, ``ratings.SCORES``)."""


class DialogueTally(SQLModel, table=True):
    """What happened after the feedback of one LMS course released by one tutor, in one
    month (the course's time zone; ``month`` is its first day):

    * ``released``, ``read``, ``rated_1`` to ``rated_5``: feedback *released* in the month,
      how much of it its learner has opened, how it is rated now (a changed rating moves
      from one score to the other);
    * ``asked``, ``answered``, ``answered_on_time``: follow-up questions *asked* in the
      month about that tutor's feedback, how many are answered, how many of those before
      their promised day ended.

    Written by the use cases in the transaction of the write they count, by one upsert
    that adds to the counts (``feedback.dialogue.tally``), so the admins' report reads a
    few hundred rows instead of every feedback. Open questions are read from
    ``feedback_question`` itself (whether one is overdue depends on the moment asked)."""

    __tablename__ = "feedback_dialogue_tally"
    __table_args__ = (
        UniqueConstraint("month", "context_id", "tutor_user_id"),
        CheckConstraint(" AND ".join(f"{name} >= 0" for name in TALLY_COUNTS), name="counts"),
    )

    id: int | None = Field(default=None, primary_key=True)
    context_id: int = Field(foreign_key="lms_context.id", index=True, ondelete="CASCADE")
    tutor_user_id: int = Field(foreign_key="lti_user.id", index=True, ondelete="CASCADE")
    month: date
    released: int = 0
    read: int = 0
    asked: int = 0
    answered: int = 0
    answered_on_time: int = 0
    rated_1: int = 0
    rated_2: int = 0
    rated_3: int = 0
    rated_4: int = 0
    rated_5: int = 0

"""Ratings in aggregate, for the pages of tutors and admins (issue 14, "Was it helpful?").

A tutor sees their own: how many ratings, the average, and how many of each score. An
admin sees the same per tutor and per exercise of the LMS course, and the newest
comments (without the learners' names). "A tutor's" ratings are those of the feedback
they released (``feedback.tutor_user_id``).

Each summary is one grouped query (score counts per group) over the LMS course's ratings.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlmodel import Session

from course.models import Exercise, Lesson
from feedback.claims import display_name
from feedback.dialogue.models import FeedbackRating
from feedback.dialogue.ratings import SCORES
from feedback.models import Feedback
from kurswerk.core.clock import as_utc
from lti.models import PlatformUser
from uploads.models import Submission

_r = FeedbackRating.__table__  # type: ignore[attr-defined]
_f = Feedback.__table__  # type: ignore[attr-defined]
_s = Submission.__table__  # type: ignore[attr-defined]
_u = PlatformUser.__table__  # type: ignore[attr-defined]
_e = Exercise.__table__  # type: ignore[attr-defined]
_l = Lesson.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class RatingSummary:
    """How many ratings gave each score: ``distribution[0]`` is score 1."""

    distribution: tuple[int, ...] = (0,) * len(SCORES)

    @property
    def count(self) -> int:
        return sum(self.distribution)

    @property
    def total(self) -> int:
        return sum(score * n for score, n in zip(SCORES, self.distribution, strict=True))

    @property
    def average(self) -> float | None:
        return self.total / self.count if self.count else None

    def share(self, score: int) -> float:
        """The part of the ratings that gave ``score`` (0 to 1)."""
        return self.distribution[score - 1] / self.count if self.count else 0.0

    def plus(self, score: int, n: int) -> RatingSummary:
        counts = list(self.distribution)
        counts[score - 1] += n
        return RatingSummary(tuple(counts))

    def __add__(self, other: RatingSummary) -> RatingSummary:
        pairs = zip(self.distribution, other.distribution, strict=True)
        return RatingSummary(tuple(a + b for a, b in pairs))


@dataclass(frozen=True)
class GroupSummary:
    """A tutor's or an exercise's ratings: ``key`` is its id, ``name`` what a page shows."""

    key: int
    name: str
    summary: RatingSummary


def _of_course(context_id: int, *columns: Any) -> Any:
    return (
        select(*columns, _r.c.score, func.count().label("n"))
        .select_from(
            _r.join(_f, _f.c.id == _r.c.feedback_id).join(_s, _s.c.id == _f.c.submission_id)
        )
        .where(_s.c.context_id == context_id)
    )


def tutor_summary(session: Session, context_id: int, tutor_user_id: int) -> RatingSummary:
    """The ratings of the feedback ``tutor_user_id`` released in the LMS course."""
    rows = session.execute(
        _of_course(context_id).where(_f.c.tutor_user_id == tutor_user_id).group_by(_r.c.score)
    ).all()
    summary = RatingSummary()
    for row in rows:
        summary = summary.plus(row.score, row.n)
    return summary


def _grouped(rows: Any, name_of: Any) -> list[GroupSummary]:
    found: dict[int, tuple[str, RatingSummary]] = {}
    for row in rows:
        name, summary = found.get(row.key, (name_of(row), RatingSummary()))
        found[row.key] = (name, summary.plus(row.score, row.n))
    return [GroupSummary(key, name, summary) for key, (name, summary) in found.items()]


def by_tutor(session: Session, context_id: int) -> list[GroupSummary]:
    """Per tutor of the LMS course who released rated feedback, ordered by name."""
    key = _f.c.tutor_user_id.label("key")
    rows = session.execute(
        _of_course(context_id, key, _u.c.name)
        .join(_u, _u.c.id == _f.c.tutor_user_id)
        .group_by(_f.c.tutor_user_id, _u.c.name, _r.c.score)
    ).all()
    groups = _grouped(rows, lambda row: display_name(row.name, row.key))
    return sorted(groups, key=lambda group: (group.name.casefold(), group.key))


def by_exercise(session: Session, context_id: int) -> list[GroupSummary]:
    """Per exercise with rated feedback, in the course's order."""
    key = _e.c.id.label("key")
    rows = session.execute(
        _of_course(context_id, key, _e.c.title, _l.c.position, _e.c.position.label("at"))
        .join(_e, _e.c.id == _s.c.exercise_id)
        .join(_l, _l.c.id == _e.c.lesson_id)
        .group_by(_e.c.id, _e.c.title, _l.c.position, _e.c.position, _r.c.score)
        .order_by(_l.c.position, _e.c.position, _e.c.id)
    ).all()
    return _grouped(rows, lambda row: row.title)


@dataclass(frozen=True)
class RatingComment:
    """A learner's comment with its rating, for admins (without the learner's name)."""

    score: int
    comment: str
    rated_at: datetime
    tutor_name: str
    exercise_title: str


def recent_comments(session: Session, context_id: int, *, limit: int = 50) -> list[RatingComment]:
    """The newest ratings of the LMS course that carry a comment, newest first."""
    rows = session.execute(
        select(
            _r.c.score,
            _r.c.comment,
            _r.c.updated_at,
            _f.c.tutor_user_id,
            _u.c.name,
            _e.c.title,
        )
        .select_from(
            _r.join(_f, _f.c.id == _r.c.feedback_id)
            .join(_s, _s.c.id == _f.c.submission_id)
            .join(_e, _e.c.id == _s.c.exercise_id)
            .join(_u, _u.c.id == _f.c.tutor_user_id)
        )
        .where(_s.c.context_id == context_id, _r.c.comment != "")
        .order_by(_r.c.updated_at.desc(), _r.c.id.desc())
        .limit(limit)
    ).all()
    return [
        RatingComment(
            score=row.score,
            comment=row.comment,
            rated_at=as_utc(row.updated_at),
            tutor_name=display_name(row.name, row.tutor_user_id),
            exercise_title=row.title,
        )
        for row in rows
    ]

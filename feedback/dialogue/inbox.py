"""The open follow-up questions a tutor or admin sees above the queue, oldest first, each
with its promised answer day (issue 14: "appears in their queue with its own promised
answer time").

A tutor sees the questions about their own feedback and those that went to all of the
course's tutors (their author gone); an admin sees every open question of the LMS course.
The oldest :data:`LIMIT` are listed (each row's dates cost the page's time), with how
many are open and overdue in all: two queries on ``ix_feedback_question_queue`` (the
course's unanswered questions in the order asked).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import case, func, or_, select
from sqlmodel import Session

from course.models import Exercise
from feedback.claims import display_name
from feedback.dialogue.deadlines import due_day
from feedback.dialogue.models import FollowUpQuestion
from feedback.models import Feedback
from kurswerk.core.auth import Principal, Role
from kurswerk.core.clock import as_utc
from lti.models import PlatformUser
from uploads.models import Submission, SubmissionVersion

LIMIT = 10

_q = FollowUpQuestion.__table__  # type: ignore[attr-defined]
_f = Feedback.__table__  # type: ignore[attr-defined]
_s = Submission.__table__  # type: ignore[attr-defined]
_v = SubmissionVersion.__table__  # type: ignore[attr-defined]
_e = Exercise.__table__  # type: ignore[attr-defined]
_learner = PlatformUser.__table__.alias("learner")  # type: ignore[attr-defined]
_tutor = PlatformUser.__table__.alias("tutor")  # type: ignore[attr-defined]


@dataclass(frozen=True)
class OpenQuestion:
    feedback_id: int
    submission_id: int
    learner_name: str
    exercise_title: str
    version: int
    asked_at: datetime
    answer_due_on: date
    overdue: bool
    addressee: str | None  # the tutor it went to; None: the course's tutors
    mine: bool  # it went to the tutor looking


@dataclass(frozen=True)
class OpenQuestions:
    rows: tuple[OpenQuestion, ...]  # the oldest open ones
    total: int  # how many are open
    overdue: int  # how many of them are past their promised day
    everyone: bool  # an admin's view: every open question of the LMS course

    @property
    def more(self) -> bool:
        return self.total > len(self.rows)


def open_questions(
    session: Session, principal: Principal, *, now: datetime, limit: int = LIMIT
) -> OpenQuestions:
    everyone = principal.at_least(Role.ADMIN)
    now = as_utc(now)
    open_here = [_q.c.context_id == principal.context_id, _q.c.answered_at.is_(None)]
    if not everyone:
        open_here.append(or_(_q.c.tutor_user_id == principal.user_id, _q.c.tutor_user_id.is_(None)))
    total, overdue = session.execute(
        select(func.count(), func.sum(case((_q.c.answer_due_at <= now, 1), else_=0))).where(
            *open_here
        )
    ).one()
    # The page of questions first (an ordered, limited index range), then what they show:
    # joined before the limit, PostgreSQL would hash-join every submission of the course.
    page = select(_q.c.id, _q.c.asked_at).where(*open_here)
    ids = page.order_by(_q.c.asked_at, _q.c.id).limit(limit).subquery("page")
    query = (
        select(
            _q.c.feedback_id,
            _q.c.submission_id,
            _q.c.asked_at,
            _q.c.answer_due_at,
            _q.c.tutor_user_id,
            _q.c.learner_user_id,
            _learner.c.name.label("learner_name"),
            _tutor.c.name.label("tutor_name"),
            _e.c.title.label("exercise_title"),
            _v.c.number,
        )
        .select_from(
            ids.join(_q, _q.c.id == ids.c.id)
            .join(_f, _f.c.id == _q.c.feedback_id)
            .join(_v, _v.c.id == _f.c.submission_version_id)
            .join(_s, _s.c.id == _q.c.submission_id)
            .join(_e, _e.c.id == _s.c.exercise_id)
            .join(_learner, _learner.c.id == _q.c.learner_user_id)
            .outerjoin(_tutor, _tutor.c.id == _q.c.tutor_user_id)
        )
        .order_by(ids.c.asked_at, ids.c.id)
    )
    rows = session.execute(query).all() if total else []
    return OpenQuestions(
        rows=tuple(
            OpenQuestion(
                feedback_id=row.feedback_id,
                submission_id=row.submission_id,
                learner_name=display_name(row.learner_name, row.learner_user_id),
                exercise_title=row.exercise_title,
                version=row.number,
                asked_at=as_utc(row.asked_at),
                answer_due_on=due_day(row.answer_due_at),
                overdue=now >= as_utc(row.answer_due_at),
                addressee=(
                    display_name(row.tutor_name, row.tutor_user_id)
                    if row.tutor_user_id is not None
                    else None
                ),
                mine=row.tutor_user_id == principal.user_id,
            )
            for row in rows
        ),
        total=total,
        overdue=int(overdue or 0),
        everyone=everyone,
    )

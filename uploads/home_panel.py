"""The learner's submissions on the course home (``course.service.COURSE_HOME_PANELS``):
the latest few with their status and the promised feedback date in force
(``uploads.promised``), each a link to its page, and the way to the whole list.

Two queries, whatever the number: the submissions with their exercise's title, and the
promised dates of their latest versions (feedback's promise desk; a third only when a
date was moved and its reason is read).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import func, over, select
from sqlmodel import Session, col

from course.models import Exercise
from course.service import HomePanel
from kurswerk.core.auth import Principal, Role
from uploads.models import Submission, SubmissionStatus
from uploads.promised import PromisedDate, promised_dates

if TYPE_CHECKING:
    from starlette.requests import Request

SHOWN = 5
"""How many submissions the course home lists (the latest); the list page has them all."""


@dataclass(frozen=True)
class SubmissionLine:
    id: int
    exercise_title: str
    status: SubmissionStatus
    submitted_at: datetime
    promise: PromisedDate | None  # of the latest version


@dataclass(frozen=True)
class LatestSubmissions:
    lines: tuple[SubmissionLine, ...]
    total: int  # all of the learner's submissions in this LMS course


def latest_submissions(session: Session, principal: Principal) -> LatestSubmissions:
    """The learner's latest submissions in their LMS course, newest first."""
    rows = session.execute(
        select(
            col(Submission.id),
            col(Exercise.title),
            col(Submission.status),
            col(Submission.submitted_at),
            col(Submission.latest_version),
            over(func.count()),
        )
        .join(Exercise, col(Exercise.id) == col(Submission.exercise_id))
        .where(
            col(Submission.context_id) == principal.context_id,
            col(Submission.user_id) == principal.user_id,
        )
        .order_by(col(Submission.submitted_at).desc(), col(Submission.id).desc())
        .limit(SHOWN)
    ).all()
    promises = promised_dates(session, [int(row[0]) for row in rows]) if rows else {}
    lines = tuple(
        SubmissionLine(
            id=int(sid),
            exercise_title=title,
            status=SubmissionStatus(status),
            submitted_at=submitted_at,
            promise=promises.get((int(sid), int(version))),
        )
        for sid, title, status, submitted_at, version, _total in rows
    )
    return LatestSubmissions(lines, int(rows[0][5]) if rows else 0)


def submissions_panel(request: Request, session: Session, principal: Principal) -> HomePanel | None:
    """The learner's latest submissions; nothing before their first one, nothing for
    tutors and admins."""
    if principal.role is not Role.LEARNER:
        return None
    latest = latest_submissions(session, principal)
    if not latest.lines:
        return None
    return HomePanel("uploads/home_submissions.html", {"latest": latest})

"""The values of the tutor queue's filters and pages: which statuses, which exercise,
industry and lesson, where a page ends (the keyset cursor), and the filter choices."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from course import service as course_service
from kurswerk.core.clock import as_utc
from kurswerk.core.i18n import N_
from uploads.models import SubmissionStatus


class StatusFilter(enum.StrEnum):
    OPEN = "open"  # eingereicht or in Bearbeitung (the default)
    SUBMITTED = "submitted"
    IN_REVIEW = "in_review"
    RELEASED = "feedback_released"
    UNREAD = "unread"  # released, and the learner has not opened the feedback yet
    ALL = "all"

    @property
    def statuses(self) -> tuple[SubmissionStatus, ...]:
        return {
            StatusFilter.OPEN: (SubmissionStatus.SUBMITTED, SubmissionStatus.IN_REVIEW),
            StatusFilter.SUBMITTED: (SubmissionStatus.SUBMITTED,),
            StatusFilter.IN_REVIEW: (SubmissionStatus.IN_REVIEW,),
            StatusFilter.RELEASED: (SubmissionStatus.FEEDBACK_RELEASED,),
            StatusFilter.UNREAD: (SubmissionStatus.FEEDBACK_RELEASED,),
            StatusFilter.ALL: tuple(SubmissionStatus),
        }[self]

    @property
    def label(self) -> str:
        """The choice's name in the filter (a message id: translate it where it is shown)."""
        return STATUS_FILTER_LABELS[self]


STATUS_FILTER_LABELS = {
    StatusFilter.OPEN: N_("Offen (eingereicht oder in Bearbeitung)"),
    StatusFilter.SUBMITTED: N_("Eingereicht"),
    StatusFilter.IN_REVIEW: N_("In Bearbeitung"),
    StatusFilter.RELEASED: N_("Feedback freigegeben"),
    StatusFilter.UNREAD: N_("Feedback freigegeben, noch nicht gelesen"),
    StatusFilter.ALL: N_("Alle"),
}


class ClaimFilter(enum.StrEnum):
    """Who works on a submission: nobody has claimed it, or the tutor looking."""

    FREE = "free"
    MINE = "mine"

    @property
    def label(self) -> str:
        """The choice's name in the filter (a message id)."""
        return CLAIM_FILTER_LABELS[self]


CLAIM_FILTER_LABELS = {
    ClaimFilter.FREE: N_("Von niemandem übernommen"),
    ClaimFilter.MINE: N_("Von mir übernommen"),
}


class BadCursor(ValueError):
    pass


@dataclass(frozen=True)
class Cursor:
    """Where a page ends: the last row's ``(submitted_at, id)``; in URLs ``<µs>.<id>``."""

    submitted_at: datetime
    submission_id: int

    def encode(self) -> str:
        moment = as_utc(self.submitted_at) - datetime(1970, 1, 1, tzinfo=UTC)
        micros = (moment.days * 86_400 + moment.seconds) * 1_000_000 + moment.microseconds
        return f"{micros}.{self.submission_id}"

    @classmethod
    def decode(cls, value: str) -> Cursor:
        micros, dot, ident = value.partition(".")
        if not (dot and micros.isdigit() and ident.isdigit()) or len(value) > 40:
            raise BadCursor(value)
        try:
            moment = datetime(1970, 1, 1, tzinfo=UTC) + timedelta(microseconds=int(micros))
        except OverflowError as exc:
            raise BadCursor(value) from exc
        return cls(moment, int(ident))


@dataclass(frozen=True)
class QueueFilters:
    status: StatusFilter = StatusFilter.OPEN
    lesson: str | None = None  # lesson slug
    exercise: int | None = None  # exercise id
    industry: str | None = None
    after: Cursor | None = None
    claim: ClaimFilter | None = None
    overdue: bool = False  # only submissions past the feedback target (open ones)

    @property
    def unread(self) -> bool:
        """Only released feedback its learner has not opened yet."""
        return self.status == StatusFilter.UNREAD

    @property
    def statuses(self) -> tuple[SubmissionStatus, ...]:
        """The statuses to list: released feedback has no target, so "overdue" keeps the
        open ones of the status filter."""
        statuses = self.status.statuses
        if self.overdue:
            statuses = tuple(s for s in statuses if s != SubmissionStatus.FEEDBACK_RELEASED)
        return statuses

    def query(self, **changes: Any) -> dict[str, str]:
        """The filters as URL parameters (without defaults), e.g. for the next page."""
        values = {
            "status": self.status.value if self.status != StatusFilter.OPEN else None,
            "lesson": self.lesson,
            "exercise": str(self.exercise) if self.exercise is not None else None,
            "industry": self.industry,
            "after": self.after.encode() if self.after else None,
            "claim": self.claim.value if self.claim else None,
            "overdue": "1" if self.overdue else None,
        }
        values.update(changes)
        return {k: v for k, v in values.items() if v}


@dataclass(frozen=True)
class ExerciseOption:
    id: int
    title: str


@dataclass(frozen=True)
class LessonOption:
    slug: str
    title: str
    exercises: tuple[ExerciseOption, ...]


@dataclass(frozen=True)
class Outline:
    lessons: tuple[LessonOption, ...]  # active lessons and exercises: the filter choices
    exercise_ids: tuple[int, ...]  # every exercise of the course, archived ones too
    industries: course_service.Industries = field(default_factory=course_service.Industries)
    """The course's industries: the active ones are the filter's choices, in this order."""

"""What a review page, a learner's feedback page and the feedback email say about a
submission: who, which course, lesson, exercise and industry (one query)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlmodel import Session

from course import service as course_service
from course.models import Exercise, Lesson
from feedback.claims import display_name
from lti.models import LmsContext, PlatformUser
from uploads.models import Submission

_s = Submission.__table__  # type: ignore[attr-defined]
_e = Exercise.__table__  # type: ignore[attr-defined]
_l = Lesson.__table__  # type: ignore[attr-defined]
_u = PlatformUser.__table__  # type: ignore[attr-defined]
_c = LmsContext.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class SubmissionFacts:
    submission_id: int
    context_id: int
    learner_id: int
    learner_name: str  # a stand-in ("#12") when the LMS withheld the name
    learner_has_name: bool
    learner_email: str | None
    learner_locale: str | None
    course_title: str  # the LMS course's title
    lesson_slug: str
    lesson_title: str
    exercise_slug: str
    exercise_title: str
    industry: str  # an industry of the course, or ""
    industry_names: Mapping[str, str] = field(default_factory=dict, compare=False)
    """The industry's name in each language, as its course declares it."""

    def industry_name(self, locale: str) -> str:
        return course_service.name_in(self.industry_names, self.industry, locale)


def submission_facts(session: Session, submission_id: int) -> SubmissionFacts:
    row = session.execute(
        select(
            _s.c.id,
            _s.c.context_id,
            _s.c.user_id,
            _s.c.industry,
            _u.c.name.label("learner_name"),
            _u.c.email,
            _u.c.locale,
            _c.c.title.label("course_title"),
            _l.c.slug.label("lesson_slug"),
            _l.c.title.label("lesson_title"),
            _l.c.course_id,
            _e.c.slug.label("exercise_slug"),
            _e.c.title.label("exercise_title"),
        )
        .select_from(
            _s.join(_e, _e.c.id == _s.c.exercise_id)
            .join(_l, _l.c.id == _e.c.lesson_id)
            .join(_u, _u.c.id == _s.c.user_id)
            .join(_c, _c.c.id == _s.c.context_id)
        )
        .where(_s.c.id == submission_id)
    ).one()
    return SubmissionFacts(
        submission_id=row.id,
        context_id=row.context_id,
        learner_id=row.user_id,
        learner_name=display_name(row.learner_name, row.user_id),
        learner_has_name=bool(row.learner_name and row.learner_name.strip()),
        learner_email=row.email,
        learner_locale=row.locale,
        course_title=row.course_title or "",
        lesson_slug=row.lesson_slug,
        lesson_title=row.lesson_title,
        exercise_slug=row.exercise_slug,
        exercise_title=row.exercise_title,
        industry=row.industry,
        industry_names=course_service.course_industries(session, row.course_id).names_of(
            row.industry
        ),
    )

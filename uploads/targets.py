"""What a submission is for: an exercise of *this* LMS course's course, in one industry.

The URL names the exercise by its id (DESIGN.md §2 step 3), so every lookup checks that
the exercise belongs to the course the LMS course shows: an id from another course is
"not found", exactly like an id that does not exist.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from sqlmodel import Session, col, select

from course import service as course_service
from course.models import Exercise, ExerciseVariant, Lesson
from kurswerk.core.errors import NotFound
from kurswerk.core.i18n import N_
from kurswerk.core.paths import path_for
from lti.models import LmsContext

NO_INDUSTRY = ""  # an exercise without industry variants is submitted without one


@dataclass(frozen=True)
class SubmissionTarget:
    context_id: int
    course_title: str  # the LMS course's title, else the course's own
    exercise_id: int
    exercise_slug: str
    exercise_title: str
    lesson_slug: str
    lesson_title: str
    industry: str  # an industry of the course, or NO_INDUSTRY
    industry_names: Mapping[str, str] = field(default_factory=dict, compare=False)
    """The industry's name in each language, as its course declares it."""

    @classmethod
    def of(
        cls,
        exercise: Exercise,
        lesson: Lesson,
        *,
        context_id: int,
        course_title: str,
        industry: str,
        industries: course_service.Industries,
    ) -> SubmissionTarget:
        """The target ``exercise`` (of ``lesson``) in ``industry``, named from the
        course's ``industries``."""
        assert exercise.id is not None
        return cls(
            context_id=context_id,
            course_title=course_title,
            exercise_id=exercise.id,
            exercise_slug=exercise.slug,
            exercise_title=exercise.title,
            lesson_slug=lesson.slug,
            lesson_title=lesson.title,
            industry=industry,
            industry_names=industries.names_of(industry),
        )

    def industry_name(self, locale: str) -> str:
        return course_service.name_in(self.industry_names, self.industry, locale)

    @property
    def exercise_path(self) -> str:
        """The exercise page with this industry chosen (without page token)."""
        path = path_for(
            "exercise",
            context=self.context_id,
            slug=self.lesson_slug,
            exercise_slug=self.exercise_slug,
        )
        return f"{path}?industry={self.industry}" if self.industry else path

    @property
    def submit_path(self) -> str:
        return path_for("submission_create", context=self.context_id, exercise_id=self.exercise_id)


def course_title_for(session: Session, context_id: int, fallback: str) -> str:
    context = session.get(LmsContext, context_id)
    return (context.title if context else "") or fallback


def find_target(
    session: Session, context_id: int, exercise_id: int, industry: str
) -> SubmissionTarget:
    """The exercise ``exercise_id`` of this LMS course's course in ``industry``, or
    :class:`NotFound` (no such exercise here, archived, or no variant for the industry)."""
    course = course_service.course_for_context(session, context_id)
    row = session.exec(
        select(Exercise, Lesson)
        .join(Lesson, col(Lesson.id) == col(Exercise.lesson_id))
        .where(
            Exercise.id == exercise_id,
            Lesson.course_id == course.id,
            col(Exercise.archived_at).is_(None),
            col(Lesson.archived_at).is_(None),
        )
    ).first()
    if row is None or course.archived_at is not None:
        raise NotFound(
            N_("Diese Übung gibt es in Ihrem Kurs nicht (mehr)."),
            reason=f"exercise {exercise_id} not here",
        )
    exercise, lesson = row
    industries = exercise_industries(session, exercise_id)
    if (industries or industry) and industry not in industries:
        raise NotFound(
            N_(
                "Für diese Übung gibt es keine Aufgabe in dieser Branche. Bitte wählen "
                "Sie die Branche auf der Seite der Übung."
            ),
            reason=f"industry {industry[:20]!r}",
        )
    return SubmissionTarget.of(
        exercise,
        lesson,
        context_id=context_id,
        course_title=course_title_for(session, context_id, course.title),
        industry=industry,
        industries=course_service.course_industries(session, course.id),
    )


def exercise_industries(session: Session, exercise_id: int) -> list[str]:
    """The exercise's active industries, in content order."""
    rows = session.exec(
        select(ExerciseVariant.industry)
        .where(
            ExerciseVariant.exercise_id == exercise_id,
            col(ExerciseVariant.archived_at).is_(None),
        )
        .order_by(col(ExerciseVariant.position))
    ).all()
    return list(rows)

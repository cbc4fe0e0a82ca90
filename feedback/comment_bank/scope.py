"""Whose comment bank a request reaches: the session's LMS course and the course it shows.

Every rule of the bank starts here. Only tutors and admins of the LMS course have a bank;
for anyone else it does not exist (404, like every staff page of the feedback room). The
course comes from the LMS course's binding, so a snippet written while the LMS course
showed one course never appears after an operator binds it to another.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from course import service as course_service
from feedback.access import is_staff
from feedback.queue_sql import course_outline
from feedback.queue_values import ExerciseOption, Outline
from kurswerk.core.auth import Principal
from kurswerk.core.errors import NOT_FOUND, NotFound
from kurswerk.core.i18n import N_

NO_SUCH_SNIPPET = N_("Diesen Textbaustein gibt es nicht, oder er ist für Sie nicht sichtbar.")
NO_SUCH_EXERCISE = N_("Diese Übung gibt es in diesem Kurs nicht.")


def not_found(reason: str, message: str = NO_SUCH_SNIPPET) -> NotFound:
    """One answer for "does not exist" and "not yours": ids reveal nothing."""
    return NotFound(message, reason=reason)


@dataclass(frozen=True)
class BankScope:
    """The bank of one LMS course: its id, the course it shows (id and language), and
    that course's lessons, exercises and industries."""

    context_id: int
    course_id: int
    course_language: str
    outline: Outline

    @property
    def exercises(self) -> tuple[ExerciseOption, ...]:
        """The active exercises, in the course's order (the forms' choices)."""
        return tuple(ex for lesson in self.outline.lessons for ex in lesson.exercises)

    def exercise_title(self, exercise_id: int | None) -> str | None:
        return next((ex.title for ex in self.exercises if ex.id == exercise_id), None)

    def has_exercise(self, exercise_id: int) -> bool:
        """Any exercise of the course, archived ones too (their submissions remain)."""
        return exercise_id in self.outline.exercise_ids

    def has_industry(self, slug: str) -> bool:
        return slug in self.outline.industries.every

    def require_exercise(self, exercise_id: int) -> int:
        if not self.has_exercise(exercise_id):
            reason = f"exercise {exercise_id} not in context {self.context_id}"
            raise not_found(reason, NO_SUCH_EXERCISE)
        return exercise_id


def bank_scope(session: Session, principal: Principal) -> BankScope:
    """The principal's bank; 404 unless they are a tutor or admin of the LMS course."""
    if not is_staff(principal):
        raise not_found(f"comment bank requested by {principal.role}", NOT_FOUND)
    course = course_service.course_for_context(session, principal.context_id)
    assert course.id is not None
    return BankScope(
        context_id=principal.context_id,
        course_id=course.id,
        course_language=course.language,
        outline=course_outline(session, principal.context_id),
    )

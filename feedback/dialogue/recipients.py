"""Whom a follow-up question goes to: the tutor who wrote the feedback, while they are
still staff of the LMS course; otherwise the course's tutors.

"Staff of the LMS course" is what the course knows of its people
(``lti.service.course_staff``): the role of their latest launch there (tutor or admin),
or, before a first launch, the role the LMS roster (NRPS) listed with an email. A tutor
whose latest launch was as a learner, or who is no member at all, is gone: the question
then goes to every tutor of the course (and, in a course without tutors, to its admins,
so that it is never asked into the void).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from kurswerk.core.auth import Role
from lti import service as lti_service
from lti.models import PlatformUser

STAFF_ROLES = (Role.TUTOR.value, Role.ADMIN.value)


@dataclass(frozen=True)
class Recipient:
    user: PlatformUser
    role: Role  # their role in the LMS course (what the mail's links open as)


@dataclass(frozen=True)
class Addressees:
    tutor_user_id: int | None  # the feedback's author; None: the course's tutors
    recipients: tuple[Recipient, ...]

    @property
    def to_author(self) -> bool:
        return self.tutor_user_id is not None


def addressees(session: Session, context_id: int, author_user_id: int) -> Addressees:
    """Who is told of a question about feedback written by ``author_user_id``."""
    staff = [
        Recipient(user, Role(role))
        for user, role in lti_service.course_staff(session, context_id, STAFF_ROLES)
    ]
    author = next((person for person in staff if person.user.id == author_user_id), None)
    if author is not None:
        return Addressees(author_user_id, (author,))
    tutors = [person for person in staff if person.role is Role.TUTOR]
    admins = [person for person in staff if person.role is Role.ADMIN]
    return Addressees(None, tuple(tutors or admins))

"""Whom and where a coaching grant names: the LMS course (as a page has it; as a script
names it, by issuer and the LMS's course id, is ``coaching.service.find_course``) and the
person (``Grantee``).

A person is named by LMS user (someone who has launched in the course:
``lti.service.course_members``, by user id or by LMS ``sub``) or by email before their
first launch. An email that already belongs to exactly one member is bound to them at
once; otherwise the grant waits, and ``coaching.entitlements`` binds it when a launch
brings that email.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlmodel import Session

from coaching.common import MAX_SUB, parse_email, refuse
from kurswerk.core.errors import NotFound
from kurswerk.core.i18n import N_
from lti import service as lti_service
from lti.models import LmsContext

EMAIL_MISSING = N_("Bitte geben Sie eine E-Mail-Adresse ein.")

BAD_EMAIL = N_("Das ist keine gültige E-Mail-Adresse. Bitte im Format name@beispiel.de.")


def get_course(session: Session, *, platform_id: int, context_id: int) -> LmsContext:
    course = session.get(LmsContext, context_id)
    if course is None or course.platform_id != platform_id:
        raise NotFound(N_("Diesen Kurs gibt es nicht."), reason=f"context {context_id}")
    return course


@dataclass(frozen=True, slots=True)
class Grantee:
    """Whom a grant names: a member (``user_id``), an email, or both (an email grant bound
    to the member who has that email)."""

    user_id: int | None
    email: str | None
    name: str = ""
    sub: str | None = None

    @property
    def label(self) -> str:
        return self.name or self.email or self.sub or "?"

    def describe(self) -> dict[str, Any]:
        return {"user_id": self.user_id, "sub": self.sub, "name": self.name, "email": self.email}


def _from_member(member: lti_service.CourseMember, email: str | None = None) -> Grantee:
    return Grantee(user_id=member.user_id, email=email, name=member.name, sub=member.sub)


def grantee_by_user(session: Session, course: LmsContext, user_id: int) -> Grantee:
    assert course.id is not None
    member = lti_service.course_member(session, course.id, user_id=user_id)
    if member is None:
        raise refuse("member", N_("Diese Person ist kein Mitglied dieses Kurses."))
    return _from_member(member)


def grantee_by_sub(session: Session, course: LmsContext, sub: str) -> Grantee:
    assert course.id is not None
    sub = sub.strip()
    member = (
        lti_service.course_member(session, course.id, sub=sub) if 0 < len(sub) <= MAX_SUB else None
    )
    if member is None:
        raise refuse(
            "sub",
            N_(
                "Eine Person mit der LMS-Nutzer-ID „%(sub)s“ hat Kurswerk in diesem Kurs "
                "noch nicht geöffnet. Vergeben Sie das Paket per E-Mail-Adresse."
            ),
            sub=sub[:80],
        )
    return _from_member(member)


def grantee_by_email(session: Session, course: LmsContext, raw_email: str) -> Grantee:
    assert course.id is not None
    try:
        email = parse_email(raw_email)
    except ValueError:
        email = None
        raise refuse("email", BAD_EMAIL) from None
    if email is None:
        raise refuse("email", EMAIL_MISSING)
    members = lti_service.course_members_by_email(session, course.id, email)
    if len(members) == 1:
        return _from_member(members[0], email=email)
    return Grantee(user_id=None, email=email)

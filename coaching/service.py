"""The coaching room's service: what other packages call. Uploads asks who holds a
package and what is left of it (``coaching_status``); the command line
(``kurswerk coaching``) names a course, a person and a package as a script does and grants,
revokes, extends and lists through the same rules as the admin pages.

Nothing here commits; the caller owns the transaction.
"""

from __future__ import annotations

from sqlmodel import Session, select

from coaching.common import (
    BAD_DATE,
    BAD_FILE_DATE,
    UNTIL_BEFORE_FROM,
    Actor,
    CoachingRefused,
    describe,
    parse_date,
    refuse,
)
from coaching.entitlements import CoachingStatus, SubmissionAllowance, coaching_status
from coaching.grants.changes import UNTIL_IN_PAST, extend_grant, grant_package, revoke_grant
from coaching.grants.grantees import (
    BAD_EMAIL,
    EMAIL_MISSING,
    Grantee,
    grantee_by_email,
    grantee_by_sub,
)
from coaching.grants.reading import get_grant, list_grants, open_grants_of
from coaching.office_hours.availability import layout_task as office_hours_layout_task
from coaching.office_hours.reminders import reminder_task as office_hours_reminder_task
from coaching.packages import find_package_by_name, list_packages
from kurswerk.core.i18n import N_
from lti.models import LmsContext, Platform

PLATFORM_AMBIGUOUS = N_(
    "Unter dem Issuer %(issuer)s sind mehrere Plattformen registriert. Bitte geben "
    "Sie auch die Client-ID an."
)

__all__ = [
    "INVALID_INPUT",
    "Actor",
    "CoachingRefused",
    "CoachingStatus",
    "SubmissionAllowance",
    "coaching_status",
    "describe",
    "extend_grant",
    "find_course",
    "find_grantee",
    "find_package_by_name",
    "find_platform",
    "get_grant",
    "grant_package",
    "list_grants",
    "list_packages",
    "office_hours_layout_task",
    "office_hours_reminder_task",
    "open_grants_of",
    "parse_date",
    "revoke_grant",
]


INVALID_INPUT = frozenset(
    {
        BAD_DATE,
        BAD_FILE_DATE,
        BAD_EMAIL,
        EMAIL_MISSING,
        UNTIL_BEFORE_FROM,
        UNTIL_IN_PAST,
        PLATFORM_AMBIGUOUS,
    }
)
"""Refusals that mean "the input is malformed" rather than "refused" (the CLI's exit 2)."""


def find_platform(session: Session, *, issuer: str, client_id: str | None) -> int:
    """The id of the platform a script names by its issuer, plus the client id where one
    issuer has several registrations (as on Canvas cloud)."""
    query = select(Platform).where(Platform.issuer == issuer)
    if client_id is not None:
        query = query.where(Platform.client_id == client_id)
    platforms = session.exec(query).all()
    if not platforms:
        raise refuse(
            "platform",
            N_("Eine Plattform mit dem Issuer %(issuer)s ist nicht registriert."),
            status=404,
            issuer=issuer,
        )
    if len(platforms) > 1:
        raise refuse("platform", PLATFORM_AMBIGUOUS, issuer=issuer)
    assert platforms[0].id is not None
    return platforms[0].id


def find_course(
    session: Session, *, issuer: str, client_id: str | None, lms_context_id: str
) -> LmsContext:
    """The LMS course named as a script names it: its platform (``find_platform``) and the
    LMS's own course id. Refuses with a reason a person can act on."""
    platform_id = find_platform(session, issuer=issuer, client_id=client_id)
    course = session.exec(
        select(LmsContext).where(
            LmsContext.platform_id == platform_id,
            LmsContext.lms_context_id == lms_context_id,
        )
    ).first()
    if course is None:
        raise refuse(
            "context",
            N_(
                "Einen Kurs mit der LMS-Kurs-ID %(context)s gibt es auf dieser Plattform "
                "nicht (oder noch niemand hat Kurswerk darin geöffnet)."
            ),
            status=404,
            context=lms_context_id,
        )
    return course


def find_grantee(
    session: Session, course: LmsContext, *, email: str | None, sub: str | None
) -> Grantee:
    """The person a script names: by email (also before their first launch), else by LMS
    user id (someone who has launched in the course)."""
    if email is not None:
        return grantee_by_email(session, course, email)
    assert sub is not None
    return grantee_by_sub(session, course, sub)

"""The learner's email when a coaching package is granted to them (every way of
granting: the form, the CSV import, the roster, the CLI, the demo seed — they all write
through ``coaching.grants.changes.record_grants``, which calls this).

Written into the grant's transaction through the outbox (``kurswerk.core.outbox.queue``), keyed by
the grant (``coaching-granted:<grant id>``), so a rolled-back grant mails nobody and a
repeated one nobody twice; a roster's hundreds of grants cost a few batched INSERTs.

Whom: the person the grant names — their stored address (from a launch or the LMS
roster, for someone who never launched) or, for a grant by email that is not bound to
anyone yet, that address. In the person's language: their stored locale, the
deployment's ``KURSWERK_DEFAULT_LOCALE`` for someone who never launched (no LMS has told
us theirs).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlmodel import Session, col, select

from coaching.grants.grantees import Grantee
from coaching.models import CoachingGrant, CoachingPackage
from kurswerk.core import clock
from kurswerk.core.mail import recipient_locale
from kurswerk.core.outbox.queue import Email, enqueue_emails
from lti.models import LmsContext, PlatformUser

TEMPLATE = "coaching_granted"


def _until(grant: CoachingGrant, package: CoachingPackage, locale: str) -> str:
    """The last day the grant is valid ("" when it does not end)."""
    ends: date | None = grant.valid_until or package.valid_until
    if ends is None:
        return ""
    return clock.date_text(ends, locale)  # 06.12.2027 / 06 Dec 2027


def enqueue_grant_mails(
    session: Session,
    *,
    course: LmsContext,
    package: CoachingPackage,
    grants: Sequence[CoachingGrant],
    grantees: Sequence[Grantee],
) -> None:
    """One mail per new grant to the learner it names (see the module). Never commits."""
    user_ids = [g.user_id for g in grantees if g.user_id is not None]
    users = (
        {
            user.id: user
            for user in session.exec(
                select(PlatformUser).where(col(PlatformUser.id).in_(user_ids))
            ).all()
        }
        if user_ids
        else {}
    )
    mails = []
    for grant, grantee in zip(grants, grantees, strict=True):
        user = users.get(grantee.user_id) if grantee.user_id is not None else None
        # the LMS locale of their latest launch, as every mail to a person
        locale = recipient_locale(user.locale if user is not None else None)
        name = (user.name if user is not None else None) or grantee.name
        mails.append(
            Email(
                to=(user.email if user is not None else None) or grantee.email,
                to_name=name,
                template=TEMPLATE,
                locale=locale,
                key=f"coaching-granted:{grant.id}",
                context={
                    "learner_name": " ".join((name or "").split()),
                    "course_title": course.title,
                    "package_name": package.name,
                    "feedback_quota": package.feedback_quota,
                    "valid_until": _until(grant, package, locale),
                },
            )
        )
    enqueue_emails(session, mails)

"""Who is who in an LMS course, as the forum needs it: names, tutors, email recipients.

Read from the LTI domain's tables (users and memberships, kept up to date by every
launch). Names are looked up only to *show* them where the viewer may see them
(``course.forum.views.author_label`` decides); nothing here decides visibility.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, col, select

from kurswerk.core.auth import Role
from kurswerk.core.email_links import LinkReader
from kurswerk.core.mail import recipient_locale
from kurswerk.core.outbox.queue import enqueue_email
from lti import service as lti_service
from lti.models import LmsContext, Membership, PlatformUser

MODERATOR_ROLES = (Role.TUTOR.value, Role.ADMIN.value)


@dataclass(frozen=True)
class Person:
    user_id: int
    name: str
    email: str | None
    locale: str
    role: str
    platform_id: int

    @property
    def moderator(self) -> bool:
        return self.role in MODERATOR_ROLES

    def link_reader(self, context_id: int) -> LinkReader:
        """Who the links of a mail to this person in ``context_id`` are for."""
        return LinkReader(self.user_id, context_id, self.platform_id, self.role, self.locale)


def names(session: Session, user_ids: Iterable[int | None]) -> dict[int, str]:
    ids = {i for i in user_ids if i is not None}
    if not ids:
        return {}
    rows = session.exec(
        select(PlatformUser.id, PlatformUser.name).where(col(PlatformUser.id).in_(ids))
    ).all()
    return {int(user_id): name or "" for user_id, name in rows if user_id is not None}


def members(
    session: Session, context_id: int, user_ids: Iterable[int] | None = None
) -> list[Person]:
    """People of an LMS course (all, or those of ``user_ids``) with their role there."""
    query = (
        select(PlatformUser, Membership.role)
        .join(Membership, col(Membership.user_id) == col(PlatformUser.id))
        .where(Membership.context_id == context_id)
    )
    if user_ids is not None:
        ids = set(user_ids)
        if not ids:
            return []
        query = query.where(col(PlatformUser.id).in_(ids))
    return [_person(user, role) for user, role in session.exec(query).all()]


def tutors(session: Session, context_id: int) -> list[Person]:
    """The LMS course's tutors and admins: who moderates and answers there, and who is
    mailed as its tutors — also those the LMS roster lists who never launched the tool
    (``lti.service.course_staff``); they read in the default language."""
    return [
        _person(user, role)
        for user, role in lti_service.course_staff(session, context_id, MODERATOR_ROLES)
    ]


def context_title(session: Session, context_id: int) -> str:
    context = session.get(LmsContext, context_id)
    return context.title if context is not None else ""


def mail_person(
    session: Session,
    person: Person,
    template: str,
    *,
    key: str,
    course_title: str,
    context: dict[str, Any],
) -> None:
    """Enqueue the mail ``template`` to ``person``, in their language, addressed to them by
    name, about the LMS course titled ``course_title``."""
    enqueue_email(
        session,
        to=person.email,
        to_name=person.name,
        template=template,
        locale=person.locale,
        key=key,
        context={"recipient_name": person.name, "course_title": course_title, **context},
    )


def _person(user: PlatformUser, role: str) -> Person:
    assert user.id is not None
    return Person(
        user_id=user.id,
        name=user.name or "",
        email=user.email,
        locale=recipient_locale(user.locale),
        role=role,
        platform_id=user.platform_id,
    )

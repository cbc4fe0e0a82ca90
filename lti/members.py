"""Who belongs to an LMS course: the people who have launched the tool from it.

Kurswerk learns of a member only at their launch (``lti.identities.record_launch``), so
this is "everyone who has arrived", with the role of their latest launch, not the LMS's
full roster (that would be NRPS). Other domains read members through ``lti.service``.

``course_staff`` is the exception, for mails to a course's tutors: it adds the people
the LMS roster (NRPS) listed with such a role when Kurswerk last read it
(``RosterMembership``), so tutors hear of a submission or a question before their first
launch.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import Session, col, select

from lti.models import Membership, PlatformUser, RosterMembership


@dataclass(frozen=True, slots=True)
class CourseMember:
    user_id: int
    sub: str
    name: str  # the display name; the ``sub`` when the platform sent no name
    email: str | None
    role: str  # kurswerk.core.auth.Role value of the latest launch


def _member(user: PlatformUser, membership: Membership) -> CourseMember:
    assert user.id is not None
    name = user.name or " ".join(p for p in (user.given_name, user.family_name) if p)
    return CourseMember(
        user_id=user.id,
        sub=user.sub,
        name=name or user.sub,
        email=user.email,
        role=membership.role,
    )


def _members_query(context_id: int):
    return (
        select(PlatformUser, Membership)
        .join(Membership, col(Membership.user_id) == col(PlatformUser.id))
        .where(Membership.context_id == context_id)
    )


def course_members(session: Session, context_id: int, *, limit: int = 2000) -> list[CourseMember]:
    """The course's members, ordered by name (at most ``limit``)."""
    rows = session.exec(
        _members_query(context_id)
        .order_by(
            func.lower(
                func.coalesce(
                    PlatformUser.name,
                    PlatformUser.given_name,
                    PlatformUser.family_name,
                    PlatformUser.sub,
                )
            ),
            col(PlatformUser.id),
        )
        .limit(limit)
    ).all()
    members = [_member(user, membership) for user, membership in rows]
    return sorted(members, key=lambda member: (member.name.casefold(), member.user_id))


def course_member(
    session: Session, context_id: int, *, user_id: int | None = None, sub: str | None = None
) -> CourseMember | None:
    """One member of the course by user id or by ``sub``; None if they are not a member."""
    if (user_id is None) == (sub is None):
        raise ValueError("name the member by exactly one of user_id or sub")
    query = _members_query(context_id)
    query = (
        query.where(PlatformUser.id == user_id)
        if user_id is not None
        else query.where(PlatformUser.sub == sub)
    )
    row = session.exec(query).first()
    return _member(*row) if row else None


def course_members_by_email(session: Session, context_id: int, email: str) -> list[CourseMember]:
    """Members whose email claim matches ``email`` (case-insensitive)."""
    rows = session.exec(
        _members_query(context_id).where(func.lower(PlatformUser.email) == email.strip().lower())
    ).all()
    return [_member(user, membership) for user, membership in rows]


def launched_user_ids(session: Session, context_id: int) -> set[int]:
    """The users who have launched Kurswerk in this course (one query, for a roster of
    any size: a roster member without a membership has never arrived)."""
    return set(
        session.exec(select(Membership.user_id).where(Membership.context_id == context_id)).all()
    )


def course_staff(
    session: Session, context_id: int, roles: Collection[str]
) -> list[tuple[PlatformUser, str]]:
    """Who to tell as the course's tutors: people whose latest launch there had one of
    ``roles``, and people the roster lists with one of them and an email who have not
    launched there (someone who launched keeps the role of their launch). One entry per
    person (by user, then by email address), ordered by user id."""
    launched = session.exec(
        select(PlatformUser, Membership.role)
        .join(Membership, col(Membership.user_id) == col(PlatformUser.id))
        .where(Membership.context_id == context_id, col(Membership.role).in_(list(roles)))
    ).all()
    has_launched = select(Membership.id).where(
        Membership.context_id == context_id, Membership.user_id == RosterMembership.user_id
    )
    listed = session.exec(
        select(PlatformUser, RosterMembership.role)
        .join(RosterMembership, col(RosterMembership.user_id) == col(PlatformUser.id))
        .where(
            RosterMembership.context_id == context_id,
            col(RosterMembership.role).in_(list(roles)),
            col(PlatformUser.email).is_not(None),
            PlatformUser.email != "",
            ~has_launched.exists(),
        )
    ).all()
    staff: list[tuple[PlatformUser, str]] = []
    seen_users: set[int | None] = set()
    seen_emails: set[str] = set()
    for user, role in [*launched, *listed]:  # who launched first: their address wins
        email = (user.email or "").strip().lower()
        if user.id in seen_users or (email and email in seen_emails):
            continue
        seen_users.add(user.id)
        if email:
            seen_emails.add(email)
        staff.append((user, role))
    return sorted(staff, key=lambda row: row[0].id or 0)

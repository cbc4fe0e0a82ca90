"""Who belongs to an LMS course: the people who have launched the tool from it.

Kurswerk learns of a member only at their launch (``lti.identities.record_launch``), so
this is "everyone who has arrived", with the role of their latest launch, not the LMS's
full roster (that would be NRPS). Other domains read members through ``lti.service``.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import Session, col, select

from lti.models import Membership, PlatformUser


@dataclass(frozen=True, slots=True)
class CourseMember:
    user_id: int
    sub: str
    name: str  # the display name; the ``sub`` when the platform sent no name
    email: str | None
    role: str  # kurswerk.auth.Role value of the latest launch


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

"""Reading a course's coaching grants: one by id (scoped by course, so another course's
or platform's id is not found), the open grants of a package to a person, and the grants
with their package, person and state as the admin page and the CLI list them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, func, or_
from sqlmodel import Session, col, select

from coaching.common import GrantState, grant_open, grant_state, today
from coaching.entitlements import effective_period
from coaching.grants.grantees import Grantee
from coaching.models import CoachingGrant, CoachingPackage
from kurswerk.core.errors import NotFound
from kurswerk.core.i18n import N_
from lti.models import PlatformUser


def get_grant(session: Session, *, context_id: int, grant_id: int) -> CoachingGrant:
    """The course's grant, or 404 (also for another course's or platform's id)."""
    grant = session.get(CoachingGrant, grant_id)
    if grant is None or grant.context_id != context_id:
        raise NotFound(N_("Diese Vergabe gibt es nicht."), reason=f"grant {grant_id}")
    return grant


def open_grants_of(
    session: Session, course_id: int, grantee: Grantee, package_id: int, on: date | None = None
) -> list[CoachingGrant]:
    """Not-revoked, not-ended grants of this package to this person in this course."""
    on = on or today()
    who: list[ColumnElement[bool]] = []
    if grantee.user_id is not None:
        who.append(col(CoachingGrant.user_id) == grantee.user_id)
    if grantee.email is not None:
        who.append(func.lower(CoachingGrant.email) == grantee.email)
    rows = session.exec(
        select(CoachingGrant).where(
            CoachingGrant.context_id == course_id,
            CoachingGrant.package_id == package_id,
            or_(*who),
        )
    ).all()
    return [grant for grant in rows if grant_open(grant, on)]


@dataclass(frozen=True, slots=True)
class GrantView:
    grant: CoachingGrant
    package: CoachingPackage
    person_name: str
    person_sub: str | None
    person_email: str | None
    state: str

    @property
    def person(self) -> str:
        return self.person_name or self.person_email or self.person_sub or "?"

    @property
    def validity(self) -> tuple[date | None, date | None]:
        """From when to when the grant gives its package (the package's end included)."""
        return effective_period(self.grant, self.package)

    @property
    def changeable(self) -> bool:
        return self.state != GrantState.REVOKED


def _view(
    grant: CoachingGrant, package: CoachingPackage, user: PlatformUser | None, on: date
) -> GrantView:
    name = ""
    if user is not None:
        name = user.name or " ".join(p for p in (user.given_name, user.family_name) if p)
    return GrantView(
        grant=grant,
        package=package,
        person_name=name,
        person_sub=user.sub if user else None,
        person_email=grant.email or (user.email if user else None),
        state=grant_state(grant, package, on),
    )


def list_grants(
    session: Session, *, context_id: int, on: date | None = None, include_closed: bool = False
) -> list[GrantView]:
    """The course's grants with their package and person; by default only those not
    revoked or expired."""
    on = on or today()
    rows = session.exec(
        select(CoachingGrant, CoachingPackage, PlatformUser)
        .join(CoachingPackage, col(CoachingPackage.id) == col(CoachingGrant.package_id))
        .outerjoin(PlatformUser, col(PlatformUser.id) == col(CoachingGrant.user_id))
        .where(CoachingGrant.context_id == context_id)
    ).all()
    views = [_view(grant, package, user, on) for grant, package, user in rows]
    if not include_closed:
        views = [v for v in views if v.state not in (GrantState.REVOKED, GrantState.EXPIRED)]
    return sorted(views, key=lambda v: (v.person.casefold(), v.package.name.casefold(), v.grant.id))


def grant_view(session: Session, grant: CoachingGrant, on: date | None = None) -> GrantView:
    package = session.get(CoachingPackage, grant.package_id)
    assert package is not None
    user = session.get(PlatformUser, grant.user_id) if grant.user_id else None
    return _view(grant, package, user, on or today())

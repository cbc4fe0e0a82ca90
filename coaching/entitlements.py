"""Who may upload: the coaching entitlement rule.

A learner holds a coaching package in an LMS course when a grant names them (by user, or
by email before their first launch) in that course, the grant is not revoked, today lies
within both the grant's and the package's validity, and the package is not archived.
The package's ``feedback_quota`` counts *submissions* (an exercise in an industry): a
resubmission is a new version of the same submission and costs nothing more.

Email grants are resolved here, lazily: the first entitlement check after the person's
launch binds the grant to their user, so a grant made before they ever arrived works.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, col, select

from coaching.models import CoachingGrant, CoachingPackage
from kurswerk.core.clock import utcnow
from kurswerk.core.extensions import SUBMISSION_COUNTER, extensions
from lti.models import PlatformUser


class SubmissionAllowance:
    """The quota rule, for every view of a learner's package: ``feedback_quota`` counts
    submissions (None: unlimited), ``submissions_used`` of them are spent. A class using it
    says whether the learner holds a package (``active``) and which quota it has."""

    submissions_used: int

    @property
    def active(self) -> bool:
        raise NotImplementedError

    @property
    def feedback_quota(self) -> int | None:
        raise NotImplementedError

    @property
    def feedback_remaining(self) -> int | None:
        """Submissions still covered; None means unlimited (or no package at all)."""
        quota = self.feedback_quota
        return None if quota is None else max(0, quota - self.submissions_used)

    def may_submit_new(self) -> bool:
        remaining = self.feedback_remaining
        return self.active and (remaining is None or remaining > 0)


@dataclass(frozen=True)
class CoachingStatus(SubmissionAllowance):
    grant: CoachingGrant | None
    package: CoachingPackage | None
    submissions_used: int = 0

    @property
    def active(self) -> bool:
        return self.grant is not None and self.package is not None

    @property
    def feedback_quota(self) -> int | None:
        return self.package.feedback_quota if self.package else None


def normalise_email(value: str | None) -> str | None:
    value = (value or "").strip().lower()
    return value or None


def _within(today: date, start: date | None, end: date | None) -> bool:
    return (start is None or start <= today) and (end is None or today <= end)


def effective_period(
    grant: CoachingGrant, package: CoachingPackage
) -> tuple[date | None, date | None]:
    """When a grant gives its package: within both the grant's and the package's validity,
    so from the later start to the earlier end (``None``: open on that side). The one rule
    :func:`current_grant` applies and every list shows."""
    starts = [d for d in (grant.valid_from, package.valid_from) if d is not None]
    ends = [d for d in (grant.valid_until, package.valid_until) if d is not None]
    return (max(starts) if starts else None, min(ends) if ends else None)


def resolve_email_grants(session: Session, *, user_id: int, context_id: int) -> int:
    """Bind open email grants in this course to the user who now has that email."""
    user = session.get(PlatformUser, user_id)
    email = normalise_email(user.email if user else None)
    if email is None:
        return 0
    grants = session.exec(
        select(CoachingGrant).where(
            CoachingGrant.context_id == context_id,
            CoachingGrant.user_id.is_(None),  # type: ignore[union-attr]
            CoachingGrant.email == email,
        )
    ).all()
    for grant in grants:
        grant.user_id = user_id
        grant.updated_at = utcnow()
        session.add(grant)
    if grants:
        session.flush()
    return len(grants)


def current_grant(
    pairs: Iterable[tuple[CoachingGrant, CoachingPackage]], today: date
) -> tuple[CoachingGrant, CoachingPackage] | None:
    """Which of a person's grants counts today: not revoked, the package not archived,
    today within both validities; of several, an unlimited package, then the largest
    quota. ``None``: no package today."""
    valid = [
        (grant, package)
        for grant, package in pairs
        if grant.revoked_at is None
        and package.archived_at is None
        and _within(today, *effective_period(grant, package))
    ]
    if not valid:
        return None
    return max(
        valid,
        key=lambda pair: (pair[1].feedback_quota is None, pair[1].feedback_quota or 0),
    )


def coaching_status(
    session: Session, *, user_id: int, context_id: int, today: date | None = None
) -> CoachingStatus:
    today = today or utcnow().date()
    resolve_email_grants(session, user_id=user_id, context_id=context_id)
    rows = session.exec(
        select(CoachingGrant, CoachingPackage)
        .join(CoachingPackage, CoachingPackage.id == CoachingGrant.package_id)  # type: ignore[arg-type]
        .where(
            CoachingGrant.context_id == context_id,
            CoachingGrant.user_id == user_id,
            CoachingGrant.revoked_at.is_(None),  # type: ignore[union-attr]
            CoachingPackage.archived_at.is_(None),  # type: ignore[union-attr]
        )
        .order_by(col(CoachingGrant.id))
    ).all()
    current = current_grant(rows, today)
    if current is None:
        return CoachingStatus(grant=None, package=None)
    grant, package = current
    used = extensions.get(SUBMISSION_COUNTER)(session, context_id, user_id).get(user_id, 0)
    return CoachingStatus(grant=grant, package=package, submissions_used=int(used))

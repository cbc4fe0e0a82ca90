"""What the submission parts of other pages show, and a slot for later features.

* :func:`upload_state`: what the exercise page's upload panel shows a learner - the
  form (with the remaining quota) to package holders, the offer to everyone else
  (:class:`PackageView`, as the end of the lesson page shows it too).
* ``SUBMISSION_PANELS``: the slot through which the feedback feature adds released
  feedback to the learner's submission page; ``fn(request, session, principal, view)``
  returns safe HTML or None (the composition root fills it).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import TYPE_CHECKING

from markupsafe import Markup
from sqlalchemy import or_
from sqlmodel import Session, col, select

from coaching.models import CoachingPackage
from coaching.service import CoachingStatus, coaching_status
from kurswerk.core.auth import Principal
from kurswerk.core.clock import utcnow
from kurswerk.core.extensions import Slot, extensions
from kurswerk.core.usertext import render_markdown
from uploads.models import Submission
from uploads.queries import SubmissionView, learner_submission

if TYPE_CHECKING:
    from starlette.requests import Request

SubmissionPanel = Callable[["Request", Session, Principal, SubmissionView], Markup | None]

SUBMISSION_PANELS: Slot[tuple[SubmissionPanel, ...]] = Slot("submission panels")
"""The learner's submission page's panels, in order (``feedback`` gives its own)."""


def submission_panels(
    request: Request, session: Session, principal: Principal, view: SubmissionView
) -> list[Markup]:
    shown = []
    for panel in extensions.get(SUBMISSION_PANELS):
        html = panel(request, session, principal, view)
        if html:
            shown.append(html)
    return shown


@dataclass(frozen=True, slots=True)
class PackageView:
    """A coaching package as the upload panels show it (what the offer lists, what the
    quota line names)."""

    name: str
    feedback_quota: int | None  # None: unlimited
    office_hours_per_month: int
    description: str  # Markdown an admin wrote

    @property
    def description_html(self) -> Markup:
        return _description_html(self.description)

    @classmethod
    def of(cls, package: CoachingPackage) -> PackageView:
        return cls(
            package.name,
            package.feedback_quota,
            package.office_hours_per_month,
            package.description,
        )


@lru_cache(maxsize=256)
def _description_html(text: str) -> Markup:
    """A package's description rendered once per text (the offer is on the hot path)."""
    return render_markdown(text)


@dataclass(frozen=True)
class UploadState:
    status: CoachingStatus
    offers: tuple[PackageView, ...]  # packages of this platform, for non-holders
    existing: SubmissionView | None  # the learner's submission for this exercise+industry

    @property
    def may_upload(self) -> bool:
        """A new submission within the quota, or a new version of an existing one."""
        if not self.status.active:
            return False
        return self.existing is not None or self.status.may_submit_new()


def packages_on_offer(
    session: Session, platform_id: int, today: date
) -> tuple[CoachingPackage, ...]:
    """The platform's current packages, shown to learners who hold none."""
    rows = session.exec(
        select(CoachingPackage)
        .where(
            CoachingPackage.platform_id == platform_id,
            col(CoachingPackage.archived_at).is_(None),
            or_(
                col(CoachingPackage.valid_from).is_(None),
                col(CoachingPackage.valid_from) <= today,
            ),
            or_(
                col(CoachingPackage.valid_until).is_(None),
                col(CoachingPackage.valid_until) >= today,
            ),
        )
        .order_by(col(CoachingPackage.name))
    ).all()
    return tuple(rows)


def upload_state(
    session: Session, principal: Principal, exercise_id: int, industry: str | None
) -> UploadState:
    """The panel's data for ``exercise_id``; ``industry`` None: not chosen yet."""
    today = utcnow().date()
    status = coaching_status(
        session, user_id=principal.user_id, context_id=principal.context_id, today=today
    )
    if not status.active:
        offers = packages_on_offer(session, principal.platform_id, today)
        return UploadState(status, tuple(PackageView.of(p) for p in offers), None)
    existing = None
    if industry is not None:
        submission_id = session.exec(
            select(Submission.id).where(
                Submission.context_id == principal.context_id,
                Submission.user_id == principal.user_id,
                Submission.exercise_id == exercise_id,
                Submission.industry == industry,
            )
        ).first()
        if submission_id is not None:
            existing = learner_submission(session, principal, submission_id)
    return UploadState(status, (), existing)

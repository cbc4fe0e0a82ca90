"""Submission review: the LMS gradebook opens a learner's submission in the tool.

https://www.imsglobal.org/spec/lti-sr/v1p0/ — an ``LtiSubmissionReviewRequest`` is a
launch from a gradebook cell: ``resource_link`` and the AGS ``lineitem`` name the column,
``for_user`` (§3.1) the learner whose work is to be shown; the person launching is the
instructor (or the learner, for their own). Where that is depends on the coaching
features, which sit above ``lti``: ``feedback``'s ``SubmissionReviewTarget`` fills the
slot ``lti.service.REVIEW_TARGET``. When it names no page, the launch lands on a page
that says the review is not available.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from sqlmodel import Session, select

from kurswerk.core.auth import Role
from kurswerk.core.errors import Forbidden
from kurswerk.core.i18n import N_
from kurswerk.core.paths import path_for
from lti import errors
from lti.endpoints import AGS_CLAIM, service_url
from lti.identities import CLAIM, LaunchIdentity, clean_target, target_of, upsert_user
from lti.models import LineItem, PlatformUser

FOR_USER_CLAIM = CLAIM + "for_user"
MAX_ID_LENGTH = 255


@dataclass(frozen=True, slots=True)
class ReviewRequest:
    """Whose submission is to be shown, where, and to whom."""

    context_id: int  # lms_context.id
    for_user_id: int  # lti_user.id of the learner whose submission is reviewed
    viewer_user_id: int  # lti_user.id of the person launching
    viewer_role: Role
    resource_link_id: str  # the platform's id of the link (the gradebook column's link)
    target: str | None  # the link's kurswerk_target (which exercise), if it has one
    lineitem_url: str | None  # the AGS line item (the gradebook column)


class SubmissionReviewTarget(Protocol):
    """Where a review launch lands: a path relative to the course (as ``kurswerk_target``,
    e.g. ``lessons/x/exercises/y/review/42``), or ``None`` for "nothing to show". Called
    inside the launch's transaction; the page it names still checks who may see what."""

    def __call__(self, session: Session, review: ReviewRequest) -> str | None: ...


def check_for_user(claims: Mapping[str, Any]) -> None:
    """The ``for_user`` claim of a submission review request, or a launch error."""
    for_user = claims.get(FOR_USER_CLAIM)
    if for_user is None:
        raise errors.MissingClaim("submission review without for_user", claim="for_user")
    user_id = for_user.get("user_id") if isinstance(for_user, dict) else None
    if not isinstance(user_id, str) or not user_id or len(user_id) > MAX_ID_LENGTH:
        raise errors.InvalidClaim("for_user.user_id", claim="for_user.user_id")


def review_request(
    session: Session, *, identity: LaunchIdentity, claims: Mapping[str, Any], now: datetime
) -> ReviewRequest:
    """Record the reviewed learner and describe the request. A learner may review only
    their own submission."""
    for_user = claims[FOR_USER_CLAIM]
    if identity.role is Role.LEARNER and for_user["user_id"] != claims["sub"]:
        raise Forbidden(
            N_("Sie können nur Ihre eigene Einreichung einsehen."),
            reason="learner asked to review someone else",
        )
    for_user_id = upsert_user(session, platform_id=identity.platform_id, claims=for_user, now=now)
    ags = claims.get(AGS_CLAIM)
    return ReviewRequest(
        context_id=identity.context_id,
        for_user_id=for_user_id,
        viewer_user_id=identity.user_id,
        viewer_role=identity.role,
        resource_link_id=claims[CLAIM + "resource_link"]["id"],
        target=target_of(claims),
        lineitem_url=service_url(ags.get("lineitem")) if isinstance(ags, dict) else None,
    )


def unavailable_path(review: ReviewRequest) -> str:
    return path_for("lti_review_unavailable", context=review.context_id, user_id=review.for_user_id)


def review_landing(
    session: Session, provider: SubmissionReviewTarget | None, review: ReviewRequest
) -> str:
    """The provider's path inside the course (checked like ``kurswerk_target``), or the
    "not available yet" page."""
    target = provider(session, review) if provider is not None else None
    cleaned = clean_target(target) if target else None
    if cleaned is None:
        return unavailable_path(review)
    return path_for("course_home", context=review.context_id) + cleaned


def reviewed_resource_id(session: Session, review: ReviewRequest) -> str | None:
    """The ``resourceId`` of the gradebook column the review was launched from, when it
    is a column Kurswerk created or found (``lti_line_item``); ``None`` for a column the
    tool does not know by its URL (one made with a deep link is known by the link's
    ``target`` instead)."""
    if not review.lineitem_url:
        return None
    return session.exec(
        select(LineItem.resource_id).where(
            LineItem.context_id == review.context_id,
            LineItem.lineitem_url == review.lineitem_url,
        )
    ).first()


def reviewed_name(session: Session, *, for_user_id: int, platform_id: int) -> str:
    user = session.get(PlatformUser, for_user_id)
    if user is None or user.platform_id != platform_id:
        return ""
    return user.name or " ".join(p for p in (user.given_name, user.family_name) if p)

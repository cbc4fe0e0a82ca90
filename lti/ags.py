"""Grades to the LMS (LTI Assignment and Grade Services 2.0): what the coaching features
call, inside their own transaction, to send a score later.

https://www.imsglobal.org/spec/lti-ags/v2p0/ — ``enqueue_score`` writes one outbox row
(kind ``lms_call``) into the caller's session and never commits; the row exists exactly
when the submission or the released feedback committed. ``lti.ags_delivery`` sends it.

**What a grade means for written feedback** (the decision, also in the README):

* on the first submit (nothing released yet): ``activityProgress=Submitted``,
  ``gradingProgress=PendingManual``, no score — the gradebook shows "submitted, awaiting
  grading";
* on release: ``activityProgress=Completed``, ``gradingProgress=FullyGraded``,
  ``scoreGiven=1`` of ``scoreMaximum=1`` and the feedback's summary as ``comment``. The
  1/1 is "feedback received", not a judgement of the work: written feedback has no
  number, but Moodle and Canvas show the comment only next to a score. A course that
  does not want it in its total hides or zero-weights the column in the LMS.
* on a resubmission after a release: ``activityProgress=Submitted`` with
  ``gradingProgress=FullyGraded`` and the *last released* ``scoreGiven``/``scoreMaximum``
  and ``comment`` again. A score without ``scoreGiven`` means "no grade" (AGS 2.0 §3.4:
  the platform clears the result): Moodle empties the grade *and* its comment for a
  ``PendingManual`` score without one, so the learner would lose the visible feedback
  until the next release. The earlier feedback is still the current final one
  (FullyGraded: "the score value represents the current final grade"); ``Submitted``
  says a new version came in. The next release replaces both.

Which column (line item): the resource link's own ``lineitem`` when the learner's link
to that exercise came with one (a deep link with ``lineItem``, or a graded activity
in Moodle), else the column Kurswerk created for the exercise (``resourceId``), else
one created on first need, at delivery. Nothing happens silently: when the platform did
not grant the score scope, the course offers no grade service, or a column would be
needed but cannot be created, the row is written as ``skipped`` with the reason, which
admins see on the LMS calls page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlmodel import Session, col, select

from kurswerk.core.clock import utcnow
from kurswerk.core.outbox.queue import OutboxMessage, OutboxStatus, enqueue
from lti.capabilities import AGS_SCOPES as AGS_SCOPES  # the scopes, named where AGS is
from lti.capabilities import SCOPE_LINEITEM, SCOPE_SCORE, Missing, services_of
from lti.capabilities import SCOPE_RESULT_READONLY as SCOPE_RESULT_READONLY
from lti.models import (
    ContextServices,
    LineItem,
    LmsContext,
    Platform,
    PlatformUser,
    ResourceLink,
)

LMS_CALL = "lms_call"
_outbox = OutboxMessage.__table__  # type: ignore[attr-defined]
SCOPE_LINEITEM_READONLY = "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem.readonly"
MAX_COMMENT_CHARS = 4000

SKIP_NO_SCORE_SCOPE = "the platform did not grant the AGS score scope"
SKIP_NO_COURSE_SCORE_SCOPE = "the LMS course's launches do not offer the AGS score scope"
SKIP_NO_GRADE_SERVICE = "the LMS course offers no grade service (no AGS claim in its launches)"
SKIP_CANNOT_CREATE = (
    "no gradebook column for this exercise, and the platform does not let Kurswerk create one "
    "(AGS line item scope not granted)"
)
_SKIP_REASONS = {
    Missing.SCORE_NOT_GRANTED: SKIP_NO_SCORE_SCOPE,
    Missing.NO_GRADE_SERVICE: SKIP_NO_GRADE_SERVICE,
    Missing.SCORE_NOT_OFFERED: SKIP_NO_COURSE_SCORE_SCOPE,
    Missing.COLUMNS_NOT_ALLOWED: SKIP_CANNOT_CREATE,
}


class ActivityProgress(StrEnum):
    INITIALIZED = "Initialized"
    STARTED = "Started"
    IN_PROGRESS = "InProgress"
    SUBMITTED = "Submitted"
    COMPLETED = "Completed"


class GradingProgress(StrEnum):
    FULLY_GRADED = "FullyGraded"
    PENDING = "Pending"
    PENDING_MANUAL = "PendingManual"
    FAILED = "Failed"
    NOT_READY = "NotReady"


@dataclass(frozen=True, slots=True)
class LineItemSpec:
    """A gradebook column for one graded thing in Kurswerk (an exercise).

    ``resource_id`` is its stable id in Kurswerk (``exercise:<exercise id>``, made by
    ``course.exercise_names.exercise_resource_id``): the same value must be used in the
    deep-link catalog and in ``enqueue_score`` so a column
    created through deep linking is found again. ``target`` is its ``kurswerk_target``
    path (how a resource link to it is recognised).
    """

    resource_id: str
    label: str
    score_maximum: float = 1.0
    tag: str = "kurswerk"
    target: str | None = None

    def as_json(self) -> dict[str, Any]:
        """The line item as AGS wants it (without ``id``; the platform assigns that)."""
        return {
            "scoreMaximum": self.score_maximum,
            "label": self.label[:255],
            "resourceId": self.resource_id,
            "tag": self.tag,
        }


def _timestamp(now: datetime) -> str:
    """ISO 8601 with milliseconds and offset: the score's order for the platform."""
    return now.isoformat(timespec="milliseconds")


def _resource_link(
    session: Session, context_id: int, resource_link_id: str | None, target: str | None
) -> ResourceLink | None:
    query = select(ResourceLink).where(ResourceLink.context_id == context_id)
    if resource_link_id is not None:
        return session.exec(query.where(ResourceLink.resource_link_id == resource_link_id)).first()
    if target is None:
        return None
    return session.exec(
        query.where(
            ResourceLink.target == target, col(ResourceLink.lineitem_url).is_not(None)
        ).order_by(col(ResourceLink.updated_at).desc())
    ).first()


def enqueue_score(
    session: Session,
    *,
    context_id: int,
    user_id: int,
    line_item: LineItemSpec,
    activity_progress: ActivityProgress,
    grading_progress: GradingProgress,
    key: str,
    score_given: float | None = None,
    score_maximum: float | None = None,
    comment: str | None = None,
    resource_link_id: str | None = None,
    now: datetime | None = None,
) -> OutboxMessage:
    """Write a score for ``user_id`` (``lti_user.id``) in ``context_id``
    (``lms_context.id``) into the outbox; idempotent by ``key``. Never commits.

    Raises ``ValueError`` for what is a programming error (unknown ids, a user of another
    platform, a score without its maximum); everything the platform decides is a
    ``skipped`` row or, at delivery, a recorded failure.
    """
    activity_progress = ActivityProgress(activity_progress)
    grading_progress = GradingProgress(grading_progress)
    if score_given is not None and (score_maximum is None or score_maximum <= 0):
        raise ValueError("scoreGiven needs a positive scoreMaximum")
    context = session.get(LmsContext, context_id)
    user = session.get(PlatformUser, user_id)
    if context is None or user is None:
        raise ValueError(f"unknown context {context_id} or user {user_id}")
    if user.platform_id != context.platform_id:
        raise ValueError("user and course belong to different platforms")
    platform = session.get(Platform, context.platform_id)
    assert platform is not None
    services = session.get(ContextServices, context_id)
    link = _resource_link(session, context_id, resource_link_id, line_item.target)
    known = session.exec(
        select(LineItem.lineitem_url).where(
            LineItem.context_id == context_id,
            LineItem.resource_id == line_item.resource_id,
            col(LineItem.lineitem_url).is_not(None),
        )
    ).first()
    lineitem_url = (link.lineitem_url if link else None) or known
    usable = services_of(platform, services)
    missing = usable.grades or (usable.new_columns if lineitem_url is None else None)
    reason = _SKIP_REASONS[missing] if missing else None

    score: dict[str, Any] = {
        "userId": user.sub,
        "activityProgress": activity_progress.value,
        "gradingProgress": grading_progress.value,
        "timestamp": _timestamp(now or utcnow()),
    }
    if score_given is not None:
        score["scoreGiven"] = score_given
        score["scoreMaximum"] = score_maximum
    if comment:
        score["comment"] = (
            comment if len(comment) <= MAX_COMMENT_CHARS else comment[: MAX_COMMENT_CHARS - 1] + "…"
        )
    payload = {
        "op": "score",
        "platform_id": platform.id,
        "context_id": context_id,
        "scopes": sorted(usable.ags_scopes & {SCOPE_SCORE, SCOPE_LINEITEM}),
        "lineitem_url": lineitem_url,
        "lineitems_url": usable.lineitems_url,
        "line_item": line_item.as_json(),
        "resource_link_id": link.resource_link_id if link else None,
        "score": score,
    }
    if reason:
        return enqueue(
            session, LMS_CALL, payload, key=key, status=OutboxStatus.SKIPPED, skipped_reason=reason
        )
    return enqueue(session, LMS_CALL, payload, key=key)


def last_released_score(
    session: Session, *, context_id: int, user_id: int, resource_id: str
) -> dict[str, Any] | None:
    """The newest fully graded score written for this learner's column (from the outbox
    rows, which are kept), or ``None`` when nothing was released there yet."""
    user = session.get(PlatformUser, user_id)
    if user is None:
        return None
    payload = _outbox.c.payload
    row = session.execute(
        select(payload)
        .where(
            _outbox.c.kind == LMS_CALL,
            payload["context_id"].as_integer() == context_id,
            payload["line_item"]["resourceId"].as_string() == resource_id,
            payload["score"]["userId"].as_string() == user.sub,
            payload["score"]["gradingProgress"].as_string() == GradingProgress.FULLY_GRADED,
        )
        .order_by(_outbox.c.id.desc())
        .limit(1)
    ).first()
    score = row[0].get("score") if row else None
    return score if isinstance(score, dict) and "scoreGiven" in score else None


def grade_submitted(
    session: Session,
    *,
    context_id: int,
    user_id: int,
    line_item: LineItemSpec,
    key: str,
    resource_link_id: str | None = None,
    now: datetime | None = None,
) -> OutboxMessage:
    """A coaching submission arrived: "submitted, awaiting manual grading", no score —
    or, when feedback was released in this column before, "submitted" with that
    feedback's score and comment kept visible (see the module's docstring)."""
    released = last_released_score(
        session, context_id=context_id, user_id=user_id, resource_id=line_item.resource_id
    )
    kept: dict[str, Any] = {}
    if released is not None:
        kept = {
            "score_given": float(released["scoreGiven"]),
            "score_maximum": float(released.get("scoreMaximum") or 0),
            "comment": released.get("comment"),
        }
    return enqueue_score(
        session,
        context_id=context_id,
        user_id=user_id,
        line_item=line_item,
        activity_progress=ActivityProgress.SUBMITTED,
        grading_progress=GradingProgress.FULLY_GRADED if kept else GradingProgress.PENDING_MANUAL,
        key=key,
        resource_link_id=resource_link_id,
        now=now,
        **kept,
    )


def grade_feedback_released(
    session: Session,
    *,
    context_id: int,
    user_id: int,
    line_item: LineItemSpec,
    comment: str,
    key: str,
    resource_link_id: str | None = None,
    now: datetime | None = None,
) -> OutboxMessage:
    """The tutor released feedback: fully graded, 1/1 ("feedback received"), with the
    feedback's summary as the gradebook comment."""
    return enqueue_score(
        session,
        context_id=context_id,
        user_id=user_id,
        line_item=line_item,
        activity_progress=ActivityProgress.COMPLETED,
        grading_progress=GradingProgress.FULLY_GRADED,
        score_given=1.0,
        score_maximum=1.0,
        comment=comment,
        key=key,
        resource_link_id=resource_link_id,
        now=now,
    )

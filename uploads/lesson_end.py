"""The upload at the end of the lesson page (issue #12 §3): what the owner's lesson
promises ("Teilnehmer reichen Ihre Übungen als 1 pdf Dokument über die Uploadfunktion am
Ende der Webseite ein").

* :func:`lesson_end_state`: what the panel shows a learner - the form (with what is left
  of the package) or the offer - read with **one** query, because the lesson page is the
  hot path: the learner's grants in this LMS course (an email grant not yet bound to them
  counts too, as ``coaching_status`` would bind it), the platform's packages on offer
  today and the learner's submissions so far, in one statement on the page's connection.
* :func:`lesson_preflight`: step 1 of an upload from that form (``uploads.submissions``):
  the exercise and industry the form names must be a choice the lesson offers, then the
  same preflight as the exercise page's upload (key, exercise of this course, entitlement).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import BindParameter, Connection, Select, and_, bindparam, func, or_
from sqlalchemy import select as sa_select
from sqlmodel import Session, col

from coaching.models import CoachingGrant, CoachingPackage
from coaching.service import SubmissionAllowance
from course import service as course_service
from course.service import LessonView
from kurswerk.core.auth import Principal
from kurswerk.core.clock import utcnow
from kurswerk.core.errors import AppError
from kurswerk.core.i18n import N_
from lti.models import PlatformUser
from uploads import promised
from uploads.models import Submission
from uploads.panels import PackageView
from uploads.submissions import (
    NOTE_FIELD,
    Preflight,
    SubmissionResult,
    preflight,
    replayed_result,
)

EXERCISE_FIELD = "exercise"
INDUSTRY_FIELD = "industry"
CHOICE_FIELD_BYTES = {EXERCISE_FIELD: 200, INDUSTRY_FIELD: 64}
"""The form's fields before the file, with their caps in bytes (slugs)."""


class ChoiceRefused(AppError):
    """The form named an exercise or industry the lesson does not offer; ``field`` is the
    one at fault."""

    def __init__(self, field: str, message: str, *, reason: str) -> None:
        super().__init__(message, 400, reason=reason)
        self.field = field


NO_EXERCISE = N_("Bitte wählen Sie eine der Übungen dieser Lektion.")
NO_INDUSTRY = N_("Bitte wählen Sie eine der Branchen, in denen es diese Übung gibt.")


# --- what the panel shows ----------------------------------------------------------------


@dataclass(frozen=True)
class LessonEndState(SubmissionAllowance):
    """The learner's coaching today, as ``coaching.service.CoachingStatus`` says it, and
    the platform's packages for someone who holds none."""

    package: PackageView | None  # the package the learner holds today
    submissions_used: int
    offers: tuple[PackageView, ...]
    due: date | None = None
    """The feedback date a submission made now would be promised (asked for with
    ``target_days``, and only for a package holder)."""

    @property
    def active(self) -> bool:
        return self.package is not None

    @property
    def feedback_quota(self) -> int | None:
        return self.package.feedback_quota if self.package else None


_PACKAGE = CoachingPackage.__table__  # type: ignore[attr-defined]
_USER_EMAIL = (
    sa_select(func.lower(func.trim(col(PlatformUser.email))))
    .where(col(PlatformUser.id) == bindparam("user_id"))
    .scalar_subquery()
)
_SUBMISSIONS_USED = (
    sa_select(func.count())
    .select_from(Submission)
    .where(
        col(Submission.context_id) == bindparam("context_id"),
        col(Submission.user_id) == bindparam("user_id"),
    )
    .scalar_subquery()
)
_TODAY: BindParameter[date] = bindparam("today")
_STATE = (
    sa_select(
        _PACKAGE.c.name,
        _PACKAGE.c.feedback_quota,
        _PACKAGE.c.office_hours_per_month,
        _PACKAGE.c.description,
        col(CoachingGrant.id).label("grant_id"),
        _SUBMISSIONS_USED.label("submissions_used"),
    )
    .select_from(_PACKAGE)
    .outerjoin(
        CoachingGrant,
        and_(
            col(CoachingGrant.package_id) == _PACKAGE.c.id,
            col(CoachingGrant.context_id) == bindparam("context_id"),
            col(CoachingGrant.revoked_at).is_(None),
            or_(col(CoachingGrant.valid_from).is_(None), col(CoachingGrant.valid_from) <= _TODAY),
            or_(col(CoachingGrant.valid_until).is_(None), col(CoachingGrant.valid_until) >= _TODAY),
            or_(
                col(CoachingGrant.user_id) == bindparam("user_id"),
                and_(col(CoachingGrant.user_id).is_(None), col(CoachingGrant.email) == _USER_EMAIL),
            ),
        ),
    )
    .where(
        _PACKAGE.c.platform_id == bindparam("platform_id"),
        _PACKAGE.c.archived_at.is_(None),
        or_(_PACKAGE.c.valid_from.is_(None), _PACKAGE.c.valid_from <= _TODAY),
        or_(_PACKAGE.c.valid_until.is_(None), _PACKAGE.c.valid_until >= _TODAY),
    )
    .order_by(_PACKAGE.c.name, col(CoachingGrant.id))
)
"""The platform's packages valid today (what ``uploads.panels.packages_on_offer`` offers),
each with the learner's valid grant of it in this LMS course, if any, and the count of the
learner's submissions there (what ``coaching_status`` counts as spent)."""


_with_quote: tuple[promised.PromiseDesk, Select[Any]] | None = None


def _state_with_quote(desk: promised.PromiseDesk) -> Select[Any]:
    """:data:`_STATE` with the promise desk's inputs of its date beside each row, built
    once per desk (the composition root fills one)."""
    global _with_quote
    built = _with_quote
    if built is None or built[0] is not desk:
        built = _with_quote = (desk, _STATE.add_columns(*desk.quote_columns()))
    return built[1]


def lesson_end_state(
    connection: Connection,
    principal: Principal,
    today: date,
    *,
    target_days: int | None = None,
    now: datetime | None = None,
) -> LessonEndState:
    """The learner's coaching as the end of the lesson page needs it, in one query; with
    ``target_days`` (and ``now``), the feedback date a submission made now would be
    promised too (``due``, for a package holder), read in the same query.

    The rule is ``coaching.entitlements.coaching_status``'s (tests compare both): a grant
    counts while neither it nor its package is revoked, archived or outside its dates;
    of several, an unlimited package, then the largest quota. Nothing is written (an email
    grant is bound by the next entitlement check, the upload's)."""
    desk = promised.desk() if target_days is not None else None
    rows = connection.execute(
        _STATE if desk is None else _state_with_quote(desk),
        {
            "user_id": principal.user_id,
            "context_id": principal.context_id,
            "platform_id": principal.platform_id,
            "today": today,
        },
    ).all()
    offers = [PackageView(*row[:4]) for row in rows]
    held = [package for package, row in zip(offers, rows, strict=True) if row.grant_id is not None]
    if not held:
        return LessonEndState(None, 0, tuple(offers))
    package = max(held, key=lambda p: (p.feedback_quota is None, p.feedback_quota or 0))
    due = None
    if desk is not None and target_days is not None:
        due = desk.quote_from(rows[0]._mapping, target_days=target_days, now=now or utcnow())
    return LessonEndState(package, int(rows[0].submissions_used), (), due)


@dataclass(frozen=True)
class LessonForm:
    """The form's choices and what the learner chose or wrote (after a refusal)."""

    language: str  # the course's: the exercises' titles are written in it
    exercises: tuple[tuple[str, str], ...]  # (slug, title) of the lesson's exercises
    industries: tuple[tuple[str, str], ...]
    """(slug, name in the reader's language) of the industries the exercises have tasks
    in, in the course's order."""
    exercise: str = ""
    industry: str = ""
    note: str = ""


def lesson_form(
    view: LessonView, locale: str, fields: Mapping[str, str] | None = None
) -> LessonForm:
    """The form for ``view``'s exercises; its only exercise is chosen already."""
    fields = fields or {}
    choices = view.exercise_choices
    offered = {industry for choice in choices for industry in choice.industries}
    exercise = fields.get(EXERCISE_FIELD, "")
    if not exercise and len(choices) == 1:
        exercise = choices[0].slug
    return LessonForm(
        language=view.language,
        exercises=tuple((choice.slug, choice.title) for choice in choices),
        industries=tuple(
            (slug, view.industries.name(slug, locale))
            for slug in view.industries.every
            if slug in offered
        ),
        exercise=exercise,
        industry=fields.get(INDUSTRY_FIELD, ""),
        note=fields.get(NOTE_FIELD, ""),
    )


# --- an upload from the form ---------------------------------------------------------------


def lesson_preflight(
    session: Session,
    principal: Principal,
    lesson_slug: str,
    exercise_slug: str,
    industry: str,
    idempotency_key: str,
) -> Preflight | SubmissionResult:
    """Step 1 for the lesson's form: a key used already answers with its first result;
    else the exercise must be one of the lesson's and the industry one of its tasks
    (:class:`ChoiceRefused`), then :func:`uploads.submissions.preflight`. May bind the LMS
    course and email grants: the caller commits."""
    replay = replayed_result(session, principal, idempotency_key)
    if replay is not None:
        return replay
    view = course_service.lesson_view(session, principal, lesson_slug)
    choice = next((c for c in view.exercise_choices if c.slug == exercise_slug), None)
    if choice is None:
        raise ChoiceRefused(EXERCISE_FIELD, NO_EXERCISE, reason=f"exercise {exercise_slug[:40]!r}")
    if (choice.industries or industry) and industry not in choice.industries:
        raise ChoiceRefused(INDUSTRY_FIELD, NO_INDUSTRY, reason=f"industry {industry[:20]!r}")
    return preflight(session, principal, choice.id, industry, idempotency_key)

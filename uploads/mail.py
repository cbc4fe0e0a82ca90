"""Emails about submissions (coaching issue §4): the learner's receipt, and the course's
tutors told of each new submission or once a day, as each tutor chose.

Every mail is an outbox row written into the caller's transaction (``kurswerk.core.outbox.queue``),
keyed so that it exists once: a retried request or a second worker adds nothing.

Who is a tutor of a course: a member whose role there is ``tutor`` (as of their latest
launch), or, before their first launch, someone the LMS roster (NRPS) listed as a tutor
with an email when Kurswerk last read it. A tutor without a stored preference gets one
mail per submission (``each``); one who never launched is written to in the deployment's
``KURSWERK_DEFAULT_LOCALE``.
Admins are not mailed: they are not the course's reviewers.

Each mail is in its reader's language: the learner's receipt in the learner's stored LMS
locale, each tutor's mail and digest in that tutor's own (``mail.recipient_locale``), whoever
uploaded. The few words we put into a mail's values (a nameless learner's label, a course
without a title) follow the reader too, through the same catalogs.

The daily digest (:func:`send_due_digests`) is run by the outbox worker's loop
(:func:`digest_task`). Each day at ``KURSWERK_DIGEST_HOUR`` (course time zone) - or at the
worker's first run after it - a digest is due for every tutor whose previous digest (or
whose choice of the digest) lies before that time. It covers every version uploaded
since then and is sent only when there is something in it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import and_, update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from course import service as course_service
from course.models import Exercise
from kurswerk.core import clock, i18n, mail
from kurswerk.core.auth import Role
from kurswerk.core.clock import as_utc, utcnow
from kurswerk.core.db import new_session
from kurswerk.core.email_links import EmailLinks, LinkReader
from kurswerk.core.i18n import DEFAULT_LOCALE, N_
from kurswerk.core.outbox.queue import enqueue_email
from kurswerk.core.outbox.worker import PeriodicTask
from kurswerk.core.paths import path_for
from kurswerk.core.settings import Settings
from lti import service as lti_service
from lti.models import LmsContext, Membership, PlatformUser
from uploads.models import Submission, SubmissionVersion, TutorMailMode, TutorMailPreference
from uploads.targets import SubmissionTarget

DIGEST_TASK = "uploads.tutor_digest"
DIGEST_CHECK_SECONDS = 300.0  # how often the worker asks whether a digest is due


UNNAMED_LABEL = N_("Teilnehmer:in ohne Namen (Nr. %(id)s)")
UNTITLED_COURSE = N_("Kurs")


def person_label(user: PlatformUser, locale: str = DEFAULT_LOCALE) -> str:
    """A person's name for tutors; someone whose LMS withheld the name still has one (in
    the language of the tutor who reads it)."""
    name = " ".join((user.name or "").split())
    if not name:
        name = " ".join(f"{user.given_name or ''} {user.family_name or ''}".split())
    return name or i18n.gettext(locale, UNNAMED_LABEL, id=user.id)


def _mail_to(
    session: Session,
    user: PlatformUser,
    template: str,
    *,
    locale: str,
    name_as: str,
    context: dict[str, Any],
    key: str | None = None,
) -> None:
    """Enqueue the mail ``template`` to ``user`` in ``locale``, their name on one line
    given to the template as ``name_as``."""
    enqueue_email(
        session,
        to=user.email,
        to_name=user.name,
        template=template,
        locale=locale,
        key=key,
        context={name_as: " ".join((user.name or "").split()), **context},
    )


def _url(settings: Settings, path: str, user: PlatformUser, context_id: int, role: Role) -> str:
    """``path`` as the mail to ``user`` (``role`` in ``context_id``) links to it: it opens
    for them outside the LMS too (``kurswerk.core.email_links``)."""
    assert user.id is not None
    reader = LinkReader(
        user.id, context_id, user.platform_id, role.value, mail.recipient_locale(user.locale)
    )
    return EmailLinks(settings).url(path, reader)


def enqueue_receipt(
    session: Session,
    learner: PlatformUser,
    target: SubmissionTarget,
    version: SubmissionVersion,
    settings: Settings,
    *,
    promised_on: date,
) -> None:
    """The learner's receipt (template ``submission_receipt``), with the feedback date
    promised for this version."""
    locale = mail.recipient_locale(learner.locale)
    _mail_to(
        session,
        learner,
        "submission_receipt",
        locale=locale,
        name_as="learner_name",
        context={
            "course_title": target.course_title,
            "exercise_title": target.exercise_title,
            "industry": target.industry_name(locale),
            "file_name": version.display_name,
            "version": version.number,
            "submitted_at": version.created_at,
            "promised_on": promised_on,
            "submissions_url": _url(
                settings,
                path_for("submission_list", context=target.context_id),
                learner,
                target.context_id,
                Role.LEARNER,
            ),
        },
        key=f"submission_receipt:{version.id}",
    )


@dataclass(frozen=True)
class Tutor:
    user: PlatformUser
    mode: TutorMailMode
    preference: TutorMailPreference | None


def course_tutors(session: Session, context_id: int) -> list[Tutor]:
    """The course's tutors with their mail choice: those who launched as tutors, and
    those the LMS roster lists as tutors who never launched (``lti.service.course_staff``;
    they cannot have chosen yet, so they get one mail per submission)."""
    staff = [user for user, _ in lti_service.course_staff(session, context_id, [Role.TUTOR])]
    ids = [user.id for user in staff]
    preferences = {
        pref.user_id: pref
        for pref in session.exec(
            select(TutorMailPreference).where(
                TutorMailPreference.context_id == context_id,
                col(TutorMailPreference.user_id).in_(ids),
            )
        ).all()
    }
    tutors = []
    for user in staff:
        pref = preferences.get(user.id or 0)
        tutors.append(Tutor(user, TutorMailMode(pref.mode) if pref else TutorMailMode.EACH, pref))
    return tutors


def _tutor_links(settings: Settings, context_id: int, tutor: PlatformUser) -> dict[str, str]:
    return {
        "queue_url": _url(
            settings, path_for("feedback_queue", context=context_id), tutor, context_id, Role.TUTOR
        ),
        "settings_url": _url(
            settings,
            path_for("submission_settings", context=context_id),
            tutor,
            context_id,
            Role.TUTOR,
        ),
    }


def enqueue_tutor_notifications(
    session: Session,
    learner: PlatformUser,
    target: SubmissionTarget,
    version: SubmissionVersion,
    settings: Settings,
) -> int:
    """One ``new_submission`` mail per tutor who chose ``each``; those who chose the daily
    digest get nothing now. Returns how many rows were written."""
    written = 0
    for tutor in course_tutors(session, target.context_id):
        if tutor.mode is not TutorMailMode.EACH or tutor.user.id == learner.id:
            continue
        locale = mail.recipient_locale(tutor.user.locale)
        _mail_to(
            session,
            tutor.user,
            "new_submission",
            locale=locale,
            name_as="tutor_name",
            context={
                "learner_name": person_label(learner, locale),
                "course_title": target.course_title,
                "exercise_title": target.exercise_title,
                "industry": target.industry_name(locale),
                "file_name": version.display_name,
                "pages": version.pages,
                "version": version.number,
                "submitted_at": version.created_at,
                "note": version.note,
                "feedback_target_days": settings.feedback_target_days,
                **_tutor_links(settings, target.context_id, tutor.user),
            },
            key=f"new_submission:{version.id}:{tutor.user.id}",
        )
        written += 1
    return written


# --- the tutor's choice -----------------------------------------------------------------


def tutor_mail_mode(session: Session, user_id: int, context_id: int) -> TutorMailMode:
    preference = _preference(session, user_id, context_id)
    return TutorMailMode(preference.mode) if preference else TutorMailMode.EACH


def _preference(session: Session, user_id: int, context_id: int) -> TutorMailPreference | None:
    return session.exec(
        select(TutorMailPreference).where(
            TutorMailPreference.user_id == user_id, TutorMailPreference.context_id == context_id
        )
    ).first()


def set_tutor_mail_mode(
    session: Session,
    user_id: int,
    context_id: int,
    mode: TutorMailMode,
    now: datetime | None = None,
) -> TutorMailPreference:
    """Store the tutor's choice. Choosing the digest starts its window now: submissions
    already mailed one by one are not listed again."""
    preference = _preference(session, user_id, context_id)
    if preference is None:
        preference = TutorMailPreference(user_id=user_id, context_id=context_id)
    if mode is TutorMailMode.DAILY and preference.mode != TutorMailMode.DAILY.value:
        preference.last_digest_at = now or utcnow()
    preference.mode = mode.value
    session.add(preference)
    session.flush()
    return preference


# --- the daily digest -------------------------------------------------------------------


def send_due_digests(session: Session, now: datetime, *, settings: Settings) -> int:
    """Enqueue one digest per tutor whose daily digest is due and has something in it;
    returns how many were enqueued. Idempotent: the preference row is advanced with a
    guarded UPDATE (a second worker finds nothing left to do) and each digest's outbox
    key names the tutor and the local day. The caller commits."""
    now = as_utc(now)
    today = clock.local(now)
    # Today's digest time: a digest is due for everyone whose last one (or whose choice of
    # the digest) lies before it.
    digest_time = today.replace(hour=settings.digest_hour, minute=0, second=0, microsecond=0)
    if today < digest_time:
        return 0
    rows = session.exec(
        select(TutorMailPreference, PlatformUser, LmsContext)
        .join(PlatformUser, col(PlatformUser.id) == col(TutorMailPreference.user_id))
        .join(LmsContext, col(LmsContext.id) == col(TutorMailPreference.context_id))
        .join(
            Membership,
            and_(
                col(Membership.user_id) == col(TutorMailPreference.user_id),
                col(Membership.context_id) == col(TutorMailPreference.context_id),
            ),
        )
        .where(
            TutorMailPreference.mode == TutorMailMode.DAILY.value,
            Membership.role == Role.TUTOR.value,
        )
        .order_by(col(TutorMailPreference.id))
    ).all()
    sent = 0
    for preference, tutor, context in rows:
        preference_id, last = preference.id, preference.last_digest_at
        if last is not None and as_utc(last) >= digest_time:
            continue
        if not _advance(session, preference, now):
            continue  # another worker took this one
        since = as_utc(last) if last is not None else now - timedelta(days=1)
        assert context.id is not None
        locale = mail.recipient_locale(tutor.locale)
        items = digest_items(session, context.id, since, now, locale=locale)
        if not items:
            continue
        _mail_to(
            session,
            tutor,
            "submissions_digest",
            locale=locale,
            name_as="tutor_name",
            context={
                "course_title": context.title or i18n.gettext(locale, UNTITLED_COURSE),
                "items": items,
                "since": since,
                "feedback_target_days": settings.feedback_target_days,
                **_tutor_links(settings, context.id, tutor),
            },
            key=f"submissions_digest:{preference_id}:{today.date().isoformat()}",
        )
        sent += 1
    return sent


def _advance(session: Session, preference: TutorMailPreference, now: datetime) -> bool:
    """Move ``last_digest_at`` to ``now`` only if nobody moved it since we read it."""
    column, seen = col(TutorMailPreference.last_digest_at), preference.last_digest_at
    unchanged = column.is_(None) if seen is None else column == seen
    result = session.execute(
        update(TutorMailPreference)
        .where(col(TutorMailPreference.id) == preference.id, unchanged)
        .values(last_digest_at=now)
        .execution_options(synchronize_session=False)
    )
    session.expire(preference)
    return bool(result.rowcount == 1)  # type: ignore[attr-defined]


def digest_items(
    session: Session,
    context_id: int,
    since: datetime,
    until: datetime,
    *,
    locale: str = DEFAULT_LOCALE,
) -> list[dict[str, Any]]:
    """Every version uploaded in this course in ``(since, until]``, oldest first; learners
    labelled for a reader in ``locale``."""
    rows = session.exec(
        select(SubmissionVersion, PlatformUser, Exercise.title, Submission.industry)
        .join(Submission, col(Submission.id) == col(SubmissionVersion.submission_id))
        .join(PlatformUser, col(PlatformUser.id) == col(Submission.user_id))
        .join(Exercise, col(Exercise.id) == col(Submission.exercise_id))
        .where(
            Submission.context_id == context_id,
            col(SubmissionVersion.created_at) > since,
            col(SubmissionVersion.created_at) <= until,
        )
        .order_by(col(SubmissionVersion.created_at), col(SubmissionVersion.id))
    ).all()
    industries = course_service.context_industries(session, context_id)
    return [
        {
            "learner_name": person_label(learner, locale),
            "exercise_title": title,
            "industry": industries.name(industry, locale),
            "version": version.number,
            "file_name": version.display_name,
            "submitted_at": version.created_at,
        }
        for version, learner, title, industry in rows
    ]


def digest_task(settings: Settings) -> PeriodicTask:
    """The outbox worker loop's job (``kurswerk worker``, the demo's in-process worker):
    enqueue due digests every few minutes, in a transaction of its own."""

    def run(engine: Engine, now: datetime) -> None:
        with new_session(engine) as session:
            send_due_digests(session, now, settings=settings)
            session.commit()

    return PeriodicTask(DIGEST_TASK, DIGEST_CHECK_SECONDS, run)
